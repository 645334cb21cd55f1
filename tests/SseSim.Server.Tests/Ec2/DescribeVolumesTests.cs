using Amazon.EC2;
using Amazon.EC2.Model;
using SseSim.Server.Tests.Durability;
using SseSim.Server.Tests.S3;

namespace SseSim.Server.Tests.Ec2;

/// <summary>
/// MaxResults/NextToken paging of DescribeVolumes and DescribeSnapshots through the AWS SDK, as EC2 pages, and the
/// filters their API reference documents.
/// </summary>
public sealed class DescribeVolumesTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Pages_follow_MaxResults_and_NextToken_and_the_sdk_paginator_sees_every_volume_once()
    {
        using var ec2 = CrashCycleTests.Ec2(server.Endpoint);
        var run = Guid.NewGuid().ToString("N")[..8];
        var created = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            created.Add((await ec2.CreateVolumeAsync(new CreateVolumeRequest
            {
                AvailabilityZone = "us-east-1a",
                Size = 1,
                TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Volume, Tags = [new Tag("run", run)] }],
            })).Volume.VolumeId);
        }
        var filter = new Filter("tag:run", [run]);

        var first = await ec2.DescribeVolumesAsync(new DescribeVolumesRequest { Filters = [filter], MaxResults = 5 });
        Assert.Equal(5, first.Volumes.Count);
        Assert.False(string.IsNullOrEmpty(first.NextToken));
        var second = await ec2.DescribeVolumesAsync(new DescribeVolumesRequest { Filters = [filter], MaxResults = 5, NextToken = first.NextToken });
        Assert.Equal(2, second.Volumes.Count);
        Assert.True(string.IsNullOrEmpty(second.NextToken));
        Assert.Equal(created.Order(StringComparer.Ordinal), first.Volumes.Concat(second.Volumes).Select(v => v.VolumeId));

        var paged = new List<string>();
        await foreach (var volume in ec2.Paginators.DescribeVolumes(new DescribeVolumesRequest { Filters = [filter], MaxResults = 5 }).Volumes)
        {
            paged.Add(volume.VolumeId);
        }
        Assert.Equal(created.Order(StringComparer.Ordinal), paged);
        // Without MaxResults everything comes in one answer.
        Assert.Equal(7, (await ec2.DescribeVolumesAsync(new DescribeVolumesRequest { Filters = [filter] })).Volumes.Count);

        Assert.Equal("InvalidParameterCombination", (await Assert.ThrowsAsync<AmazonEC2Exception>(() =>
            ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [created[0]], MaxResults = 5 }))).ErrorCode);
        Assert.Equal("InvalidParameterValue", (await Assert.ThrowsAsync<AmazonEC2Exception>(() =>
            ec2.DescribeVolumesAsync(new DescribeVolumesRequest { MaxResults = 3 }))).ErrorCode);
        Assert.Equal("InvalidPaginationToken", (await Assert.ThrowsAsync<AmazonEC2Exception>(() =>
            ec2.DescribeVolumesAsync(new DescribeVolumesRequest { MaxResults = 5, NextToken = "%%%" }))).ErrorCode);

        foreach (var volume in created.Take(6))
        {
            await ec2.CreateSnapshotAsync(new CreateSnapshotRequest
            {
                VolumeId = volume,
                TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Snapshot, Tags = [new Tag("run", run)] }],
            });
        }
        var snapshots = await ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { Filters = [filter], MaxResults = 5 });
        Assert.Equal(5, snapshots.Snapshots.Count);
        var rest = await ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { Filters = [filter], MaxResults = 5, NextToken = snapshots.NextToken });
        Assert.Single(rest.Snapshots);
        Assert.True(string.IsNullOrEmpty(rest.NextToken));
    }

    [Fact]
    public async Task DescribeVolumes_and_DescribeSnapshots_take_every_filter_the_EC2_API_reference_lists_with_boto3()
    {
        // Names from the Filters documentation of DescribeVolumes and DescribeSnapshots (botocore's EC2 model); each
        // used to be refused as "The filter '...' is invalid".
        var r = await server.RunBoto3Async("""
            ec2 = boto3.client("ec2", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1",
                               config=Config(retries={"max_attempts": 1}))
            run = bucket
            tags = [{"ResourceType": "volume", "Tags": [{"Key": "run", "Value": run}]}]
            v = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1, TagSpecifications=tags)
            snap_tags = [{"ResourceType": "snapshot", "Tags": [{"Key": "run", "Value": run}]}]
            s = ec2.create_snapshot(VolumeId=v["VolumeId"], TagSpecifications=snap_tags)
            ec2.get_waiter("snapshot_completed").wait(SnapshotIds=[s["SnapshotId"]])
            zone_id = ec2.describe_availability_zones(ZoneNames=["us-east-1a"])["AvailabilityZones"][0]["ZoneId"]
            from datetime import timezone
            created = v["CreateTime"].astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
            started = s["StartTime"].astimezone(timezone.utc).strftime("%Y-%m-%d")

            def volumes(name, *values):
                f = [{"Name": "tag:run", "Values": [run]}, {"Name": name, "Values": list(values)}]
                return len(ec2.describe_volumes(Filters=f)["Volumes"])

            def snapshots(name, *values):
                f = [{"Name": "tag:run", "Values": [run]}, {"Name": name, "Values": list(values)}]
                return len(ec2.describe_snapshots(OwnerIds=["self"], Filters=f)["Snapshots"])

            out["volumes"] = [volumes("create-time", created + "*"), volumes("create-time", "1999-*"),
                              volumes("availability-zone-id", zone_id), volumes("availability-zone-id", "use1-az999"),
                              volumes("fast-restored", "false"), volumes("multi-attach-enabled", "false"),
                              volumes("multi-attach-enabled", "true"), volumes("operator.managed", "false"),
                              volumes("operator.principal", "*"), volumes("attachment.attach-time", "*"),
                              volumes("attachment.delete-on-termination", "false")]
            out["snapshots"] = [snapshots("start-time", started + "*"), snapshots("progress", "100%"),
                                snapshots("storage-tier", "standard"), snapshots("storage-tier", "archive"),
                                snapshots("owner-alias", "amazon"), snapshots("transfer-type", "time-based")]
            try:
                ec2.describe_volumes(Filters=[{"Name": "kms-key-id", "Values": ["x"]}])
            except ClientError as e:
                out["undocumented"] = [e.response["Error"]["Code"], e.response["Error"]["Message"]]
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("[1,0,1,0,1,1,0,1,0,0,0]", result.GetProperty("volumes").GetRawText().Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal("[1,1,1,0,0,0]", result.GetProperty("snapshots").GetRawText().Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal("[\"InvalidParameterValue\", \"The filter 'kms-key-id' is invalid\"]", result.GetProperty("undocumented").GetRawText());
    }

    [Fact]
    public async Task The_body_requestId_is_the_x_amzn_RequestId_header_on_success_and_error_with_boto3()
    {
        // EC2 answers one request ID in both places; boto3 reports the body's, logs and proxies see the header's.
        var r = await server.RunBoto3Async("""
            ec2 = boto3.client("ec2", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1",
                               config=Config(retries={"max_attempts": 1}))
            meta = ec2.describe_volumes()["ResponseMetadata"]
            out["ok"] = [meta["RequestId"], meta["HTTPHeaders"]["x-amzn-requestid"]]
            try:
                ec2.describe_volumes(VolumeIds=["vol-0123456789abcdef0"])
            except ClientError as e:
                meta = e.response["ResponseMetadata"]
                out["error"] = [meta["RequestId"], meta["HTTPHeaders"]["x-amzn-requestid"]]
            """);
        if (r is not { } result)
        {
            return;
        }
        foreach (var pair in new[] { result.GetProperty("ok"), result.GetProperty("error") })
        {
            Assert.Matches("^[0-9a-f-]{36}$", pair[0].GetString());
            Assert.Equal(pair[0].GetString(), pair[1].GetString());
        }
    }
}
