namespace SseSim.Server.Tests.S3;

/// <summary>CompleteMultipartUpload through boto3: conditional writes (If-None-Match / If-Match) and the body's digests.</summary>
[Collection("S3")]
public sealed class CompleteMultipartUploadTests(ServerFixture server)
{
    [Fact]
    public async Task Conditional_completes_and_body_digests_with_boto3()
    {
        var r = await server.RunBoto3Async("""
            def upload(key):
                upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
                etag = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=1, Body=key.encode())["ETag"]
                return dict(Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
            new = upload("new")
            out["newIfNoneMatch"] = error(s3.complete_multipart_upload, IfNoneMatch="*", **new)
            raced = upload("raced")
            s3.put_object(Bucket=bucket, Key="raced", Body=b"written while the upload was open")
            out["racedIfNoneMatch"] = error(s3.complete_multipart_upload, IfNoneMatch="*", **raced)
            out["racedBody"] = s3.get_object(Bucket=bucket, Key="raced")["Body"].read().decode()
            current = s3.head_object(Bucket=bucket, Key="raced")["ETag"]
            out["wrongIfMatch"] = error(s3.complete_multipart_upload, IfMatch='"0123456789abcdef0123456789abcdef"', **upload("raced"))
            out["rightIfMatch"] = error(s3.complete_multipart_upload, IfMatch=current, **upload("raced"))
            out["replacedBody"] = s3.get_object(Bucket=bucket, Key="raced")["Body"].read().decode()
            out["absentIfMatch"] = error(s3.complete_multipart_upload, IfMatch=current, **upload("absent"))
            digest = upload("digest")
            out["wrongMd5"] = with_headers("CompleteMultipartUpload", {"Content-MD5": md5(b"<x/>")}, s3.complete_multipart_upload, **digest)
            out["digestMissing"] = error(s3.head_object, Bucket=bucket, Key="digest")
            out["rightMd5"] = error(s3.complete_multipart_upload, **digest)
            # The checksum headers of a complete describe the whole object, so they are not compared with the document.
            import zlib
            whole = upload("whole")
            out["objectChecksum"] = error(s3.complete_multipart_upload, ChecksumCRC32=base64.b64encode(zlib.crc32(b"whole").to_bytes(4, "big")).decode(), **whole)
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("ok", result.Outcome("newIfNoneMatch"));
        Assert.Equal("PreconditionFailed 412", result.Outcome("racedIfNoneMatch"));
        Assert.Equal("written while the upload was open", result.GetProperty("racedBody").GetString());
        Assert.Equal("PreconditionFailed 412", result.Outcome("wrongIfMatch"));
        Assert.Equal("ok", result.Outcome("rightIfMatch"));
        Assert.Equal("raced", result.GetProperty("replacedBody").GetString());
        Assert.Equal("NoSuchKey 404", result.Outcome("absentIfMatch"));
        Assert.Equal("BadDigest 400", result.Outcome("wrongMd5"));
        Assert.Equal("404 404", result.Outcome("digestMissing"));
        Assert.Equal("ok", result.Outcome("rightMd5"));
        Assert.Equal("ok", result.Outcome("objectChecksum"));
    }
}
