namespace SseSim.Server.Tests.S3;

[Collection("S3")]
public sealed class UploadPartCopyTests(ServerFixture server)
{
    [Fact]
    public async Task Copy_source_ranges_are_refused_as_AWS_refuses_them_with_boto3()
    {
        // As recorded from AWS in LocalStack's test_s3_api.py TestS3Multipart::test_upload_part_copy_range.
        var r = await server.RunBoto3Async("""
            s3.put_object(Bucket=bucket, Key="src", Body=b"0123456789")
            up = s3.create_multipart_upload(Bucket=bucket, Key="dst")["UploadId"]
            def details(text):
                try:
                    r = s3.upload_part_copy(Bucket=bucket, Key="dst", UploadId=up, PartNumber=1, CopySource=bucket + "/src", CopySourceRange=text)
                    return r["CopyPartResult"]["ETag"]
                except ClientError as e:
                    err = e.response["Error"]
                    return " | ".join(str(err.get(k)) for k in ("Code", "Message", "ArgumentName", "ArgumentValue"))
            for text in ("0-8", "bytes=1-0", "bytes=-1-", "bytes=0-1,3-4,7-9", "bytes=1-", "bytes=-2", "bytes=0-100", "bytes=100-200", "bytes=0-8"):
                out[text] = details(text)
            """);
        if (r is not { } result)
        {
            return;
        }
        const string form = "InvalidArgument | The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy | x-amz-copy-source-range | ";
        foreach (var text in new[] { "0-8", "bytes=1-0", "bytes=-1-", "bytes=0-1,3-4,7-9", "bytes=1-", "bytes=-2" })
        {
            Assert.Equal(form + text, result.GetProperty(text).GetString());
        }
        Assert.Equal("InvalidArgument | Range specified is not valid for source object of size: 10 | x-amz-copy-source-range | bytes=0-100", result.GetProperty("bytes=0-100").GetString());
        Assert.Equal("InvalidRequest | The specified copy range is invalid for the source object size | None | None", result.GetProperty("bytes=100-200").GetString());
        Assert.Equal("\"22975d8a5ed1b91445f6c55ac121505b\"", result.GetProperty("bytes=0-8").GetString());
    }
}
