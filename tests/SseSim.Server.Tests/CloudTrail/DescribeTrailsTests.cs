using SseSim.Server.Tests.S3;

namespace SseSim.Server.Tests.CloudTrail;

/// <summary>
/// SseSim keeps the event history and no trails, so DescribeTrails and ListTrails answer what CloudTrail answers an
/// account without trails: empty lists, also for names that match none (DescribeTrails returns only matches).
/// </summary>
public sealed class DescribeTrailsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task An_account_without_trails_lists_none()
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        await server.RunPythonAsync("""
import os, boto3
ct = boto3.client("cloudtrail", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
assert ct.describe_trails()["trailList"] == []
assert ct.describe_trails(trailNameList=["management-events"], includeShadowTrails=True)["trailList"] == []
assert ct.list_trails()["Trails"] == []
""");
    }

    [Fact]
    public async Task The_aws_cli_describes_no_trails()
    {
        Assert.True(AwsCli.Available, "the aws CLI must be installed");
        var work = Directory.CreateTempSubdirectory("ssesim-trails-").FullName;
        try
        {
            var (code, stdout, stderr) = await AwsCli.RunAsync(server.Endpoint, work, "cloudtrail", "describe-trails", "--output", "json");
            Assert.True(code == 0, stderr);
            Assert.Contains("\"trailList\": []", stdout, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
