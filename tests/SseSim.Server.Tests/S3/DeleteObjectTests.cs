namespace SseSim.Server.Tests.S3;

[Collection("S3")]
public sealed class DeleteObjectTests(ServerFixture server)
{
    [Fact]
    public async Task Delete_is_204_and_idempotent()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        await s3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        var first = await s3.DeleteObjectAsync(bucket, "k");
        Assert.Equal(System.Net.HttpStatusCode.NoContent, first.HttpStatusCode);
        var again = await s3.DeleteObjectAsync(bucket, "k");
        Assert.Equal(System.Net.HttpStatusCode.NoContent, again.HttpStatusCode);
    }

    [Fact]
    public async Task Bypass_governance_retention_on_a_bucket_without_Object_Lock_is_InvalidArgument_with_boto3()
    {
        // As recorded from AWS in LocalStack's test_s3_api.py TestS3ObjectLock::test_delete_object_with_no_locking.
        var r = await server.RunBoto3Async("""
            s3.put_object(Bucket=bucket, Key="k", Body=b"test")
            def details(call, **kwargs):
                try:
                    call(Bucket=bucket, **kwargs)
                    return None
                except ClientError as e:
                    err = e.response["Error"]
                    return [err["Code"], err["Message"], err.get("ArgumentName")]
            out["true"] = details(s3.delete_object, Key="k", BypassGovernanceRetention=True)
            out["false"] = details(s3.delete_object, Key="k", BypassGovernanceRetention=False)
            out["multi"] = details(s3.delete_objects, Delete={"Objects": [{"Key": "k"}]}, BypassGovernanceRetention=True)
            out["kept"] = s3.head_object(Bucket=bucket, Key="k")["ContentLength"]
            """);
        if (r is not { } result)
        {
            return;
        }
        foreach (var name in new[] { "true", "false", "multi" })
        {
            Assert.Equal(["InvalidArgument", "x-amz-bypass-governance-retention is only applicable to Object Lock enabled buckets.", "x-amz-bypass-governance-retention"],
                result.GetProperty(name).EnumerateArray().Select(e => e.GetString()));
        }
        Assert.Equal(4, result.GetProperty("kept").GetInt32());
    }

    [Fact]
    public async Task DeleteObject_and_GetObject_with_a_version_id_in_an_unversioned_bucket_with_boto3()
    {
        // As recorded from AWS in LocalStack's test_s3_api.py TestS3ObjectCRUD::test_delete_object, test_delete_objects,
        // test_get_object_with_version_unversioned_bucket and test_delete_object_versioned (NoSuchVersion names the Key).
        var r = await server.RunBoto3Async("""
            v = "HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD"
            def details(call, **kwargs):
                try:
                    call(Bucket=bucket, **kwargs)
                    return None
                except ClientError as e:
                    err = e.response["Error"]
                    return [e.response["ResponseMetadata"]["HTTPStatusCode"], err["Code"], err["Message"], err.get("ArgumentName"), err.get("ArgumentValue"), err.get("Key"), err.get("VersionId")]
            s3.put_object(Bucket=bucket, Key="k", Body=b"test-delete")
            out["get"] = details(s3.get_object, Key="k", VersionId=v)
            out["delete"] = details(s3.delete_object, Key="k", VersionId=v)
            out["missing"] = details(s3.delete_object, Key="missing", VersionId=v)
            out["multi"] = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "k", "VersionId": v}]}).get("Errors")
            out["kept"] = s3.head_object(Bucket=bucket, Key="k")["ContentLength"]
            versioned = bucket + "-v"
            s3.create_bucket(Bucket=versioned)
            s3.put_bucket_versioning(Bucket=versioned, VersioningConfiguration={"Status": "Enabled"})
            first = s3.put_object(Bucket=versioned, Key="k", Body=b"x")["VersionId"]
            s3.put_object(Bucket=versioned, Key="k", Body=b"y")
            s3.delete_object(Bucket=versioned, Key="k", VersionId=first)
            out["gone"] = details(lambda Bucket, **kw: s3.get_object(Bucket=versioned, **kw), Key="k", VersionId=first)
            out["first"] = first
            """);
        if (r is not { } result)
        {
            return;
        }
        string Row(string name) => string.Join(" | ", result.GetProperty(name).EnumerateArray().Select(e => e.ToString()));
        const string Invalid = "400 | InvalidArgument | Invalid version id specified | versionId | HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD |  | ";
        Assert.Equal(Invalid, Row("get"));
        Assert.Equal(Invalid, Row("delete"));
        Assert.Equal(Invalid, Row("missing"));
        var multi = Assert.Single(result.GetProperty("multi").EnumerateArray());
        Assert.Equal(("NoSuchVersion", "k", "The specified version does not exist.", "HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD"),
            (multi.GetProperty("Code").GetString(), multi.GetProperty("Key").GetString(), multi.GetProperty("Message").GetString(), multi.GetProperty("VersionId").GetString()));
        Assert.Equal(11, result.GetProperty("kept").GetInt32());
        Assert.Equal($"404 | NoSuchVersion | The specified version does not exist. |  |  | k | {result.GetProperty("first").GetString()}", Row("gone"));
    }

    [Fact]
    public async Task A_version_id_S3_never_issued_is_invalid_in_a_versioned_bucket_too_with_boto3()
    {
        // As recorded from AWS in LocalStack's test_s3_api.py TestS3ObjectCRUD::test_delete_object_versioned
        // (delete-with-bad-version: InvalidArgument) and test_delete_objects_versioned (delete-objects-wrong-version-id:
        // NoSuchVersion for a key with versions and for one without). A version S3 issued that is gone deletes quietly.
        var r = await server.RunBoto3Async("""
            v = "HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD"
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
            first = s3.put_object(Bucket=bucket, Key="k", Body=b"test-delete")["VersionId"]
            out["delete"] = error(s3.delete_object, Bucket=bucket, Key="k", VersionId=v)
            out["deleteMissingKey"] = error(s3.delete_object, Bucket=bucket, Key="wrong-key", VersionId=v)
            multi = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "k", "VersionId": v}, {"Key": "wrong-key-2", "VersionId": v}]})
            out["multiErrors"] = sorted([e["Key"], e["Code"], e["Message"], e["VersionId"]] for e in multi.get("Errors", []))
            out["multiDeleted"] = multi.get("Deleted", [])
            out["kept"] = s3.head_object(Bucket=bucket, Key="k", VersionId=first)["ContentLength"]
            s3.delete_object(Bucket=bucket, Key="k", VersionId=first)
            out["again"] = s3.delete_object(Bucket=bucket, Key="k", VersionId=first)["ResponseMetadata"]["HTTPStatusCode"]
            out["againMulti"] = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "k", "VersionId": first}]}).get("Errors")
            out["null"] = s3.delete_object(Bucket=bucket, Key="k", VersionId="null")["ResponseMetadata"]["HTTPStatusCode"]
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("InvalidArgument 400", result.Outcome("delete"));
        Assert.Equal("Invalid version id specified", result.GetProperty("delete")[2].GetString());
        Assert.Equal("InvalidArgument 400", result.Outcome("deleteMissingKey"));
        Assert.Equal(
            """[["k","NoSuchVersion","The specified version does not exist.","HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD"],["wrong-key-2","NoSuchVersion","The specified version does not exist.","HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD"]]""",
            System.Text.Json.JsonSerializer.Serialize(result.GetProperty("multiErrors")));
        Assert.Empty(result.GetProperty("multiDeleted").EnumerateArray());
        Assert.Equal(11, result.GetProperty("kept").GetInt32());
        Assert.Equal(204, result.GetProperty("again").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, result.GetProperty("againMulti").ValueKind);
        Assert.Equal(204, result.GetProperty("null").GetInt32());
    }
}
