using SseSim.Volumes;

namespace SseSim.Server.Ec2;

/// <summary>The caller's locked snapshots (expired locks too), filtered by <c>lock-state</c>, paged by snapshot id.</summary>
public static class DescribeLockedSnapshots
{
    public static Task<string> HandleAsync(Ec2Call call)
    {
        var ids = call.Request.List("SnapshotId");
        var filters = call.Request.Filters();
        if (filters?.Keys.FirstOrDefault(k => k != "lock-state") is { } unknown)
        {
            throw Ec2Exception.InvalidFilter(unknown);
        }
        call.ThrowIfDryRun();
        var locks = call.Volumes.DescribeLockedSnapshots(call.Caller, ids.Count == 0 ? null : ids)
            .Where(l => FilterMatch.All(filters, _ => [l.LockState]))
            .ToList();
        // The API reference names no conflict between SnapshotIds and MaxResults here, unlike DescribeSnapshots.
        var (page, next) = call.Page(locks, l => l.SnapshotId, "SnapshotId", idsGiven: false, max: 1000);
        using var xml = call.Response();
        return Task.FromResult(xml.Items("snapshotSet", page, (x, l) => x.Element("ownerId", l.OwnerId).Element("snapshotId", l.SnapshotId).LockFields(l))
            .Element("nextToken", next).ToString());
    }
}
