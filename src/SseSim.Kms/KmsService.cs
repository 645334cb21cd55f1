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
        ManagedKeys = new AwsManagedKeys(Store, Vault, options, time, ScheduleMaintenance);
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
        TResponse response;
        try
        {
            await PurgeExpiredKeysAsync(cancellationToken);
            response = await handler(call, request);
        }
        catch (KmsException e)
        {
            _ = Audit.Record(call, request, e);
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var fault = new KmsException("KMSInternalException", "An internal error occurred.");
            _ = Audit.Record(call, request, fault);
            throw new KmsException(fault.ErrorType, fault.Message);
        }
        // A mutation is acknowledged only once its audit event is durable too, so after a crash every acknowledged
        // change has its event.
        var audited = Audit.Record(call, request, null);
        if (!audited.IsCompleted)
        {
            try
            {
                await audited;
            }
            catch (IOException)
            {
                throw new KmsException("KMSInternalException", "An internal error occurred.");
            }
        }
        return response;
    }

    private long _nextPurgeCheckTicks;

    /// <summary>
    /// Time-driven changes, applied lazily on the next call after they fall due: keys past their deletion window
    /// are deleted, and keys with automatic rotation get new material on their rotation date.
    /// </summary>
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
            DateTimeOffset? due = key switch
            {
                { KeyState: KeyStates.PendingDeletion, DeletionDate: { } d } => d,
                { RotationEnabled: true, NextRotationDate: { } r } => r,
                _ => null,
            };
            if (due is not { } when)
            {
                continue;
            }
            if (when > now)
            {
                next = when < next ? when : next;
                continue;
            }
            await Store.WriteLock.WaitAsync(cancellationToken);
            try
            {
                var current = Store.FindKey(key.KeyId);
                if (current is { KeyState: KeyStates.PendingDeletion, DeletionDate: { } d } && d <= now)
                {
                    await Store.PurgeKeyAsync(current, cancellationToken);
                    Vault.Forget(current.KeyId);
                }
                else if (current is { RotationEnabled: true, NextRotationDate: { } r, RotationPeriodInDays: { } period } && r <= now)
                {
                    // Disabled or pending-deletion keys are not rotated (rotate-keys.md); their date moves on.
                    var rotated = current.KeyState == KeyStates.Enabled
                        ? current with { Materials = [.. current.Materials, Vault.Generate(current.KeyId, current.KeySpec, "AUTOMATIC")] }
                        : current;
                    var nextRotation = r;
                    while (nextRotation <= now)
                    {
                        nextRotation = nextRotation.AddDays(period);
                    }
                    await Store.PutKeyAsync(rotated with { NextRotationDate = nextRotation }, cancellationToken);
                    next = nextRotation < next ? nextRotation : next;
                }
            }
            finally
            {
                Store.WriteLock.Release();
            }
        }
        Interlocked.Exchange(ref _nextPurgeCheckTicks, next.UtcTicks);
    }

    /// <summary>Call after any change that sets a new deletion or rotation date, so the next check is not skipped.</summary>
    public void ScheduleMaintenance(DateTimeOffset due)
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
