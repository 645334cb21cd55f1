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
    private readonly ConcurrentDictionary<string, KmsKey> _keys = new(StringComparer.Ordinal);
    // Alias names are unique per account and region: "<account>/<alias name>".
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
            _keys[key.KeyId] = key;
        }
        foreach (var (_, v) in table.Scan(AliasPrefix))
        {
            var alias = JsonSerializer.Deserialize<KmsAlias>(v, Json)!;
            _aliases[AliasKey(alias.AccountId, alias.AliasName)] = alias;
        }
        foreach (var (_, v) in table.Scan(GrantPrefix))
        {
            var grant = JsonSerializer.Deserialize<KmsGrant>(v, Json)!;
            _grants[grant.GrantId] = grant;
        }
    }

    /// <summary>Serializes mutations so read-modify-write of one record never loses an update.</summary>
    public SemaphoreSlim WriteLock { get; } = new(1, 1);

    public KmsKey? FindKey(string keyId) => _keys.TryGetValue(keyId, out var k) ? k : null;

    public IEnumerable<KmsKey> Keys => _keys.Values;

    public KmsAlias? FindAlias(string accountId, string aliasName) =>
        _aliases.TryGetValue(AliasKey(accountId, aliasName), out var a) ? a : null;

    public IEnumerable<KmsAlias> Aliases => _aliases.Values;

    public KmsGrant? FindGrant(string grantId) => _grants.TryGetValue(grantId, out var g) ? g : null;

    public IEnumerable<KmsGrant> Grants => _grants.Values;

    public IEnumerable<KmsGrant> GrantsFor(string keyId) => _grants.Values.Where(g => g.KeyId == keyId);

    public async ValueTask PutKeyAsync(KmsKey key, CancellationToken cancellationToken = default)
    {
        await WriteAsync([new(KeyPrefix + key.KeyId, JsonSerializer.SerializeToUtf8Bytes(key, Json))], cancellationToken);
        _keys[key.KeyId] = key;
    }

    public async ValueTask PutAliasAsync(KmsAlias alias, CancellationToken cancellationToken = default)
    {
        var id = AliasKey(alias.AccountId, alias.AliasName);
        await WriteAsync([new(AliasPrefix + id, JsonSerializer.SerializeToUtf8Bytes(alias, Json))], cancellationToken);
        _aliases[id] = alias;
    }

    public async ValueTask DeleteAliasAsync(KmsAlias alias, CancellationToken cancellationToken = default)
    {
        var id = AliasKey(alias.AccountId, alias.AliasName);
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
        var aliases = _aliases.Values.Where(a => a.TargetKeyId == key.KeyId).ToList();
        var grants = GrantsFor(key.KeyId).ToList();
        var batch = new List<KvMutation> { new(KeyPrefix + key.KeyId, null) };
        batch.AddRange(aliases.Select(a => new KvMutation(AliasPrefix + AliasKey(a.AccountId, a.AliasName), null)));
        batch.AddRange(grants.Select(g => new KvMutation(GrantPrefix + g.GrantId, null)));
        await WriteAsync(batch, cancellationToken);
        _keys.TryRemove(key.KeyId, out _);
        foreach (var a in aliases)
        {
            _aliases.TryRemove(AliasKey(a.AccountId, a.AliasName), out _);
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

    private static string AliasKey(string accountId, string aliasName) => accountId + "/" + aliasName;
}
