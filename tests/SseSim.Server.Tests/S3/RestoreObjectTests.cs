using System.Text.Json;

namespace SseSim.Server.Tests.S3;

/// <summary>GLACIER / DEEP_ARCHIVE objects and POST ?restore with real clients (the server restores at once by default).</summary>
[Collection("S3")]
public sealed class RestoreObjectTests(ServerFixture server)
{
    [Fact]
    public async Task Archived_object_needs_a_restore_before_a_GET_with_boto3()
    {
        var r = await server.RunBoto3Async("""
            s3.put_object(Bucket=bucket, Key="g", Body=b"cold data", StorageClass="GLACIER", ServerSideEncryption="aws:kms")
            s3.put_object(Bucket=bucket, Key="std", Body=b"warm")
            head = s3.head_object(Bucket=bucket, Key="g")
            out["headClass"] = head.get("StorageClass")
            out["headRestore"] = head.get("Restore")
            try:
                s3.get_object(Bucket=bucket, Key="g")
                out["get"] = "ok"
            except ClientError as e:
                out["get"] = [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"].get("StorageClass"), e.response["Error"]["Message"]]
            out["copy"] = error(s3.copy_object, Bucket=bucket, Key="c", CopySource={"Bucket": bucket, "Key": "g"})

            out["first"] = s3.restore_object(Bucket=bucket, Key="g", RestoreRequest={"Days": 2, "GlacierJobParameters": {"Tier": "Bulk"}})["ResponseMetadata"]["HTTPStatusCode"]
            out["restore"] = s3.head_object(Bucket=bucket, Key="g").get("Restore")
            got = s3.get_object(Bucket=bucket, Key="g")
            out["body"] = got["Body"].read().decode()
            out["getRestore"] = got.get("Restore")
            out["again"] = s3.restore_object(Bucket=bucket, Key="g", RestoreRequest={"Days": 1})["ResponseMetadata"]["HTTPStatusCode"]
            listed = s3.list_objects_v2(Bucket=bucket, OptionalObjectAttributes=["RestoreStatus"])["Contents"]
            out["listed"] = {o["Key"]: [o["StorageClass"], o.get("RestoreStatus", {}).get("IsRestoreInProgress")] for o in listed}
            versions = s3.list_object_versions(Bucket=bucket, OptionalObjectAttributes=["RestoreStatus"])["Versions"]
            out["versions"] = {v["Key"]: v.get("RestoreStatus", {}).get("IsRestoreInProgress") for v in versions}
            out["plainList"] = ["RestoreStatus" in o for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]

            # RestoreObject is an object-level (data) event: CloudTrail's event history does not hold it.
            trail = boto3.client("cloudtrail", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
            out["restoreEvents"] = len(trail.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "RestoreObject"}])["Events"])

            out["standard"] = error(s3.restore_object, Bucket=bucket, Key="std", RestoreRequest={"Days": 1})
            out["missing"] = error(s3.restore_object, Bucket=bucket, Key="nope", RestoreRequest={"Days": 1})
            out["noDays"] = error(s3.restore_object, Bucket=bucket, Key="g", RestoreRequest={"GlacierJobParameters": {"Tier": "Standard"}})
            out["topTier"] = error(s3.restore_object, Bucket=bucket, Key="g", RestoreRequest={"Days": 1, "Tier": "Standard"})
            s3.put_object(Bucket=bucket, Key="deep", Body=b"x", StorageClass="DEEP_ARCHIVE")
            out["deepExpedited"] = error(s3.restore_object, Bucket=bucket, Key="deep", RestoreRequest={"Days": 1, "GlacierJobParameters": {"Tier": "Expedited"}})
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("GLACIER", result.GetProperty("headClass").GetString());
        Assert.Equal(JsonValueKind.Null, result.GetProperty("headRestore").ValueKind);
        Assert.Equal("""["InvalidObjectState",403,"GLACIER","The operation is not valid for the object's storage class"]""", result.GetProperty("get").GetRawText().Replace(", ", ",", StringComparison.Ordinal));
        Assert.Equal("InvalidObjectState 403", result.Outcome("copy"));

        Assert.Equal(202, result.GetProperty("first").GetInt32());
        var restore = result.GetProperty("restore").GetString()!;
        Assert.Matches("""^ongoing-request="false", expiry-date="\w{3}, \d{2} \w{3} \d{4} 00:00:00 GMT"$""", restore);
        Assert.Equal("cold data", result.GetProperty("body").GetString());
        Assert.Equal(restore, result.GetProperty("getRestore").GetString());
        Assert.Equal(200, result.GetProperty("again").GetInt32());
        Assert.Equal("""{"g":["GLACIER",false],"std":["STANDARD",null]}""", result.GetProperty("listed").GetRawText().Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal("""{"g":false,"std":null}""", result.GetProperty("versions").GetRawText().Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal("[false,false]", result.GetProperty("plainList").GetRawText().Replace(" ", "", StringComparison.Ordinal));

        Assert.Equal(0, result.GetProperty("restoreEvents").GetInt32());
        Assert.Equal("InvalidObjectState 403", result.Outcome("standard"));
        Assert.Equal("NoSuchKey 404", result.Outcome("missing"));
        Assert.Equal("MalformedXML 400", result.Outcome("noDays"));
        Assert.Equal("MalformedXML 400", result.Outcome("topTier"));
        Assert.Equal("InvalidArgument 400", result.Outcome("deepExpedited"));
    }

    [Fact]
    public async Task Deep_Archive_upload_restore_and_download_with_the_aws_cli()
    {
        if (!AwsCli.Available)
        {
            return;
        }
        var bucket = await server.NewBucketAsync();
        var dir = Directory.CreateTempSubdirectory("ssesim-restore-").FullName;
        try
        {
            // Above the CLI's multipart threshold, so the class travels through CreateMultipartUpload.
            var data = new byte[9 * 1024 * 1024];
            Random.Shared.NextBytes(data);
            await File.WriteAllBytesAsync(Path.Combine(dir, "big.bin"), data);
            await Run(dir, "s3", "cp", "big.bin", $"s3://{bucket}/big.bin", "--storage-class", "DEEP_ARCHIVE", "--sse", "aws:kms");
            var (refused, _, refusal) = await AwsCli.RunAsync(server.Endpoint, dir, "s3api", "get-object", "--bucket", bucket, "--key", "big.bin", "out.bin");
            Assert.NotEqual(0, refused);
            Assert.Contains("InvalidObjectState", refusal, StringComparison.Ordinal);

            await Run(dir, "s3api", "restore-object", "--bucket", bucket, "--key", "big.bin", "--restore-request", """{"Days":1,"GlacierJobParameters":{"Tier":"Standard"}}""");
            using var head = JsonDocument.Parse(await Run(dir, "s3api", "head-object", "--bucket", bucket, "--key", "big.bin"));
            Assert.Equal("DEEP_ARCHIVE", head.RootElement.GetProperty("StorageClass").GetString());
            Assert.StartsWith("ongoing-request=\"false\"", head.RootElement.GetProperty("Restore").GetString(), StringComparison.Ordinal);
            await Run(dir, "s3", "cp", $"s3://{bucket}/big.bin", "back.bin");
            Assert.Equal(data, await File.ReadAllBytesAsync(Path.Combine(dir, "back.bin")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private async Task<string> Run(string dir, params string[] args)
    {
        var (code, stdout, stderr) = await AwsCli.RunAsync(server.Endpoint, dir, args);
        Assert.True(code == 0, $"aws {string.Join(' ', args)} failed: {stderr}");
        return stdout;
    }
}
