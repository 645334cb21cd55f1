using SseSim.Core.Aws;

namespace SseSim.Volumes;

public sealed partial class VolumeService
{
    /// <summary>
    /// CopyVolumes: a crash-consistent, point-in-time copy of a volume in its Availability Zone, under the source's
    /// encryption and KMS key. Built the way CreateVolume builds a volume from a snapshot (block-volume.md §5.4): a
    /// point-in-time image of the source is taken, the copy is created on it, and the image is deleted at once, its
    /// blocks kept while the copy still reads them (§5.2). The copy names its source in <c>SourceVolumeId</c>.
    /// </summary>
    public async Task<VolumeInfo> CopyVolumeAsync(Caller caller, CopyVolumeRequest request, CancellationToken cancellationToken = default)
    {
        VolumeRecord source;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            source = LoadVolume(caller, request.SourceVolumeId);
        }
        finally
        {
            _gate.Release();
        }
        if (source.State is not ("available" or "in-use"))
        {
            throw new Ec2Exception("IncorrectState", $"The volume '{source.VolumeId}' is not in the 'available' or 'in-use' state.");
        }
        if (request.Size < source.Size)
        {
            throw Ec2Exception.InvalidParameter($"The size of the volume copy ({request.Size} GiB) must be equal to or greater than the size of the source volume ({source.Size} GiB).");
        }
        var image = await CreateSnapshotAsync(caller, source.VolumeId, $"CopyVolumes image of {source.VolumeId}", null, cancellationToken);
        try
        {
            await WaitForSnapshotAsync(image.SnapshotId);
            return await CreateVolumeAsync(caller, new CreateVolumeRequest
            {
                AvailabilityZone = source.AvailabilityZone,
                SnapshotId = image.SnapshotId,
                Size = request.Size ?? source.Size,
                // The model: "If not specified, the volume type defaults to gp2."
                VolumeType = request.VolumeType ?? "gp2",
                Iops = request.Iops,
                Throughput = request.Throughput,
                Encrypted = source.Encrypted ? true : null,
                KmsKeyId = source.KmsKeyArn,
                Tags = request.Tags,
            }, source.VolumeId, cancellationToken);
        }
        finally
        {
            await DeleteSnapshotAsync(caller, image.SnapshotId, CancellationToken.None);
        }
    }
}
