using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;

namespace SseSim.Server.Tests.S3;

/// <summary>Object tagging with AWSSDK.S3 (x-amz-tagging on PutObject, CopyObject and multipart; the ?tagging subresource) and raw requests for what the SDK never sends.</summary>
[Collection("S3")]
public sealed class PutObjectTaggingTests(ServerFixture server)
{
    private static List<Tag> Tags(params (string Key, string Value)[] tags) => [.. tags.Select(t => new Tag { Key = t.Key, Value = t.Value })];

    // AWSSDK.S3 v4 leaves an empty TagSet as a null list.
    private static List<(string, string)> Pairs(IEnumerable<Tag>? tags) => [.. (tags ?? []).Select(t => (t.Key, t.Value))];

    private static async Task<List<(string, string)>> GetTagsAsync(IAmazonS3 s3, string bucket, string key) =>
        Pairs((await s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = key })).Tagging);

    private static List<Tag> Numbered(int count) => [.. Enumerable.Range(0, count).Select(i => new Tag { Key = "k" + i, Value = "v" })];

    private static Task<PutObjectTaggingResponse> PutTagsAsync(IAmazonS3 s3, string bucket, string key, List<Tag> tags) =>
        s3.PutObjectTaggingAsync(new PutObjectTaggingRequest { BucketName = bucket, Key = key, Tagging = new Tagging { TagSet = tags } });

    private static async Task<AmazonS3Exception> FailsAsync(Func<Task> action, string code, HttpStatusCode status)
    {
        var e = await Assert.ThrowsAsync<AmazonS3Exception>(action);
        Assert.Equal(code, e.ErrorCode);
        Assert.Equal(status, e.StatusCode);
        return e;
    }

    [Fact]
    public async Task Tags_set_at_put_are_read_back_counted_on_get_and_head_and_changed_in_place()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        const string key = "dir/ünï cöde+&=.txt";
        var put = await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            ContentBody = "tagged body",
            TagSet = Tags(("project", "blue sky"), ("a+b", "x=y@z"), ("키", "값"), ("empty", "")),
        });
        Assert.Equal([("a+b", "x=y@z"), ("empty", ""), ("project", "blue sky"), ("키", "값")], await GetTagsAsync(s3, bucket, key));
        using (var get = await s3.GetObjectAsync(bucket, key))
        {
            Assert.Equal(4, get.TagCount);
        }
        var head = await RawS3.SendAsync(server, HttpMethod.Head, $"/{bucket}/{Uri.EscapeDataString(key).Replace("%2F", "/", StringComparison.Ordinal)}");
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("4", head.Headers.GetValues("x-amz-tagging-count").Single());

        var tagged = await PutTagsAsync(s3, bucket, key, Tags(("stage", "prod")));
        Assert.Equal(HttpStatusCode.OK, tagged.HttpStatusCode);
        Assert.Null(tagged.VersionId); // an unversioned bucket's object has no version to report
        Assert.Equal([("stage", "prod")], await GetTagsAsync(s3, bucket, key));
        var meta = await s3.GetObjectMetadataAsync(bucket, key);
        Assert.Equal(put.ETag, meta.ETag);
        using (var get = await s3.GetObjectAsync(bucket, key))
        {
            Assert.Equal("tagged body", await new StreamReader(get.ResponseStream).ReadToEndAsync());
        }

        var deleted = await s3.DeleteObjectTaggingAsync(new DeleteObjectTaggingRequest { BucketName = bucket, Key = key });
        Assert.Equal(HttpStatusCode.NoContent, deleted.HttpStatusCode);
        Assert.Empty(await GetTagsAsync(s3, bucket, key));
        var untaggedHead = await RawS3.SendAsync(server, HttpMethod.Head, $"/{bucket}/{Uri.EscapeDataString(key).Replace("%2F", "/", StringComparison.Ordinal)}");
        Assert.False(untaggedHead.Headers.Contains("x-amz-tagging-count"));

        // Overwrite replaces the tags; delete takes them with the object.
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = "v2", TagSet = Tags(("v", "2")) });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = "v3" });
        Assert.Empty(await GetTagsAsync(s3, bucket, key));
        await s3.DeleteObjectAsync(bucket, key);
        await FailsAsync(() => GetTagsAsync(s3, bucket, key), "NoSuchKey", HttpStatusCode.NotFound);
        await FailsAsync(() => PutTagsAsync(s3, bucket, key, Tags(("a", "b"))), "NoSuchKey", HttpStatusCode.NotFound);
        await FailsAsync(() => GetTagsAsync(s3, "no-such-bucket-tagging", "k"), "NoSuchBucket", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Copy_follows_the_tagging_directive_and_multipart_tags_arrive_at_completion()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "src", ContentBody = "source", TagSet = Tags(("from", "src")) });
        await s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "src", DestinationBucket = bucket, DestinationKey = "copy" });
        Assert.Equal([("from", "src")], await GetTagsAsync(s3, bucket, "copy"));
        await s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "src",
            DestinationBucket = bucket,
            DestinationKey = "replaced",
            TaggingDirective = TaggingDirective.REPLACE,
            TagSet = Tags(("to", "dst")),
        });
        Assert.Equal([("to", "dst")], await GetTagsAsync(s3, bucket, "replaced"));

        var upload = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "mp", TagSet = Tags(("mp", "yes")) });
        var part = await s3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket,
            Key = "mp",
            UploadId = upload.UploadId,
            PartNumber = 1,
            InputStream = new MemoryStream(Encoding.UTF8.GetBytes("one part")),
        });
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket,
            Key = "mp",
            UploadId = upload.UploadId,
            PartETags = [new PartETag(1, part.ETag)],
        });
        Assert.Equal([("mp", "yes")], await GetTagsAsync(s3, bucket, "mp"));
    }

    [Fact]
    public async Task Limits_and_malformed_input_fail_as_S3_fails_them()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x", TagSet = Tags(("keep", "me")) });
        Task Tag(List<Tag> tags) => PutTagsAsync(s3, bucket, "k", tags);

        var many = await FailsAsync(() => Tag(Numbered(11)), "BadRequest", HttpStatusCode.BadRequest);
        Assert.Equal("Object tags cannot be greater than 10", many.Message);
        await FailsAsync(() => Tag(Tags(("a", "1"), ("a", "2"))), "InvalidTag", HttpStatusCode.BadRequest);
        await FailsAsync(() => Tag(Tags(("aws:createdBy", "me"))), "InvalidTag", HttpStatusCode.BadRequest);
        await FailsAsync(() => Tag(Tags((new string('k', 129), "v"))), "InvalidTag", HttpStatusCode.BadRequest);
        await FailsAsync(() => Tag(Tags(("k", new string('v', 257)))), "InvalidTag", HttpStatusCode.BadRequest);
        await FailsAsync(() => s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "new",
            ContentBody = "x",
            TagSet = Numbered(11),
        }), "BadRequest", HttpStatusCode.BadRequest);
        await FailsAsync(() => s3.GetObjectMetadataAsync(bucket, "new"), "NotFound", HttpStatusCode.NotFound);
        Assert.Equal([("keep", "me")], await GetTagsAsync(s3, bucket, "k"));

        // What the SDK never sends: a duplicated header name, broken escapes and XML.
        foreach (var header in new[] { "a=1&a=2", "TagSet=[{Key=string,Value=string}]", "a=%ZZ", "a=%C3" })
        {
            var response = await RawS3.SendAsync(server, HttpMethod.Put, $"/{bucket}/raw", Encoding.UTF8.GetBytes("x"), new() { ["x-amz-tagging"] = header });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var error = await response.Content.ReadAsStringAsync();
            Assert.Contains("<Code>InvalidArgument</Code>", error, StringComparison.Ordinal);
            Assert.Contains("<ArgumentName>x-amz-tagging</ArgumentName>", error, StringComparison.Ordinal);
        }
        var plus = await RawS3.SendAsync(server, HttpMethod.Put, $"/{bucket}/raw", Encoding.UTF8.GetBytes("x"), new() { ["x-amz-tagging"] = "two+words=a%20b&bare" });
        Assert.Equal(HttpStatusCode.OK, plus.StatusCode);
        Assert.Equal([("bare", ""), ("two words", "a b")], await GetTagsAsync(s3, bucket, "raw"));
        var invalidChars = await RawS3.SendAsync(server, HttpMethod.Put, $"/{bucket}/raw", Encoding.UTF8.GetBytes("x"), new() { ["x-amz-tagging"] = "TagSet%3D%5B%7BKey%3Dstring%7D%5D" });
        Assert.Contains("<Code>InvalidTag</Code>", await invalidChars.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        foreach (var xml in new[] { "<Tagging><TagSet><Tag><Key>a</Key></Tag></TagSet></Tagging>", "<Tagging/>", "<Tagging><TagSet><Tag><Key>a", "<Other><TagSet/></Other>" })
        {
            var response = await RawS3.SendAsync(server, HttpMethod.Put, $"/{bucket}/k?tagging", Encoding.UTF8.GetBytes(xml));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("<Code>MalformedXML</Code>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal([("keep", "me")], await GetTagsAsync(s3, bucket, "k"));
    }

    [Fact]
    public async Task VersionId_null_is_the_current_object_and_other_version_ids_are_invalid()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x", TagSet = Tags(("a", "1")) });
        var got = await s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "k", VersionId = "null" });
        Assert.Equal("null", got.VersionId);
        Assert.Equal([("a", "1")], Pairs(got.Tagging));
        var unversioned = await RawS3.SendAsync(server, HttpMethod.Get, $"/{bucket}/k?tagging");
        Assert.False(unversioned.Headers.Contains("x-amz-version-id"));
        // A bucket that never had versioning has no version but "null": InvalidArgument, as AWS answers GetObject
        // (LocalStack's AWS recording test_s3_api.py TestS3ObjectCRUD::test_get_object_with_version_unversioned_bucket).
        await FailsAsync(() => s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "k", VersionId = new string('v', 32) }),
            "InvalidArgument", HttpStatusCode.BadRequest);
        await FailsAsync(() => s3.DeleteObjectTaggingAsync(new DeleteObjectTaggingRequest { BucketName = bucket, Key = "k", VersionId = "bad" }),
            "InvalidArgument", HttpStatusCode.BadRequest);
        Assert.Equal([("a", "1")], await GetTagsAsync(s3, bucket, "k"));
    }

    [Fact]
    public async Task Bucket_policy_conditions_read_existing_and_request_tags()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "secret", ContentBody = "x", TagSet = Tags(("classification", "secret")) });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "open", ContentBody = "y", TagSet = Tags(("classification", "public")) });
        await s3.PutBucketPolicyAsync(bucket, $$$$"""
        {"Version":"2012-10-17","Statement":[
          {"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{{{{bucket}}}}/*",
           "Condition":{"StringEquals":{"s3:ExistingObjectTag/classification":"secret"}}},
          {"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::{{{{bucket}}}}/*",
           "Condition":{"StringNotEquals":{"s3:RequestObjectTag/project":"blue"}}},
          {"Effect":"Deny","Principal":"*","Action":"s3:PutObjectTagging","Resource":"arn:aws:s3:::{{{{bucket}}}}/*",
           "Condition":{"StringEquals":{"s3:RequestObjectTag/stage":"prod"}}}]}
        """);
        await FailsAsync(() => s3.GetObjectAsync(bucket, "secret"), "AccessDenied", HttpStatusCode.Forbidden);
        using (var open = await s3.GetObjectAsync(bucket, "open"))
        {
            Assert.Equal(1, open.TagCount);
        }

        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "blue", ContentBody = "z", TagSet = Tags(("project", "blue")) });
        await FailsAsync(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "red", ContentBody = "z", TagSet = Tags(("project", "red")) }),
            "AccessDenied", HttpStatusCode.Forbidden);
        await FailsAsync(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "none", ContentBody = "z" }), "AccessDenied", HttpStatusCode.Forbidden);

        await FailsAsync(() => PutTagsAsync(s3, bucket, "secret", Tags(("stage", "prod"))), "AccessDenied", HttpStatusCode.Forbidden);
        await PutTagsAsync(s3, bucket, "secret", Tags(("stage", "dev")));
        // The object is no longer tagged secret, so the existing-tag Deny no longer matches.
        using var now = await s3.GetObjectAsync(bucket, "secret");
        Assert.Equal("x", await new StreamReader(now.ResponseStream).ReadToEndAsync());
        await s3.DeleteBucketPolicyAsync(bucket);
    }

    [Fact]
    public async Task Bucket_policy_denies_tagging_actions_and_hides_the_count()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x", TagSet = Tags(("a", "1")) });
        await s3.PutBucketPolicyAsync(bucket, $$"""
        {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",
          "Action":["s3:PutObjectTagging","s3:GetObjectTagging","s3:DeleteObjectTagging"],"Resource":"arn:aws:s3:::{{bucket}}/*"}]}
        """);
        await FailsAsync(() => GetTagsAsync(s3, bucket, "k"), "AccessDenied", HttpStatusCode.Forbidden);
        await FailsAsync(() => s3.DeleteObjectTaggingAsync(new DeleteObjectTaggingRequest { BucketName = bucket, Key = "k" }), "AccessDenied", HttpStatusCode.Forbidden);
        await FailsAsync(() => PutTagsAsync(s3, bucket, "k", Tags(("b", "2"))), "AccessDenied", HttpStatusCode.Forbidden);
        // Creating a tagged object needs s3:PutObjectTagging too; an untagged one does not.
        await FailsAsync(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "t", ContentBody = "x", TagSet = Tags(("b", "2")) }),
            "AccessDenied", HttpStatusCode.Forbidden);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "u", ContentBody = "x" });
        using (var get = await s3.GetObjectAsync(bucket, "k"))
        {
            Assert.Equal(0, get.TagCount); // not readable by this caller, so not reported
        }
        await s3.DeleteBucketPolicyAsync(bucket);
        Assert.Equal([("a", "1")], await GetTagsAsync(s3, bucket, "k"));
    }

    [Fact]
    public async Task A_tag_set_that_does_not_match_its_Content_MD5_or_checksum_changes_nothing_with_boto3()
    {
        var r = await server.RunBoto3Async("""
            s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="keep=me")
            tagging = {"TagSet": [{"Key": "new", "Value": "tags"}]}
            out["wrongMd5"] = with_headers("PutObjectTagging", {"Content-MD5": md5(b"x"), "x-amz-checksum-crc32": None, "x-amz-sdk-checksum-algorithm": None}, s3.put_object_tagging, Bucket=bucket, Key="k", Tagging=tagging)
            out["malformedMd5"] = with_headers("PutObjectTagging", {"Content-MD5": "bm90IDE2IGJ5dGVz"}, s3.put_object_tagging, Bucket=bucket, Key="k", Tagging=tagging)
            out["wrongCrc32"] = with_headers("PutObjectTagging", {"x-amz-checksum-crc32": "AAAAAA=="}, s3.put_object_tagging, Bucket=bucket, Key="k", Tagging=tagging)
            out["kept"] = s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"]
            # Unlike PutBucketTagging, AWS accepts PutObjectTagging without either header.
            none = {"Content-MD5": None, "x-amz-checksum-crc32": None, "x-amz-sdk-checksum-algorithm": None}
            out["neither"] = with_headers("PutObjectTagging", none, s3.put_object_tagging, Bucket=bucket, Key="k", Tagging=tagging)
            out["tags"] = s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"]
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("BadDigest 400", result.Outcome("wrongMd5"));
        Assert.Equal("InvalidDigest 400", result.Outcome("malformedMd5"));
        Assert.Equal("BadDigest 400", result.Outcome("wrongCrc32"));
        Assert.Equal("keep", result.GetProperty("kept")[0].GetProperty("Key").GetString());
        Assert.Equal("ok", result.Outcome("neither"));
        Assert.Equal("new", result.GetProperty("tags")[0].GetProperty("Key").GetString());
    }

    [Fact]
    public async Task Bucket_policy_conditions_on_RequestObjectTagKeys_and_tag_values_with_boto3()
    {
        // ForAnyValue: one request value is enough; ForAllValues: every one, so it also holds for a request that sets no
        // tags at all. StringEquals compares keys and values case-sensitively, StringEqualsIgnoreCase does not.
        var r = await server.RunBoto3Async("""
            arn = "arn:aws:s3:::%s/*" % bucket
            s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Deny", "Principal": "*", "Action": ["s3:PutObject", "s3:PutObjectTagging"], "Resource": arn,
                 "Condition": {"ForAnyValue:StringNotEquals": {"s3:RequestObjectTagKeys": ["project", "stage", "temp", "class"]}}},
                {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObjectTagging", "Resource": arn,
                 "Condition": {"ForAllValues:StringEquals": {"s3:RequestObjectTagKeys": ["temp"]}}},
                {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObjectTagging", "Resource": arn,
                 "Condition": {"StringEquals": {"s3:RequestObjectTag/stage": "prod"}}},
                {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": arn,
                 "Condition": {"StringEqualsIgnoreCase": {"s3:ExistingObjectTag/class": "SECRET"}}}]}))
            out["allowedKeys"] = error(s3.put_object, Bucket=bucket, Key="a", Body=b"x", Tagging="project=blue&stage=dev")
            out["otherKey"] = error(s3.put_object, Bucket=bucket, Key="b", Body=b"x", Tagging="project=blue&owner=me")
            out["keyCase"] = error(s3.put_object, Bucket=bucket, Key="c", Body=b"x", Tagging="Project=blue")
            out["untagged"] = error(s3.put_object, Bucket=bucket, Key="d", Body=b"x")
            def put_tags(key, *pairs):
                return error(s3.put_object_tagging, Bucket=bucket, Key=key, Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in pairs]})
            out["onlyTemp"] = put_tags("a", ("temp", "1"))
            out["noTags"] = put_tags("a")
            out["tempAndProject"] = put_tags("a", ("temp", "1"), ("project", "p"))
            out["prod"] = put_tags("a", ("stage", "prod"))
            out["Prod"] = put_tags("a", ("stage", "Prod"))
            out["secret"] = put_tags("d", ("class", "Secret"))
            out["getSecret"] = error(s3.get_object, Bucket=bucket, Key="d")
            out["getOpen"] = error(s3.get_object, Bucket=bucket, Key="a")
            s3.delete_bucket_policy(Bucket=bucket)
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("ok", result.Outcome("allowedKeys"));
        Assert.Equal("AccessDenied 403", result.Outcome("otherKey"));
        Assert.Equal("AccessDenied 403", result.Outcome("keyCase"));
        Assert.Equal("ok", result.Outcome("untagged"));
        Assert.Equal("AccessDenied 403", result.Outcome("onlyTemp"));
        Assert.Equal("AccessDenied 403", result.Outcome("noTags"));
        Assert.Equal("ok", result.Outcome("tempAndProject"));
        Assert.Equal("AccessDenied 403", result.Outcome("prod"));
        Assert.Equal("ok", result.Outcome("Prod"));
        Assert.Equal("ok", result.Outcome("secret"));
        Assert.Equal("AccessDenied 403", result.Outcome("getSecret"));
        Assert.Equal("ok", result.Outcome("getOpen"));
    }

    [Fact]
    public async Task Tagging_a_key_whose_current_version_is_a_delete_marker_is_MethodNotAllowed_with_boto3()
    {
        // As recorded from AWS in LocalStack's test_s3_api.py TestS3BucketObjectTagging::test_object_tagging_versioned:
        // 405 for the current delete marker as for one named by id, not NoSuchKey as GetObject answers.
        var r = await server.RunBoto3Async("""
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
            s3.put_object(Bucket=bucket, Key="k", Body=b"x")
            marker = s3.delete_object(Bucket=bucket, Key="k")["VersionId"]
            tags = {"TagSet": [{"Key": "a", "Value": "b"}]}
            def details(call, **kwargs):
                try:
                    call(Bucket=bucket, Key="k", **kwargs)
                    return None
                except ClientError as e:
                    err = e.response["Error"]
                    return [err["Code"], err.get("Method"), err.get("ResourceType"), e.response["ResponseMetadata"]["HTTPHeaders"].get("x-amz-version-id") == marker]
            out["put"] = details(s3.put_object_tagging, Tagging=tags)
            out["get"] = details(s3.get_object_tagging)
            out["delete"] = details(s3.delete_object_tagging)
            out["getById"] = details(s3.get_object_tagging, VersionId=marker)
            out["getObject"] = details(s3.get_object)
            """);
        if (r is not { } result)
        {
            return;
        }
        string Row(string name) => string.Join(' ', result.GetProperty(name).EnumerateArray().Select(e => e.ToString()));
        Assert.Equal("MethodNotAllowed PUT DeleteMarker True", Row("put"));
        Assert.Equal("MethodNotAllowed GET DeleteMarker True", Row("get"));
        Assert.Equal("MethodNotAllowed DELETE DeleteMarker True", Row("delete"));
        Assert.Equal("MethodNotAllowed GET DeleteMarker True", Row("getById"));
        Assert.Equal("NoSuchKey   True", Row("getObject"));
    }

    [Fact]
    public async Task A_missing_key_is_NoSuchKey_naming_bucket_and_key_for_GetObjectTagging_and_the_key_alone_otherwise_with_boto3()
    {
        // Recorded from AWS: LocalStack test_s3_api.py TestS3BucketObjectTagging::test_object_tagging_exc (get-no-key-tags,
        // delete-no-key-tags, put-no-key-tags).
        var r = await server.RunBoto3Async("""
            def key_of(call, **kw):
                try:
                    call(Bucket=bucket, Key="fake-key", **kw)
                    return None
                except ClientError as e:
                    return [e.response["Error"]["Code"], e.response["Error"].get("Key")]
            out["get"] = key_of(s3.get_object_tagging)
            out["put"] = key_of(s3.put_object_tagging, Tagging={"TagSet": []})
            out["delete"] = key_of(s3.delete_object_tagging)
            out["bucket"] = bucket
            """);
        if (r is not { } result)
        {
            return;
        }
        var bucket = result.GetProperty("bucket").GetString();
        Assert.Equal($"[\"NoSuchKey\", \"{bucket}/fake-key\"]", result.GetProperty("get").GetRawText());
        Assert.Equal("[\"NoSuchKey\", \"fake-key\"]", result.GetProperty("put").GetRawText());
        Assert.Equal("[\"NoSuchKey\", \"fake-key\"]", result.GetProperty("delete").GetRawText());
    }
}
