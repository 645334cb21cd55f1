using System.Text.Json;

namespace SseSim.Server.Tests.S3;

/// <summary>boto3's Put/GetObjectLegalHold, legal hold on uploads (single and multipart) and copies, and the deletes it refuses.</summary>
[Collection("S3")]
public sealed class PutObjectLegalHoldTests(ServerFixture server)
{
    [Fact]
    public async Task Boto3_legal_hold_blocks_version_deletes_until_released()
    {
        var r = await server.RunBoto3Async("""
            import datetime
            s3.put_object(Bucket=bucket, Key="k", Body=b"abc")
            out["plainPut"] = error(s3.put_object_legal_hold, Bucket=bucket, Key="k", LegalHold={"Status": "ON"})
            out["plainGet"] = error(s3.get_object_legal_hold, Bucket=bucket, Key="k")

            lb = bucket + "-lock"
            s3.create_bucket(Bucket=lb, ObjectLockEnabledForBucket=True)
            v = s3.put_object(Bucket=lb, Key="k", Body=b"abc")["VersionId"]
            out["none"] = error(s3.get_object_legal_hold, Bucket=lb, Key="k")
            out["badStatus"] = error(s3.put_object_legal_hold, Bucket=lb, Key="k", LegalHold={"Status": "abc"})
            s3.put_object_legal_hold(Bucket=lb, Key="k", LegalHold={"Status": "ON"})
            out["on"] = [s3.get_object_legal_hold(Bucket=lb, Key="k")["LegalHold"]["Status"], s3.head_object(Bucket=lb, Key="k")["ObjectLockLegalHoldStatus"]]
            out["delete"] = error(s3.delete_object, Bucket=lb, Key="k", VersionId=v, BypassGovernanceRetention=True)
            s3.put_object_legal_hold(Bucket=lb, Key="k", VersionId=v, LegalHold={"Status": "OFF"})
            out["off"] = s3.get_object_legal_hold(Bucket=lb, Key="k", VersionId=v)["LegalHold"]["Status"]
            out["released"] = error(s3.delete_object, Bucket=lb, Key="k", VersionId=v)

            up = s3.create_multipart_upload(Bucket=lb, Key="mp", ObjectLockLegalHoldStatus="ON", ObjectLockMode="GOVERNANCE",
                                            ObjectLockRetainUntilDate=datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc))
            part = s3.upload_part(Bucket=lb, Key="mp", UploadId=up["UploadId"], PartNumber=1, Body=b"p" * 10)
            s3.complete_multipart_upload(Bucket=lb, Key="mp", UploadId=up["UploadId"], MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
            head = s3.head_object(Bucket=lb, Key="mp")
            out["mp"] = [head["ObjectLockLegalHoldStatus"], head["ObjectLockMode"]]
            s3.copy_object(Bucket=lb, Key="copy", CopySource={"Bucket": lb, "Key": "mp"})
            out["copy"] = "ObjectLockLegalHoldStatus" in s3.head_object(Bucket=lb, Key="copy")
            s3.copy_object(Bucket=lb, Key="copy2", CopySource={"Bucket": lb, "Key": "mp"}, ObjectLockLegalHoldStatus="ON")
            out["copy2"] = s3.head_object(Bucket=lb, Key="copy2")["ObjectLockLegalHoldStatus"]
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("InvalidRequest 400", result.Outcome("plainPut"));
        Assert.Equal("InvalidRequest 400", result.Outcome("plainGet"));
        Assert.Equal("NoSuchObjectLockConfiguration 404", result.Outcome("none"));
        Assert.Equal("MalformedXML 400", result.Outcome("badStatus"));
        Assert.Equal("""["ON","ON"]""", Compact(result.GetProperty("on")));
        Assert.Equal("AccessDenied 403", result.Outcome("delete"));
        Assert.Equal("OFF", result.GetProperty("off").GetString());
        Assert.Equal("ok", result.Outcome("released"));
        Assert.Equal("""["ON","GOVERNANCE"]""", Compact(result.GetProperty("mp")));
        Assert.False(result.GetProperty("copy").GetBoolean());
        Assert.Equal("ON", result.GetProperty("copy2").GetString());
    }

    private static string Compact(JsonElement e) => JsonSerializer.Serialize(e);
}
