using Microsoft.Extensions.Time.Testing;
using SseSim.Core.Aws;
using SseSim.Core.Storage;
using SseSim.Volumes.Blocks;
using SseSim.Volumes.Snapshots;

namespace SseSim.Volumes.Tests;

/// <summary>A VolumeService over volatile stores and the fake KMS; <see cref="RestartAsync"/> simulates a process restart on the same stores.</summary>
internal sealed class Harness : IAsyncDisposable
{
    public static readonly Caller Caller = new(new Identity("AKIDTEST", "secret", FakeDataKeyService.Account, "root"), "us-east-1");

    public InMemoryKeyValueStore Kv { get; } = new();
    public InMemoryBlockStore Blocks { get; } = new();
    public InMemoryBlockStore SnapshotBlocks { get; } = new();
    public FakeDataKeyService Kms { get; } = new();
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    public VolumeService Service { get; private set; }

    public Harness(VolumeServiceOptions? options = null) => Service = New(options);

    private VolumeService New(VolumeServiceOptions? options) => new(Kv, Blocks, new BlockStoreSnapshotStore(SnapshotBlocks), Kms, Time, options);

    public async Task RestartAsync()
    {
        await Service.StopAsync();
        Service = New(null);
        await Service.LoadAsync();
    }

    public async Task<(VolumeInfo Volume, string InstanceId)> CreateAttachedAsync(bool encrypted = true, int size = 1, string? kmsKeyId = null, string? snapshotId = null)
    {
        var volume = await Service.CreateVolumeAsync(Caller, new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = size, Encrypted = encrypted, KmsKeyId = kmsKeyId, SnapshotId = snapshotId });
        var instance = (await Service.RunInstancesAsync(Caller, new RunInstancesRequest { AvailabilityZone = "us-east-1a" }))[0];
        await Service.AttachVolumeAsync(Caller, volume.VolumeId, instance.InstanceId, "/dev/sdf");
        return (volume, instance.InstanceId);
    }

    public Nbd.INbdExport Export(string volumeId) => Service.Exports.Find(volumeId) ?? throw new InvalidOperationException($"{volumeId} not exported");

    public async ValueTask DisposeAsync() => await Service.DisposeAsync();
}
