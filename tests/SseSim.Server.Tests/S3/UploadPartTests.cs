namespace SseSim.Server.Tests.S3;

/// <summary>UploadPart of an upload with a checksum algorithm, through boto3.</summary>
[Collection("S3")]
public sealed class UploadPartTests(ServerFixture server)
{
    [Fact]
    public async Task A_part_without_a_checksum_is_refused_under_COMPOSITE_and_computed_under_FULL_OBJECT_with_boto3()
    {
        var r = await server.RunBoto3Async("""
            import zlib
            def crc32(b):
                return base64.b64encode(zlib.crc32(b).to_bytes(4, "big")).decode()
            # What botocore adds to every UploadPart; removed, the part carries no checksum at all.
            bare = {"x-amz-sdk-checksum-algorithm": None, "x-amz-checksum-crc32": None}
            composite = s3.create_multipart_upload(Bucket=bucket, Key="composite", ChecksumAlgorithm="CRC32")["UploadId"]
            out["compositeBare"] = with_headers("UploadPart", bare, s3.upload_part, Bucket=bucket, Key="composite", UploadId=composite, PartNumber=1, Body=b"part")
            out["compositeParts"] = len(s3.list_parts(Bucket=bucket, Key="composite", UploadId=composite).get("Parts", []))
            # boto3 as it is sends the part's CRC32, and S3 echoes it.
            sent = s3.upload_part(Bucket=bucket, Key="composite", UploadId=composite, PartNumber=1, Body=b"part")
            out["compositeEcho"] = sent.get("ChecksumCRC32") == crc32(b"part")
            sha = s3.create_multipart_upload(Bucket=bucket, Key="sha", ChecksumAlgorithm="SHA256")["UploadId"]
            out["shaBare"] = with_headers("UploadPart", bare, s3.upload_part, Bucket=bucket, Key="sha", UploadId=sha, PartNumber=1, Body=b"part")
            out["twoChecksums"] = with_headers("UploadPart", {"x-amz-sdk-checksum-algorithm": None, "x-amz-checksum-sha1": base64.b64encode(hashlib.sha1(b"part").digest()).decode()},
                s3.upload_part, Bucket=bucket, Key="sha", UploadId=sha, PartNumber=1, Body=b"part", ChecksumSHA256=base64.b64encode(hashlib.sha256(b"part").digest()).decode())
            out["shaSent"] = error(s3.upload_part, Bucket=bucket, Key="sha", UploadId=sha, PartNumber=1, Body=b"part", ChecksumAlgorithm="SHA256")

            full = s3.create_multipart_upload(Bucket=bucket, Key="full", ChecksumAlgorithm="CRC32", ChecksumType="FULL_OBJECT")["UploadId"]
            out["fullBare"] = with_headers("UploadPart", bare, s3.upload_part, Bucket=bucket, Key="full", UploadId=full, PartNumber=1, Body=b"whole part")
            listed = s3.list_parts(Bucket=bucket, Key="full", UploadId=full)["Parts"]
            out["fullListed"] = listed[0].get("ChecksumCRC32") == crc32(b"whole part")
            s3.complete_multipart_upload(Bucket=bucket, Key="full", UploadId=full, MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": listed[0]["ETag"]}]})
            head = s3.head_object(Bucket=bucket, Key="full", ChecksumMode="ENABLED")
            out["fullObject"] = [head.get("ChecksumCRC32") == crc32(b"whole part"), head.get("ChecksumType")]
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("InvalidRequest 400", result.Outcome("compositeBare"));
        Assert.Equal("Checksum Type mismatch occurred, expected checksum Type: crc32, actual checksum Type: null", result.GetProperty("compositeBare")[2].GetString());
        Assert.Equal(0, result.GetProperty("compositeParts").GetInt32());
        Assert.True(result.GetProperty("compositeEcho").GetBoolean());
        Assert.Equal("Checksum Type mismatch occurred, expected checksum Type: sha256, actual checksum Type: null", result.GetProperty("shaBare")[2].GetString());
        Assert.Equal("ok", result.Outcome("shaSent"));
        Assert.Equal("InvalidRequest 400", result.Outcome("twoChecksums"));
        Assert.Equal("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.", result.GetProperty("twoChecksums")[2].GetString());
        Assert.Equal("ok", result.Outcome("fullBare"));
        Assert.True(result.GetProperty("fullListed").GetBoolean());
        Assert.Equal("[true, \"FULL_OBJECT\"]", result.GetProperty("fullObject").GetRawText());
    }
}
