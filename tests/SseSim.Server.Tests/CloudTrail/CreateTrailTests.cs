using SseSim.Server.Tests.S3;

namespace SseSim.Server.Tests.CloudTrail;

/// <summary>
/// CreateTrail is refused (a documented divergence): SseSim writes no log files, and a trail that reported logging
/// while delivering nothing would mislead. The name is still checked first.
/// </summary>
public sealed class CreateTrailTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Creating_a_trail_is_refused_and_leaves_none()
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        await server.RunPythonAsync("""
import os, boto3
from botocore.exceptions import ClientError
ct = boto3.client("cloudtrail", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
def code(**kw):
    try:
        ct.create_trail(**kw)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"]
    raise AssertionError("created")
got = code(Name="audit", S3BucketName="logs")
assert got[0] == "UnsupportedOperationException" and "LookupEvents" in got[1], got
assert code(Name="x", S3BucketName="logs")[0] == "InvalidTrailNameException"
assert ct.describe_trails()["trailList"] == []
""");
    }
}
