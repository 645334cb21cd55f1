using Amazon.S3.Model;

namespace SseSim.Server.Tests.S3;

[Collection("S3")]
public sealed class DeleteObjectsTests(ServerFixture server)
{
    [Fact]
    public async Task Deletes_many_and_quiet_mode_reports_nothing()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        foreach (var k in new[] { "a", "b c", "d/ü" })
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = k, ContentBody = k });
        }
        var verbose = await s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = bucket, Objects = [new KeyVersion { Key = "a" }, new KeyVersion { Key = "b c" }] });
        Assert.Equal(["a", "b c"], verbose.DeletedObjects.Select(d => d.Key).Order(StringComparer.Ordinal));
        var quiet = await s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = bucket, Quiet = true, Objects = [new KeyVersion { Key = "d/ü" }] });
        Assert.True(quiet.DeletedObjects is null or { Count: 0 });
        var list = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.True(list.S3Objects is null or { Count: 0 });
    }

    [Fact]
    public async Task Needs_Content_MD5_or_a_flexible_checksum_and_checks_them_with_boto3()
    {
        // boto3 sends x-amz-checksum-crc32 (the model marks DeleteObjects requestChecksumRequired); older SDKs Content-MD5.
        var r = await server.RunBoto3Async("""
            s3.put_object(Bucket=bucket, Key="a", Body=b"a")
            s3.put_object(Bucket=bucket, Key="b", Body=b"b")
            delete = {"Objects": [{"Key": "a"}]}
            none = {"Content-MD5": None, "x-amz-checksum-crc32": None, "x-amz-sdk-checksum-algorithm": None}
            out["none"] = with_headers("DeleteObjects", none, s3.delete_objects, Bucket=bucket, Delete=delete)
            wrong = dict(none, **{"Content-MD5": md5(b"<Delete/>")})
            out["wrongMd5"] = with_headers("DeleteObjects", wrong, s3.delete_objects, Bucket=bucket, Delete=delete)
            out["malformedMd5"] = with_headers("DeleteObjects", dict(none, **{"Content-MD5": "%%%"}), s3.delete_objects, Bucket=bucket, Delete=delete)
            out["wrongCrc32"] = with_headers("DeleteObjects", {"x-amz-checksum-crc32": "AAAAAA=="}, s3.delete_objects, Bucket=bucket, Delete=delete)
            out["kept"] = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"])
            out["crc32"] = error(s3.delete_objects, Bucket=bucket, Delete=delete)
            def add_md5(request, **_):
                for name in ("x-amz-checksum-crc32", "x-amz-sdk-checksum-algorithm"):
                    if name in request.headers:
                        del request.headers[name]
                request.headers["Content-MD5"] = md5(request.body)
            s3.meta.events.register("before-sign.s3.DeleteObjects", add_md5)
            out["md5"] = error(s3.delete_objects, Bucket=bucket, Delete={"Objects": [{"Key": "b"}]})
            out["left"] = s3.list_objects_v2(Bucket=bucket)["KeyCount"]
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("InvalidRequest 400", result.Outcome("none"));
        Assert.Equal("BadDigest 400", result.Outcome("wrongMd5"));
        Assert.Equal("InvalidDigest 400", result.Outcome("malformedMd5"));
        Assert.Equal("BadDigest 400", result.Outcome("wrongCrc32"));
        Assert.Equal(["a", "b"], result.GetProperty("kept").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal("ok", result.Outcome("crc32"));
        Assert.Equal("ok", result.Outcome("md5"));
        Assert.Equal(0, result.GetProperty("left").GetInt32());
    }

    [Fact]
    public async Task A_bucket_policy_Deny_on_DeleteObject_refuses_those_keys_and_deletes_the_rest()
    {
        var r = await server.RunBoto3Async("""
            s3.put_object(Bucket=bucket, Key="keep/a", Body=b"a")
            s3.put_object(Bucket=bucket, Key="free", Body=b"b")
            s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::%s/keep/*" % bucket}]}))
            result = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "keep/a"}, {"Key": "free"}]})
            out["deleted"] = [d["Key"] for d in result.get("Deleted", [])]
            out["errors"] = [[e["Key"], e["Code"]] for e in result.get("Errors", [])]
            out["single"] = error(s3.delete_object, Bucket=bucket, Key="keep/a")
            out["left"] = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal(["free"], result.GetProperty("deleted").EnumerateArray().Select(k => k.GetString()));
        var error = Assert.Single(result.GetProperty("errors").EnumerateArray());
        Assert.Equal(["keep/a", "AccessDenied"], error.EnumerateArray().Select(k => k.GetString()));
        Assert.Equal("AccessDenied", result.GetProperty("single")[0].GetString());
        Assert.Equal(["keep/a"], result.GetProperty("left").EnumerateArray().Select(k => k.GetString()));
    }
}
