namespace SseSim.Server.Tests.CloudTrail;

/// <summary>boto3 set-up shared by the trail tests: clients, a delivery bucket with CloudTrail's documented policy, error capture, delivery now.</summary>
internal static class TrailScripts
{
    public const string Prelude = """
import os, json, gzip, boto3, urllib.request
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.exceptions import ClientError
EP = os.environ["SSESIM_ENDPOINT"]
REGION = "us-east-1"
ct = boto3.client("cloudtrail", endpoint_url=EP, region_name=REGION)
kms = boto3.client("kms", endpoint_url=EP, region_name=REGION)
s3 = boto3.client("s3", endpoint_url=EP, region_name=REGION, config=Config(s3={"addressing_style": "path"}))

def error(call, **kw):
    try:
        call(**kw)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"]
    raise AssertionError("no error from " + str(call))

def bucket_policy(bucket, account, prefix=""):
    objects = f"arn:aws:s3:::{bucket}/{prefix + '/' if prefix else ''}AWSLogs/{account}/*"
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:GetBucketAcl", "Resource": f"arn:aws:s3:::{bucket}"},
        {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": objects, "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}]})

def log_bucket(bucket, account, prefix=""):
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=bucket_policy(bucket, account, prefix))

def trail_key(account, alias=None):
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "kms:GenerateDataKey*", "Resource": "*"}]}
    return kms.create_key(Policy=json.dumps(policy))["KeyMetadata"]["Arn"]

def deliver(trail=None):
    request = AWSRequest(method="POST", url=EP + "/_ssesim/api/cloudtrail/deliver", data=b"")
    SigV4Auth(boto3.Session().get_credentials(), "ssesim", REGION).add_auth(request)
    with urllib.request.urlopen(urllib.request.Request(request.url, data=b"", headers=dict(request.headers), method="POST")) as r:
        return [d for d in json.loads(r.read())["Deliveries"] if trail is None or d["TrailARN"].endswith(":trail/" + trail)]

def records(bucket, key):
    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    return json.loads(gzip.decompress(body))["Records"]

account = kms.create_key()["KeyMetadata"]["AWSAccountId"]

""";
}
