using SseSim.Server.Tests.S3;

namespace SseSim.Server.Tests.CloudTrail;

/// <summary>
/// S3's bucket-level calls are CloudTrail management events, in the event history (LookupEvents) with eventSource
/// s3.amazonaws.com, the bucket as resource, and failures with their error code; object calls are data events and never
/// appear there (S3 user guide, "Amazon S3 CloudTrail events").
/// </summary>
public sealed class LookupEventsS3ManagementEventsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Bucket_calls_are_found_by_name_resource_and_source_and_object_calls_are_not()
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        await server.RunPythonAsync("""
import os, sys, json, boto3
from botocore.config import Config
from botocore.exceptions import ClientError
cfg = Config(retries={"max_attempts": 1})
s3 = boto3.client("s3", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1", config=cfg)
ct = boto3.client("cloudtrail", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1", config=cfg)
bucket = sys.argv[1]

def lookup(key, value):
    events = []
    kw = {"LookupAttributes": [{"AttributeKey": key, "AttributeValue": value}]}
    while True:
        page = ct.lookup_events(**kw)
        events += page["Events"]
        if "NextToken" not in page:
            return events
        kw["NextToken"] = page["NextToken"]

def of_bucket(events):
    return [e for e in events if json.loads(e["CloudTrailEvent"])["requestParameters"].get("bucketName") == bucket]

s3.create_bucket(Bucket=bucket)
s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [
    {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
s3.get_bucket_encryption(Bucket=bucket)
s3.put_object(Bucket=bucket, Key="k", Body=b"data")
s3.get_object(Bucket=bucket, Key="k")["Body"].read()
s3.head_object(Bucket=bucket, Key="k")
s3.list_objects_v2(Bucket=bucket)
try:
    s3.delete_bucket(Bucket=bucket)
    raise AssertionError("a bucket with an object was deleted")
except ClientError as e:
    assert e.response["Error"]["Code"] == "BucketNotEmpty", e.response
s3.delete_object(Bucket=bucket, Key="k")
s3.delete_bucket(Bucket=bucket)

# By EventName: the bucket's CreateBucket, a management event of S3 that names the bucket.
created = of_bucket(lookup("EventName", "CreateBucket"))
assert len(created) == 1, created
e = created[0]
assert e["EventSource"] == "s3.amazonaws.com" and e["ReadOnly"] == "false", e
assert e["Resources"] == [{"ResourceType": "AWS::S3::Bucket", "ResourceName": bucket}], e["Resources"]
detail = json.loads(e["CloudTrailEvent"])
assert detail["eventCategory"] == "Management" and detail["managementEvent"] is True, detail
assert detail["resources"] == [{"accountId": detail["recipientAccountId"], "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::" + bucket}], detail
assert detail["requestParameters"]["Host"], detail
assert detail["additionalEventData"]["SignatureVersion"] == "SigV4" and detail["additionalEventData"]["AuthenticationMethod"] == "AuthHeader", detail
assert "errorCode" not in detail and detail["responseElements"] is None, detail

# By ResourceName (the bucket's name): every bucket-level call, newest first, and no object call.
by_name = lookup("ResourceName", bucket)
names = [e["EventName"] for e in by_name]
assert names == ["DeleteBucket", "DeleteBucket", "GetBucketEncryption", "PutBucketEncryption", "CreateBucket"], names
failed, deleted = json.loads(by_name[1]["CloudTrailEvent"]), json.loads(by_name[0]["CloudTrailEvent"])
assert failed["errorCode"] == "BucketNotEmpty" and failed["errorMessage"], failed
assert "errorCode" not in deleted, deleted
read = {e["EventName"]: e["ReadOnly"] for e in by_name}
assert read["GetBucketEncryption"] == "true" and read["PutBucketEncryption"] == "false", read
assert json.loads(by_name[3]["CloudTrailEvent"])["requestParameters"]["encryption"] == "", by_name[3]

# Object calls are data events: not in the event history, by name or by source.
for name in ["PutObject", "GetObject", "HeadObject", "ListObjectsV2", "DeleteObject"]:
    assert of_bucket(lookup("EventName", name)) == [], name
from_s3 = of_bucket(lookup("EventSource", "s3.amazonaws.com"))
assert sorted({e["EventName"] for e in from_s3}) == ["CreateBucket", "DeleteBucket", "GetBucketEncryption", "PutBucketEncryption"], from_s3

# The other filters: resource type, read-only, caller's access key and user name.
assert len(of_bucket(lookup("ResourceType", "AWS::S3::Bucket"))) == 5
assert [e["EventName"] for e in of_bucket(lookup("ReadOnly", "true"))] == ["GetBucketEncryption"]
assert len(of_bucket(lookup("AccessKeyId", "test"))) == 5
assert len(of_bucket(lookup("Username", e["Username"]))) == 5
""", S3Clients.NewBucketName("trail"));
    }
    /// <summary>
    /// A bucket configuration call logs its document as AWS does: the XML as JSON under its root element (xmlns,
    /// booleans typed, as AWS's PutBucketPublicAccessBlock event), a policy as JSON under bucketPolicy; the byte counts
    /// are numbers in additionalEventData. PutPublicAccessBlock is logged as PutBucketPublicAccessBlock, as in AWS.
    /// </summary>
    [Fact]
    public async Task Configuration_calls_log_their_document_and_byte_counts()
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        await server.RunPythonAsync("""
import os, sys, json, boto3
from botocore.config import Config
cfg = Config(retries={"max_attempts": 1})
s3 = boto3.client("s3", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1", config=cfg)
ct = boto3.client("cloudtrail", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1", config=cfg)
bucket = sys.argv[1]
s3.create_bucket(Bucket=bucket)
s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [
    {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/aws/s3"}, "BucketKeyEnabled": True}]})
s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
    "BlockPublicAcls": True, "IgnorePublicAcls": False, "BlockPublicPolicy": True, "RestrictPublicBuckets": False})
s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]})
policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteBucket",
          "Resource": "arn:aws:s3:::" + bucket}]}
s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
s3.get_bucket_encryption(Bucket=bucket)

events = ct.lookup_events(LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": bucket}])["Events"]
by = {e["EventName"]: json.loads(e["CloudTrailEvent"]) for e in events}
ns = "http://s3.amazonaws.com/doc/2006-03-01/"

enc = by["PutBucketEncryption"]["requestParameters"]
assert enc["bucketName"] == bucket and enc["encryption"] == "" and enc["Host"], enc
assert enc["ServerSideEncryptionConfiguration"] == {"xmlns": ns, "Rule": {
    "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/aws/s3"},
    "BucketKeyEnabled": True}}, enc
pab = by["PutBucketPublicAccessBlock"]["requestParameters"]["PublicAccessBlockConfiguration"]
assert pab == {"xmlns": ns, "BlockPublicAcls": True, "IgnorePublicAcls": False, "BlockPublicPolicy": True,
               "RestrictPublicBuckets": False}, pab
tags = by["PutBucketTagging"]["requestParameters"]["Tagging"]
assert tags == {"xmlns": ns, "TagSet": {"Tag": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]}}, tags
pol = by["PutBucketPolicy"]["requestParameters"]
assert pol["policy"] == "" and pol["bucketPolicy"] == policy, pol

put = by["PutBucketEncryption"]["additionalEventData"]
assert list(put) == ["SignatureVersion", "bytesTransferredIn", "AuthenticationMethod", "x-amz-id-2", "bytesTransferredOut"], put
assert type(put["bytesTransferredIn"]) is int and put["bytesTransferredIn"] > 100 and put["bytesTransferredOut"] == 0, put
get = by["GetBucketEncryption"]
assert get["additionalEventData"]["bytesTransferredIn"] == 0 and get["additionalEventData"]["bytesTransferredOut"] > 100, get
assert get["responseElements"] is None and "ServerSideEncryptionConfiguration" not in get["requestParameters"], get
assert "tlsDetails" not in get and "CipherSuite" not in get["additionalEventData"], get

# CreateBucket's CreateBucketConfiguration, whether the call succeeds or not.
other = bucket + "-eu"
try:
    s3.create_bucket(Bucket=other, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
except Exception:
    pass
created = [json.loads(e["CloudTrailEvent"]) for e in ct.lookup_events(
    LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateBucket"}])["Events"]]
created = [c for c in created if c["requestParameters"].get("bucketName") == other]
assert len(created) == 1, created
assert created[0]["requestParameters"]["CreateBucketConfiguration"] == {"xmlns": ns, "LocationConstraint": "eu-west-1"}, created
""", S3Clients.NewBucketName("trail-doc"));
    }
}
