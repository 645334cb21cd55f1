namespace SseSim.Server.Tests.S3;

/// <summary>boto3's update_object_encryption: SSE-S3 to SSE-KMS with a Bucket Key in place, and AWS's refusals.</summary>
[Collection("S3")]
public sealed class UpdateObjectEncryptionTests(ServerFixture server)
{
    [Fact]
    public async Task Boto3_moves_an_object_to_sse_kms_in_place()
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        var bucket = await server.NewBucketAsync();
        var keyId = await server.NewKmsKeyAsync();
        var output = await server.RunPythonAsync("""
import os, sys, boto3
from botocore.exceptions import ClientError
ep = os.environ["SSESIM_ENDPOINT"]
s3 = boto3.client("s3", endpoint_url=ep, region_name="us-east-1")
kms = boto3.client("kms", endpoint_url=ep, region_name="us-east-1")
b, key_id = sys.argv[1], sys.argv[2]
arn = kms.describe_key(KeyId=key_id)["KeyMetadata"]["Arn"]
def error(f, **kw):
    try:
        f(**kw)
    except ClientError as e:
        return (e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Code"])
    raise AssertionError("no error from %s" % f)
body = os.urandom(200_000)
s3.put_object(Bucket=b, Key="doc", Body=body)
before = s3.head_object(Bucket=b, Key="doc")
assert before["ServerSideEncryption"] == "AES256"
r = s3.update_object_encryption(Bucket=b, Key="doc", ObjectEncryption={"SSEKMS": {"KMSKeyArn": arn, "BucketKeyEnabled": True}})
assert r["ResponseMetadata"]["HTTPStatusCode"] == 200
after = s3.head_object(Bucket=b, Key="doc")
assert after["ServerSideEncryption"] == "aws:kms" and after["SSEKMSKeyId"] == arn and after["BucketKeyEnabled"] is True, after
assert after["ETag"] == before["ETag"] and after["LastModified"] == before["LastModified"], (before, after)
assert s3.get_object(Bucket=b, Key="doc")["Body"].read() == body
assert error(s3.update_object_encryption, Bucket=b, Key="doc", ObjectEncryption={"SSEKMS": {"KMSKeyArn": key_id}}) == (400, "InvalidRequest")
assert error(s3.update_object_encryption, Bucket=b, Key="nope", ObjectEncryption={"SSEKMS": {"KMSKeyArn": arn}}) == (404, "NoSuchKey")
ssec = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": "k" * 32}
s3.put_object(Bucket=b, Key="ssec", Body=b"x", **ssec)
assert error(s3.update_object_encryption, Bucket=b, Key="ssec", ObjectEncryption={"SSEKMS": {"KMSKeyArn": arn}}) == (400, "InvalidRequest")
print("UPDATE OK")
""", bucket, keyId);
        Assert.Contains("UPDATE OK", output, StringComparison.Ordinal);
    }
}
