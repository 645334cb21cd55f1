namespace SseSim.Server.Tests.S3;

/// <summary>
/// S3 operations SseSim does not simulate answer 501 NotImplemented and change nothing. Object subresources matter most:
/// taken for a plain PUT, UpdateObjectEncryption would overwrite the object with its XML and RenameObject create one.
/// </summary>
[Collection("S3")]
public sealed class UnsupportedSubresourceTests(ServerFixture server)
{
    [Fact]
    public async Task Unsimulated_operations_are_not_implemented_and_lose_nothing()
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        var bucket = await server.NewBucketAsync();
        var keyArn = "arn:aws:kms:us-east-1:000000000000:key/" + await server.NewKmsKeyAsync();
        var output = await server.RunPythonAsync("""
import os, sys, boto3
from botocore.exceptions import ClientError
s3 = boto3.client("s3", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
b, arn = sys.argv[1], sys.argv[2]
def error(f, **kw):
    try:
        f(**kw)
    except ClientError as e:
        return (e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Code"])
    raise AssertionError("no error from %s" % f)
s3.put_object(Bucket=b, Key="doc", Body=b"original")
assert error(s3.update_object_encryption, Bucket=b, Key="doc", ObjectEncryption={"SSEKMS": {"KMSKeyArn": arn}}) == (501, "NotImplemented")
got = s3.get_object(Bucket=b, Key="doc")
assert got["Body"].read() == b"original" and got["ServerSideEncryption"] == "AES256", got
assert error(s3.rename_object, Bucket=b, Key="renamed", RenameSource="doc") == (501, "NotImplemented")
assert [o["Key"] for o in s3.list_objects_v2(Bucket=b)["Contents"]] == ["doc"]
assert error(s3.put_bucket_abac, Bucket=b, AbacStatus={"Status": "Enabled"}) == (501, "NotImplemented")
print("UNSUPPORTED OK")
""", bucket, keyArn);
        Assert.Contains("UNSUPPORTED OK", output, StringComparison.Ordinal);
    }
}
