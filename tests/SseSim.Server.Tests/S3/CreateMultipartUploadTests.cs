using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;

namespace SseSim.Server.Tests.S3;

[Collection("S3")]
public sealed class CreateMultipartUploadTests(ServerFixture server)
{
    [Fact]
    public async Task TransferUtility_multipart_with_SSE_KMS_round_trips()
    {
        var bucket = await server.NewBucketAsync();
        var keyId = await server.NewKmsKeyAsync();
        using var s3 = server.S3();
        var data = S3Clients.RandomBytes(17 * 1024 * 1024);
        using var transfer = new TransferUtility(s3, new TransferUtilityConfig { MinSizeBeforePartUpload = 8 * 1024 * 1024 });
        await transfer.UploadAsync(new TransferUtilityUploadRequest
        {
            BucketName = bucket,
            Key = "big/object",
            InputStream = new MemoryStream(data),
            PartSize = 5 * 1024 * 1024,
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
            ServerSideEncryptionKeyManagementServiceKeyId = keyId,
        });
        var head = await s3.GetObjectMetadataAsync(bucket, "big/object");
        Assert.EndsWith("-4", head.ETag.Trim('"'), StringComparison.Ordinal);
        Assert.Equal(data.Length, head.ContentLength);
        Assert.EndsWith(keyId, head.ServerSideEncryptionKeyManagementServiceKeyId, StringComparison.Ordinal);

        using var get = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "big/object", ByteRange = new ByteRange(5 * 1024 * 1024 - 10, 5 * 1024 * 1024 + 10) });
        using var ms = new MemoryStream();
        await get.ResponseStream.CopyToAsync(ms);
        Assert.Equal(data[(5 * 1024 * 1024 - 10)..(5 * 1024 * 1024 + 11)], ms.ToArray());
        using var whole = await s3.GetObjectAsync(bucket, "big/object");
        using var all = new MemoryStream();
        await whole.ResponseStream.CopyToAsync(all);
        Assert.Equal(data, all.ToArray());
    }

    [Fact]
    public async Task Low_level_flow_list_parts_uploads_copy_part_and_abort()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "source", InputStream = new MemoryStream(S3Clients.RandomBytes(6 * 1024 * 1024)) });
        var init = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "mp" });
        var part1 = await s3.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = bucket,
            SourceKey = "source",
            DestinationBucket = bucket,
            DestinationKey = "mp",
            UploadId = init.UploadId,
            PartNumber = 1,
        });
        var part2 = await s3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket,
            Key = "mp",
            UploadId = init.UploadId,
            PartNumber = 2,
            InputStream = new MemoryStream("tail"u8.ToArray()),
        });
        var uploads = await s3.ListMultipartUploadsAsync(bucket);
        Assert.Contains(uploads.MultipartUploads, u => u.UploadId == init.UploadId && u.Key == "mp");
        var parts = await s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "mp", UploadId = init.UploadId });
        Assert.Equal([1, 2], parts.Parts.Select(p => p.PartNumber ?? 0));

        var complete = await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket,
            Key = "mp",
            UploadId = init.UploadId,
            PartETags = [new PartETag(1, part1.ETag), new PartETag(2, part2.ETag)],
        });
        Assert.EndsWith("-2\"", complete.ETag, StringComparison.Ordinal);
        Assert.Equal(6 * 1024 * 1024 + 4, (await s3.GetObjectMetadataAsync(bucket, "mp")).ContentLength);

        var aborted = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "gone" });
        await s3.AbortMultipartUploadAsync(bucket, "gone", aborted.UploadId);
        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "gone", UploadId = aborted.UploadId }));
        Assert.Equal("NoSuchUpload", e.ErrorCode);
    }

    [Fact]
    public async Task UploadPart_rejects_SSE_KMS_headers()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        var init = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "mp" });
        var response = await RawS3.SendAsync(server, HttpMethod.Put, $"/{bucket}/mp?partNumber=1&uploadId={init.UploadId}", "x"u8.ToArray(),
            extraHeaders: new() { ["x-amz-server-side-encryption"] = "aws:kms" });
        Assert.Equal(400, (int)response.StatusCode);
    }

    [Fact]
    public async Task Parts_must_use_the_checksum_algorithm_the_upload_named_with_boto3()
    {
        var r = await server.RunBoto3Async("""
            created = s3.create_multipart_upload(Bucket=bucket, Key="mp", ChecksumAlgorithm="SHA256")
            out["echo"] = created.get("ChecksumAlgorithm")
            upload = created["UploadId"]
            out["crc32Part"] = error(s3.upload_part, Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1, Body=b"part", ChecksumAlgorithm="CRC32")
            out["sha256Part"] = error(s3.upload_part, Bucket=bucket, Key="mp", UploadId=upload, PartNumber=2, Body=b"part", ChecksumAlgorithm="SHA256")
            out["parts"] = [p["PartNumber"] for p in s3.list_parts(Bucket=bucket, Key="mp", UploadId=upload).get("Parts", [])]
            plain = s3.create_multipart_upload(Bucket=bucket, Key="plain")["UploadId"]
            out["anyPart"] = error(s3.upload_part, Bucket=bucket, Key="plain", UploadId=plain, PartNumber=1, Body=b"part", ChecksumAlgorithm="SHA1")
            out["unknownAlgorithm"] = error(s3.create_multipart_upload, Bucket=bucket, Key="x", ChecksumAlgorithm="MD4")
            out["twoAlgorithms"] = error(s3.create_multipart_upload, Bucket=bucket, Key="x", ChecksumAlgorithm="CRC32,CRC32C")
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("SHA256", result.GetProperty("echo").GetString());
        Assert.Equal("InvalidRequest 400", result.Outcome("crc32Part"));
        Assert.Equal("Checksum Type mismatch occurred, expected checksum Type: sha256, actual checksum Type: crc32", result.GetProperty("crc32Part")[2].GetString());
        Assert.Equal("ok", result.Outcome("sha256Part"));
        Assert.Equal([2], result.GetProperty("parts").EnumerateArray().Select(p => p.GetInt32()));
        Assert.Equal("ok", result.Outcome("anyPart"));
        Assert.Equal("InvalidRequest 400", result.Outcome("unknownAlgorithm"));
        Assert.Equal("Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256, SHA512, MD5, XXHASH64, XXHASH3, XXHASH128]", result.GetProperty("unknownAlgorithm")[2].GetString());
        Assert.Equal("Invalid types are specified in x-amz-checksum-algorithm header.", result.GetProperty("twoAlgorithms")[2].GetString());
    }
}
