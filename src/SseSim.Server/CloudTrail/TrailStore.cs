using System.Text.Json;
using System.Text.Json.Serialization;
using SseSim.Core.Storage;

namespace SseSim.Server.CloudTrail;

/// <summary>A trail as stored (docs/formats/cloudtrail-trails.md).</summary>
public sealed record TrailRecord
{
    public required string Name { get; init; }
    public required string AccountId { get; init; }
    public required string HomeRegion { get; init; }
    public required string S3BucketName { get; init; }
    public string? S3KeyPrefix { get; init; }
    public bool IncludeGlobalServiceEvents { get; init; } = true;
    public bool IsMultiRegionTrail { get; init; }
    public bool LogFileValidationEnabled { get; init; }
    public string? KmsKeyId { get; init; }
    public List<TrailTag> Tags { get; init; } = [];
    public string? EventSelectors { get; init; }
    public string? AdvancedEventSelectors { get; init; }
    public string? InsightSelectors { get; init; }
    public bool IsLogging { get; init; }
    public DateTimeOffset? StartLoggingTime { get; init; }
    public DateTimeOffset? StopLoggingTime { get; init; }
    public DateTimeOffset? DeliveredThrough { get; init; }

    /// <summary>The events of DeliveredThrough's second already looked at (the audit keeps some event times to the second only).</summary>
    public List<string>? DeliveredInLastSecond { get; init; }
    public DateTimeOffset? LatestDeliveryTime { get; init; }
    public DateTimeOffset? LatestDeliveryAttemptTime { get; init; }
    public string? LatestDeliveryError { get; init; }

    [JsonIgnore]
    public string Arn => $"arn:aws:cloudtrail:{HomeRegion}:{AccountId}:trail/{Name}";

    [JsonIgnore]
    public string Key => TrailStore.KeyOf(AccountId, HomeRegion, Name);
}

public sealed record TrailTag(string Key, string? Value);

/// <summary>The trails of every account, durable in the <c>cloudtrail</c> table; writes are serialized by one lock.</summary>
public sealed class TrailStore
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly IKeyValueStore _table;
    // The accounts with a logging trail that selects S3 object data events: S3 records those events only for them,
    // so the object path pays one empty-set check while no trail wants them.
    private volatile HashSet<string> _s3DataAccounts;

    public TrailStore(IKeyValueStore table)
    {
        _table = table;
        _s3DataAccounts = S3DataAccounts();
    }

    /// <summary>True while some account's logging trail selects S3 object data events.</summary>
    public bool AnyWantS3DataEvents => _s3DataAccounts.Count > 0;

    public bool WantsS3DataEvents(string? account)
    {
        var accounts = _s3DataAccounts;
        return accounts.Count > 0 && account is not null && accounts.Contains(account);
    }

    private HashSet<string> S3DataAccounts() =>
        [.. All().Where(t => t.IsLogging && TrailSelectors.SelectsS3Data(t)).Select(t => t.AccountId)];

    public static string KeyOf(string account, string region, string name) => $"trail/{account}/{region}/{name}";

    public TrailRecord? Find(string account, string region, string name) =>
        _table.TryGet(KeyOf(account, region, name), out var bytes) ? Read(bytes) : null;

    /// <summary>The account's trails in every Region, ordered by Region then name.</summary>
    public IReadOnlyList<TrailRecord> OfAccount(string account) =>
        [.. _table.Scan($"trail/{account}/").Select(e => Read(e.Value))];

    /// <summary>Every trail of every account (delivery).</summary>
    public IReadOnlyList<TrailRecord> All() => [.. _table.Scan("trail/").Select(e => Read(e.Value))];

    /// <summary>Runs <paramref name="change"/> under the store's lock and writes what it returns (null: delete <paramref name="key"/>).</summary>
    public async Task<T> UpdateAsync<T>(Func<(T Result, IReadOnlyList<KvMutation> Writes)> change)
    {
        await _lock.WaitAsync();
        try
        {
            var (result, writes) = change();
            if (writes.Count > 0)
            {
                await _table.ApplyAsync(writes);
                _s3DataAccounts = S3DataAccounts();
            }
            return result;
        }
        finally
        {
            _lock.Release();
        }
    }

    public static KvMutation Put(TrailRecord trail) => new(trail.Key, JsonSerializer.SerializeToUtf8Bytes(trail, Json));

    public static KvMutation Delete(TrailRecord trail) => new(trail.Key, null);

    /// <summary>Applies <paramref name="change"/> to the stored trail, if it still exists; returns the new record.</summary>
    public Task<TrailRecord?> ChangeAsync(TrailRecord trail, Func<TrailRecord, TrailRecord> change) => UpdateAsync<TrailRecord?>(() =>
    {
        var current = Find(trail.AccountId, trail.HomeRegion, trail.Name);
        if (current is null)
        {
            return (null, []);
        }
        var next = change(current);
        return (next, [Put(next)]);
    });

    private static TrailRecord Read(byte[] bytes) => JsonSerializer.Deserialize<TrailRecord>(bytes, Json)!;
}
