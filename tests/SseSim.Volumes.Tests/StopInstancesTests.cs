using SseSim.Nbd;

namespace SseSim.Volumes.Tests;

/// <summary>StopInstances: volumes stay attached, while exports close and plaintext data keys are zeroed.</summary>
public sealed class StopInstancesTests : IAsyncLifetime
{
    private readonly Harness _h = new();
    private static SseSim.Core.Aws.Caller Caller => Harness.Caller;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Stopping_zeroes_the_keys_and_closes_the_exports_but_keeps_the_attachments_and_grants()
    {
        var (volume, instance) = await _h.CreateAttachedAsync();
        var key = Assert.Single(_h.Kms.HandedOut);
        var export = _h.Export(volume.VolumeId);
        await export.WriteAsync(0, new byte[4096], fua: false, default);

        var change = Assert.Single(await _h.Service.StopInstancesAsync(Caller, [instance]));
        Assert.Equal(("running", "stopping"), (change.PreviousState, change.CurrentState));
        Assert.True(key.IsDisposed, "a stopped instance's host holds no plaintext data key");
        Assert.True(export.Closed.IsCancellationRequested);
        Assert.Null(_h.Service.Exports.Find(volume.VolumeId));
        await Assert.ThrowsAsync<NbdException>(async () => await export.ReadAsync(0, new byte[4096], default));

        var described = Assert.Single(_h.Service.DescribeInstances(Caller, [instance]));
        Assert.Equal("stopped", described.State);
        Assert.Equal("Client.UserInitiatedShutdown", described.StateReasonCode);
        Assert.StartsWith("User initiated (2026-01-01 00:00:00 GMT)", described.StateTransitionReason, StringComparison.Ordinal);
        Assert.Equal(volume.VolumeId, Assert.Single(described.BlockDevices).VolumeId);
        Assert.Equal("in-use", Assert.Single(_h.Service.DescribeVolumes(Caller, [volume.VolumeId])).State);
        Assert.Single(_h.Kms.ActiveGrants);

        // Stopping again changes nothing; a terminated instance cannot be stopped.
        var again = Assert.Single(await _h.Service.StopInstancesAsync(Caller, [instance]));
        Assert.Equal(("stopped", "stopped"), (again.PreviousState, again.CurrentState));
        await _h.Service.TerminateInstancesAsync(Caller, [instance]);
        Assert.Empty(_h.Kms.ActiveGrants);
        Assert.Equal("IncorrectInstanceState", (await Assert.ThrowsAsync<Ec2Exception>(() => _h.Service.StopInstancesAsync(Caller, [instance]))).Code);
        Assert.Equal("InvalidInstanceID.NotFound", (await Assert.ThrowsAsync<Ec2Exception>(() => _h.Service.StopInstancesAsync(Caller, ["i-0123456789abcdef0"]))).Code);
    }
}
