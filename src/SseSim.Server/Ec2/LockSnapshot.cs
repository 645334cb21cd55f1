using System.Globalization;
using SseSim.Volumes;

namespace SseSim.Server.Ec2;

/// <summary>Locks a snapshot, or changes the lock of a locked one, and answers the lock as it now stands.</summary>
public static class LockSnapshot
{
    public static async Task<string> HandleAsync(Ec2Call call)
    {
        var r = call.Request;
        var snapshotId = r.Required("SnapshotId");
        var mode = r.Required("LockMode");
        DateTimeOffset? expiration = null;
        if (r.String("ExpirationDate") is { } text)
        {
            expiration = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                ? parsed
                : throw Ec2Exception.InvalidParameter($"Value ({text}) for parameter expirationDate is invalid.");
        }
        var request = new LockSnapshotRequest(snapshotId, mode, r.Int("CoolOffPeriod"), r.Int("LockDuration"), expiration);
        call.ThrowIfDryRun();
        var info = await call.Volumes.LockSnapshotAsync(call.Caller, request, call.CancellationToken);
        using var xml = call.Response();
        return xml.Element("snapshotId", info.SnapshotId).LockFields(info).ToString();
    }
}
