using Amazon.EC2;
using Amazon.EC2.Model;
using SseSim.Server.Tests.Durability;

namespace SseSim.Server.Tests.Ec2;

/// <summary>ModifyVolume's refusals through the AWS SDK, worded as AWS words them.</summary>
public sealed class ModifyVolumeTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task ModifyVolume_to_a_smaller_size_is_InvalidParameterValue()
    {
        // AWS's answer as quoted in aws/aws-cli#4216.
        using var ec2 = CrashCycleTests.Ec2(server.Endpoint);
        var volume = (await ec2.CreateVolumeAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 4 })).Volume.VolumeId;
        var e = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.ModifyVolumeAsync(new ModifyVolumeRequest { VolumeId = volume, Size = 2 }));
        Assert.Equal(("InvalidParameterValue", "New size cannot be smaller than existing size"), (e.ErrorCode, e.Message));
    }
}
