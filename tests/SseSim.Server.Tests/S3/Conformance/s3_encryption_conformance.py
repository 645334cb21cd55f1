"""S3 encryption conformance checks in the style of ceph/s3-tests (s3tests_boto3/functional/test_s3.py).

Each check repeats the requests and assertions of the s3-tests function of the same name (headers injected with
before-call handlers, POST uploads as multipart/form-data with a policy and signature), except where AWS and ceph
disagree: there the AWS behaviour is asserted and the check's docstring says so.

Usage: SSESIM_ENDPOINT=http://127.0.0.1:4566 python3 s3_encryption_conformance.py KMS_KEY_ID OTHER_KMS_KEY_ID [NAME...]
Prints one JSON object per line ({"name", "ok", "error"}); exits 1 when any check fails.
"""
import base64
import datetime
import hashlib
import hmac
import http.client
import json
import os
import sys
import traceback
import urllib.parse
import uuid

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = os.environ["SSESIM_ENDPOINT"].rstrip("/")
ACCESS_KEY = os.environ.get("AWS_ACCESS_KEY_ID", "test")
SECRET_KEY = os.environ.get("AWS_SECRET_ACCESS_KEY", "test")
REGION = "us-east-1"
KMS_KEY, KMS_KEY2 = sys.argv[1], sys.argv[2]
# s3-tests uses 30 MiB multipart objects (CONFORMANCE_MP_SIZE=31457280); 11 MiB keeps the suite fast and still makes
# three parts, the last one short.
MP_SIZE = int(os.environ.get("CONFORMANCE_MP_SIZE", str(11 * 1024 * 1024)))

SSE_C_KEY = "pO3upElrwuEXSoFwCfnZPdSsmt/xWeFa0N9KgDijwVs="
SSE_C_MD5 = "DWygnHRtgiJ77HCm+1rvHw=="
SSE_C_KEY2 = "6b+WOZ1T3cqZMxgThRcXAQBrS5mXKdDUphvpxptl9/4="
SSE_C_MD5_2 = "arxBvwY2V4SiOne6yppVPQ=="
SSE_C = {
    "x-amz-server-side-encryption-customer-algorithm": "AES256",
    "x-amz-server-side-encryption-customer-key": SSE_C_KEY,
    "x-amz-server-side-encryption-customer-key-md5": SSE_C_MD5,
}
SSE_C2 = {
    "x-amz-server-side-encryption-customer-algorithm": "AES256",
    "x-amz-server-side-encryption-customer-key": SSE_C_KEY2,
    "x-amz-server-side-encryption-customer-key-md5": SSE_C_MD5_2,
}

CHECKS = []


def check(fn):
    CHECKS.append(fn)
    return fn


def get_client():
    return boto3.client("s3", endpoint_url=ENDPOINT, region_name=REGION, aws_access_key_id=ACCESS_KEY,
                        aws_secret_access_key=SECRET_KEY,
                        config=Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}))


def get_new_bucket(client=None):
    name = "conf-" + uuid.uuid4().hex[:24]
    (client or get_client()).create_bucket(Bucket=name)
    return name


def eq(a, b, what=""):
    if a != b:
        ra, rb = repr(a), repr(b)
        raise AssertionError(f"{what}: {ra[:200]} != {rb[:200]}")


def add_headers(client, operation, headers):
    client.meta.events.register("before-call.s3." + operation, lambda **kw: kw["params"]["headers"].update(headers))


def assert_raises(fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except ClientError as e:
        return e
    raise AssertionError(f"{fn.__name__} did not fail")


def status_and_code(e):
    return e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Code"]


def hdrs(response):
    return response["ResponseMetadata"]["HTTPHeaders"]


def body_of(response):
    return response["Body"].read().decode()


# ---- SSE-C -------------------------------------------------------------------------------------------------------

def sse_c_write(size):
    client = get_client()
    bucket = get_new_bucket(client)
    data = "A" * size
    add_headers(client, "PutObject", SSE_C)
    client.put_object(Bucket=bucket, Key="testobj", Body=data)
    add_headers(client, "GetObject", SSE_C)
    eq(body_of(client.get_object(Bucket=bucket, Key="testobj")), data, "body")


@check
def test_encrypted_transfer_1b():
    sse_c_write(1)


@check
def test_encrypted_transfer_1kb():
    sse_c_write(1024)


@check
def test_encrypted_transfer_1MB():
    sse_c_write(1024 * 1024)


@check
def test_encrypted_transfer_13b():
    sse_c_write(13)


@check
def test_encryption_sse_c_method_head():
    client = get_client()
    bucket = get_new_bucket(client)
    add_headers(client, "PutObject", SSE_C)
    client.put_object(Bucket=bucket, Key="testobj", Body="A" * 1000)
    e = assert_raises(client.head_object, Bucket=bucket, Key="testobj")
    eq(e.response["ResponseMetadata"]["HTTPStatusCode"], 400, "head without key")
    add_headers(client, "HeadObject", SSE_C)
    response = client.head_object(Bucket=bucket, Key="testobj")
    eq(response["ResponseMetadata"]["HTTPStatusCode"], 200, "head with key")
    eq(response["ContentLength"], 1000, "Content-Length")
    eq(hdrs(response)["x-amz-server-side-encryption-customer-algorithm"], "AES256", "algorithm header")
    eq(hdrs(response)["x-amz-server-side-encryption-customer-key-md5"], SSE_C_MD5, "key MD5 header")


@check
def test_encryption_sse_c_present():
    client = get_client()
    bucket = get_new_bucket(client)
    add_headers(client, "PutObject", SSE_C)
    client.put_object(Bucket=bucket, Key="testobj", Body="A" * 1000)
    e = assert_raises(client.get_object, Bucket=bucket, Key="testobj")
    eq(e.response["ResponseMetadata"]["HTTPStatusCode"], 400, "status")


@check
def test_encryption_sse_c_other_key():
    """s3-tests expects 400; AWS refuses a wrong customer key with 403 AccessDenied."""
    client = get_client()
    bucket = get_new_bucket(client)
    add_headers(client, "PutObject", SSE_C)
    client.put_object(Bucket=bucket, Key="testobj", Body="A" * 100)
    add_headers(client, "GetObject", SSE_C2)
    e = assert_raises(client.get_object, Bucket=bucket, Key="testobj")
    eq(e.response["ResponseMetadata"]["HTTPStatusCode"], 403, "status")


def put_fails_with(headers, status):
    client = get_client()
    bucket = get_new_bucket(client)
    add_headers(client, "PutObject", headers)
    e = assert_raises(client.put_object, Bucket=bucket, Key="testobj", Body="A" * 100)
    eq(e.response["ResponseMetadata"]["HTTPStatusCode"], status, "status")
    return e


@check
def test_encryption_sse_c_invalid_md5():
    put_fails_with({**SSE_C, "x-amz-server-side-encryption-customer-key-md5": "AAAAAAAAAAAAAAAAAAAAAA=="}, 400)


@check
def test_encryption_sse_c_no_md5():
    put_fails_with({k: v for k, v in SSE_C.items() if not k.endswith("md5")}, 400)


@check
def test_encryption_sse_c_no_key():
    put_fails_with({k: v for k, v in SSE_C.items() if not k.endswith("-key")}, 400)


@check
def test_encryption_key_no_sse_c():
    put_fails_with({k: v for k, v in SSE_C.items() if not k.endswith("algorithm")}, 400)


def random_parts(size, part_size):
    chunk = 1024 * 1024
    seed = uuid.uuid4().hex.encode()
    parts = []
    for start in range(0, size, part_size):
        n = min(part_size, size - start)
        block = hashlib.sha512(seed + str(start).encode()).hexdigest()
        parts.append((block * (chunk // len(block) + 1))[:chunk] * (n // chunk) + block[: n % chunk])
    return parts


def multipart_upload_enc(client, bucket, key, size, part_size, init_headers, part_headers, metadata, resend_parts):
    add_headers(client, "CreateMultipartUpload", init_headers)
    upload_id = client.create_multipart_upload(Bucket=bucket, Key=key, Metadata=metadata)["UploadId"]
    data, parts = "", []
    add_headers(client, "UploadPart", part_headers)
    for i, part in enumerate(random_parts(size, part_size)):
        data += part
        response = client.upload_part(UploadId=upload_id, Bucket=bucket, Key=key, PartNumber=i + 1, Body=part)
        parts.append({"ETag": response["ETag"].strip('"'), "PartNumber": i + 1})
        if i in resend_parts:
            # s3-tests completes with the first upload's ETag. An SSE-C/SSE-KMS ETag is not an MD5 of the data on AWS
            # (each upload differs), so the part's current ETag is the one to send.
            response = client.upload_part(UploadId=upload_id, Bucket=bucket, Key=key, PartNumber=i + 1, Body=part)
            parts[-1]["ETag"] = response["ETag"].strip('"')
    return upload_id, data, parts


def check_content_using_range(client, bucket, key, data, step):
    size = client.get_object(Bucket=bucket, Key=key)["ContentLength"]
    for ofs in range(0, size, step):
        toread = min(step, size - ofs)
        end = ofs + toread - 1
        response = client.get_object(Bucket=bucket, Key=key, Range=f"bytes={ofs}-{end}")
        eq(response["ContentLength"], toread, "range length")
        eq(body_of(response), data[ofs:end + 1], f"range {ofs}-{end}")


def multipart_roundtrip(enc_headers, part_headers, expect_headers, resend_parts=()):
    client = get_client()
    bucket = get_new_bucket(client)
    key = "multipart_enc"
    metadata = {"foo": "bar"}
    upload_id, data, parts = multipart_upload_enc(client, bucket, key, MP_SIZE, 5 * 1024 * 1024, enc_headers,
                                                  part_headers, metadata, list(resend_parts))
    client.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts})
    response = client.head_bucket(Bucket=bucket)
    eq(int(hdrs(response).get("x-rgw-object-count", 1)), 1, "object count")
    add_headers(client, "GetObject", part_headers)
    add_headers(client, "HeadObject", part_headers)
    response = client.get_object(Bucket=bucket, Key=key)
    eq(response["Metadata"], metadata, "metadata")
    eq(hdrs(response)["content-type"], "text/plain", "content-type")
    for name, value in expect_headers.items():
        eq(hdrs(response).get(name), value, name)
    body = body_of(response)
    eq(body, data, "body")
    eq(len(body), response["ContentLength"], "Content-Length")
    head = client.head_object(Bucket=bucket, Key=key)
    eq(head["ContentLength"], MP_SIZE, "head Content-Length")
    eq(head["ETag"].endswith(f'-{len(parts)}"'), True, "multipart ETag " + head["ETag"])
    check_content_using_range(client, bucket, key, data, 1000000)
    check_content_using_range(client, bucket, key, data, 10000000)
    listed = client.list_objects_v2(Bucket=bucket)["Contents"]
    eq([(o["Key"], o["Size"]) for o in listed], [(key, MP_SIZE)], "listed sizes")


@check
def test_encryption_sse_c_multipart_upload():
    enc = {**SSE_C, "Content-Type": "text/plain"}
    multipart_roundtrip(enc, enc, {"x-amz-server-side-encryption-customer-algorithm": "AES256"}, resend_parts=[2])


def multipart_part_fails(init_headers, part_headers):
    client = get_client()
    bucket = get_new_bucket(client)
    e = assert_raises(multipart_upload_enc, client, bucket, "multipart_enc", 10 * 1024 * 1024, 5 * 1024 * 1024,
                      init_headers, part_headers, {"foo": "bar"}, [])
    eq(e.response["ResponseMetadata"]["HTTPStatusCode"], 400, "status")


@check
def test_encryption_sse_c_multipart_invalid_chunks_1():
    multipart_part_fails({**SSE_C, "Content-Type": "text/plain"}, {**SSE_C2, "Content-Type": "text/plain"})


@check
def test_encryption_sse_c_multipart_invalid_chunks_2():
    multipart_part_fails({**SSE_C, "Content-Type": "text/plain"},
                         {**SSE_C, "x-amz-server-side-encryption-customer-key-md5": "AAAAAAAAAAAAAAAAAAAAAA=="})


@check
def test_encryption_sse_c_multipart_bad_download():
    """s3-tests expects 400; AWS refuses a wrong customer key with 403 AccessDenied."""
    client = get_client()
    bucket = get_new_bucket(client)
    enc = {**SSE_C, "Content-Type": "text/plain"}
    upload_id, _, parts = multipart_upload_enc(client, bucket, "multipart_enc", 6 * 1024 * 1024, 5 * 1024 * 1024,
                                               enc, enc, {"foo": "bar"}, [])
    client.complete_multipart_upload(Bucket=bucket, Key="multipart_enc", UploadId=upload_id,
                                     MultipartUpload={"Parts": parts})
    add_headers(client, "GetObject", SSE_C2)
    e = assert_raises(client.get_object, Bucket=bucket, Key="multipart_enc")
    eq(status_and_code(e), (403, "AccessDenied"), "error")


@check
def test_multipart_sse_c_get_part():
    """s3-tests expects 400 InvalidPart past the last part; AWS answers 416 InvalidPartNumber."""
    client = get_client()
    bucket = get_new_bucket(client)
    enc = {**SSE_C, "Content-Type": "text/plain"}
    size = 11 * 1024 * 1024
    upload_id, data, parts = multipart_upload_enc(client, bucket, "mp", size, 5 * 1024 * 1024, enc, enc, {}, [])
    client.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload_id, MultipartUpload={"Parts": parts})
    add_headers(client, "GetObject", SSE_C)
    for n in range(1, len(parts) + 1):
        response = client.get_object(Bucket=bucket, Key="mp", PartNumber=n)
        eq(response["PartsCount"], len(parts), "PartsCount")
        start = (n - 1) * 5 * 1024 * 1024
        eq(body_of(response), data[start:start + 5 * 1024 * 1024], f"part {n}")
    e = assert_raises(client.get_object, Bucket=bucket, Key="mp", PartNumber=len(parts) + 1)
    eq(status_and_code(e), (416, "InvalidPartNumber"), "part past the end")


# ---- SSE-C browser POST ------------------------------------------------------------------------------------------

def post_url(bucket):
    return f"{ENDPOINT}/{bucket}"


def encode_form(fields):
    """Like requests' files=: every field a form-data part with a filename (the field name unless given)."""
    boundary = uuid.uuid4().hex
    out = b""
    for name, value in fields:
        filename, content = value if isinstance(value, tuple) else (name, value)
        if isinstance(content, str):
            content = content.encode()
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\n\r\n").encode()
        out += content + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return out, "multipart/form-data; boundary=" + boundary


class PostResponse:
    def __init__(self, status, headers, body):
        self.status_code, self.headers, self.content = status, headers, body


def post_form(url, fields):
    body, content_type = encode_form(fields)
    parsed = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
    try:
        conn.request("POST", parsed.path or "/", body=body, headers={"Content-Type": content_type})
        r = conn.getresponse()
        return PostResponse(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
    finally:
        conn.close()


def expiration(delta=datetime.timedelta(seconds=6000)):
    return (datetime.datetime.now(datetime.timezone.utc) + delta).strftime("%Y-%m-%dT%H:%M:%SZ")


def v2_fields(policy_document, access_key=ACCESS_KEY, secret_key=SECRET_KEY):
    policy = base64.b64encode(json.dumps(policy_document).encode())
    signature = base64.b64encode(hmac.new(secret_key.encode(), policy, hashlib.sha1).digest())
    return policy.decode(), signature.decode(), access_key


def post_v2(bucket, policy_document, fields, secret_key=SECRET_KEY, access_key=ACCESS_KEY, url=None):
    """s3-tests' authenticated POST: AWSAccessKeyId + base64 HMAC-SHA1 signature of the base64 policy."""
    policy, signature, access_key = v2_fields(policy_document, access_key, secret_key)
    form = []
    for name, value in fields:
        if name == "@auth":
            form += [("AWSAccessKeyId", access_key), ("signature", signature), ("policy", policy)]
        else:
            form.append((name, value))
    return post_form(url or post_url(bucket), form)


def policy_of(bucket, *conditions, expires=None):
    return {"expiration": expires or expiration(), "conditions": [{"bucket": bucket}, *conditions]}


@check
def test_encryption_sse_c_post_object_authenticated_request():
    client = get_client()
    bucket = get_new_bucket(client)
    policy = policy_of(bucket, ["starts-with", "$key", "foo"], {"acl": "private"},
                       ["starts-with", "$Content-Type", "text/plain"],
                       ["starts-with", "$x-amz-server-side-encryption-customer-algorithm", ""],
                       ["starts-with", "$x-amz-server-side-encryption-customer-key", ""],
                       ["starts-with", "$x-amz-server-side-encryption-customer-key-md5", ""],
                       ["content-length-range", 0, 1024])
    r = post_v2(bucket, policy, [("key", "foo.txt"), ("@auth", None), ("acl", "private"), ("Content-Type", "text/plain"),
                                 *SSE_C.items(), ("file", "bar")])
    eq(r.status_code, 204, "status " + r.content.decode()[:300])
    add_headers(client, "GetObject", SSE_C)
    eq(body_of(client.get_object(Bucket=bucket, Key="foo.txt")), "bar", "body")


# ---- SSE-KMS -----------------------------------------------------------------------------------------------------

def kms_headers(key_id):
    return {"x-amz-server-side-encryption": "aws:kms", "x-amz-server-side-encryption-aws-kms-key-id": key_id}


def kms_key_matches(value, key_id):
    """AWS answers the key ARN whichever form was sent; s3-tests (on RGW) compares against the id as configured."""
    return value == key_id or (value or "").endswith(":key/" + key_id)


def sse_kms_write(size, key_id):
    client = get_client()
    bucket = get_new_bucket(client)
    data = "A" * size
    add_headers(client, "PutObject", kms_headers(key_id))
    put = client.put_object(Bucket=bucket, Key="testobj", Body=data)
    eq(hdrs(put)["x-amz-server-side-encryption"], "aws:kms", "put sse header")
    eq(kms_key_matches(hdrs(put)["x-amz-server-side-encryption-aws-kms-key-id"], key_id), True, "put key id")
    got = client.get_object(Bucket=bucket, Key="testobj")
    eq(body_of(got), data, "body")
    eq(kms_key_matches(hdrs(got)["x-amz-server-side-encryption-aws-kms-key-id"], key_id), True, "get key id")


for _size, _name in [(1, "1b"), (1024, "1kb"), (1024 * 1024, "1MB"), (13, "13b")]:
    def _kms(size=_size):
        sse_kms_write(size, KMS_KEY2)

    def _barb(size=_size):
        sse_kms_write(size, KMS_KEY)

    _kms.__name__ = "test_sse_kms_transfer_" + _name
    _barb.__name__ = "test_sse_kms_barb_transfer_" + _name
    check(_kms)
    check(_barb)


@check
def test_sse_kms_method_head():
    client = get_client()
    bucket = get_new_bucket(client)
    add_headers(client, "PutObject", kms_headers(KMS_KEY))
    client.put_object(Bucket=bucket, Key="testobj", Body="A" * 1000)
    response = client.head_object(Bucket=bucket, Key="testobj")
    eq(hdrs(response)["x-amz-server-side-encryption"], "aws:kms", "sse")
    eq(kms_key_matches(hdrs(response)["x-amz-server-side-encryption-aws-kms-key-id"], KMS_KEY), True, "key id")
    eq(response["ContentLength"], 1000, "Content-Length")
    eq(response["ETag"][0] + response["ETag"][-1], '""', "quoted ETag")
    add_headers(client, "HeadObject", kms_headers(KMS_KEY))
    e = assert_raises(client.head_object, Bucket=bucket, Key="testobj")
    eq(e.response["ResponseMetadata"]["HTTPStatusCode"], 400, "head with SSE headers")


@check
def test_sse_kms_present():
    client = get_client()
    bucket = get_new_bucket(client)
    add_headers(client, "PutObject", kms_headers(KMS_KEY))
    client.put_object(Bucket=bucket, Key="testobj", Body="A" * 100)
    eq(body_of(client.get_object(Bucket=bucket, Key="testobj")), "A" * 100, "body")


@check
def test_sse_kms_no_key():
    """aws:kms without a key id uses the account's aws/s3 key (AWS)."""
    client = get_client()
    bucket = get_new_bucket(client)
    add_headers(client, "PutObject", {"x-amz-server-side-encryption": "aws:kms"})
    put = client.put_object(Bucket=bucket, Key="testobj", Body="A" * 100)
    eq(hdrs(put)["x-amz-server-side-encryption"], "aws:kms", "sse")
    eq(body_of(client.get_object(Bucket=bucket, Key="testobj")), "A" * 100, "body")


@check
def test_sse_kms_not_declared():
    e = put_fails_with({"x-amz-server-side-encryption-aws-kms-key-id": KMS_KEY2}, 400)
    eq(status_and_code(e), (400, "InvalidArgument"), "error")


@check
def test_sse_kms_read_declare():
    client = get_client()
    bucket = get_new_bucket(client)
    client.put_object(Bucket=bucket, Key="testobj", Body="A" * 100)
    add_headers(client, "GetObject", kms_headers(KMS_KEY))
    e = assert_raises(client.get_object, Bucket=bucket, Key="testobj")
    eq(e.response["ResponseMetadata"]["HTTPStatusCode"], 400, "status")


@check
def test_sse_kms_multipart_upload():
    """s3-tests also sends the SSE-KMS headers on every UploadPart; AWS refuses them there (400 InvalidArgument,
    "x-amz-server-side-encryption header is not supported for this operation"), so only CreateMultipartUpload has them."""
    enc = {**kms_headers(KMS_KEY), "Content-Type": "text/plain"}
    multipart_roundtrip(enc, {"Content-Type": "text/plain"}, {"x-amz-server-side-encryption": "aws:kms"})


@check
def test_sse_kms_multipart_invalid_chunks_1():
    multipart_part_fails({**kms_headers(KMS_KEY), "Content-Type": "text/plain"},
                         {**kms_headers(KMS_KEY2), "Content-Type": "text/plain"})


@check
def test_sse_kms_multipart_invalid_chunks_2():
    multipart_part_fails({**kms_headers(KMS_KEY), "Content-Type": "text/plain"},
                         {**kms_headers("testpart-2"), "Content-Type": "text/plain"})


@check
def test_sse_kms_post_object_authenticated_request():
    client = get_client()
    bucket = get_new_bucket(client)
    policy = policy_of(bucket, ["starts-with", "$key", "foo"], {"acl": "private"},
                       ["starts-with", "$Content-Type", "text/plain"],
                       ["starts-with", "$x-amz-server-side-encryption", ""],
                       ["starts-with", "$x-amz-server-side-encryption-aws-kms-key-id", ""],
                       ["content-length-range", 0, 1024])
    r = post_v2(bucket, policy, [("key", "foo.txt"), ("@auth", None), ("acl", "private"), ("Content-Type", "text/plain"),
                                 ("x-amz-server-side-encryption", "aws:kms"),
                                 ("x-amz-server-side-encryption-aws-kms-key-id", KMS_KEY), ("file", "bar")])
    eq(r.status_code, 204, "status " + r.content.decode()[:300])
    eq(r.headers.get("x-amz-server-side-encryption"), "aws:kms", "POST response sse header")
    got = client.get_object(Bucket=bucket, Key="foo.txt")
    eq(body_of(got), "bar", "body")
    eq(hdrs(got)["x-amz-server-side-encryption"], "aws:kms", "sse")
    eq(kms_key_matches(hdrs(got)["x-amz-server-side-encryption-aws-kms-key-id"], KMS_KEY), True, "key id")


# ---- bucket encryption -------------------------------------------------------------------------------------------

def put_bucket_encryption_s3(client, bucket):
    return client.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})


def put_bucket_encryption_kms(client, bucket, key_id=None):
    return client.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_id or KMS_KEY}}]})


@check
def test_put_bucket_encryption_s3():
    client = get_client()
    bucket = get_new_bucket(client)
    eq(put_bucket_encryption_s3(client, bucket)["ResponseMetadata"]["HTTPStatusCode"], 200, "status")


@check
def test_put_bucket_encryption_kms():
    client = get_client()
    bucket = get_new_bucket(client)
    eq(put_bucket_encryption_kms(client, bucket)["ResponseMetadata"]["HTTPStatusCode"], 200, "status")


def default_rule(client, bucket):
    return client.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]


@check
def test_get_bucket_encryption_s3():
    """s3-tests expects ServerSideEncryptionConfigurationNotFoundError before a put; since January 2023 every AWS
    bucket has the SSE-S3 default, which GetBucketEncryption returns."""
    client = get_client()
    bucket = get_new_bucket(client)
    eq(default_rule(client, bucket)["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"], "AES256", "implicit")
    put_bucket_encryption_s3(client, bucket)
    eq(default_rule(client, bucket)["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"], "AES256", "after put")


@check
def test_get_bucket_encryption_kms():
    client = get_client()
    bucket = get_new_bucket(client)
    put_bucket_encryption_kms(client, bucket)
    rule = default_rule(client, bucket)["ApplyServerSideEncryptionByDefault"]
    eq(rule["SSEAlgorithm"], "aws:kms", "algorithm")
    eq(rule["KMSMasterKeyID"], KMS_KEY, "key id as configured")


@check
def test_delete_bucket_encryption_s3():
    client = get_client()
    bucket = get_new_bucket(client)
    put_bucket_encryption_kms(client, bucket)
    eq(client.delete_bucket_encryption(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"], 204, "status")
    # AWS: back to the SSE-S3 default (s3-tests: ServerSideEncryptionConfigurationNotFoundError).
    eq(default_rule(client, bucket)["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"], "AES256", "after delete")


@check
def test_delete_bucket_encryption_kms():
    client = get_client()
    bucket = get_new_bucket(client)
    put_bucket_encryption_kms(client, bucket)
    client.delete_bucket_encryption(Bucket=bucket)
    client.put_object(Bucket=bucket, Key="after", Body="x")
    eq(client.head_object(Bucket=bucket, Key="after")["ServerSideEncryption"], "AES256", "object after delete")


def bucket_policy_put(required, sent, expect_status):
    client = get_client()
    bucket = get_new_bucket(client)
    policy = {"Version": "2012-10-17", "Statement": [
        {"Sid": "DenyIncorrectEncryptionHeader", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
         "Resource": f"arn:aws:s3:::{bucket}/*",
         "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": required}}},
        {"Sid": "DenyUnEncryptedObjectUploads", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
         "Resource": f"arn:aws:s3:::{bucket}/*",
         "Condition": {"Null": {"s3:x-amz-server-side-encryption": "true"}}}]}
    client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    if sent:
        add_headers(client, "PutObject", sent)
    if expect_status == 200:
        client.put_object(Bucket=bucket, Key="testobj", Body="A" * 10)
    else:
        e = assert_raises(client.put_object, Bucket=bucket, Key="testobj", Body="A" * 10)
        eq(status_and_code(e), (403, "AccessDenied"), "error")
    return client, bucket


@check
def test_bucket_policy_put_obj_kms_noenc():
    bucket_policy_put("aws:kms", None, 403)


@check
def test_bucket_policy_put_obj_s3_noenc():
    bucket_policy_put("AES256", None, 403)


@check
def test_bucket_policy_put_obj_s3_kms():
    bucket_policy_put("AES256", kms_headers(KMS_KEY), 403)


@check
def test_bucket_policy_put_obj_kms_s3():
    bucket_policy_put("aws:kms", {"x-amz-server-side-encryption": "AES256"}, 403)


@check
def test_bucket_policy_put_obj_kms_ok():
    bucket_policy_put("aws:kms", kms_headers(KMS_KEY), 200)


@check
def test_bucket_policy_post_obj_kms_noenc():
    """The bucket policy applies to browser POSTs too, with the form's SSE fields as condition keys."""
    client, bucket = bucket_policy_put("aws:kms", kms_headers(KMS_KEY), 200)
    policy = policy_of(bucket, ["starts-with", "$key", ""])
    r = post_v2(bucket, policy, [("key", "plain.txt"), ("@auth", None), ("file", "bar")])
    eq((r.status_code, b"<Code>AccessDenied</Code>" in r.content), (403, True), "plain POST " + r.content.decode()[:300])
    policy = policy_of(bucket, ["starts-with", "$key", ""], {"x-amz-server-side-encryption": "aws:kms"})
    r = post_v2(bucket, policy, [("key", "kms.txt"), ("@auth", None), ("x-amz-server-side-encryption", "aws:kms"),
                                 ("file", "bar")])
    eq(r.status_code, 204, "kms POST " + r.content.decode()[:300])


@check
def test_encryption_sse_c_enforced_with_bucket_policy():
    client = get_client()
    bucket = get_new_bucket(client)
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/*",
         "Condition": {"Null": {"s3:x-amz-server-side-encryption-customer-algorithm": "true"}}}]}
    client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    e = assert_raises(client.put_object, Bucket=bucket, Key="foo", Body="bar")
    eq(status_and_code(e), (403, "AccessDenied"), "without SSE-C")
    client.put_object(Bucket=bucket, Key="foo", Body="bar", SSECustomerAlgorithm="AES256", SSECustomerKey=base64.b64decode(SSE_C_KEY))


@check
def test_encryption_sse_c_deny_algo_with_bucket_policy():
    client = get_client()
    bucket = get_new_bucket(client)
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/*",
         "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption-customer-algorithm": "AES256"}}}]}
    client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    key = base64.b64decode(SSE_C_KEY)
    e = assert_raises(client.put_object, Bucket=bucket, Key="foo", Body="bar", SSECustomerAlgorithm="AES192", SSECustomerKey=key)
    eq(status_and_code(e), (403, "AccessDenied"), "AES192")
    client.put_object(Bucket=bucket, Key="foo", Body="bar", SSECustomerAlgorithm="AES256", SSECustomerKey=key)


# ---- bucket default encryption -----------------------------------------------------------------------------------

def default_upload(size, kms):
    client = get_client()
    bucket = get_new_bucket(client)
    (put_bucket_encryption_kms if kms else put_bucket_encryption_s3)(client, bucket)
    data = "A" * size
    put = client.put_object(Bucket=bucket, Key="testobj", Body=data)
    expected = "aws:kms" if kms else "AES256"
    eq(hdrs(put)["x-amz-server-side-encryption"], expected, "put sse")
    if kms:
        eq(kms_key_matches(hdrs(put)["x-amz-server-side-encryption-aws-kms-key-id"], KMS_KEY), True, "put key id")
    got = client.get_object(Bucket=bucket, Key="testobj")
    eq(hdrs(got)["x-amz-server-side-encryption"], expected, "get sse")
    eq(body_of(got), data, "body")
    listed = client.list_objects(Bucket=bucket)["Contents"]
    eq([(o["Key"], o["Size"], o["ETag"]) for o in listed], [("testobj", size, put["ETag"])], "ListObjects")


for _size, _name in [(1, "1b"), (1024, "1kb"), (1024 * 1024, "1mb"), (8 * 1024 * 1024, "8mb")]:
    def _s3(size=_size):
        default_upload(size, False)

    def _kms_default(size=_size):
        default_upload(size, True)

    _s3.__name__ = "test_sse_s3_default_upload_" + _name
    _kms_default.__name__ = "test_sse_kms_default_upload_" + _name
    check(_s3)
    check(_kms_default)


def sse_s3_encrypted_upload(size):
    client = get_client()
    bucket = get_new_bucket(client)
    data = "A" * size
    put = client.put_object(Bucket=bucket, Key="testobj", Body=data, ServerSideEncryption="AES256")
    eq(hdrs(put)["x-amz-server-side-encryption"], "AES256", "put sse")
    got = client.get_object(Bucket=bucket, Key="testobj")
    eq(hdrs(got)["x-amz-server-side-encryption"], "AES256", "get sse")
    eq(body_of(got), data, "body")


@check
def test_sse_s3_encrypted_upload_1kb():
    sse_s3_encrypted_upload(1024)


@check
def test_sse_s3_encrypted_upload_8mb():
    sse_s3_encrypted_upload(8 * 1024 * 1024)


@check
def test_sse_s3_default_method_head():
    client = get_client()
    bucket = get_new_bucket(client)
    put_bucket_encryption_s3(client, bucket)
    client.put_object(Bucket=bucket, Key="testobj", Body="A" * 1000)
    response = client.head_object(Bucket=bucket, Key="testobj")
    eq(hdrs(response)["x-amz-server-side-encryption"], "AES256", "sse")
    add_headers(client, "HeadObject", {"x-amz-server-side-encryption": "AES256"})
    e = assert_raises(client.head_object, Bucket=bucket, Key="testobj")
    eq(e.response["ResponseMetadata"]["HTTPStatusCode"], 400, "head with SSE header")


@check
def test_sse_s3_default_multipart_upload():
    client = get_client()
    bucket = get_new_bucket(client)
    put_bucket_encryption_s3(client, bucket)
    upload_id, data, parts = multipart_upload_enc(client, bucket, "mp", MP_SIZE, 5 * 1024 * 1024,
                                                  {"Content-Type": "text/plain"}, {}, {"foo": "bar"}, [])
    client.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload_id, MultipartUpload={"Parts": parts})
    response = client.get_object(Bucket=bucket, Key="mp")
    eq(hdrs(response)["x-amz-server-side-encryption"], "AES256", "sse")
    eq(response["Metadata"], {"foo": "bar"}, "metadata")
    eq(hdrs(response)["content-type"], "text/plain", "content-type")
    eq(body_of(response), data, "body")
    check_content_using_range(client, bucket, "mp", data, 1000000)


@check
def test_sse_kms_default_multipart_upload():
    client = get_client()
    bucket = get_new_bucket(client)
    put_bucket_encryption_kms(client, bucket)
    upload_id, data, parts = multipart_upload_enc(client, bucket, "mp", 6 * 1024 * 1024, 5 * 1024 * 1024,
                                                  {"Content-Type": "text/plain"}, {}, {"foo": "bar"}, [])
    client.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload_id, MultipartUpload={"Parts": parts})
    response = client.get_object(Bucket=bucket, Key="mp")
    eq(hdrs(response)["x-amz-server-side-encryption"], "aws:kms", "sse")
    eq(kms_key_matches(hdrs(response)["x-amz-server-side-encryption-aws-kms-key-id"], KMS_KEY), True, "key id")
    eq(body_of(response), data, "body")


def default_post(kms):
    client = get_client()
    bucket = get_new_bucket(client)
    (put_bucket_encryption_kms if kms else put_bucket_encryption_s3)(client, bucket)
    policy = policy_of(bucket, ["starts-with", "$key", "foo"], {"acl": "private"},
                       ["starts-with", "$Content-Type", "text/plain"], ["content-length-range", 0, 1024])
    r = post_v2(bucket, policy, [("key", "foo.txt"), ("@auth", None), ("acl", "private"), ("Content-Type", "text/plain"),
                                 ("file", "bar")])
    eq(r.status_code, 204, "status " + r.content.decode()[:300])
    got = client.get_object(Bucket=bucket, Key="foo.txt")
    eq(hdrs(got)["x-amz-server-side-encryption"], "aws:kms" if kms else "AES256", "sse")
    if kms:
        eq(kms_key_matches(hdrs(got)["x-amz-server-side-encryption-aws-kms-key-id"], KMS_KEY), True, "key id")
    eq(hdrs(got)["content-type"], "text/plain", "content-type")
    eq(body_of(got), "bar", "body")


@check
def test_sse_s3_default_post_object_authenticated_request():
    default_post(False)


@check
def test_sse_kms_default_post_object_authenticated_request():
    default_post(True)


# ---- copies of encrypted objects ---------------------------------------------------------------------------------

COPY_MODES = {
    "none": ({}, {}, {}),
    "sse-c": ({"SSECustomerAlgorithm": "AES256", "SSECustomerKey": base64.b64decode(SSE_C_KEY)},
              {"CopySourceSSECustomerAlgorithm": "AES256", "CopySourceSSECustomerKey": base64.b64decode(SSE_C_KEY)},
              {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": base64.b64decode(SSE_C_KEY)}),
    "sse-s3": ({"ServerSideEncryption": "AES256"}, {}, {}),
    "sse-kms": ({"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": KMS_KEY}, {}, {}),
}


def copy_enc(source, dest):
    client = get_client()
    bucket = get_new_bucket(client)
    put_args, copy_source_args, _ = COPY_MODES[source]
    dest_args, _, get_args = COPY_MODES[dest]
    data = "x" * 1024
    client.put_object(Bucket=bucket, Key="source", Body=data, **put_args)
    client.copy_object(Bucket=bucket, Key="dest", CopySource={"Bucket": bucket, "Key": "source"},
                       **copy_source_args, **dest_args)
    got = client.get_object(Bucket=bucket, Key="dest", **get_args)
    eq(body_of(got), data, "body")
    expected = {"none": "AES256", "sse-s3": "AES256", "sse-kms": "aws:kms"}.get(dest)
    eq(got.get("ServerSideEncryption"), expected, "copy's encryption")
    eq(got["ContentLength"], 1024, "Content-Length")
    if source != "sse-c":
        add_headers(client, "GetObject", SSE_C)
        e = assert_raises(client.get_object, Bucket=bucket, Key="source")
        eq(e.response["ResponseMetadata"]["HTTPStatusCode"], 400, "SSE-C headers on a non-SSE-C object")


for _src in COPY_MODES:
    for _dst in COPY_MODES:
        def _copy(s=_src, d=_dst):
            copy_enc(s, d)

        _copy.__name__ = f"test_copy_enc_{_src}_to_{_dst}".replace("-", "_")
        check(_copy)


@check
def test_copy_sse_c_source_without_key():
    client = get_client()
    bucket = get_new_bucket(client)
    client.put_object(Bucket=bucket, Key="source", Body="data", SSECustomerAlgorithm="AES256",
                      SSECustomerKey=base64.b64decode(SSE_C_KEY))
    e = assert_raises(client.copy_object, Bucket=bucket, Key="dest", CopySource={"Bucket": bucket, "Key": "source"})
    eq(e.response["ResponseMetadata"]["HTTPStatusCode"], 400, "status")


# ---- basics on encrypted objects ---------------------------------------------------------------------------------

@check
def test_encrypted_object_conditionals_and_ranges():
    client = get_client()
    bucket = get_new_bucket(client)
    data = "".join(chr(ord("a") + i % 26) for i in range(100000))
    put = client.put_object(Bucket=bucket, Key="k", Body=data, ServerSideEncryption="aws:kms", SSEKMSKeyId=KMS_KEY)
    etag = put["ETag"]
    eq(etag.startswith('"') and etag.endswith('"'), True, "quoted ETag " + etag)
    head = client.head_object(Bucket=bucket, Key="k")
    eq((head["ETag"], head["ContentLength"], hdrs(head)["accept-ranges"]), (etag, 100000, "bytes"), "head")
    r = client.get_object(Bucket=bucket, Key="k", Range="bytes=70000-70009")
    eq((r["ContentRange"], r["ContentLength"], body_of(r)), ("bytes 70000-70009/100000", 10, data[70000:70010]), "range")
    r = client.get_object(Bucket=bucket, Key="k", Range="bytes=-5")
    eq(body_of(r), data[-5:], "suffix range")
    r = client.get_object(Bucket=bucket, Key="k", Range="bytes=99990-")
    eq(body_of(r), data[99990:], "open range")
    e = assert_raises(client.get_object, Bucket=bucket, Key="k", Range="bytes=100000-")
    eq(status_and_code(e), (416, "InvalidRange"), "unsatisfiable range")
    eq(body_of(client.get_object(Bucket=bucket, Key="k", IfMatch=etag)), data, "If-Match")
    e = assert_raises(client.get_object, Bucket=bucket, Key="k", IfMatch='"00000000000000000000000000000000"')
    eq(status_and_code(e), (412, "PreconditionFailed"), "If-Match mismatch")
    e = assert_raises(client.get_object, Bucket=bucket, Key="k", IfNoneMatch=etag)
    eq(e.response["ResponseMetadata"]["HTTPStatusCode"], 304, "If-None-Match")
    # As s3-tests' test_get_object_ifmodifiedsince_failed waits for it: S3 ignores an If-Modified-Since in the future.
    now = datetime.datetime.now(datetime.timezone.utc)
    e = assert_raises(client.get_object, Bucket=bucket, Key="k", IfModifiedSince=now)
    eq(e.response["ResponseMetadata"]["HTTPStatusCode"], 304, "If-Modified-Since")
    future = now + datetime.timedelta(days=1)
    eq(body_of(client.get_object(Bucket=bucket, Key="k", IfModifiedSince=future)), data, "future If-Modified-Since ignored")
    past = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
    e = assert_raises(client.get_object, Bucket=bucket, Key="k", IfUnmodifiedSince=past)
    eq(status_and_code(e), (412, "PreconditionFailed"), "If-Unmodified-Since")
    v1 = client.list_objects(Bucket=bucket)["Contents"]
    v2 = client.list_objects_v2(Bucket=bucket)["Contents"]
    eq([(o["Key"], o["Size"], o["ETag"]) for o in v1], [("k", 100000, etag)], "ListObjects")
    eq([(o["Key"], o["Size"], o["ETag"]) for o in v2], [("k", 100000, etag)], "ListObjectsV2")


@check
def test_non_multipart_get_part():
    """s3-tests expects 400 InvalidPart for part 2 of a plain object; AWS answers 416 InvalidPartNumber."""
    client = get_client()
    bucket = get_new_bucket(client)
    etag = client.put_object(Bucket=bucket, Key="k", Body="data")["ETag"]
    e = assert_raises(client.get_object, Bucket=bucket, Key="k", PartNumber=2)
    eq(status_and_code(e), (416, "InvalidPartNumber"), "part 2")
    r = client.get_object(Bucket=bucket, Key="k", PartNumber=1)
    eq((r["ETag"], body_of(r)), (etag, "data"), "part 1")


# ---- conditional writes (s3-tests test_put_object_if*, AWS conditional requests) ----------------------------------

@check
def test_put_object_ifmatch_good_and_failed():
    client = get_client()
    bucket = get_new_bucket(client)
    etag = client.put_object(Bucket=bucket, Key="foo", Body="bar", ServerSideEncryption="aws:kms", SSEKMSKeyId=KMS_KEY)["ETag"]
    add_headers(client, "PutObject", {"If-Match": etag})
    client.put_object(Bucket=bucket, Key="foo", Body="zar")
    eq(body_of(client.get_object(Bucket=bucket, Key="foo")), "zar", "replaced")
    e = assert_raises(client.put_object, Bucket=bucket, Key="foo", Body="far")
    eq(status_and_code(e), (412, "PreconditionFailed"), "stale If-Match")
    eq(body_of(client.get_object(Bucket=bucket, Key="foo")), "zar", "kept")


@check
def test_put_object_ifnonmatch_good_and_failed():
    client = get_client()
    bucket = get_new_bucket(client)
    add_headers(client, "PutObject", {"If-None-Match": "*"})
    client.put_object(Bucket=bucket, Key="foo", Body="bar", SSECustomerAlgorithm="AES256", SSECustomerKey=base64.b64decode(SSE_C_KEY))
    e = assert_raises(client.put_object, Bucket=bucket, Key="foo", Body="zar")
    eq(status_and_code(e), (412, "PreconditionFailed"), "existing key")


@check
def test_put_object_ifmatch_nonexisted_failed():
    """Old s3-tests (RGW) expect 412; AWS answers 404 NoSuchKey when no object has the key."""
    client = get_client()
    bucket = get_new_bucket(client)
    e = assert_raises(client.put_object, Bucket=bucket, Key="foo", Body="bar", IfMatch='"7a3b4f2c0e5d1a8b9c6f3e2d1a0b9c8d"')
    eq(status_and_code(e), (404, "NoSuchKey"), "error")


@check
def test_multipart_complete_if_none_match():
    client = get_client()
    bucket = get_new_bucket(client)
    client.put_object(Bucket=bucket, Key="mp", Body="existing")
    upload = client.create_multipart_upload(Bucket=bucket, Key="mp", ServerSideEncryption="aws:kms", SSEKMSKeyId=KMS_KEY)
    part = client.upload_part(Bucket=bucket, Key="mp", UploadId=upload["UploadId"], PartNumber=1, Body="new")
    done = {"Parts": [{"ETag": part["ETag"], "PartNumber": 1}]}
    e = assert_raises(client.complete_multipart_upload, Bucket=bucket, Key="mp", UploadId=upload["UploadId"],
                      MultipartUpload=done, IfNoneMatch="*")
    eq(status_and_code(e), (412, "PreconditionFailed"), "existing key")
    etag = client.head_object(Bucket=bucket, Key="mp")["ETag"]
    client.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload["UploadId"], MultipartUpload=done, IfMatch=etag)
    eq(body_of(client.get_object(Bucket=bucket, Key="mp")), "new", "completed after the failed attempt")


@check
def test_delete_object_if_match():
    client = get_client()
    bucket = get_new_bucket(client)
    etag = client.put_object(Bucket=bucket, Key="foo", Body="bar")["ETag"]
    e = assert_raises(client.delete_object, Bucket=bucket, Key="foo", IfMatch='"00000000000000000000000000000000"')
    eq(status_and_code(e), (412, "PreconditionFailed"), "stale If-Match")
    client.delete_object(Bucket=bucket, Key="foo", IfMatch=etag)
    e = assert_raises(client.head_object, Bucket=bucket, Key="foo")
    eq(e.response["ResponseMetadata"]["HTTPStatusCode"], 404, "deleted")


# ---- browser POST (s3-tests test_post_object_*) --------------------------------------------------------------------

def simple_post(bucket, policy, extra=(), key="foo.txt", file=("file", "bar")):
    return post_v2(bucket, policy, [("key", key), ("@auth", None), ("acl", "private"),
                                    ("Content-Type", "text/plain"), *extra, file])


def standard_policy(bucket, *extra, length=(0, 1024)):
    return policy_of(bucket, ["starts-with", "$key", "foo"], {"acl": "private"},
                     ["starts-with", "$Content-Type", "text/plain"], *extra, ["content-length-range", *length])


def post_status(r, status, code=None, what=""):
    text = r.content.decode(errors="replace")
    eq(r.status_code, status, f"{what} status ({text[:300]})")
    if code:
        eq(f"<Code>{code}</Code>" in text, True, f"{what} code {code} in {text[:300]}")


@check
def test_post_object_authenticated_request():
    client = get_client()
    bucket = get_new_bucket(client)
    r = simple_post(bucket, standard_policy(bucket))
    post_status(r, 204)
    eq(r.content, b"", "empty 204 body")
    got = client.get_object(Bucket=bucket, Key="foo.txt")
    eq((body_of(got), got["ContentType"], got["ETag"]), ("bar", "text/plain", r.headers.get("etag")), "stored object")


@check
def test_post_object_authenticated_no_content_type():
    client = get_client()
    bucket = get_new_bucket(client)
    policy = policy_of(bucket, ["starts-with", "$key", "foo"], {"acl": "private"}, ["content-length-range", 0, 1024])
    r = post_v2(bucket, policy, [("key", "foo.txt"), ("@auth", None), ("acl", "private"), ("file", "bar")])
    post_status(r, 204)
    eq(body_of(client.get_object(Bucket=bucket, Key="foo.txt")), "bar", "body")


@check
def test_post_object_authenticated_request_bad_access_key():
    bucket = get_new_bucket()
    post_status(simple_post_with(bucket, access_key="foo"), 403, "InvalidAccessKeyId")


def simple_post_with(bucket, **kw):
    policy = standard_policy(bucket)
    return post_v2(bucket, policy, [("key", "foo.txt"), ("@auth", None), ("acl", "private"),
                                    ("Content-Type", "text/plain"), ("file", "bar")], **kw)


@check
def test_post_object_invalid_signature():
    bucket = get_new_bucket()
    post_status(simple_post_with(bucket, secret_key="not-the-secret"), 403, "SignatureDoesNotMatch")


@check
def test_post_object_set_success_code():
    client = get_client()
    bucket = get_new_bucket(client)
    r = simple_post(bucket, standard_policy(bucket), extra=[("success_action_status", "201")])
    post_status(r, 201)
    text = r.content.decode()
    for part in ["<PostResponse>", f"<Bucket>{bucket}</Bucket>", "<Key>foo.txt</Key>", "<ETag>", "<Location>"]:
        eq(part in text, True, f"{part} in {text}")


@check
def test_post_object_set_invalid_success_code():
    bucket = get_new_bucket()
    r = simple_post(bucket, standard_policy(bucket), extra=[("success_action_status", "404")])
    post_status(r, 204)
    eq(r.content, b"", "empty body")


@check
def test_post_object_success_status_200():
    bucket = get_new_bucket()
    post_status(simple_post(bucket, standard_policy(bucket), extra=[("success_action_status", "200")]), 200)


@check
def test_post_object_upload_larger_than_chunk():
    client = get_client()
    bucket = get_new_bucket(client)
    data = "x" * (5 * 1024 * 1024 + 12345)
    r = simple_post(bucket, standard_policy(bucket, length=(0, 6 * 1024 * 1024)), file=("file", data))
    post_status(r, 204)
    eq(body_of(client.get_object(Bucket=bucket, Key="foo.txt")), data, "body")


@check
def test_post_object_set_key_from_filename():
    client = get_client()
    bucket = get_new_bucket(client)
    r = simple_post(bucket, standard_policy(bucket), key="${filename}", file=("file", ("foo.txt", "bar")))
    post_status(r, 204)
    eq(body_of(client.get_object(Bucket=bucket, Key="foo.txt")), "bar", "body")


@check
def test_post_object_ignored_header():
    bucket = get_new_bucket()
    post_status(simple_post(bucket, standard_policy(bucket), extra=[("x-ignore-foo", "bar")]), 204)


@check
def test_post_object_case_insensitive_condition_fields():
    bucket = get_new_bucket()
    policy = {"expiration": expiration(), "conditions": [
        {"bUcKeT": bucket}, ["StArTs-WiTh", "$KeY", "foo"], {"AcL": "private"},
        ["StArTs-WiTh", "$CoNtEnT-TyPe", "text/plain"], ["content-length-range", 0, 1024]]}
    p, s, a = v2_fields(policy)
    r = post_form(post_url(bucket), [("kEy", "foo.txt"), ("AWSAccessKeyId", a), ("aCl", "private"), ("signature", s),
                                     ("pOLICy", p), ("Content-Type", "text/plain"), ("file", "bar")])
    post_status(r, 204)


@check
def test_post_object_escaped_field_values():
    client = get_client()
    bucket = get_new_bucket(client)
    policy = policy_of(bucket, ["starts-with", "$key", "\\$foo"], {"acl": "private"},
                       ["starts-with", "$Content-Type", "text/plain"], ["content-length-range", 0, 1024])
    post_status(simple_post(bucket, policy, key="\\$foo.txt"), 204)
    eq(body_of(client.get_object(Bucket=bucket, Key="\\$foo.txt")), "bar", "body")


@check
def test_post_object_success_redirect_action():
    bucket = get_new_bucket()
    redirect = "http://example.invalid/done"
    policy = standard_policy(bucket, ["eq", "$success_action_redirect", redirect])
    r = simple_post(bucket, policy, extra=[("success_action_redirect", redirect)])
    post_status(r, 303)
    etag = get_client().head_object(Bucket=bucket, Key="foo.txt")["ETag"].strip('"')
    eq(r.headers.get("location"), f"{redirect}?bucket={bucket}&key=foo.txt&etag=%22{etag}%22", "Location")


@check
def test_post_object_invalid_date_format():
    bucket = get_new_bucket()
    policy = standard_policy(bucket)
    policy["expiration"] = str(datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=100))
    post_status(simple_post(bucket, policy), 400, "InvalidPolicyDocument")


@check
def test_post_object_no_key_specified():
    bucket = get_new_bucket()
    policy = policy_of(bucket, {"acl": "private"}, ["starts-with", "$Content-Type", "text/plain"],
                       ["content-length-range", 0, 1024])
    r = post_v2(bucket, policy, [("@auth", None), ("acl", "private"), ("Content-Type", "text/plain"), ("file", "bar")])
    post_status(r, 400, "InvalidArgument")


@check
def test_post_object_missing_signature():
    bucket = get_new_bucket()
    p, _, a = v2_fields(standard_policy(bucket))
    r = post_form(post_url(bucket), [("key", "foo.txt"), ("AWSAccessKeyId", a), ("acl", "private"), ("policy", p),
                                     ("Content-Type", "text/plain"), ("file", "bar")])
    post_status(r, 400, "InvalidArgument")


@check
def test_post_object_missing_policy_condition():
    bucket = get_new_bucket()
    policy = policy_of(bucket, {"acl": "private"}, ["starts-with", "$Content-Type", "text/plain"],
                       ["content-length-range", 0, 1024])
    post_status(simple_post(bucket, policy), 403, "AccessDenied")


@check
def test_post_object_user_specified_header():
    client = get_client()
    bucket = get_new_bucket(client)
    r = simple_post(bucket, standard_policy(bucket, ["starts-with", "$x-amz-meta-foo", "bar"]),
                    extra=[("x-amz-meta-foo", "barclamp")])
    post_status(r, 204)
    eq(client.get_object(Bucket=bucket, Key="foo.txt")["Metadata"]["foo"], "barclamp", "metadata")


@check
def test_post_object_request_missing_policy_specified_field():
    bucket = get_new_bucket()
    post_status(simple_post(bucket, standard_policy(bucket, ["starts-with", "$x-amz-meta-foo", "bar"])), 403, "AccessDenied")


@check
def test_post_object_condition_is_case_sensitive():
    bucket = get_new_bucket()
    policy = standard_policy(bucket)
    policy["CONDITIONS"] = policy.pop("conditions")
    post_status(simple_post(bucket, policy), 400, "InvalidPolicyDocument")


@check
def test_post_object_expires_is_case_sensitive():
    bucket = get_new_bucket()
    policy = standard_policy(bucket)
    policy = {"EXPIRATION": policy["expiration"], "conditions": policy["conditions"]}
    post_status(simple_post(bucket, policy), 400, "InvalidPolicyDocument")


@check
def test_post_object_expired_policy():
    bucket = get_new_bucket()
    policy = policy_of(bucket, ["starts-with", "$key", "foo"], {"acl": "private"},
                       ["starts-with", "$Content-Type", "text/plain"], ["content-length-range", 0, 1024],
                       expires=expiration(datetime.timedelta(seconds=-6000)))
    post_status(simple_post(bucket, policy), 403, "AccessDenied")


@check
def test_post_object_wrong_bucket():
    bucket = get_new_bucket()
    other = get_new_bucket()
    post_status(simple_post(other, standard_policy(bucket)), 403, "AccessDenied")


@check
def test_post_object_invalid_request_field_value():
    bucket = get_new_bucket()
    r = simple_post(bucket, standard_policy(bucket, ["eq", "$x-amz-meta-foo", ""]), extra=[("x-amz-meta-foo", "barclamp")])
    post_status(r, 403, "AccessDenied")


@check
def test_post_object_missing_expires_condition():
    bucket = get_new_bucket()
    policy = standard_policy(bucket)
    del policy["expiration"]
    post_status(simple_post(bucket, policy), 400, "InvalidPolicyDocument")


@check
def test_post_object_missing_conditions_list():
    bucket = get_new_bucket()
    post_status(simple_post(bucket, {"expiration": expiration()}), 400, "InvalidPolicyDocument")


@check
def test_post_object_upload_size_limit_exceeded():
    client = get_client()
    bucket = get_new_bucket(client)
    post_status(simple_post(bucket, standard_policy(bucket, length=(0, 0))), 400, "EntityTooLarge")
    e = assert_raises(client.head_object, Bucket=bucket, Key="foo.txt")
    eq(e.response["ResponseMetadata"]["HTTPStatusCode"], 404, "nothing stored")


@check
def test_post_object_missing_content_length_argument():
    bucket = get_new_bucket()
    policy = policy_of(bucket, ["starts-with", "$key", "foo"], {"acl": "private"},
                       ["starts-with", "$Content-Type", "text/plain"], ["content-length-range", 0])
    post_status(simple_post(bucket, policy), 400, "InvalidPolicyDocument")


@check
def test_post_object_invalid_content_length_argument():
    bucket = get_new_bucket()
    post_status(simple_post(bucket, standard_policy(bucket, length=(-1, 0))), 400, "InvalidPolicyDocument")


@check
def test_post_object_upload_size_below_minimum():
    client = get_client()
    bucket = get_new_bucket(client)
    post_status(simple_post(bucket, standard_policy(bucket, length=(512, 1000))), 400, "EntityTooSmall")
    e = assert_raises(client.head_object, Bucket=bucket, Key="foo.txt")
    eq(e.response["ResponseMetadata"]["HTTPStatusCode"], 404, "nothing stored")


@check
def test_post_object_empty_conditions():
    bucket = get_new_bucket()
    post_status(simple_post(bucket, {"expiration": expiration(), "conditions": [{}]}), 400, "InvalidPolicyDocument")


@check
def test_post_object_anonymous_request():
    """Without a policy the POST is anonymous; SseSim has no ACLs, so no bucket is publicly writable."""
    bucket = get_new_bucket()
    r = post_form(post_url(bucket), [("key", "foo.txt"), ("acl", "public-read"), ("Content-Type", "text/plain"),
                                     ("file", "bar")])
    post_status(r, 403, "AccessDenied")


@check
def test_post_object_no_such_bucket():
    r = simple_post_with("conf-no-such-bucket-" + uuid.uuid4().hex[:8])
    post_status(r, 404, "NoSuchBucket")


@check
def test_post_object_sigv4_presigned_post():
    """boto3's generate_presigned_post (SigV4 form fields) with SSE-KMS fields, as a browser form would send them."""
    client = boto3.client("s3", endpoint_url=ENDPOINT, region_name=REGION, aws_access_key_id=ACCESS_KEY,
                          aws_secret_access_key=SECRET_KEY, config=Config(signature_version="s3v4"))
    bucket = get_new_bucket(client)
    post = client.generate_presigned_post(
        bucket, "uploads/${filename}",
        Fields={"x-amz-server-side-encryption": "aws:kms", "x-amz-server-side-encryption-aws-kms-key-id": KMS_KEY,
                "success_action_status": "201"},
        Conditions=[{"x-amz-server-side-encryption": "aws:kms"},
                    {"x-amz-server-side-encryption-aws-kms-key-id": KMS_KEY},
                    {"success_action_status": "201"}, ["starts-with", "$key", "uploads/"],
                    ["content-length-range", 1, 100]],
        ExpiresIn=600)
    eq("x-amz-signature" in post["fields"], True, "SigV4 fields")
    r = post_form(post["url"], [*post["fields"].items(), ("file", ("hello.txt", "hello"))])
    post_status(r, 201, what="SigV4 POST")
    eq(r.headers.get("x-amz-server-side-encryption"), "aws:kms", "sse header")
    got = client.get_object(Bucket=bucket, Key="uploads/hello.txt")
    eq((body_of(got), got["ServerSideEncryption"]), ("hello", "aws:kms"), "stored")
    eq(kms_key_matches(got["SSEKMSKeyId"], KMS_KEY), True, "key id")
    tampered = dict(post["fields"], **{"x-amz-signature": "0" * 64})
    post_status(post_form(post["url"], [*tampered.items(), ("file", "hello")]), 403, "SignatureDoesNotMatch")
    post_status(post_form(post["url"], [*post["fields"].items(), ("file", "x" * 101)]), 400, "EntityTooLarge")


@check
def test_post_object_sse_c_wrong_md5():
    bucket = get_new_bucket()
    policy = standard_policy(bucket, ["starts-with", "$x-amz-server-side-encryption-customer-algorithm", ""],
                             ["starts-with", "$x-amz-server-side-encryption-customer-key", ""],
                             ["starts-with", "$x-amz-server-side-encryption-customer-key-md5", ""])
    fields = {**SSE_C, "x-amz-server-side-encryption-customer-key-md5": SSE_C_MD5_2}
    post_status(simple_post(bucket, policy, extra=list(fields.items())), 400, "InvalidArgument")


def main():
    wanted = set(sys.argv[3:])
    failures = 0
    for fn in CHECKS:
        if wanted and fn.__name__ not in wanted:
            continue
        try:
            fn()
            print(json.dumps({"name": fn.__name__, "ok": True}), flush=True)
        except Exception as e:  # noqa: BLE001 - every failure is reported, the run goes on
            failures += 1
            detail = f"{type(e).__name__}: {e}"
            if not isinstance(e, (AssertionError, ClientError)):
                detail += "\n" + traceback.format_exc(limit=3)
            print(json.dumps({"name": fn.__name__, "ok": False, "error": detail}), flush=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
