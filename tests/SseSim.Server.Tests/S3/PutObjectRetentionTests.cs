using System.Text.Json;

namespace SseSim.Server.Tests.S3;

/// <summary>boto3's Put/GetObjectRetention, x-amz-object-lock-* on uploads and the deletes a retention refuses.</summary>
[Collection("S3")]
public sealed class PutObjectRetentionTests(ServerFixture server)
{
    [Fact]
    public async Task Boto3_retention_protects_versions_as_on_aws()
    {
        var r = await server.RunBoto3Async("""
            import datetime
            def at(day):
                return datetime.datetime(2030, 1, day, tzinfo=datetime.timezone.utc)
            s3.put_object(Bucket=bucket, Key="k", Body=b"abc")
            out["plainPut"] = error(s3.put_object_retention, Bucket=bucket, Key="k", Retention={"Mode": "GOVERNANCE", "RetainUntilDate": at(1)})
            out["plainGet"] = error(s3.get_object_retention, Bucket=bucket, Key="k")
            out["plainUpload"] = error(s3.put_object, Bucket=bucket, Key="h", Body=b"x", ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=at(1))

            lb = bucket + "-lock"
            s3.create_bucket(Bucket=lb, ObjectLockEnabledForBucket=True)
            v = s3.put_object(Bucket=lb, Key="k", Body=b"abc")["VersionId"]
            out["none"] = error(s3.get_object_retention, Bucket=lb, Key="k")
            out["lowerMode"] = error(s3.put_object_retention, Bucket=lb, Key="k", Retention={"Mode": "governance", "RetainUntilDate": at(1)})
            out["past"] = error(s3.put_object_retention, Bucket=lb, Key="k", Retention={"Mode": "GOVERNANCE", "RetainUntilDate": datetime.datetime(2000, 1, 1)})
            s3.put_object_retention(Bucket=lb, Key="k", Retention={"Mode": "GOVERNANCE", "RetainUntilDate": at(3)})
            out["shorten"] = error(s3.put_object_retention, Bucket=lb, Key="k", Retention={"Mode": "GOVERNANCE", "RetainUntilDate": at(1)})
            out["toCompliance"] = error(s3.put_object_retention, Bucket=lb, Key="k", Retention={"Mode": "COMPLIANCE", "RetainUntilDate": at(5)})
            s3.put_object_retention(Bucket=lb, Key="k", VersionId=v, Retention={"Mode": "GOVERNANCE", "RetainUntilDate": at(1)}, BypassGovernanceRetention=True)
            out["got"] = s3.get_object_retention(Bucket=lb, Key="k")["Retention"]["RetainUntilDate"] == at(1)
            head = s3.head_object(Bucket=lb, Key="k")
            out["head"] = [head["ObjectLockMode"], head["ObjectLockRetainUntilDate"] == at(1), head["ResponseMetadata"]["HTTPHeaders"]["x-amz-object-lock-retain-until-date"]]
            out["delete"] = error(s3.delete_object, Bucket=lb, Key="k", VersionId=v)
            out["marker"] = s3.delete_object(Bucket=lb, Key="k")["DeleteMarker"]
            out["bypass"] = s3.delete_object(Bucket=lb, Key="k", VersionId=v, BypassGovernanceRetention=True)["ResponseMetadata"]["HTTPStatusCode"]

            c = s3.put_object(Bucket=lb, Key="c", Body=b"abc", ObjectLockMode="COMPLIANCE", ObjectLockRetainUntilDate=at(1))["VersionId"]
            out["cMode"] = s3.get_object(Bucket=lb, Key="c")["ObjectLockMode"]
            out["cShorten"] = error(s3.put_object_retention, Bucket=lb, Key="c", Retention={}, BypassGovernanceRetention=True)
            out["cDelete"] = error(s3.delete_object, Bucket=lb, Key="c", VersionId=c, BypassGovernanceRetention=True)
            multi = s3.delete_objects(Bucket=lb, Delete={"Objects": [{"Key": "c", "VersionId": c}]}, BypassGovernanceRetention=True)
            out["cMulti"] = [e["Code"] for e in multi.get("Errors", [])]
            out["modeOnly"] = error(s3.put_object, Bucket=lb, Key="m", Body=b"x", ObjectLockMode="GOVERNANCE")
            plain = boto3.client("s3", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1",
                                 config=Config(retries={"max_attempts": 1}, request_checksum_calculation="when_required"))
            out["noChecksum"] = error(plain.put_object, Bucket=lb, Key="m", Body=b"x", ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=at(1))
            out["withMd5"] = error(plain.put_object, Bucket=lb, Key="m", Body=b"x", ContentMD5=md5(b"x"), ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=at(1))
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("InvalidRequest 400", result.Outcome("plainPut"));
        Assert.Equal("InvalidRequest 400", result.Outcome("plainGet"));
        Assert.Equal("InvalidRequest 400", result.Outcome("plainUpload"));
        Assert.Equal("NoSuchObjectLockConfiguration 404", result.Outcome("none"));
        Assert.Equal("MalformedXML 400", result.Outcome("lowerMode"));
        Assert.Equal("InvalidArgument 400", result.Outcome("past"));
        Assert.Equal("AccessDenied 403", result.Outcome("shorten"));
        Assert.Equal("AccessDenied 403", result.Outcome("toCompliance"));
        Assert.True(result.GetProperty("got").GetBoolean());
        Assert.Equal("""["GOVERNANCE",true,"2030-01-01T00:00:00.000Z"]""", Compact(result.GetProperty("head")));
        Assert.Equal("AccessDenied 403", result.Outcome("delete"));
        Assert.True(result.GetProperty("marker").GetBoolean());
        Assert.Equal(204, result.GetProperty("bypass").GetInt32());
        Assert.Equal("COMPLIANCE", result.GetProperty("cMode").GetString());
        Assert.Equal("AccessDenied 403", result.Outcome("cShorten"));
        Assert.Equal("AccessDenied 403", result.Outcome("cDelete"));
        Assert.Equal("""["AccessDenied"]""", Compact(result.GetProperty("cMulti")));
        Assert.Equal("InvalidArgument 400", result.Outcome("modeOnly"));
        Assert.Equal("InvalidRequest 400", result.Outcome("noChecksum"));
        Assert.Equal("ok", result.Outcome("withMd5"));
    }

    private static string Compact(JsonElement e) => JsonSerializer.Serialize(e);
}
