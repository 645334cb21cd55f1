namespace SseSim.Server.Tests.S3;

/// <summary>boto3 as a subprocess: SSE-KMS, its default CRC32 checksums, presigned URLs fetched with plain HttpClient.</summary>
[Collection("S3")]
public sealed class Boto3Tests(ServerFixture server)
{
    private const string Script = """
        import json, os, sys, boto3
        from botocore.config import Config
        s3 = boto3.client("s3", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1",
                          config=Config(retries={"max_attempts": 1}))
        bucket, key_id = sys.argv[1], sys.argv[2]
        put = s3.put_object(Bucket=bucket, Key="boto/ü x", Body=b"hello boto3" * 1000,
                            ServerSideEncryption="aws:kms", SSEKMSKeyId=key_id, ChecksumAlgorithm="CRC32")
        got = s3.get_object(Bucket=bucket, Key="boto/ü x", ChecksumMode="ENABLED")
        body = got["Body"].read()
        ranged = s3.get_object(Bucket=bucket, Key="boto/ü x", Range="bytes=0-4", ChecksumMode="ENABLED")["Body"].read()
        # botocore asks for encoding-type=url itself and decodes the keys.
        listed = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
        # boto3's default presigner for S3 is SigV2 (AWSAccessKeyId/Signature/Expires), which S3 refuses for SSE-KMS
        # objects; an s3v4 client's URL works.
        s3.put_object(Bucket=bucket, Key="boto/plain", Body=b"plain SSE-S3", ServerSideEncryption="AES256")
        v4 = boto3.client("s3", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1", config=Config(signature_version="s3v4"))
        url_v4 = v4.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "boto/ü x"}, ExpiresIn=300)
        url_kms_v2 = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "boto/ü x"}, ExpiresIn=300)
        url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "boto/plain"}, ExpiresIn=300)
        expired = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "boto/plain"}, ExpiresIn=1)
        print(json.dumps({"sse": put["ServerSideEncryption"], "kms": put["SSEKMSKeyId"], "crc": put.get("ChecksumCRC32"),
                          "getCrc": got.get("ChecksumCRC32"), "ok": body == b"hello boto3" * 1000, "ranged": ranged.decode(),
                          "listed": listed, "url": url, "urlV4": url_v4, "urlKmsV2": url_kms_v2, "expired": expired}))
        """;

    [Fact]
    public async Task Put_get_with_SSE_KMS_checksums_and_presigned_urls()
    {
        if (!S3Clients.PythonBoto3Available)
        {
            return;
        }
        var bucket = await server.NewBucketAsync();
        var keyId = await server.NewKmsKeyAsync();
        var result = S3Clients.Json(await server.RunPythonAsync(Script, bucket, keyId));
        Assert.Equal("aws:kms", result.GetProperty("sse").GetString());
        Assert.EndsWith(keyId, result.GetProperty("kms").GetString(), StringComparison.Ordinal);
        Assert.NotNull(result.GetProperty("crc").GetString());
        Assert.Equal(result.GetProperty("crc").GetString(), result.GetProperty("getCrc").GetString());
        Assert.True(result.GetProperty("ok").GetBoolean());
        Assert.Equal("hello", result.GetProperty("ranged").GetString());
        Assert.Equal(["boto/ü x"], result.GetProperty("listed").EnumerateArray().Select(e => e.GetString()));

        using var http = new HttpClient();
        Assert.Equal("plain SSE-S3", await http.GetStringAsync(result.GetProperty("url").GetString()));
        Assert.StartsWith("hello boto3", await http.GetStringAsync(result.GetProperty("urlV4").GetString()), StringComparison.Ordinal);
        var refused = await http.GetAsync(result.GetProperty("urlKmsV2").GetString());
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        var error = await refused.Content.ReadAsStringAsync();
        Assert.Contains("<Code>InvalidArgument</Code>", error, StringComparison.Ordinal);
        Assert.Contains("require AWS Signature Version 4.", error, StringComparison.Ordinal);
        Assert.Contains("<ArgumentName>Authorization</ArgumentName>", error, StringComparison.Ordinal);
        await Task.Delay(2100);
        var expired = await http.GetAsync(result.GetProperty("expired").GetString());
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, expired.StatusCode);
        Assert.Contains("Request has expired", await expired.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
