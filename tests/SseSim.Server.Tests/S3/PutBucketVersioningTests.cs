using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;

namespace SseSim.Server.Tests.S3;

/// <summary>
/// PutBucketVersioning Enabled / Suspended and the versioned object operations as AWS clients see them: version ids on
/// PUT, GET and HEAD by version, delete markers (404 and 405 with their headers), ListObjectVersions, DeleteObjects
/// with versions, copies of a version, multipart versions (docs/formats/s3-metadata-records.md#versioning).
/// </summary>
[Collection("S3")]
public sealed class PutBucketVersioningTests(ServerFixture server)
{
    [Fact]
    public async Task Boto3_versioned_bucket_flow()
    {
        var r = await server.RunBoto3Async("""
            def failure(call, **kwargs):
                try:
                    call(**kwargs)
                    return None
                except ClientError as e:
                    h = e.response["ResponseMetadata"]["HTTPHeaders"]
                    return [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"], h.get("x-amz-delete-marker"), h.get("x-amz-version-id")]

            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
            out["status"] = s3.get_bucket_versioning(Bucket=bucket)["Status"]
            v1 = s3.put_object(Bucket=bucket, Key="k", Body=b"one")["VersionId"]
            v2 = s3.put_object(Bucket=bucket, Key="k", Body=b"two")["VersionId"]
            out["ids"] = [v1, v2]
            out["bodies"] = [s3.get_object(Bucket=bucket, Key="k", VersionId=v)["Body"].read().decode() for v in (v1, v2)]
            out["get_version"] = s3.get_object(Bucket=bucket, Key="k")["VersionId"]
            out["head_version"] = s3.head_object(Bucket=bucket, Key="k", VersionId=v1)["VersionId"]
            listed = s3.list_object_versions(Bucket=bucket)
            out["listed"] = [[v["VersionId"], v["IsLatest"]] for v in listed["Versions"]]
            copy = s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "k", "VersionId": v1})
            out["copy"] = [copy["CopySourceVersionId"], copy["VersionId"] not in (None, v1, v2), s3.get_object(Bucket=bucket, Key="copy")["Body"].read().decode()]
            mpu = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
            part = s3.upload_part_copy(Bucket=bucket, Key="mp", UploadId=mpu, PartNumber=1, CopySource={"Bucket": bucket, "Key": "k", "VersionId": v1})
            done = s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=mpu, MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["CopyPartResult"]["ETag"]}]})
            out["mpu"] = [part["CopySourceVersionId"] == v1, len(done["VersionId"]), s3.get_object(Bucket=bucket, Key="mp")["Body"].read().decode()]

            d = s3.delete_object(Bucket=bucket, Key="k")
            marker = d["VersionId"]
            out["delete"] = [d.get("DeleteMarker"), marker not in (v1, v2)]
            out["get_current"] = failure(s3.get_object, Bucket=bucket, Key="k")
            out["head_current"] = failure(s3.head_object, Bucket=bucket, Key="k")
            out["get_marker"] = failure(s3.get_object, Bucket=bucket, Key="k", VersionId=marker)
            out["copy_marker"] = failure(s3.copy_object, Bucket=bucket, Key="c2", CopySource={"Bucket": bucket, "Key": "k", "VersionId": marker})
            listed = s3.list_object_versions(Bucket=bucket, Prefix="k")
            out["markers"] = [[m["VersionId"] == marker, m["IsLatest"]] for m in listed["DeleteMarkers"]]
            out["after_delete"] = [v["IsLatest"] for v in listed["Versions"]]
            out["keys"] = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]

            undo = s3.delete_object(Bucket=bucket, Key="k", VersionId=marker)
            out["undo"] = [undo.get("DeleteMarker"), undo.get("VersionId") == marker]
            out["restored"] = s3.get_object(Bucket=bucket, Key="k")["Body"].read().decode()

            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
            out["suspended"] = [s3.get_bucket_versioning(Bucket=bucket)["Status"], s3.put_object(Bucket=bucket, Key="k", Body=b"three").get("VersionId"),
                                s3.head_object(Bucket=bucket, Key="k")["VersionId"]]
            deleted = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "k", "VersionId": v1}, {"Key": "copy"}]})["Deleted"]
            out["deleted"] = sorted([[e["Key"], e.get("VersionId") == v1, e.get("DeleteMarker"), e.get("DeleteMarkerVersionId")] for e in deleted])
            listed = s3.list_object_versions(Bucket=bucket, Prefix="k")
            out["final"] = [[v["VersionId"] == v2, v["IsLatest"]] for v in listed["Versions"]]
            """);
        if (r is not { } result)
        {
            return;
        }
        string J(string name) => JsonSerializer.Serialize(result.GetProperty(name));
        Assert.Equal("Enabled", result.GetProperty("status").GetString());
        var ids = result.GetProperty("ids").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.All(ids, id => Assert.Matches("^[A-Za-z0-9._]{32}$", id));
        Assert.NotEqual(ids[0], ids[1]);
        Assert.Equal("""["one","two"]""", J("bodies"));
        Assert.Equal(ids[1], result.GetProperty("get_version").GetString());
        Assert.Equal(ids[0], result.GetProperty("head_version").GetString());
        Assert.Equal($"""[["{ids[1]}",true],["{ids[0]}",false]]""", J("listed"));
        Assert.Equal($"""["{ids[0]}",true,"one"]""", J("copy"));
        Assert.Equal("""[true,32,"one"]""", J("mpu"));
        Assert.Equal("[true,true]", J("delete"));
        var current = result.GetProperty("get_current");
        Assert.Equal(("NoSuchKey", 404, "true"), (current[0].GetString(), current[1].GetInt32(), current[2].GetString()));
        Assert.Equal(32, current[3].GetString()!.Length);
        var head = result.GetProperty("head_current");
        Assert.Equal(("404", 404, "true"), (head[0].GetString(), head[1].GetInt32(), head[2].GetString()));
        var byId = result.GetProperty("get_marker");
        Assert.Equal(("MethodNotAllowed", 405, "true", current[3].GetString()), (byId[0].GetString(), byId[1].GetInt32(), byId[2].GetString(), byId[3].GetString()));
        Assert.Equal(("InvalidRequest", 400), (result.GetProperty("copy_marker")[0].GetString(), result.GetProperty("copy_marker")[1].GetInt32()));
        Assert.Equal("[[true,true]]", J("markers"));
        Assert.Equal("[false,false]", J("after_delete"));
        Assert.Equal("""["copy","mp"]""", J("keys"));
        Assert.Equal("[true,true]", J("undo"));
        Assert.Equal("two", result.GetProperty("restored").GetString());
        // A suspended PUT writes the null version; AWS answers it without x-amz-version-id, HEAD with "null".
        Assert.Equal("""["Suspended",null,"null"]""", J("suspended"));
        Assert.Equal("""[["copy",false,true,"null"],["k",true,null,null]]""", J("deleted"));
        // v1 is gone for good; the suspended PUT's null version is current, v2 noncurrent.
        Assert.Equal("[[false,true],[true,false]]", J("final"));
    }

    /// <summary>A new bucket with versioning Enabled, through the .NET SDK.</summary>
    private async Task<string> VersionedBucketAsync(AmazonS3Client s3)
    {
        var bucket = await server.NewBucketAsync();
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket,
            VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
        });
        return bucket;
    }

    [Fact]
    public async Task Delete_marker_headers_with_the_dotnet_sdk()
    {
        using var s3 = server.S3();
        var bucket = await VersionedBucketAsync(s3);
        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "body" });
        var deleted = await s3.DeleteObjectAsync(bucket, "k");
        Assert.Equal("true", deleted.DeleteMarker);
        Assert.NotEqual(put.VersionId, deleted.VersionId);
        var gone = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(bucket, "k"));
        Assert.Equal(("NoSuchKey", 404), (gone.ErrorCode, (int)gone.StatusCode));
        using var old = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", VersionId = put.VersionId });
        Assert.Equal(put.VersionId, old.VersionId);
        Assert.Equal("body", await new StreamReader(old.ResponseStream).ReadToEndAsync());
        var notEmpty = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.DeleteBucketAsync(bucket));
        Assert.Equal(("BucketNotEmpty", 409), (notEmpty.ErrorCode, (int)notEmpty.StatusCode));
    }

    [Fact]
    public async Task A_request_naming_a_version_is_checked_against_the_version_action()
    {
        using var s3 = server.S3();
        var bucket = await VersionedBucketAsync(s3);
        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "body" });
        await s3.PutBucketPolicyAsync(bucket, $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":["s3:GetObjectVersion","s3:DeleteObjectVersion"],"Resource":"arn:aws:s3:::{{bucket}}/*"}]}
            """);
        using (var current = await s3.GetObjectAsync(bucket, "k"))
        {
            Assert.Equal(put.VersionId, current.VersionId);
        }
        var get = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", VersionId = put.VersionId }));
        Assert.Equal("AccessDenied", get.ErrorCode);
        var delete = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = put.VersionId }));
        Assert.Equal("AccessDenied", delete.ErrorCode);
        await s3.DeleteBucketPolicyAsync(bucket);
    }

    [Fact]
    public async Task Existing_object_tag_conditions_see_the_named_version()
    {
        using var s3 = server.S3();
        var bucket = await VersionedBucketAsync(s3);
        var secret = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "old", TagSet = [new Tag { Key = "secret", Value = "yes" }] });
        var plain = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "new" });
        await s3.PutBucketPolicyAsync(bucket, $$$$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetObjectVersion","Resource":"arn:aws:s3:::{{{{bucket}}}}/*",
              "Condition":{"StringEquals":{"s3:ExistingObjectTag/secret":"yes"}}}]}
            """);
        using (var allowed = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", VersionId = plain.VersionId }))
        {
            Assert.Equal("new", await new StreamReader(allowed.ResponseStream).ReadToEndAsync());
        }
        var denied = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", VersionId = secret.VersionId }));
        Assert.Equal("AccessDenied", denied.ErrorCode);
        await s3.DeleteBucketPolicyAsync(bucket);
    }

    [Fact]
    public async Task Aws_cli_enables_lists_and_gets_versioning()
    {
        if (!AwsCli.Available)
        {
            return;
        }
        var bucket = await server.NewBucketAsync();
        var dir = Path.GetTempPath();
        async Task<string> Run(params string[] args)
        {
            var (code, stdout, stderr) = await AwsCli.RunAsync(server.Endpoint, dir, args);
            Assert.True(code == 0, $"aws {string.Join(' ', args)} failed: {stderr}");
            return stdout;
        }
        await Run("s3api", "put-bucket-versioning", "--bucket", bucket, "--versioning-configuration", "Status=Enabled");
        Assert.Equal("Enabled", JsonDocument.Parse(await Run("s3api", "get-bucket-versioning", "--bucket", bucket, "--output", "json")).RootElement.GetProperty("Status").GetString());
        using (var s3 = server.S3())
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "1" });
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "22" });
            await s3.DeleteObjectAsync(bucket, "k");
        }
        var listed = JsonDocument.Parse(await Run("s3api", "list-object-versions", "--bucket", bucket, "--output", "json")).RootElement;
        Assert.Equal([2L, 1L], listed.GetProperty("Versions").EnumerateArray().Select(v => v.GetProperty("Size").GetInt64()));
        Assert.True(Assert.Single(listed.GetProperty("DeleteMarkers").EnumerateArray()).GetProperty("IsLatest").GetBoolean());
    }

    [Fact]
    public async Task A_configuration_without_Status_is_IllegalVersioningConfigurationException_with_boto3()
    {
        // As recorded from AWS in LocalStack's test_s3_api.py TestS3BucketVersioning::test_bucket_versioning_crud.
        var r = await server.RunBoto3Async("""
            out["empty"] = error(s3.put_bucket_versioning, Bucket=bucket, VersioningConfiguration={})
            out["noBucket"] = error(s3.put_bucket_versioning, Bucket=bucket + "-missing", VersioningConfiguration={})
            out["status"] = s3.get_bucket_versioning(Bucket=bucket).get("Status")
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("IllegalVersioningConfigurationException 400", result.Outcome("empty"));
        Assert.Equal("The Versioning element must be specified", result.GetProperty("empty")[2].GetString());
        Assert.Equal("NoSuchBucket 404", result.Outcome("noBucket"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, result.GetProperty("status").ValueKind);
    }

    [Fact]
    public async Task Version_ids_use_AWSs_alphabet_with_boto3()
    {
        // LocalStack's test_s3_api.py TestS3BucketVersioning::test_object_version_id_format, checked against more than
        // 100 AWS version ids: 32 characters of letters, digits, '.' and '_' (never '-').
        var r = await server.RunBoto3Async("""
            import re
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
            ids = [s3.put_object(Bucket=bucket, Key="k", Body=b"")["VersionId"] for _ in range(30)]
            out["bad"] = [v for v in ids if not re.fullmatch(r"[A-Za-z0-9._]{32}", v)]
            out["readable"] = s3.head_object(Bucket=bucket, Key="k", VersionId=ids[0])["VersionId"] == ids[0]
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("[]", result.GetProperty("bad").GetRawText());
        Assert.True(result.GetProperty("readable").GetBoolean());
    }
}
