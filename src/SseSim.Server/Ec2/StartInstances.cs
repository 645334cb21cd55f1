namespace SseSim.Server.Ec2;

/// <summary>POST Action=StartInstances: each attached encrypted volume's data key is decrypted again; a key KMS refuses leaves the instance stopped with stateReason Client.InternalError (VolumeService.StartInstancesAsync).</summary>
public static class StartInstances
{
    public static async Task<string> HandleAsync(Ec2Call call)
    {
        var ids = call.Request.List("InstanceId");
        if (ids.Count == 0)
        {
            throw new Volumes.Ec2Exception("MissingParameter", "The request must contain the parameter InstanceId");
        }
        call.ThrowIfDryRun();
        var changes = await call.Volumes.StartInstancesAsync(call.Caller, ids, call.CancellationToken);
        using var xml = call.Response();
        return xml.Items("instancesSet", changes, (x, c) => x
            .Element("instanceId", c.InstanceId)
            .Start("currentState").Element("code", Ec2Xml.StateCode(c.CurrentState)).Element("name", c.CurrentState).End()
            .Start("previousState").Element("code", Ec2Xml.StateCode(c.PreviousState)).Element("name", c.PreviousState).End()).ToString();
    }
}
