using System.Collections.Concurrent;
using System.Text.Json;
using SseSim.Core.Storage;
using SseSim.Kms.Model;

namespace SseSim.Kms;

/// <summary>
/// KMS state: keys, aliases and grants, held in memory for speed and written through to a durable table.
/// Every mutation is durable before it returns (IKeyValueStore contract), so an acknowledged change survives kill -9.
/// </summary>
public sealed class KmsStore
{
    private const string KeyPrefix = "key/";
    private const string AliasPrefix = "alias/";
    private const string GrantPrefix = "grant/";
    private const string OutboxPrefix = "audit-outbox/";
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private readonly IKeyValueStore _table;
    // By StoreId: the key id, or "<Region>/<mrk id>" for a copy of a multi-Region key (every copy has the same id).
    private readonly ConcurrentDictionary<string, KmsKey> _keys = new(StringComparer.Ordinal);
    // By AliasId: "<account>/<alias name>" for an alias of a single-Region key (served in every Region, as the key is),
    // "<account>/<Region>/<alias name>" for one of a multi-Region copy (Regional, as in AWS).
    private readonly ConcurrentDictionary<string, KmsAlias> _aliases = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, KmsGrant> _grants = new(StringComparer.Ordinal);
    // Outbox entries whose event is now in the audit log: deleted by the next write's batch, not by a write of their own.
    private readonly ConcurrentQueue<string> _settledOutbox = new();

    /// <summary>
    /// Set by <see cref="KmsService"/> for the duration of a mutating call: builds the call's audit event, which every
    /// write of the call adds to its batch (the audit outbox), so the change and its event commit atomically.
    /// </summary>
    internal static readonly AsyncLocal<Func<(string EventId, byte[] Json)>?> PendingAuditEvent = new();

    public KmsStore(IKeyValueStore table)
    {
        _table = table;
        foreach (var (k, v) in table.Scan(KeyPrefix))
        {
            var key = JsonSerializer.Deserialize<KmsKey>(v, Json)!;
            _keys[StoreId(key)] = key;
        }
        foreach (var (_, v) in table.Scan(AliasPrefix))
        {
            var alias = JsonSerializer.Deserialize<KmsAlias>(v, Json)!;
            _aliases[AliasId(alias)] = alias;
        }
        foreach (var (_, v) in table.Scan(GrantPrefix))
        {
            var grant = JsonSerializer.Deserialize<KmsGrant>(v, Json)!;
            _grants[grant.GrantId] = grant;
        }
    }

    /// <summary>Serializes mutations so read-modify-write of one record never loses an update.</summary>
    public SemaphoreSlim WriteLock { get; } = new(1, 1);

    /// <summary>
    /// A key by id. A multi-Region id names one copy per Region, so it needs <paramref name="region"/> (without one it
    /// finds nothing); a single-Region key is found whatever the Region.
    /// </summary>
    public KmsKey? FindKey(string keyId, string? region = null) =>
        _keys.TryGetValue(KmsKey.IsMultiRegionId(keyId) ? region + "/" + keyId : keyId, out var k) ? k : null;

    /// <summary>The key a grant is for (for a multi-Region key, the copy it was created on).</summary>
    public KmsKey? KeyOf(KmsGrant grant) => _keys.TryGetValue(StoreId(grant), out var k) ? k : null;

    /// <summary>The same key again, as stored now (null once purged).</summary>
    public KmsKey? Current(KmsKey key) => _keys.TryGetValue(StoreId(key), out var k) ? k : null;

    /// <summary>Every copy of the multi-Region key <paramref name="keyId"/> (any account), primary first, then by Region.</summary>
    public IReadOnlyList<KmsKey> Copies(string keyId) =>
        [.. _keys.Values.Where(k => k.KeyId == keyId).OrderBy(k => k.IsPrimary ? 0 : 1).ThenBy(k => k.Region, StringComparer.Ordinal)];

    public IEnumerable<KmsKey> Keys => _keys.Values;

    /// <summary>
    /// Where a key lives in the store: its id, or "Region/id" for a multi-Region copy. Grants and the authorizer's
    /// grant index use it too.
    /// </summary>
    public static string StoreId(KmsKey key) => key.IsMultiRegion || KmsKey.IsMultiRegionId(key.KeyId) ? key.Region + "/" + key.KeyId : key.KeyId;

    /// <summary>The <see cref="StoreId(KmsKey)"/> of the key a grant is for (the Region is in the grant's key ARN).</summary>
    public static string StoreId(KmsGrant grant) =>
        KmsKey.IsMultiRegionId(grant.KeyId) ? grant.KeyArn.Split(':')[3] + "/" + grant.KeyId : grant.KeyId;

    /// <summary>
    /// The alias <paramref name="aliasName"/> as a caller in <paramref name="region"/> sees it: one on a multi-Region copy
    /// of that Region, else one on a single-Region key (which every Region sees).
    /// </summary>
    public KmsAlias? FindAlias(string accountId, string aliasName, string? region = null) =>
        (region is not null && _aliases.TryGetValue(accountId + "/" + region + "/" + aliasName, out var r) ? r : null)
        ?? (_aliases.TryGetValue(accountId + "/" + aliasName, out var a) ? a : null);

    /// <summary>Whether an alias of that name is seen from <paramref name="region"/>, or, for null, from any Region.</summary>
    public bool AliasNameTaken(string accountId, string aliasName, string? region) =>
        region is null ? _aliases.Values.Any(a => a.AccountId == accountId && a.AliasName == aliasName) : FindAlias(accountId, aliasName, region) is not null;

    /// <summary>Whether a caller in <paramref name="region"/> sees <paramref name="alias"/>.</summary>
    public static bool AliasVisibleIn(KmsAlias alias, string region) => !KmsKey.IsMultiRegionId(alias.TargetKeyId) || alias.Region == region;

    public IEnumerable<KmsAlias> Aliases => _aliases.Values;

    public KmsGrant? FindGrant(string grantId) => _grants.TryGetValue(grantId, out var g) ? g : null;

    public IEnumerable<KmsGrant> Grants => _grants.Values;

    /// <summary>The grants of the key stored as <paramref name="storeId"/> (see <see cref="StoreId(KmsKey)"/>).</summary>
    public IEnumerable<KmsGrant> GrantsFor(string storeId) => _grants.Values.Where(g => StoreId(g) == storeId);

    public IEnumerable<KmsGrant> GrantsFor(KmsKey key) => GrantsFor(StoreId(key));

    public ValueTask PutKeyAsync(KmsKey key, CancellationToken cancellationToken = default) => PutKeysAsync([key], cancellationToken);

    /// <summary>Stores several keys in one atomic batch: the copies of a multi-Region key changed together (rotation, primary Region).</summary>
    public async ValueTask PutKeysAsync(IReadOnlyList<KmsKey> keys, CancellationToken cancellationToken = default)
    {
        await WriteAsync([.. keys.Select(k => new KvMutation(KeyPrefix + StoreId(k), JsonSerializer.SerializeToUtf8Bytes(k, Json)))], cancellationToken);
        foreach (var key in keys)
        {
            _keys[StoreId(key)] = key;
        }
    }

    /// <summary>Stores <paramref name="alias"/>; <paramref name="replacing"/> is its previous version, when UpdateAlias moves it.</summary>
    public async ValueTask PutAliasAsync(KmsAlias alias, CancellationToken cancellationToken = default, KmsAlias? replacing = null)
    {
        var id = AliasId(alias);
        var batch = new List<KvMutation> { new(AliasPrefix + id, JsonSerializer.SerializeToUtf8Bytes(alias, Json)) };
        // Moving an alias between a single-Region key and a multi-Region copy changes its id.
        var moved = replacing is not null && AliasId(replacing) != id ? AliasId(replacing) : null;
        if (moved is not null)
        {
            batch.Add(new(AliasPrefix + moved, null));
        }
        await WriteAsync(batch, cancellationToken);
        _aliases[id] = alias;
        if (moved is not null)
        {
            _aliases.TryRemove(moved, out _);
        }
    }

    public async ValueTask DeleteAliasAsync(KmsAlias alias, CancellationToken cancellationToken = default)
    {
        var id = AliasId(alias);
        await WriteAsync([new(AliasPrefix + id, null)], cancellationToken);
        _aliases.TryRemove(id, out _);
    }

    public async ValueTask PutGrantAsync(KmsGrant grant, CancellationToken cancellationToken = default)
    {
        await WriteAsync([new(GrantPrefix + grant.GrantId, JsonSerializer.SerializeToUtf8Bytes(grant, Json))], cancellationToken);
        _grants[grant.GrantId] = grant;
    }

    public async ValueTask DeleteGrantAsync(KmsGrant grant, CancellationToken cancellationToken = default)
    {
        await WriteAsync([new(GrantPrefix + grant.GrantId, null)], cancellationToken);
        _grants.TryRemove(grant.GrantId, out _);
    }

    /// <summary>Deletes a key with its aliases and grants in one atomic batch (end of the deletion window).</summary>
    public async ValueTask PurgeKeyAsync(KmsKey key, CancellationToken cancellationToken = default)
    {
        var aliases = AliasesOf(key).ToList();
        var grants = GrantsFor(key).ToList();
        var batch = new List<KvMutation> { new(KeyPrefix + StoreId(key), null) };
        batch.AddRange(aliases.Select(a => new KvMutation(AliasPrefix + AliasId(a), null)));
        batch.AddRange(grants.Select(g => new KvMutation(GrantPrefix + g.GrantId, null)));
        await WriteAsync(batch, cancellationToken);
        _keys.TryRemove(StoreId(key), out _);
        foreach (var a in aliases)
        {
            _aliases.TryRemove(AliasId(a), out _);
        }
        foreach (var g in grants)
        {
            _grants.TryRemove(g.GrantId, out _);
        }
    }

    /// <summary>Audit events of calls whose change committed; non-empty at startup only if a crash cut a call short.</summary>
    public IReadOnlyList<KeyValuePair<string, byte[]>> OutboxEvents() => _table.Scan(OutboxPrefix);

    /// <summary>The event is in the audit log now; its outbox entry goes with the next write.</summary>
    public void SettleOutbox(string eventId) => _settledOutbox.Enqueue(eventId);

    public ValueTask ClearOutboxAsync(IEnumerable<string> entryKeys, CancellationToken cancellationToken = default) =>
        _table.ApplyAsync([.. entryKeys.Select(k => new KvMutation(k, null))], cancellationToken);

    private ValueTask WriteAsync(List<KvMutation> batch, CancellationToken cancellationToken)
    {
        while (_settledOutbox.TryDequeue(out var settled))
        {
            batch.Add(new KvMutation(OutboxPrefix + settled, null));
        }
        if (PendingAuditEvent.Value is { } build)
        {
            var (eventId, json) = build();
            batch.Add(new KvMutation(OutboxPrefix + eventId, json));
        }
        return _table.ApplyAsync(batch, cancellationToken);
    }

    /// <summary>The aliases that point at <paramref name="key"/> (for a multi-Region copy, those of its Region).</summary>
    public IEnumerable<KmsAlias> AliasesOf(KmsKey key) =>
        _aliases.Values.Where(a => a.TargetKeyId == key.KeyId && (!key.IsMultiRegion || a.Region == key.Region));

    // Single-Region keys' aliases keep the id (and table key) they always had, so existing records stay readable.
    private static string AliasId(KmsAlias alias) => KmsKey.IsMultiRegionId(alias.TargetKeyId)
        ? alias.AccountId + "/" + alias.Region + "/" + alias.AliasName
        : alias.AccountId + "/" + alias.AliasName;
}
