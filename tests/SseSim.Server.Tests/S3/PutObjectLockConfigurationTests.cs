using System.Text.Json;

namespace SseSim.Server.Tests.S3;

/// <summary>boto3's Put/GetObjectLockConfiguration and CreateBucket with Object Lock, with the errors ceph/s3-tests expects of AWS.</summary>
[Collection("S3")]
public sealed class PutObjectLockConfigurationTests(ServerFixture server)
{
    [Fact]
    public async Task Boto3_turns_object_lock_on_and_validates_the_rule()
    {
        var r = await server.RunBoto3Async("""
            def conf(mode="GOVERNANCE", enabled="Enabled", **period):
                return {"ObjectLockEnabled": enabled, "Rule": {"DefaultRetention": {"Mode": mode, **period}}}
            out["unversioned"] = error(s3.put_object_lock_configuration, Bucket=bucket, ObjectLockConfiguration=conf(Days=1))
            out["noneYet"] = error(s3.get_object_lock_configuration, Bucket=bucket)
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
            s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"})
            out["enabled"] = s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]
            out["suspend"] = error(s3.put_bucket_versioning, Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})

            lb = bucket + "-lock"
            s3.create_bucket(Bucket=lb, ObjectLockEnabledForBucket=True)
            out["versioning"] = s3.get_bucket_versioning(Bucket=lb)["Status"]
            s3.put_object_lock_configuration(Bucket=lb, ObjectLockConfiguration=conf(Days=1))
            out["governance"] = s3.get_object_lock_configuration(Bucket=lb)["ObjectLockConfiguration"]
            s3.put_object_lock_configuration(Bucket=lb, ObjectLockConfiguration=conf("COMPLIANCE", Years=1))
            out["compliance"] = s3.get_object_lock_configuration(Bucket=lb)["ObjectLockConfiguration"]
            out["both"] = error(s3.put_object_lock_configuration, Bucket=lb, ObjectLockConfiguration=conf(Days=1, Years=1))
            out["zeroDays"] = error(s3.put_object_lock_configuration, Bucket=lb, ObjectLockConfiguration=conf(Days=0))
            out["negativeYears"] = error(s3.put_object_lock_configuration, Bucket=lb, ObjectLockConfiguration=conf(Years=-1))
            out["lowerMode"] = error(s3.put_object_lock_configuration, Bucket=lb, ObjectLockConfiguration=conf("governance", Years=1))
            out["disabled"] = error(s3.put_object_lock_configuration, Bucket=lb, ObjectLockConfiguration=conf(enabled="Disabled", Years=1))
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("InvalidBucketState 409", result.Outcome("unversioned"));
        Assert.Equal("ObjectLockConfigurationNotFoundError 404", result.Outcome("noneYet"));
        Assert.Equal("""{"ObjectLockEnabled":"Enabled"}""", Compact(result.GetProperty("enabled")));
        Assert.Equal("InvalidBucketState 409", result.Outcome("suspend"));
        Assert.Equal("Enabled", result.GetProperty("versioning").GetString());
        Assert.Equal("""{"ObjectLockEnabled":"Enabled","Rule":{"DefaultRetention":{"Mode":"GOVERNANCE","Days":1}}}""", Compact(result.GetProperty("governance")));
        Assert.Equal("""{"ObjectLockEnabled":"Enabled","Rule":{"DefaultRetention":{"Mode":"COMPLIANCE","Years":1}}}""", Compact(result.GetProperty("compliance")));
        Assert.Equal("MalformedXML 400", result.Outcome("both"));
        Assert.Equal("InvalidRetentionPeriod 400", result.Outcome("zeroDays"));
        Assert.Equal("InvalidRetentionPeriod 400", result.Outcome("negativeYears"));
        Assert.Equal("MalformedXML 400", result.Outcome("lowerMode"));
        Assert.Equal("MalformedXML 400", result.Outcome("disabled"));
    }

    private static string Compact(JsonElement e) => JsonSerializer.Serialize(e);

    [Fact]
    public async Task InvalidBucketState_carries_only_Code_and_Message_with_boto3()
    {
        // As recorded from AWS in LocalStack's test_s3_api.py TestS3ObjectLock::test_put_object_lock_configuration_on_existing_bucket
        // and ::test_disable_versioning_on_locked_bucket: no BucketName member.
        var r = await server.RunBoto3Async("""
            def members(call, **kwargs):
                try:
                    call(**kwargs)
                    return None
                except ClientError as e:
                    return sorted(k for k in e.response["Error"] if k not in ("Resource",))
            out["unversioned"] = members(s3.put_object_lock_configuration, Bucket=bucket, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"})
            lb = bucket + "-lock"
            s3.create_bucket(Bucket=lb, ObjectLockEnabledForBucket=True)
            out["suspend"] = members(s3.put_bucket_versioning, Bucket=lb, VersioningConfiguration={"Status": "Suspended"})
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("[\"Code\", \"Message\"]", result.GetProperty("unversioned").GetRawText());
        Assert.Equal("[\"Code\", \"Message\"]", result.GetProperty("suspend").GetRawText());
    }
}
