using SseSim.Core.Aws;
using SseSim.Core.Secrets;
using SseSim.Core.Storage;
using SseSim.Kms.Audit;
using SseSim.Kms.Authorization;
using SseSim.Kms.Crypto;
using SseSim.Kms.Model;

namespace SseSim.Kms;

/// <summary>
/// The embedded KMS. Every operation goes through <see cref="InvokeAsync{TRequest,TResponse}"/>, which applies
/// deletion-window purges, runs the handler with a <see cref="KmsCall"/> (resolution, key state, authorization
/// and quotas), and writes one audit event whether the call succeeds or fails.
/// </summary>
public sealed class KmsService : IAsyncDisposable
{
    public KmsService(KmsOptions options, IStorageProvider storage, RootKey rootKey, TimeProvider time)
    {
        Options = options;
        Time = time;
        RootKey = rootKey;
        Store = new KmsStore(storage.OpenTable("kms"));
        Vault = new KeyMaterialVault(rootKey, time);
        ManagedKeys = new AwsManagedKeys(Store, Vault, options, time);
        Resolver = new KeyResolver(Store, options, ManagedKeys);
        Authorizer = new KeyAuthorizer(Store, time);
        Quotas = new RequestQuotas(options, time);
        Audit = new AuditTrail(storage.OpenLog("audit"), time, options.Region);
    }

    public KmsOptions Options { get; }
    public TimeProvider Time { get; }
    public RootKey RootKey { get; }
    public KmsStore Store { get; }
    public KeyMaterialVault Vault { get; }
    public AwsManagedKeys ManagedKeys { get; }
    public KeyResolver Resolver { get; }
    public KeyAuthorizer Authorizer { get; }
    public RequestQuotas Quotas { get; }
    public AuditTrail Audit { get; }

    public async Task<TResponse> InvokeAsync<TRequest, TResponse>(Caller caller, string operation, TRequest request,
        Func<KmsCall, TRequest, ValueTask<TResponse>> handler, CancellationToken cancellationToken = default)
        where TRequest : class
    {
        var call = new KmsCall(this, caller, operation, cancellationToken);
        try
        {
            await PurgeExpiredKeysAsync(cancellationToken);
            var response = await handler(call, request);
            Audit.Record(call, request, null);
            return response;
        }
        catch (KmsException e)
        {
            Audit.Record(call, request, e);
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var fault = new KmsException("KMSInternalException", "An internal error occurred.");
            Audit.Record(call, request, fault);
            throw new KmsException(fault.ErrorType, fault.Message);
        }
    }

    private long _nextPurgeCheckTicks;

    /// <summary>Keys whose deletion window has passed are deleted lazily, on the next call after their date.</summary>
    public async ValueTask PurgeExpiredKeysAsync(CancellationToken cancellationToken = default)
    {
        var now = Time.GetUtcNow();
        if (now.UtcTicks < Interlocked.Read(ref _nextPurgeCheckTicks))
        {
            return;
        }
        var next = DateTimeOffset.MaxValue;
        foreach (var key in Store.Keys)
        {
            if (key.KeyState != KeyStates.PendingDeletion || key.DeletionDate is not { } due)
            {
                continue;
            }
            if (due <= now)
            {
                await Store.WriteLock.WaitAsync(cancellationToken);
                try
                {
                    if (Store.FindKey(key.KeyId) is { KeyState: KeyStates.PendingDeletion, DeletionDate: { } d } current && d <= now)
                    {
                        await Store.PurgeKeyAsync(current, cancellationToken);
                        Vault.Forget(current.KeyId);
                    }
                }
                finally
                {
                    Store.WriteLock.Release();
                }
            }
            else if (due < next)
            {
                next = due;
            }
        }
        Interlocked.Exchange(ref _nextPurgeCheckTicks, next.UtcTicks);
    }

    /// <summary>Call after any change that sets a new deletion date, so the next purge check is not skipped.</summary>
    public void DeletionScheduled(DateTimeOffset due)
    {
        long current;
        do
        {
            current = Interlocked.Read(ref _nextPurgeCheckTicks);
            if (due.UtcTicks >= current)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _nextPurgeCheckTicks, due.UtcTicks, current) != current);
    }

    /// <summary>Runs a mutation under the store's write lock with the freshest copy of the key.</summary>
    public async ValueTask<KmsKey> UpdateKeyAsync(string keyId, Func<KmsKey, KmsKey> change, CancellationToken cancellationToken = default)
    {
        await Store.WriteLock.WaitAsync(cancellationToken);
        try
        {
            var current = Store.FindKey(keyId) ?? throw KmsException.NotFound($"Key '{keyId}' does not exist");
            var updated = change(current);
            if (!ReferenceEquals(updated, current))
            {
                await Store.PutKeyAsync(updated, cancellationToken);
            }
            return updated;
        }
        finally
        {
            Store.WriteLock.Release();
        }
    }

    public SecretBytes OpenMaterial(KmsKey key, KeyMaterial material) => Vault.Open(key, material);

    public async ValueTask DisposeAsync()
    {
        await Audit.DisposeAsync();
        Vault.Dispose();
    }
}
