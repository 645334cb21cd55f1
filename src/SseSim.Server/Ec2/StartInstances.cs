namespace SseSim.Server.Ec2;

/// <summary>
/// POST Action=StartInstances: each attached encrypted volume's data key is decrypted again; a key KMS refuses leaves the
/// instance stopped with stateReason Client.InternalError (VolumeService.StartInstancesAsync).
/// </summary>
public static class StartInstances
{
    public static Task<string> HandleAsync(Ec2Call call) =>
        call.InstanceStateChangesAsync(ids => call.Volumes.StartInstancesAsync(call.Caller, ids, call.CancellationToken));
}
