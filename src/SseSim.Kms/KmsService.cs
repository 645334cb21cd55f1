using SseSim.Core.Aws;
using SseSim.Core.Secrets;
using SseSim.Core.Storage;
using SseSim.Kms.Audit;
using SseSim.Kms.Authorization;
using SseSim.Kms.Crypto;
using SseSim.Kms.Faults;
using SseSim.Kms.Model;
using SseSim.Kms.Operations;

namespace SseSim.Kms;

/// <summary>
/// The embedded KMS. Every operation goes through <see cref="InvokeAsync{TRequest,TResponse}"/>, which applies
/// deletion-window purges, runs the handler with a <see cref="KmsCall"/> (resolution, key state, authorization
/// and quotas), and writes one audit event whether the call succeeds or fails. Injected faults (<see cref="Faults"/>)
/// strike before the handler, inside the audited region.
/// </summary>
public sealed class KmsService : IAsyncDisposable
{
    public KmsService(KmsOptions options, IStorageProvider storage, RootKey rootKey, TimeProvider time,
        System.Diagnostics.Metrics.IMeterFactory? meters = null, Func<double>? faultRandom = null)
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
        var outbox = Store.OutboxEvents();
        if (outbox.Count > 0)
        {
            Audit.RecoverOutboxAsync(outbox.Select(e => e.Value)).GetAwaiter().GetResult();
            Store.ClearOutboxAsync(outbox.Select(e => e.Key)).AsTask().GetAwaiter().GetResult();
        }
        Faults = new KmsFaults(time, faultRandom);
        Metrics = new KmsMetrics(meters);
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
    public KmsFaults Faults { get; }
    public KmsMetrics Metrics { get; }

    public Task<TResponse> InvokeAsync<TRequest, TResponse>(Caller caller, string operation, TRequest request,
        Func<KmsCall, TRequest, ValueTask<TResponse>> handler, CancellationToken cancellationToken = default)
        where TRequest : class =>
        InvokeAsync(new KmsCall(this, caller, operation, cancellationToken), request, handler);

    /// <summary>Runs <paramref name="call"/>; afterwards <see cref="KmsCall.AuditEventId"/> names its audit event, success or failure.</summary>
    public async Task<TResponse> InvokeAsync<TRequest, TResponse>(KmsCall call, TRequest request, Func<KmsCall, TRequest, ValueTask<TResponse>> handler)
        where TRequest : class
    {
        var operation = call.Operation;
        var cancellationToken = call.CancellationToken;
        TResponse response;
        // Only mutations get an outbox hook; a lambda here would allocate its closure on every call, reads included.
        OutboxHook? outbox = null;
        try
        {
            await PurgeExpiredKeysAsync(cancellationToken);
            await Faults.ApplyAsync(operation, cancellationToken);
            if (!AuditTrail.IsReadOnly(operation))
            {
                // Flows into the handler's store writes only (AsyncLocal changes made here end with this method).
                outbox = new OutboxHook(Audit, call, request, AuditTrail.NewEventId());
                KmsStore.PendingAuditEvent.Value = outbox.Build;
            }
            // AWS's front door checks the model constraints before anything else looks at the request.
            RequestErrors.Check(request);
            response = await handler(call, request);
        }
        catch (KmsException e)
        {
            RecordFailure(call, request, e, outbox?.WrittenEventId);
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var fault = new KmsException("KMSInternalException", "An internal error occurred.");
            RecordFailure(call, request, fault, outbox?.WrittenEventId);
            throw new KmsException(fault.ErrorType, fault.Message);
        }
        finally
        {
            if (outbox is not null)
            {
                KmsStore.PendingAuditEvent.Value = null;
            }
        }
        // A mutation is acknowledged only once its audit event is durable too, so after a crash every acknowledged
        // change has its event (and the outbox copy covers a crash between the change and the event).
        // The id is fixed here, not in the background writer, so S3 and EBS traces can cite the event.
        var eventId = outbox?.EventId ?? AuditTrail.NewEventId();
        var wrote = outbox?.WrittenEventId is not null;
        call.AuditEventId = eventId;
        var audited = Audit.Record(call, request, null, eventId, response);
        if (!audited.IsCompleted)
        {
            try
            {
                await audited;
            }
            catch (IOException)
            {
                var fault = new KmsException("KMSInternalException", "An internal error occurred.");
                Metrics.RecordCall(operation, call.Caller, fault);
                throw fault;
            }
        }
        if (wrote)
        {
            Store.SettleOutbox(eventId);
        }
        Metrics.RecordCall(operation, call.Caller, null);
        RecordBytes(operation, request, response);
        return response;
    }

    /// <summary>A mutation's audit event for the KMS table's outbox, built when the handler first writes.</summary>
    private sealed class OutboxHook(AuditTrail audit, KmsCall call, object request, string eventId)
    {
        public string EventId { get; } = eventId;

        /// <summary>The event id once the outbox copy was written, else null.</summary>
        public string? WrittenEventId { get; private set; }

        public (string EventId, byte[] Json) Build()
        {
            WrittenEventId = EventId;
            return (EventId, audit.BuildOutboxEvent(call, request, EventId));
        }
    }

    /// <summary>A call that failed after a write logs its failure under the outbox event's id, which then supersedes it.</summary>
    private void RecordFailure(KmsCall call, object request, KmsException error, string? outboxEventId)
    {
        call.AuditEventId = outboxEventId ?? AuditTrail.NewEventId();
        _ = Audit.Record(call, request, error, call.AuditEventId);
        Metrics.RecordCall(call.Operation, call.Caller, error);
        if (outboxEventId is not null)
        {
            Store.SettleOutbox(outboxEventId);
        }
    }

    private void RecordBytes<TRequest, TResponse>(string operation, TRequest request, TResponse response)
    {
        if (request is EncryptRequest { Plaintext: { } plaintext })
        {
            Metrics.RecordEncrypted(operation, plaintext.Length);
        }
        else if (response is DecryptResponse decrypted)
        {
            Metrics.RecordDecrypted(operation, decrypted.Plaintext.Length);
        }
    }

    private long _nextPurgeCheckTicks;

    /// <summary>
    /// Time-driven changes, applied lazily on the next call after they fall due: keys past their deletion window
    /// are deleted, keys with automatic rotation get new material on their rotation date, and imported key material
    /// past its ValidTo is deleted.
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
                // A primary whose last replica is gone starts its own waiting period (self-healing after a crash).
                { KeyState: KeyStates.PendingReplicaDeletion } when Store.Copies(key.KeyId).Count == 1 => now,
                // Replicas rotate with their primary, in the same batch.
                { RotationEnabled: true, NextRotationDate: { } r, IsPrimary: true } => r,
                _ => null,
            };
            var expiry = EarliestExpiry(key);
            if (!IsDue(due, now, ref next) & !IsDue(expiry, now, ref next))
            {
                continue;
            }
            await Store.WriteLock.WaitAsync(cancellationToken);
            try
            {
                var current = Store.Current(key);
                // Material that expired before the key's deletion date is deleted first, as AWS would have then.
                if (current is not null && EarliestExpiry(current) is { } x && x <= now && !DeletedBefore(current, x))
                {
                    current = await ExpireMaterialWithEventsAsync(current, now, cancellationToken);
                    if (EarliestExpiry(current) is { } later)
                    {
                        next = later < next ? later : next;
                    }
                }
                if (current is { KeyState: KeyStates.PendingDeletion, DeletionDate: { } d } && d <= now)
                {
                    await PurgeWithEventAsync(current, now, cancellationToken);
                    Vault.Forget(current.KeyId);
                    Authorizer.KeyPurged(current);
                    if (current.IsMultiRegion && await StartPrimaryDeletionAsync(current.KeyId, d, cancellationToken) is { } primaryDue)
                    {
                        next = primaryDue < next ? primaryDue : next;
                    }
                }
                else if (current is { KeyState: KeyStates.PendingReplicaDeletion } && Store.Copies(current.KeyId).Count == 1)
                {
                    if (await StartPrimaryDeletionAsync(current.KeyId, now, cancellationToken) is { } primaryDue)
                    {
                        next = primaryDue < next ? primaryDue : next;
                    }
                }
                else if (current is { RotationEnabled: true, NextRotationDate: { } r, RotationPeriodInDays: { } period, IsPrimary: true } && r <= now)
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
                    if (ReferenceEquals(rotated, current))
                    {
                        await Store.PutKeyAsync(current with { NextRotationDate = nextRotation }, cancellationToken);
                    }
                    else
                    {
                        await RotateWithEventAsync(current, rotated with { NextRotationDate = nextRotation }, now, cancellationToken);
                    }
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

    // The service-event paths are methods of their own: lambdas in PurgeExpiredKeysAsync that capture its locals or
    // parameters would allocate their closure on every call, the common nothing-due return included.
    private Task PurgeWithEventAsync(KmsKey key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var eventId = AuditTrail.NewEventId();
        return WithServiceEventAsync(eventId, ServiceEvents.DeleteKey(key, eventId, now, key.Region),
            () => Store.PurgeKeyAsync(key, cancellationToken));
    }

    private Task RotateWithEventAsync(KmsKey current, KmsKey rotated, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var eventId = AuditTrail.NewEventId();
        return WithServiceEventAsync(eventId, ServiceEvents.RotateKey(current, current.Materials[^1], rotated.Materials[^1], eventId, now, current.Region),
            () => Store.PutKeysAsync(WithReplicas(rotated), cancellationToken));
    }

    /// <summary>
    /// <paramref name="primary"/> and every other copy of its multi-Region key with the shared properties (material and
    /// rotation) copied from it, for one batch; just the key for a single-Region key.
    /// </summary>
    public IReadOnlyList<KmsKey> WithReplicas(KmsKey primary) => !primary.IsMultiRegion ? [primary]
        : [primary, .. Store.Copies(primary.KeyId).Where(c => c.Region != primary.Region).Select(c => MultiRegion.SyncShared(primary, c))];

    /// <summary>
    /// After a replica of <paramref name="keyId"/> is deleted: if its primary waits in PendingReplicaDeletion and has no
    /// replica left, its own waiting period starts at <paramref name="from"/> (the last replica's deletion). The caller
    /// holds the write lock. Returns the primary's deletion date, if set.
    /// </summary>
    private async ValueTask<DateTimeOffset?> StartPrimaryDeletionAsync(string keyId, DateTimeOffset from, CancellationToken cancellationToken)
    {
        var copies = Store.Copies(keyId);
        if (copies is not [{ KeyState: KeyStates.PendingReplicaDeletion, PendingDeletionWindowInDays: { } days } primary])
        {
            return null;
        }
        var due = from.AddDays(days);
        await Store.PutKeyAsync(primary with { KeyState = KeyStates.PendingDeletion, DeletionDate = due }, cancellationToken);
        return due;
    }

    /// <summary>Whether <paramref name="when"/> has come; if not, it may be the next check's time.</summary>
    private static bool IsDue(DateTimeOffset? when, DateTimeOffset now, ref DateTimeOffset next)
    {
        if (when is not { } w)
        {
            return false;
        }
        if (w > now)
        {
            next = w < next ? w : next;
            return false;
        }
        return true;
    }

    private static bool DeletedBefore(KmsKey key, DateTimeOffset time) =>
        key is { KeyState: KeyStates.PendingDeletion, DeletionDate: { } d } && d < time;

    /// <summary>The earliest ValidTo of an imported key's material that is still there, else null.</summary>
    private static DateTimeOffset? EarliestExpiry(KmsKey key)
    {
        if (key.Origin != Origins.External)
        {
            return null;
        }
        DateTimeOffset? earliest = null;
        // Indexed, not foreach: the interface enumerator would allocate on every check of every imported key.
        for (var i = 0; i < key.Materials.Count; i++)
        {
            earliest = Earlier(earliest, key.Materials[i]);
        }
        return key.PendingMaterial is { } pending ? Earlier(earliest, pending) : earliest;

        static DateTimeOffset? Earlier(DateTimeOffset? earliest, KeyMaterial m) =>
            ExpiresAt(m) is { } v && (earliest is null || v < earliest) ? v : earliest;
    }

    /// <summary>When imported material that is still there expires; null for material without a ValidTo or already deleted.</summary>
    private static DateTimeOffset? ExpiresAt(KeyMaterial? m) => m is { ValidTo: { } v, Sealed.Length: > 0 } ? v : null;

    /// <summary>Whether an imported key holds material past its ValidTo that is not deleted yet.</summary>
    internal static bool HasExpiredMaterial(KmsKey key, DateTimeOffset now) => EarliestExpiry(key) is { } x && x <= now;

    /// <summary>
    /// Imported key material is deleted at its ValidTo (the key goes to PendingImport), each material with its own
    /// DeleteExpiredKeyMaterial service event. The caller holds the write lock.
    /// </summary>
    private async Task<KmsKey> ExpireMaterialWithEventsAsync(KmsKey key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var expired = key.Materials.Append(key.PendingMaterial)
            .Where(m => ExpiresAt(m) is { } v && v <= now)
            .Select(m => m!).OrderBy(m => m.ValidTo).ToList();
        foreach (var material in expired)
        {
            var wiped = CryptoSupport.Wipe(key, m => m.Id == material.Id);
            var eventId = AuditTrail.NewEventId();
            await WithServiceEventAsync(eventId, ServiceEvents.DeleteExpiredKeyMaterial(key, material, eventId, now, key.Region),
                () => Store.PutKeyAsync(wiped, cancellationToken));
            key = wiped;
        }
        Vault.Forget(key.KeyId);
        return key;
    }

    /// <summary>Deletes <paramref name="keyId"/>'s expired imported material now, for a call that found it before the periodic check.</summary>
    public async ValueTask ExpireImportedMaterialAsync(KmsKey key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await Store.WriteLock.WaitAsync(cancellationToken);
        try
        {
            if (Store.Current(key) is { } current && HasExpiredMaterial(current, now))
            {
                await ExpireMaterialWithEventsAsync(current, now, cancellationToken);
            }
        }
        finally
        {
            Store.WriteLock.Release();
        }
    }

    /// <summary>
    /// A change KMS makes on its own, written with its service event in the KMS table's outbox (as a call's mutation
    /// is), then the event appended to the audit log; a crash between the two leaves the outbox copy for startup.
    /// </summary>
    private async Task WithServiceEventAsync(string eventId, byte[] json, Func<ValueTask> change)
    {
        KmsStore.PendingAuditEvent.Value = () => (eventId, json);
        try
        {
            await change();
        }
        finally
        {
            KmsStore.PendingAuditEvent.Value = null;
        }
        await Audit.RecordServiceEvent(json);
        Store.SettleOutbox(eventId);
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

    /// <summary>
    /// Runs a mutation under the store's write lock with the freshest copy of the key. With <paramref name="shared"/>
    /// the change is to a multi-Region primary's shared properties, written to every copy in one batch.
    /// </summary>
    public async ValueTask<KmsKey> UpdateKeyAsync(KmsKey key, Func<KmsKey, KmsKey> change, CancellationToken cancellationToken = default, bool shared = false)
    {
        await Store.WriteLock.WaitAsync(cancellationToken);
        try
        {
            var current = Store.Current(key) ?? throw KmsException.NotFound($"Key '{key.Arn}' does not exist");
            var updated = change(current);
            if (!ReferenceEquals(updated, current))
            {
                await Store.PutKeysAsync(shared ? WithReplicas(updated) : [updated], cancellationToken);
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
        Metrics.Dispose();
    }
}
