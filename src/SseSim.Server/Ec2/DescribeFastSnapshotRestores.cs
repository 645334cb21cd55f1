using SseSim.Volumes;

namespace SseSim.Server.Ec2;

/// <summary>Fast snapshot restore states by snapshot and zone, filtered by availability-zone, owner-id, snapshot-id and state.</summary>
public static class DescribeFastSnapshotRestores
{
    private static readonly Dictionary<string, Func<FastSnapshotRestoreInfo, string>> FilterFields = new(StringComparer.Ordinal)
    {
        ["availability-zone"] = f => f.AvailabilityZone,
        ["owner-id"] = f => f.OwnerId,
        ["snapshot-id"] = f => f.SnapshotId,
        ["state"] = f => f.State,
    };

    public static Task<string> HandleAsync(Ec2Call call)
    {
        var filters = call.Request.Filters();
        if (filters?.Keys.FirstOrDefault(k => !FilterFields.ContainsKey(k)) is { } unknown)
        {
            throw Ec2Exception.InvalidFilter(unknown);
        }
        call.ThrowIfDryRun();
        var states = call.Volumes.DescribeFastSnapshotRestores(call.Caller)
            .Where(f => FilterMatch.All(filters, name => [FilterFields[name](f)]))
            .ToList();
        var (page, next) = call.Page(states, f => f.SnapshotId + "/" + f.AvailabilityZone, "", idsGiven: false, max: 200);
        using var xml = call.Response();
        return Task.FromResult(xml.Items("fastSnapshotRestoreSet", page, (x, f) => x.FastSnapshotRestore(f)).Element("nextToken", next).ToString());
    }
}
