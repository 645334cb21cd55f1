using Amazon.EC2;
using Amazon.EC2.Model;
using SseSim.Server.Tests.Durability;

namespace SseSim.Server.Tests.Ec2;

/// <summary>CreateVolume's request checks through the AWS SDK, with the answers recorded from AWS.</summary>
public sealed class CreateVolumeTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task CreateVolume_without_size_or_snapshot_is_MissingParameter_even_in_another_regions_zone()
    {
        // Recorded from AWS: LocalStack test_ec2.py::test_raise_create_volume_without_size (zone eu-central-1a).
        using var ec2 = CrashCycleTests.Ec2(server.Endpoint);
        foreach (var zone in new[] { "eu-central-1a", "us-east-1a" })
        {
            var e = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.CreateVolumeAsync(new CreateVolumeRequest { AvailabilityZone = zone }));
            Assert.Equal(("MissingParameter", "The request must contain the parameter size/snapshot"), (e.ErrorCode, e.Message));
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, e.StatusCode);
        }
    }

    [Theory]
    [InlineData("io1")]
    [InlineData("io2")]
    public async Task CreateVolume_of_provisioned_iops_type_without_Iops_is_InvalidParameterCombination(string type)
    {
        // As AWS answers (quoted from AWS in kubernetes-sigs/aws-ebs-csi-driver#766, saltstack/salt#59218).
        using var ec2 = CrashCycleTests.Ec2(server.Endpoint);
        var e = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.CreateVolumeAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 10, VolumeType = type }));
        Assert.Equal(("InvalidParameterCombination", $"The parameter iops must be specified for {type} volumes."), (e.ErrorCode, e.Message));
    }

    [Theory]
    [InlineData("standard", 2000, null, null, "Volume of 2000GiB is too large for volume type standard; maximum is 1024GiB")]
    [InlineData("st1", 20, null, null, "Volume of 20GiB is too small for volume type st1; minimum is 125GiB")]
    [InlineData("io1", 30, 8000, null, "Iops to volume size ratio of 266.666667 is too high; maximum is 50")]
    [InlineData("gp3", 20, 15000, null, "Iops to volume size ratio of 750.000000 is too high; maximum is 500")]
    [InlineData("gp3", 100, 3000, 1000, "Throughput (MiBps) to iops ratio of 0.333333 is too high; maximum is 0.250000 MiBps per iops")]
    public async Task CreateVolume_outside_the_volume_types_limits_is_InvalidParameterValue_worded_as_AWS_words_it(string type, int size, int? iops, int? throughput, string message)
    {
        // AWS's wording as quoted from AWS in fog/fog-aws#186 (too large), ministryofjustice/cloud-platform-terraform-monitoring#110
        // and rocicorp/mono#4410 (iops ratio), runs-on/runs-on#260 (throughput ratio); "too small" mirrors "too large".
        using var ec2 = CrashCycleTests.Ec2(server.Endpoint);
        var e = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.CreateVolumeAsync(new CreateVolumeRequest
        {
            AvailabilityZone = "us-east-1a",
            Size = size,
            VolumeType = type,
            Iops = iops,
            Throughput = throughput,
        }));
        Assert.Equal(("InvalidParameterValue", message), (e.ErrorCode, e.Message));
    }
}
