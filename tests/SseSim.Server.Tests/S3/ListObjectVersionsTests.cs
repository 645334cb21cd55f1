using Amazon.S3;
using Amazon.S3.Model;

namespace SseSim.Server.Tests.S3;

/// <summary>
/// ListObjectVersions and version ids on an unversioned bucket: every object is its one "null" version, which is
/// what bucket-emptying scripts (boto3 bucket.object_versions.delete()) list and delete.
/// </summary>
[Collection("S3")]
public sealed class ListObjectVersionsTests(ServerFixture server)
{
    [Fact]
    public async Task Each_object_is_its_null_version_with_prefixes_and_paging()
    {
        using var s3 = server.S3();
        var bucket = await server.NewBucketAsync();
        foreach (var key in new[] { "a", "b/1", "b/2", "c" })
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = key });
        }

        var all = await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket });
        Assert.Equal(["a", "b/1", "b/2", "c"], all.Versions.Select(v => v.Key));
        Assert.All(all.Versions, v =>
        {
            Assert.Equal("null", v.VersionId);
            Assert.True(v.IsLatest);
            Assert.NotEqual(true, v.IsDeleteMarker);
        });
        Assert.Equal(3, all.Versions.Single(v => v.Key == "b/1").Size);

        var grouped = await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, Delimiter = "/" });
        Assert.Equal(["a", "c"], grouped.Versions.Select(v => v.Key));
        Assert.Equal(["b/"], grouped.CommonPrefixes);

        var first = await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, MaxKeys = 2 });
        Assert.True(first.IsTruncated);
        Assert.Equal("b/1", first.NextKeyMarker);
        Assert.Equal("null", first.NextVersionIdMarker);
        var rest = await s3.ListVersionsAsync(new ListVersionsRequest
        {
            BucketName = bucket,
            KeyMarker = first.NextKeyMarker,
            VersionIdMarker = first.NextVersionIdMarker,
        });
        Assert.Equal(["b/2", "c"], rest.Versions.Select(v => v.Key));
        Assert.False(rest.IsTruncated);
    }

    [Fact]
    public async Task In_an_unversioned_bucket_version_ids_other_than_null_are_invalid()
    {
        using var s3 = server.S3();
        var bucket = await server.NewBucketAsync();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "body" });

        using (var current = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", VersionId = "null" }))
        {
            Assert.Equal("body", await new StreamReader(current.ResponseStream).ReadToEndAsync());
        }
        var malformed = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", VersionId = "abc" }));
        Assert.Equal(("InvalidArgument", 400), (malformed.ErrorCode, (int)malformed.StatusCode));
        var unknown = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", VersionId = new string('v', 32) }));
        // AWS knows no version but "null" there (LocalStack's AWS recordings test_s3_api.py TestS3ObjectCRUD::
        // test_get_object_with_version_unversioned_bucket, test_delete_object, test_delete_objects).
        Assert.Equal(("InvalidArgument", 400), (unknown.ErrorCode, (int)unknown.StatusCode));
        var copy = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "k",
            SourceVersionId = new string('v', 32),
            DestinationBucket = bucket,
            DestinationKey = "copy",
        }));
        Assert.Equal("InvalidArgument", copy.ErrorCode);
        var single = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = new string('v', 32) }));
        Assert.Equal(("InvalidArgument", 400), (single.ErrorCode, (int)single.StatusCode));
        // DeleteObjects reports it as NoSuchVersion and removes nothing; the null version deletes the object.
        var delete = await Assert.ThrowsAsync<DeleteObjectsException>(() => s3.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = bucket,
            Objects = [new KeyVersion { Key = "k", VersionId = new string('v', 32) }],
        }));
        var error = Assert.Single(delete.Response.DeleteErrors);
        Assert.Equal(("k", new string('v', 32), "NoSuchVersion", "The specified version does not exist."), (error.Key, error.VersionId, error.Code, error.Message));
        Assert.Equal(4, (await s3.GetObjectMetadataAsync(bucket, "k")).Headers.ContentLength);
        var deleted = await s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = bucket, Objects = [new KeyVersion { Key = "k", VersionId = "null" }] });
        Assert.Equal("null", Assert.Single(deleted.DeletedObjects).VersionId);
        // SDK v4 leaves an empty list null.
        Assert.Null((await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions);
    }

    private const string EmptyBucketScript = """
        import json, os, sys, boto3
        s3 = boto3.resource("s3", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
        bucket = s3.Bucket(sys.argv[1])
        for i in range(3):
            bucket.put_object(Key=f"k{i}", Body=b"x", ServerSideEncryption="aws:kms")
        status = bucket.Versioning().status
        versions = sorted(v.object_key for v in bucket.object_versions.all())
        bucket.object_versions.delete()
        bucket.delete()
        print(json.dumps({"status": status, "versions": versions}))
        """;

    [Fact]
    public async Task Boto3_empties_and_deletes_a_bucket_through_its_versions()
    {
        if (!S3Clients.PythonBoto3Available)
        {
            return;
        }
        var bucket = await server.NewBucketAsync();
        var result = S3Clients.Json(await server.RunPythonAsync(EmptyBucketScript, bucket));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, result.GetProperty("status").ValueKind);
        Assert.Equal(["k0", "k1", "k2"], result.GetProperty("versions").EnumerateArray().Select(e => e.GetString()));
        using var s3 = server.S3();
        Assert.False(await Amazon.S3.Util.AmazonS3Util.DoesS3BucketExistV2Async(s3, bucket));
    }

    [Fact]
    public async Task A_version_id_marker_deleted_since_its_page_resumes_at_the_older_versions_with_boto3()
    {
        // Recorded from AWS: LocalStack test_s3_list_operations.py TestS3ListObjectVersions::
        // test_list_objects_versions_with_prefix_only_and_pagination (list-object-version-prefix-page-2-after-delete): the
        // page after a deleted marker version still lists the key's older versions, the newest of them now current.
        var r = await server.RunBoto3Async("""
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
            ids = [s3.put_object(Bucket=bucket, Key="prefixed_key")["VersionId"] for _ in range(5)][::-1]
            s3.put_object(Bucket=bucket, Key="non_prefixed_key")
            first = s3.list_object_versions(Bucket=bucket, Prefix="prefix", MaxKeys=3)
            out["first"] = [ids.index(v["VersionId"]) for v in first["Versions"]]
            deleted = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in first["Versions"]]})
            out["deleted"] = len(deleted["Deleted"])
            after = s3.list_object_versions(Bucket=bucket, Prefix="prefix", MaxKeys=5, KeyMarker=first["NextKeyMarker"], VersionIdMarker=first["NextVersionIdMarker"])
            out["after"] = [[ids.index(v["VersionId"]), v["IsLatest"]] for v in after.get("Versions", [])]
            out["truncated"] = after["IsTruncated"]
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("[0, 1, 2]", result.GetProperty("first").GetRawText());
        Assert.Equal(3, result.GetProperty("deleted").GetInt32());
        Assert.Equal("[[3, true], [4, false]]", result.GetProperty("after").GetRawText());
        Assert.False(result.GetProperty("truncated").GetBoolean());
    }
}
