namespace SseSim.Server.Ec2;

public static class TerminateInstances
{
    public static Task<string> HandleAsync(Ec2Call call) =>
        call.InstanceStateChangesAsync(ids => call.Volumes.TerminateInstancesAsync(call.Caller, ids, call.CancellationToken));
}
