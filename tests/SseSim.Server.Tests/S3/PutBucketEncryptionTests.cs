using System.Diagnostics;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;

namespace SseSim.Server.Tests.S3;

[Collection("S3")]
public sealed class PutBucketEncryptionTests(ServerFixture server)
{
    [Fact]
    public async Task Default_KMS_rule_applies_to_puts_and_can_be_read_and_deleted()
    {
        var bucket = await server.NewBucketAsync();
        var keyId = await server.NewKmsKeyAsync();
        using var s3 = server.S3();
        Assert.Equal(ServerSideEncryptionMethod.AES256,
            (await s3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = bucket })).ServerSideEncryptionConfiguration.ServerSideEncryptionRules[0].ServerSideEncryptionByDefault.ServerSideEncryptionAlgorithm);

        await s3.PutBucketEncryptionAsync(new PutBucketEncryptionRequest
        {
            BucketName = bucket,
            ServerSideEncryptionConfiguration = new ServerSideEncryptionConfiguration
            {
                ServerSideEncryptionRules =
                [
                    new ServerSideEncryptionRule
                    {
                        ServerSideEncryptionByDefault = new ServerSideEncryptionByDefault { ServerSideEncryptionAlgorithm = ServerSideEncryptionMethod.AWSKMS, ServerSideEncryptionKeyManagementServiceKeyId = keyId },
                        BucketKeyEnabled = true,
                    },
                ],
            },
        });
        var rule = (await s3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = bucket })).ServerSideEncryptionConfiguration.ServerSideEncryptionRules[0];
        Assert.Equal(keyId, rule.ServerSideEncryptionByDefault.ServerSideEncryptionKeyManagementServiceKeyId);
        Assert.True(rule.BucketKeyEnabled);

        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, put.ServerSideEncryptionMethod);
        Assert.True(put.BucketKeyEnabled);

        await s3.DeleteBucketEncryptionAsync(new DeleteBucketEncryptionRequest { BucketName = bucket });
        var after = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k2", ContentBody = "x" });
        Assert.Equal(ServerSideEncryptionMethod.AES256, after.ServerSideEncryptionMethod);
    }

    /// <summary>AWS: Bucket Keys cut S3→KMS calls by up to 99%; counted here from the KMS audit via CloudTrail LookupEvents.</summary>
    [Fact]
    public async Task Bucket_key_reduces_KMS_calls_by_at_least_99_percent()
    {
        if (!AwsCli.Available)
        {
            return;
        }
        using var s3 = server.S3();
        var keyId = await server.NewKmsKeyAsync();
        const int Objects = 100;
        var withKey = await server.NewBucketAsync("bk");
        var without = await server.NewBucketAsync("nobk");
        foreach (var (bucket, bucketKey) in new[] { (withKey, true), (without, false) })
        {
            for (var i = 0; i < Objects; i++)
            {
                await s3.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = bucket,
                    Key = "o" + i,
                    ContentBody = "x",
                    ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
                    ServerSideEncryptionKeyManagementServiceKeyId = keyId,
                    BucketKeyEnabled = bucketKey,
                });
                using var get = await s3.GetObjectAsync(bucket, "o" + i);
                await get.ResponseStream.CopyToAsync(Stream.Null);
            }
        }
        var withCalls = await CountKmsEventsAsync(withKey);
        var withoutCalls = await CountKmsEventsAsync(without);
        Assert.Equal(2 * Objects, withoutCalls);
        Assert.InRange(withCalls, 1, 2);
        Assert.True(1.0 - ((double)withCalls / withoutCalls) >= 0.99, $"{withCalls} vs {withoutCalls}");
    }

    private async Task<int> CountKmsEventsAsync(string bucket)
    {
        var count = 0;
        foreach (var name in new[] { "GenerateDataKey", "Decrypt" })
        {
            var (code, stdout, stderr) = await AwsCli.RunAsync(server.Endpoint, Path.GetTempPath(), "cloudtrail", "lookup-events",
                "--lookup-attributes", $"AttributeKey=EventName,AttributeValue={name}", "--output", "json");
            Assert.True(code == 0, stderr);
            foreach (var e in JsonDocument.Parse(stdout).RootElement.GetProperty("Events").EnumerateArray())
            {
                var detail = JsonDocument.Parse(e.GetProperty("CloudTrailEvent").GetString()!).RootElement;
                var context = detail.GetProperty("requestParameters").GetProperty("encryptionContext").GetProperty("aws:s3:arn").GetString()!;
                Assert.Equal("s3.amazonaws.com", detail.GetProperty("userIdentity").GetProperty("invokedBy").GetString());
                if (context == $"arn:aws:s3:::{bucket}" || context.StartsWith($"arn:aws:s3:::{bucket}/", StringComparison.Ordinal))
                {
                    count++;
                }
            }
        }
        Debug.WriteLine($"{bucket}: {count}");
        return count;
    }

    [Fact]
    public async Task A_missing_bucket_is_NoSuchBucket_before_the_document_and_only_one_rule_is_allowed_with_boto3()
    {
        // As recorded from AWS in LocalStack's test_s3_api.py TestS3BucketEncryption::test_s3_default_bucket_encryption_exc.
        var r = await server.RunBoto3Async("""
            out["noBucket"] = error(s3.put_bucket_encryption, Bucket=bucket + "-missing", ServerSideEncryptionConfiguration={"Rules": []})
            out["noRules"] = error(s3.put_bucket_encryption, Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": []})
            out["twoRules"] = error(s3.put_bucket_encryption, Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [
                {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}, "BucketKeyEnabled": True},
                {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
            out["kept"] = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"]
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("NoSuchBucket 404", result.Outcome("noBucket"));
        Assert.Equal("MalformedXML 400", result.Outcome("noRules"));
        Assert.Equal("MalformedXML 400", result.Outcome("twoRules"));
        Assert.Equal("AES256", result.GetProperty("kept").GetString());
    }

    [Fact]
    public async Task A_dsse_kms_default_with_a_key_applies_to_puts_and_applies_no_bucket_key_with_boto3()
    {
        var r = await server.RunBoto3Async("""
            kms = boto3.client("kms", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
            key = kms.create_key(Description="dsse default")["KeyMetadata"]
            s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [
                {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms:dsse", "KMSMasterKeyID": key["KeyId"]}, "BucketKeyEnabled": True}]})
            rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
            out["rule"] = [rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"], rule["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"] == key["KeyId"]]
            put = s3.put_object(Bucket=bucket, Key="k", Body=b"by default")
            out["put"] = [put["ServerSideEncryption"], put["SSEKMSKeyId"] == key["Arn"], put.get("BucketKeyEnabled")]
            got = s3.get_object(Bucket=bucket, Key="k")
            out["get"] = [got["ServerSideEncryption"], got["Body"].read().decode()]
            out["aes"] = s3.put_object(Bucket=bucket, Key="aes", Body=b"x", ServerSideEncryption="AES256")["ServerSideEncryption"]
            out["badKey"] = error(s3.put_bucket_encryption, Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [
                {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256", "KMSMasterKeyID": key["KeyId"]}}]})
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("[\"aws:kms:dsse\", true]", result.GetProperty("rule").GetRawText());
        Assert.Equal("[\"aws:kms:dsse\", true, null]", result.GetProperty("put").GetRawText());
        Assert.Equal("[\"aws:kms:dsse\", \"by default\"]", result.GetProperty("get").GetRawText());
        Assert.Equal("AES256", result.GetProperty("aes").GetString());
        Assert.Equal("InvalidArgument 400", result.Outcome("badKey"));
    }
}
