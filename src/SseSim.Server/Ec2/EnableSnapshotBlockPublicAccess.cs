namespace SseSim.Server.Ec2;

public static class EnableSnapshotBlockPublicAccess
{
    public static async Task<string> HandleAsync(Ec2Call call)
    {
        var state = call.Request.Required("State");
        if (state == "unblocked")
        {
            throw Volumes.Ec2Exception.InvalidParameter("Value (unblocked) for parameter State is invalid. Use DisableSnapshotBlockPublicAccess to unblock.");
        }
        call.ThrowIfDryRun();
        var result = await call.Volumes.SetSnapshotBlockPublicAccessAsync(call.Caller, state, call.CancellationToken);
        using var xml = call.Response();
        return xml.Element("state", result).ToString();
    }
}
