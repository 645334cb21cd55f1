namespace SseSim.Server.Tests.S3;

/// <summary>GetObjectAttributes with boto3: single and multipart SSE-KMS objects, checksums, SSE-C key headers and errors.</summary>
[Collection("S3")]
public sealed class GetObjectAttributesTests(ServerFixture server)
{
    [Fact]
    public async Task Attributes_come_from_the_record_without_the_body()
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        var bucket = await server.NewBucketAsync();
        var output = await server.RunPythonAsync("""
import base64, hashlib, os, sys, boto3
from botocore.exceptions import ClientError
s3 = boto3.client("s3", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
b = sys.argv[1]
ALL = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"]
put = s3.put_object(Bucket=b, Key="one", Body=b"x" * 1000, ServerSideEncryption="aws:kms", ChecksumAlgorithm="SHA256")
a = s3.get_object_attributes(Bucket=b, Key="one", ObjectAttributes=ALL)
assert a["ETag"] == put["ETag"].strip('"'), (a["ETag"], put["ETag"])
assert a["ObjectSize"] == 1000 and a["StorageClass"] == "STANDARD", a
assert a["Checksum"]["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(b"x" * 1000).digest()).decode(), a
assert "ObjectParts" not in a and "LastModified" in a
only = s3.get_object_attributes(Bucket=b, Key="one", ObjectAttributes=["ObjectSize"])
assert "ETag" not in only and only["ObjectSize"] == 1000

u = s3.create_multipart_upload(Bucket=b, Key="multi")["UploadId"]
parts = [{"PartNumber": n, "ETag": s3.upload_part(Bucket=b, Key="multi", UploadId=u, PartNumber=n, Body=os.urandom(5 * 1024 * 1024 if n < 3 else 10))["ETag"]} for n in (1, 2, 3)]
s3.complete_multipart_upload(Bucket=b, Key="multi", UploadId=u, MultipartUpload={"Parts": parts})
m = s3.get_object_attributes(Bucket=b, Key="multi", ObjectAttributes=ALL)
assert m["ObjectParts"]["TotalPartsCount"] == 3 and m["ObjectSize"] == 10 * 1024 * 1024 + 10 and m["ETag"].endswith("-3"), m
# Without per-part checksums S3 answers the count alone, no paging members (LocalStack test_get_object_attributes).
assert m["ObjectParts"] == {"TotalPartsCount": 3}, m["ObjectParts"]

key = os.urandom(32)
ssec = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": key}
s3.put_object(Bucket=b, Key="c", Body=b"secret", **ssec)
def error(**kw):
    try:
        s3.get_object_attributes(Bucket=b, **kw)
    except ClientError as e:
        return (e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Code"])
    raise AssertionError("no error")
# botocore encodes SSE-C keys for GetObject but not for GetObjectAttributes: send the headers' wire form.
def wire(k):
    return {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": base64.b64encode(k).decode(), "SSECustomerKeyMD5": base64.b64encode(hashlib.md5(k).digest()).decode()}
assert error(Key="c", ObjectAttributes=["ObjectSize"])[0] == 400
assert s3.get_object_attributes(Bucket=b, Key="c", ObjectAttributes=["ObjectSize"], **wire(key))["ObjectSize"] == 6
assert error(Key="c", ObjectAttributes=["ObjectSize"], **wire(os.urandom(32))) == (403, "AccessDenied")
assert error(Key="absent", ObjectAttributes=["ObjectSize"]) == (404, "NoSuchKey")
assert error(Key="one", ObjectAttributes=["Colour"]) == (400, "InvalidArgument")
print("ATTRIBUTES OK")
""", bucket);
        Assert.Contains("ATTRIBUTES OK", output, StringComparison.Ordinal);
    }
    [Fact]
    public async Task Composite_uploads_list_their_parts_with_checksums_and_the_checksum_without_its_part_count_with_boto3()
    {
        var r = await server.RunBoto3Async("""
            def sha256(b):
                return base64.b64encode(hashlib.sha256(b).digest()).decode()
            parts = [os.urandom(5 * 1024 * 1024), os.urandom(5 * 1024 * 1024), b"tail"]
            def upload(key, **create):
                up = s3.create_multipart_upload(Bucket=bucket, Key=key, **create)["UploadId"]
                done = []
                for n, p in enumerate(parts, 1):
                    sent = s3.upload_part(Bucket=bucket, Key=key, UploadId=up, PartNumber=n, Body=p, ChecksumAlgorithm=create["ChecksumAlgorithm"])
                    done.append({k: v for k, v in sent.items() if k in ("ETag", "ChecksumSHA256", "ChecksumCRC32")} | {"PartNumber": n})
                return s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=up, MultipartUpload={"Parts": done})
            completed = upload("composite", ChecksumAlgorithm="SHA256")
            a = s3.get_object_attributes(Bucket=bucket, Key="composite", ObjectAttributes=["Checksum", "ObjectParts"])
            out["checksum"] = [a["Checksum"].get("ChecksumSHA256") + "-3" == completed["ChecksumSHA256"], a["Checksum"].get("ChecksumType")]
            op = a["ObjectParts"]
            out["parts"] = [op["TotalPartsCount"], op["IsTruncated"], [[p["PartNumber"], p["Size"], p.get("ChecksumSHA256") == sha256(parts[p["PartNumber"] - 1])] for p in op["Parts"]]]
            page = s3.get_object_attributes(Bucket=bucket, Key="composite", ObjectAttributes=["ObjectParts"], MaxParts=1, PartNumberMarker=1)["ObjectParts"]
            out["page"] = [page["IsTruncated"], page["NextPartNumberMarker"], [p["PartNumber"] for p in page["Parts"]]]
            upload("full", ChecksumAlgorithm="CRC32", ChecksumType="FULL_OBJECT")
            f = s3.get_object_attributes(Bucket=bucket, Key="full", ObjectAttributes=["ObjectParts"])["ObjectParts"]
            out["fullParts"] = [f["TotalPartsCount"], "Parts" in f]
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("[true, \"COMPOSITE\"]", result.GetProperty("checksum").GetRawText());
        Assert.Equal("[3, false, [[1, 5242880, true], [2, 5242880, true], [3, 4, true]]]", result.GetProperty("parts").GetRawText());
        Assert.Equal("[true, 2, [2]]", result.GetProperty("page").GetRawText());
        Assert.Equal("[3, false]", result.GetProperty("fullParts").GetRawText());
    }
}
