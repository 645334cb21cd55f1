namespace SseSim.Server.Tests.S3;

/// <summary>boto3's update_object_encryption: SSE-S3 to SSE-KMS with a Bucket Key in place, and AWS's refusals.</summary>
[Collection("S3")]
public sealed class UpdateObjectEncryptionTests(ServerFixture server)
{
    [Fact]
    public async Task Boto3_moves_an_object_to_sse_kms_in_place()
    {
        var r = await server.RunBoto3Async("""
            kms = boto3.client("kms", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
            key = kms.create_key()["KeyMetadata"]
            arn = key["Arn"]
            body = os.urandom(200_000)
            s3.put_object(Bucket=bucket, Key="doc", Body=body)
            before = s3.head_object(Bucket=bucket, Key="doc")
            out["before"] = before["ServerSideEncryption"]
            s3.update_object_encryption(Bucket=bucket, Key="doc", ObjectEncryption={"SSEKMS": {"KMSKeyArn": arn, "BucketKeyEnabled": True}})
            after = s3.head_object(Bucket=bucket, Key="doc")
            out["after"] = [after["ServerSideEncryption"], after["SSEKMSKeyId"] == arn, after["BucketKeyEnabled"]]
            out["kept"] = after["ETag"] == before["ETag"] and after["LastModified"] == before["LastModified"]
            out["same"] = s3.get_object(Bucket=bucket, Key="doc")["Body"].read() == body
            out["bareId"] = error(s3.update_object_encryption, Bucket=bucket, Key="doc", ObjectEncryption={"SSEKMS": {"KMSKeyArn": key["KeyId"]}})
            out["missing"] = error(s3.update_object_encryption, Bucket=bucket, Key="nope", ObjectEncryption={"SSEKMS": {"KMSKeyArn": arn}})
            s3.put_object(Bucket=bucket, Key="ssec", Body=b"x", SSECustomerAlgorithm="AES256", SSECustomerKey="k" * 32)
            out["ssec"] = error(s3.update_object_encryption, Bucket=bucket, Key="ssec", ObjectEncryption={"SSEKMS": {"KMSKeyArn": arn}})
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("AES256", result.GetProperty("before").GetString());
        var after = result.GetProperty("after");
        Assert.Equal(("aws:kms", true, true), (after[0].GetString(), after[1].GetBoolean(), after[2].GetBoolean()));
        Assert.True(result.GetProperty("kept").GetBoolean());
        Assert.True(result.GetProperty("same").GetBoolean());
        Assert.Equal(("InvalidRequest", 400), S3Clients.CodeAndStatus(result.GetProperty("bareId")));
        Assert.Equal(("NoSuchKey", 404), S3Clients.CodeAndStatus(result.GetProperty("missing")));
        Assert.Equal(("InvalidRequest", 400), S3Clients.CodeAndStatus(result.GetProperty("ssec")));
    }
}
