using Amazon.EC2;
using Amazon.EC2.Model;
using SseSim.Server.Tests.Durability;

namespace SseSim.Server.Tests.Ec2;

/// <summary>ModifyVolumeAttribute and DescribeVolumeAttribute (autoEnableIO, productCodes) through the AWS SDK.</summary>
public sealed class ModifyVolumeAttributeTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task AutoEnableIO_is_kept_per_volume_and_unknown_attributes_are_refused()
    {
        using var ec2 = CrashCycleTests.Ec2(server.Endpoint);
        var volume = (await ec2.CreateVolumeAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 1, Encrypted = true })).Volume.VolumeId;
        async Task<bool?> AutoEnableIo() => (await ec2.DescribeVolumeAttributeAsync(new DescribeVolumeAttributeRequest { VolumeId = volume, Attribute = VolumeAttributeName.AutoEnableIO })).AutoEnableIO;

        Assert.False(await AutoEnableIo());
        await ec2.ModifyVolumeAttributeAsync(new ModifyVolumeAttributeRequest { VolumeId = volume, AutoEnableIO = true });
        Assert.True(await AutoEnableIo());
        var codes = await ec2.DescribeVolumeAttributeAsync(new DescribeVolumeAttributeRequest { VolumeId = volume, Attribute = VolumeAttributeName.ProductCodes });
        Assert.Equal(volume, codes.VolumeId);
        Assert.True(codes.ProductCodes is null or { Count: 0 });

        var unknown = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DescribeVolumeAttributeAsync(new DescribeVolumeAttributeRequest { VolumeId = volume, Attribute = "size" }));
        Assert.Equal("InvalidParameterValue", unknown.ErrorCode);
        var missing = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.ModifyVolumeAttributeAsync(new ModifyVolumeAttributeRequest { VolumeId = "vol-0123456789abcdef0", AutoEnableIO = true }));
        Assert.Equal("InvalidVolume.NotFound", missing.ErrorCode);
    }
}
