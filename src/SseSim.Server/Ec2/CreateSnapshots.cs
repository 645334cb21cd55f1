namespace SseSim.Server.Ec2;

/// <summary>
/// Crash-consistent snapshots of the volumes attached to an instance. Instances here have no root volume (no AMIs),
/// so ExcludeBootVolume excludes nothing.
/// </summary>
public static class CreateSnapshots
{
    public static async Task<string> HandleAsync(Ec2Call call)
    {
        var r = call.Request;
        var instanceId = r.Required("InstanceSpecification.InstanceId");
        var excluded = r.List("InstanceSpecification.ExcludeDataVolumeId");
        if (excluded.Count > 40)
        {
            throw Volumes.Ec2Exception.InvalidParameter("You can exclude up to 40 volumes.");
        }
        var copyTags = r.String("CopyTagsFromSource") switch
        {
            null => false,
            "volume" => true,
            var other => throw Volumes.Ec2Exception.InvalidParameter($"Value ({other}) for parameter CopyTagsFromSource is invalid. Expected: 'volume'."),
        };
        var tags = r.Tags("snapshot");
        call.ThrowIfDryRun();
        var snapshots = await call.Volumes.CreateSnapshotsAsync(call.Caller, instanceId, excluded, r.String("Description"), tags, copyTags, call.CancellationToken);
        using var xml = call.Response();
        return xml.Items("snapshotSet", snapshots, (x, s) => x
            .Element("description", s.Description ?? "")
            .TagSet(s.Tags)
            .Element("encrypted", s.Encrypted)
            .Element("volumeId", s.VolumeId)
            .Element("state", s.State)
            .Element("volumeSize", s.VolumeSize)
            .Element("startTime", s.StartTime)
            .Element("progress", s.Progress)
            .Element("ownerId", s.OwnerId)
            .Element("snapshotId", s.SnapshotId)).ToString();
    }
}
