using Amazon.EC2;
using Amazon.EC2.Model;
using SseSim.Server.Tests.Durability;

namespace SseSim.Server.Tests.Ec2;

/// <summary>DescribeInstanceStatus through the AWS SDK and the aws CLI's instance-status-ok waiter.</summary>
public sealed class DescribeInstanceStatusTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Running_instances_pass_their_checks_and_others_are_listed_only_when_asked()
    {
        using var ec2 = CrashCycleTests.Ec2(server.Endpoint);
        var ids = (await ec2.RunInstancesAsync(new RunInstancesRequest { ImageId = "ami-12345678", MinCount = 2, MaxCount = 2 }))
            .Reservation.Instances.Select(i => i.InstanceId).ToList();
        var (running, stopped) = (ids[0], ids[1]);
        await ec2.StopInstancesAsync(new StopInstancesRequest { InstanceIds = [stopped] });

        var status = Assert.Single((await ec2.DescribeInstanceStatusAsync(new DescribeInstanceStatusRequest { InstanceIds = ids })).InstanceStatuses);
        Assert.Equal(running, status.InstanceId);
        Assert.Equal((InstanceStateName.Running, 16), (status.InstanceState.Name, status.InstanceState.Code));
        Assert.Equal(SummaryStatus.Ok, status.SystemStatus.Status);
        Assert.Equal(SummaryStatus.Ok, status.Status.Status);
        Assert.Equal(SummaryStatus.Ok, status.AttachedEbsStatus.Status);
        var check = Assert.Single(status.Status.Details);
        Assert.Equal((StatusName.Reachability, StatusType.Passed), (check.Name, check.Status));
        Assert.Equal("us-east-1a", status.AvailabilityZone);

        var all = (await ec2.DescribeInstanceStatusAsync(new DescribeInstanceStatusRequest { InstanceIds = ids, IncludeAllInstances = true })).InstanceStatuses;
        var off = Assert.Single(all, s => s.InstanceId == stopped);
        Assert.Equal(InstanceStateName.Stopped, off.InstanceState.Name);
        Assert.Equal(SummaryStatus.NotApplicable, off.Status.Status);
        Assert.Empty(off.Status.Details ?? []);

        var filtered = (await ec2.DescribeInstanceStatusAsync(new DescribeInstanceStatusRequest
        {
            InstanceIds = ids,
            IncludeAllInstances = true,
            Filters = [new Filter("instance-state-name", ["stopped"])],
        })).InstanceStatuses;
        Assert.Equal(stopped, Assert.Single(filtered).InstanceId);

        var unknown = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DescribeInstanceStatusAsync(new DescribeInstanceStatusRequest { InstanceIds = ["i-0123456789abcdef0"] }));
        Assert.Equal("InvalidInstanceID.NotFound", unknown.ErrorCode);

        // The waiter scripts use after run-instances.
        var work = Directory.CreateTempSubdirectory("sseSim-status-").FullName;
        var (code, _, stderr) = await AwsCli.RunAsync(server.Endpoint, work, "ec2", "wait", "instance-status-ok", "--instance-ids", running);
        Assert.True(code == 0, stderr);
    }
}
