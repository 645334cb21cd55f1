#!/usr/bin/env python3
"""S3 SSE-KMS with boto3 against SseSim: put, head (the SSE headers), get, range get, a disabled KMS key blocking
the get, and bucket default encryption with an S3 Bucket Key (and what it saves in KMS calls).

    dotnet run --project src/SseSim.Server &
    python3 samples/s3-sse-kms-boto3/s3_sse_kms.py [ENDPOINT]
"""
import base64
import json
import os
import sys
import uuid

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("SSESIM_ENDPOINT", "http://127.0.0.1:4566")
session = boto3.session.Session(
    aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "test"),
    aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "test"),
    region_name="us-east-1",
)
config = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1})
s3 = session.client("s3", endpoint_url=endpoint, config=config)
kms = session.client("kms", endpoint_url=endpoint, config=config)
cloudtrail = session.client("cloudtrail", endpoint_url=endpoint, config=config)

key = kms.create_key(Description="boto3 SSE-KMS sample")["KeyMetadata"]
print(f"KMS key: {key['Arn']}")
bucket = f"boto3-sse-kms-{uuid.uuid4().hex[:12]}"
s3.create_bucket(Bucket=bucket)
print(f"bucket: {bucket}")

# 1. PUT with SSE-KMS and an encryption context of our own; S3 adds {"aws:s3:arn": ...} to it.
body = b"Hello, SSE-KMS! This object is encrypted with its own data key."
context = base64.b64encode(json.dumps({"project": "samples"}).encode()).decode()
s3.put_object(Bucket=bucket, Key="hello.txt", Body=body, ContentType="text/plain",
              ServerSideEncryption="aws:kms", SSEKMSKeyId=key["KeyId"], SSEKMSEncryptionContext=context)
print("put hello.txt with SSE-KMS")

# 2. HEAD: the encryption shows in the response headers.
head = s3.head_object(Bucket=bucket, Key="hello.txt")
for name, value in sorted(head["ResponseMetadata"]["HTTPHeaders"].items()):
    if name.startswith("x-amz-server-side-encryption"):
        print(f"  {name}: {value}")
assert head["ServerSideEncryption"] == "aws:kms" and head["SSEKMSKeyId"] == key["Arn"]

# 3. GET: one KMS Decrypt of the wrapped data key, then the segments are verified and decrypted.
got = s3.get_object(Bucket=bucket, Key="hello.txt")["Body"].read()
print(f"get: {got.decode()}")
assert got == body

# 4. Range GET: only the segments that hold the range are read and decrypted.
part = s3.get_object(Bucket=bucket, Key="hello.txt", Range="bytes=7-13")["Body"].read()
print(f"range get bytes=7-13: {part.decode()}")
assert part == b"SSE-KMS"

# 5. A disabled KMS key blocks the GET: without Decrypt there is no data key. HEAD still works (no KMS call).
kms.disable_key(KeyId=key["KeyId"])
try:
    s3.get_object(Bucket=bucket, Key="hello.txt")
    sys.exit("FAILED: GET succeeded with the KMS key disabled")
except ClientError as e:
    print(f"with the key disabled, get fails: {e.response['Error']['Code']} "
          f"(HTTP {e.response['ResponseMetadata']['HTTPStatusCode']})")
    assert e.response["Error"]["Code"] == "KMS.DisabledException"
kms.enable_key(KeyId=key["KeyId"])
print("key enabled again")


def generate_data_key_calls():
    """GenerateDataKey events for our key in the CloudTrail-shaped audit."""
    count, token = 0, None
    while True:
        kwargs = {"LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "GenerateDataKey"}], "MaxResults": 50}
        if token:
            kwargs["NextToken"] = token
        page = cloudtrail.lookup_events(**kwargs)
        count += sum(1 for e in page["Events"] if key["KeyId"] in json.dumps(e.get("Resources", [])) + e.get("CloudTrailEvent", ""))
        token = page.get("NextToken")
        if not token:
            return count


# 6. Bucket default encryption with an S3 Bucket Key: objects with no SSE header get SSE-KMS, and S3 asks KMS for a
#    bucket-level key only now and then instead of a data key per object.
s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
    "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key["Arn"]},
    "BucketKeyEnabled": True,
}]})
before = generate_data_key_calls()
for i in range(20):
    s3.put_object(Bucket=bucket, Key=f"default/{i}.txt", Body=f"object {i}".encode())
after = generate_data_key_calls()
head = s3.head_object(Bucket=bucket, Key="default/19.txt")
print(f"20 PUTs with no SSE header: ServerSideEncryption={head['ServerSideEncryption']}, "
      f"BucketKeyEnabled={head.get('BucketKeyEnabled')}, GenerateDataKey calls: {after - before}")
assert head["ServerSideEncryption"] == "aws:kms" and head.get("BucketKeyEnabled") is True
assert after - before <= 2, "a bucket key should spare almost every KMS call"
assert s3.get_object(Bucket=bucket, Key="default/7.txt")["Body"].read() == b"object 7"
print("OK")
