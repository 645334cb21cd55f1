namespace SseSim.Server.Ec2;

public static class CopySnapshot
{
    public static async Task<string> HandleAsync(Ec2Call call)
    {
        var r = call.Request;
        var source = r.Required("SourceSnapshotId");
        var sourceRegion = r.Required("SourceRegion");
        if (sourceRegion != call.Caller.Region)
        {
            throw new Volumes.Ec2Exception("InvalidParameterValue", $"SseSim simulates one region ({call.Caller.Region}); cross-region copy from {sourceRegion} is not supported.");
        }
        call.ThrowIfDryRun();
        var id = await call.Volumes.CopySnapshotAsync(call.Caller, new Volumes.CopySnapshotRequest
        {
            SourceSnapshotId = source,
            Description = r.String("Description"),
            Encrypted = r.Bool("Encrypted"),
            KmsKeyId = r.String("KmsKeyId"),
            Tags = r.Tags("snapshot"),
        }, call.CancellationToken);
        using var xml = call.Response();
        return xml.Element("snapshotId", id).ToString();
    }
}
