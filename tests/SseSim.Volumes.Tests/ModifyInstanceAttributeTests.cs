namespace SseSim.Volumes.Tests;

/// <summary>ModifyInstanceAttribute: API protection enforced, DeleteOnTermination per device, type and user data only while stopped.</summary>
public sealed class ModifyInstanceAttributeTests : IAsyncLifetime
{
    private readonly Harness _h = new();
    private static SseSim.Core.Aws.Caller Caller => Harness.Caller;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Termination_and_stop_protection_refuse_the_call_until_lifted()
    {
        var instance = Assert.Single(await _h.Service.RunInstancesAsync(Caller, new RunInstancesRequest
        {
            AvailabilityZone = "us-east-1a",
            Attributes = new InstanceAttributes { DisableApiTermination = true },
        })).InstanceId;
        Assert.True(_h.Service.DescribeInstanceAttributes(Caller, instance).DisableApiTermination);
        var refused = await Assert.ThrowsAsync<Ec2Exception>(() => _h.Service.TerminateInstancesAsync(Caller, [instance]));
        Assert.Equal("OperationNotPermitted", refused.Code);
        Assert.Contains("disableApiTermination", refused.Message, StringComparison.Ordinal);

        await _h.Service.ModifyInstanceAttributesAsync(Caller, instance, new InstanceAttributeChange { DisableApiStop = true });
        Assert.Equal("OperationNotPermitted", (await Assert.ThrowsAsync<Ec2Exception>(() => _h.Service.StopInstancesAsync(Caller, [instance]))).Code);
        Assert.Equal("running", Assert.Single(_h.Service.DescribeInstances(Caller, [instance])).State);

        await _h.Service.ModifyInstanceAttributesAsync(Caller, instance, new InstanceAttributeChange { DisableApiStop = false, DisableApiTermination = false });
        await _h.Service.StopInstancesAsync(Caller, [instance]);
        await _h.Service.TerminateInstancesAsync(Caller, [instance]);
        Assert.Equal("terminated", Assert.Single(_h.Service.DescribeInstances(Caller, [instance])).State);
    }

    [Fact]
    public async Task DeleteOnTermination_changes_per_attached_device()
    {
        var (volume, instance) = await _h.CreateAttachedAsync();
        Assert.False(Assert.Single(_h.Service.DescribeInstances(Caller, [instance])[0].BlockDevices).DeleteOnTermination);
        Assert.Equal("InvalidInstanceAttributeValue", (await Assert.ThrowsAsync<Ec2Exception>(() => _h.Service.ModifyInstanceAttributesAsync(Caller, instance,
            new InstanceAttributeChange { DeleteOnTermination = new Dictionary<string, bool> { ["/dev/sdz"] = true } }))).Code);

        await _h.Service.ModifyInstanceAttributesAsync(Caller, instance,
            new InstanceAttributeChange { DeleteOnTermination = new Dictionary<string, bool> { ["/dev/sdf"] = true } });
        Assert.True(Assert.Single(_h.Service.DescribeVolumes(Caller, [volume.VolumeId])[0].Attachments).DeleteOnTermination);
        await _h.RestartAsync();
        await _h.Service.TerminateInstancesAsync(Caller, [instance]);
        Assert.Empty(_h.Service.DescribeVolumes(Caller));
    }

    [Fact]
    public async Task Instance_type_and_user_data_change_only_while_stopped()
    {
        var instance = Assert.Single(await _h.Service.RunInstancesAsync(Caller, new RunInstancesRequest { AvailabilityZone = "us-east-1a" })).InstanceId;
        var change = new InstanceAttributeChange { InstanceType = "m5.large", UserData = "ZWNobyBoaQ==" };
        Assert.Equal("IncorrectInstanceState", (await Assert.ThrowsAsync<Ec2Exception>(() => _h.Service.ModifyInstanceAttributesAsync(Caller, instance, change))).Code);
        await _h.Service.StopInstancesAsync(Caller, [instance]);
        await _h.Service.ModifyInstanceAttributesAsync(Caller, instance, change);
        Assert.Equal("m5.large", Assert.Single(_h.Service.DescribeInstances(Caller, [instance])).InstanceType);
        Assert.Equal("ZWNobyBoaQ==", _h.Service.DescribeInstanceAttributes(Caller, instance).UserData);
        Assert.Equal("InvalidParameterValue", (await Assert.ThrowsAsync<Ec2Exception>(() => _h.Service.ModifyInstanceAttributesAsync(Caller, instance,
            new InstanceAttributeChange { InstanceInitiatedShutdownBehavior = "hibernate" }))).Code);
    }
}
