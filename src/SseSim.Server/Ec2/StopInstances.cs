namespace SseSim.Server.Ec2;

/// <summary>POST Action=StopInstances: the volumes stay attached while their exports close and their data keys are zeroed (VolumeService.StopInstancesAsync). Hibernation is not simulated.</summary>
public static class StopInstances
{
    public static async Task<string> HandleAsync(Ec2Call call)
    {
        var ids = call.Request.List("InstanceId");
        if (ids.Count == 0)
        {
            throw new Volumes.Ec2Exception("MissingParameter", "The request must contain the parameter InstanceId");
        }
        if (call.Request.Bool("Hibernate") == true)
        {
            throw new Volumes.Ec2Exception("UnsupportedOperation", "Hibernation is not simulated by SseSim.");
        }
        call.ThrowIfDryRun();
        var changes = await call.Volumes.StopInstancesAsync(call.Caller, ids, call.CancellationToken);
        using var xml = call.Response();
        return xml.Items("instancesSet", changes, (x, c) => x
            .Element("instanceId", c.InstanceId)
            .Start("currentState").Element("code", Ec2Xml.StateCode(c.CurrentState)).Element("name", c.CurrentState).End()
            .Start("previousState").Element("code", Ec2Xml.StateCode(c.PreviousState)).Element("name", c.PreviousState).End()).ToString();
    }
}
