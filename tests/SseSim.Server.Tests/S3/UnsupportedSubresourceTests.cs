namespace SseSim.Server.Tests.S3;

/// <summary>
/// S3 operations SseSim does not simulate answer 501 NotImplemented and change nothing. Object subresources matter most:
/// taken for a plain PUT, RenameObject would create an object.
/// </summary>
[Collection("S3")]
public sealed class UnsupportedSubresourceTests(ServerFixture server)
{
    [Fact]
    public async Task Unsimulated_operations_are_not_implemented_and_lose_nothing()
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        var bucket = await server.NewBucketAsync();
        var output = await server.RunPythonAsync("""
import os, sys, boto3
from botocore.exceptions import ClientError
s3 = boto3.client("s3", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
b = sys.argv[1]
def error(f, **kw):
    try:
        f(**kw)
    except ClientError as e:
        return (e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Code"])
    raise AssertionError("no error from %s" % f)
s3.put_object(Bucket=b, Key="doc", Body=b"original")
assert error(s3.rename_object, Bucket=b, Key="renamed", RenameSource="doc") == (501, "NotImplemented")
assert [o["Key"] for o in s3.list_objects_v2(Bucket=b)["Contents"]] == ["doc"]
assert error(s3.put_bucket_abac, Bucket=b, AbacStatus={"Status": "Enabled"}) == (501, "NotImplemented")
print("UNSUPPORTED OK")
""", bucket);
        Assert.Contains("UNSUPPORTED OK", output, StringComparison.Ordinal);
    }
}
