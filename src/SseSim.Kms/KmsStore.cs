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
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private readonly IKeyValueStore _table;
    private readonly ConcurrentDictionary<string, KmsKey> _keys = new(StringComparer.Ordinal);
    // Alias names are unique per account and region: "<account>/<alias name>".
    private readonly ConcurrentDictionary<string, KmsAlias> _aliases = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, KmsGrant> _grants = new(StringComparer.Ordinal);

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
        await _table.PutAsync(KeyPrefix + key.KeyId, JsonSerializer.SerializeToUtf8Bytes(key, Json), cancellationToken);
        _keys[key.KeyId] = key;
    }

    public async ValueTask PutAliasAsync(KmsAlias alias, CancellationToken cancellationToken = default)
    {
        var id = AliasKey(alias.AccountId, alias.AliasName);
        await _table.PutAsync(AliasPrefix + id, JsonSerializer.SerializeToUtf8Bytes(alias, Json), cancellationToken);
        _aliases[id] = alias;
    }

    public async ValueTask DeleteAliasAsync(KmsAlias alias, CancellationToken cancellationToken = default)
    {
        var id = AliasKey(alias.AccountId, alias.AliasName);
        await _table.DeleteAsync(AliasPrefix + id, cancellationToken);
        _aliases.TryRemove(id, out _);
    }

    public async ValueTask PutGrantAsync(KmsGrant grant, CancellationToken cancellationToken = default)
    {
        await _table.PutAsync(GrantPrefix + grant.GrantId, JsonSerializer.SerializeToUtf8Bytes(grant, Json), cancellationToken);
        _grants[grant.GrantId] = grant;
    }

    public async ValueTask DeleteGrantAsync(KmsGrant grant, CancellationToken cancellationToken = default)
    {
        await _table.DeleteAsync(GrantPrefix + grant.GrantId, cancellationToken);
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
        await _table.ApplyAsync(batch, cancellationToken);
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

    private static string AliasKey(string accountId, string aliasName) => accountId + "/" + aliasName;
}
