namespace SseSim.Server.Ec2;

/// <summary>
/// POST Action=StopInstances: the volumes stay attached while their exports close and their data keys are zeroed
/// (VolumeService.StopInstancesAsync). Hibernation is not simulated.
/// </summary>
public static class StopInstances
{
    public static Task<string> HandleAsync(Ec2Call call) => call.Request.Bool("Hibernate") == true
        ? throw new Volumes.Ec2Exception("UnsupportedOperation", "Hibernation is not simulated by SseSim.")
        : call.InstanceStateChangesAsync(ids => call.Volumes.StopInstancesAsync(call.Caller, ids, call.CancellationToken));
}
