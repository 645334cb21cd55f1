namespace SseSim.Volumes.Tests;

/// <summary>
/// StartInstances: the new host decrypts each attached encrypted volume's key again; a key KMS refuses keeps the
/// instance stopped with stateReason Client.InternalError, as EC2 does.
/// </summary>
public sealed class StartInstancesTests : IAsyncLifetime
{
    private readonly Harness _h = new();
    private static SseSim.Core.Aws.Caller Caller => Harness.Caller;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Starting_decrypts_the_key_again_and_the_data_written_before_the_stop_reads_back()
    {
        var (volume, instance) = await _h.CreateAttachedAsync();
        var pattern = Enumerable.Range(0, 4096).Select(i => (byte)i).ToArray();
        await _h.Export(volume.VolumeId).WriteAsync(8192, pattern, fua: true, default);
        await _h.Service.StopInstancesAsync(Caller, [instance]);

        _h.Kms.Calls.Clear();
        var change = Assert.Single(await _h.Service.StartInstancesAsync(Caller, [instance]));
        Assert.Equal(("stopped", "pending"), (change.PreviousState, change.CurrentState));
        Assert.Equal(["Decrypt"], _h.Kms.Calls);
        Assert.Equal("ec2.amazonaws.com", _h.Kms.Log[^1].Caller.ViaService);
        Assert.False(_h.Kms.HandedOut[^1].IsDisposed);
        var described = Assert.Single(_h.Service.DescribeInstances(Caller, [instance]));
        Assert.Equal("running", described.State);
        Assert.Null(described.StateReasonCode);

        var read = new byte[4096];
        await _h.Export(volume.VolumeId).ReadAsync(8192, read, default);
        Assert.Equal(pattern, read);

        // Starting a running instance changes nothing.
        var again = Assert.Single(await _h.Service.StartInstancesAsync(Caller, [instance]));
        Assert.Equal(("running", "running"), (again.PreviousState, again.CurrentState));
    }

    [Fact]
    public async Task A_disabled_key_keeps_the_instance_stopped_with_a_client_error_and_enabling_it_lets_it_start()
    {
        var keyArn = _h.Kms.CreateKey();
        var (volume, instance) = await _h.CreateAttachedAsync(kmsKeyId: keyArn);
        var unencrypted = await _h.Service.CreateVolumeAsync(Caller, new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 1 });
        await _h.Service.AttachVolumeAsync(Caller, unencrypted.VolumeId, instance, "/dev/sdg");
        await _h.Service.StopInstancesAsync(Caller, [instance]);
        _h.Kms.Disable(keyArn);

        Assert.Equal("pending", Assert.Single(await _h.Service.StartInstancesAsync(Caller, [instance])).CurrentState);
        var described = Assert.Single(_h.Service.DescribeInstances(Caller, [instance]));
        Assert.Equal("stopped", described.State);
        Assert.Equal(("Client.InternalError", "Client.InternalError: Client error on launch"), (described.StateReasonCode, described.StateReasonMessage));
        Assert.Null(_h.Service.Exports.Find(volume.VolumeId));
        Assert.Null(_h.Service.Exports.Find(unencrypted.VolumeId));

        _h.Kms.Enable(keyArn);
        await _h.Service.StartInstancesAsync(Caller, [instance]);
        Assert.Equal("running", Assert.Single(_h.Service.DescribeInstances(Caller, [instance])).State);
        Assert.NotNull(_h.Service.Exports.Find(volume.VolumeId));
        Assert.NotNull(_h.Service.Exports.Find(unencrypted.VolumeId));
    }

    [Fact]
    public async Task A_volume_attached_while_stopped_gets_its_key_when_the_instance_starts()
    {
        var instance = (await _h.Service.RunInstancesAsync(Caller, new RunInstancesRequest { AvailabilityZone = "us-east-1a" }))[0].InstanceId;
        await _h.Service.StopInstancesAsync(Caller, [instance]);
        var volume = await _h.Service.CreateVolumeAsync(Caller, new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 1, Encrypted = true, KmsKeyId = _h.Kms.CreateKey() });
        _h.Kms.Calls.Clear();
        await _h.Service.AttachVolumeAsync(Caller, volume.VolumeId, instance, "/dev/sdf");
        Assert.Equal(["CreateGrant"], _h.Kms.Calls.Where(c => c != "ResolveKeyArn"));
        Assert.Null(_h.Service.Exports.Find(volume.VolumeId));
        Assert.Equal("in-use", Assert.Single(_h.Service.DescribeVolumes(Caller, [volume.VolumeId])).State);

        await _h.Service.StartInstancesAsync(Caller, [instance]);
        Assert.Contains("Decrypt", _h.Kms.Calls);
        Assert.NotNull(_h.Service.Exports.Find(volume.VolumeId));

        await _h.Service.TerminateInstancesAsync(Caller, [instance]);
        Assert.Equal("IncorrectInstanceState", (await Assert.ThrowsAsync<Ec2Exception>(() => _h.Service.StartInstancesAsync(Caller, [instance]))).Code);
    }
}
