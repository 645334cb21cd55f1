using Amazon.S3.Model;

namespace SseSim.Server.Tests.S3;

[Collection("S3")]
public sealed class ListObjectsTests(ServerFixture server)
{
    [Fact]
    public async Task V1_marker_pagination()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        foreach (var k in new[] { "k1", "k2", "k3" })
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = k, ContentBody = k });
        }
        var first = await s3.ListObjectsAsync(new ListObjectsRequest { BucketName = bucket, MaxKeys = 2 });
        Assert.True(first.IsTruncated);
        Assert.Equal(["k1", "k2"], first.S3Objects.Select(o => o.Key));
        var second = await s3.ListObjectsAsync(new ListObjectsRequest { BucketName = bucket, Marker = "k2" });
        Assert.Equal(["k3"], second.S3Objects.Select(o => o.Key));
    }

    [Fact]
    public async Task V1_and_versions_listings_round_trip_keys_with_spaces_and_pluses_in_boto3()
    {
        // botocore asks ListObjects and ListObjectVersions for encoding-type=url and decodes with unquote_plus, so a
        // key listed in any other form than S3's ('+' for a space, %2B for '+') would come back changed.
        var r = await server.RunBoto3Async("""
            keys = ["a b+c/1", "a b+c/2", "a+b c", "plain"]
            for k in keys:
                s3.put_object(Bucket=bucket, Key=k, Body=b"1")
            pages = s3.get_paginator("list_objects").paginate(Bucket=bucket, PaginationConfig={"PageSize": 1})
            out["v1"] = [o["Key"] for page in pages for o in page.get("Contents", [])]
            out["markers"] = [page.get("NextMarker") for page in s3.get_paginator("list_objects").paginate(Bucket=bucket, Delimiter="/", PaginationConfig={"PageSize": 1})]
            listed = s3.list_objects(Bucket=bucket, Delimiter="/", Marker="a b")
            out["prefixes"] = [p["Prefix"] for p in listed.get("CommonPrefixes", [])]
            out["marker"] = listed["Marker"]
            out["versions"] = [v["Key"] for v in s3.list_object_versions(Bucket=bucket, Prefix="a ")["Versions"]]
            """);
        if (r is not { } result)
        {
            return;
        }
        string[] Strings(string name) => [.. result.GetProperty(name).EnumerateArray().Select(k => k.GetString() ?? "")];
        Assert.Equal(["a b+c/1", "a b+c/2", "a+b c", "plain"], Strings("v1"));
        Assert.Equal(["a b+c/", "a+b c", ""], Strings("markers")); // the last page is not truncated
        Assert.Equal(["a b+c/"], Strings("prefixes"));
        Assert.Equal("a b", result.GetProperty("marker").GetString());
        Assert.Equal(["a b+c/1", "a b+c/2"], Strings("versions"));
    }

    [Fact]
    public async Task An_empty_delimiter_is_no_delimiter_and_is_not_echoed_in_any_listing_with_boto3()
    {
        var r = await server.RunBoto3Async("""
            for k in ["a/1", "b"]:
                s3.put_object(Bucket=bucket, Key=k, Body=b"1")
            v1 = s3.list_objects(Bucket=bucket, Delimiter="")
            v2 = s3.list_objects_v2(Bucket=bucket, Delimiter="")
            versions = s3.list_object_versions(Bucket=bucket, Delimiter="")
            out["echoed"] = ["Delimiter" in v1, "Delimiter" in v2, "Delimiter" in versions]
            out["keys"] = [o["Key"] for o in v1["Contents"]]
            out["prefixes"] = "CommonPrefixes" in v2
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.All(result.GetProperty("echoed").EnumerateArray(), e => Assert.False(e.GetBoolean()));
        Assert.Equal(["a/1", "b"], result.GetProperty("keys").EnumerateArray().Select(k => k.GetString()));
        Assert.False(result.GetProperty("prefixes").GetBoolean());
    }

    [Fact]
    public async Task V1_answers_NextMarker_only_with_a_delimiter_with_boto3()
    {
        // As recorded from AWS in LocalStack's test_s3_list_operations.py TestS3ListObjects::test_list_objects_next_marker.
        var r = await server.RunBoto3Async("""
            for i in range(3):
                s3.put_object(Bucket=bucket, Key=f"test_{i}", Body=b"content 123")
            page = s3.list_objects(Bucket=bucket, MaxKeys=1, Delimiter="/")
            out["delimited"] = [page["IsTruncated"], page.get("NextMarker")]
            page = s3.list_objects(Bucket=bucket, MaxKeys=1, Marker="test_0")
            out["plain"] = [page["IsTruncated"], page.get("NextMarker"), [o["Key"] for o in page["Contents"]]]
            out["all"] = [o["Key"] for p in s3.get_paginator("list_objects").paginate(Bucket=bucket, PaginationConfig={"PageSize": 1}) for o in p["Contents"]]
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("[true, \"test_0\"]", result.GetProperty("delimited").GetRawText());
        Assert.Equal("[true, null, [\"test_1\"]]", result.GetProperty("plain").GetRawText());
        Assert.Equal("[\"test_0\", \"test_1\", \"test_2\"]", result.GetProperty("all").GetRawText());
    }

    [Fact]
    public async Task Listings_write_times_in_whole_seconds_as_S3_does()
    {
        // LocalStack's test_s3_list_operations.py *_timestamp_precision tests (validated against AWS): S3 keeps
        // LastModified and Initiated to the second and lists them as 2023-11-15T12:02:40.000Z.
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "test-body" });
        var upload = await s3.InitiateMultipartUploadAsync(bucket, "mp");
        await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "mp", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream("data"u8.ToArray()) });
        var times = new System.Text.RegularExpressions.Regex("<(LastModified|Initiated|CreationDate)>([^<]*)<");
        foreach (var query in new[] { $"/{bucket}", $"/{bucket}?list-type=2", $"/{bucket}?versions", $"/{bucket}?uploads", $"/{bucket}/mp?uploadId={upload.UploadId}", "/" })
        {
            var xml = await (await RawS3.SendAsync(server, HttpMethod.Get, query)).Content.ReadAsStringAsync();
            var found = times.Matches(xml);
            Assert.NotEmpty(found);
            Assert.All(found, m => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$", m.Groups[2].Value));
        }
    }

    [Fact]
    public async Task A_marker_inside_a_common_prefix_skips_that_prefix_in_every_listing_with_boto3()
    {
        // Recorded from AWS: LocalStack test_s3_list_operations.py TestS3ListObjects::test_list_objects_marker_common_prefixes
        // and TestS3ListObjectVersions::test_list_object_versions_pagination_common_prefixes (*-manual-first-file).
        var r = await server.RunBoto3Async("""
            for k in ("folder/aSubfolder/subFile1", "folder/aSubfolder/subFile2", "folder/file1", "folder/file2"):
                s3.put_object(Bucket=bucket, Key=k, Body=b"x")
            def listed(page):
                return [[c["Key"] for c in page.get("Contents", page.get("Versions", []))], [c["Prefix"] for c in page.get("CommonPrefixes", [])]]
            inside = "folder/aSubfolder/subFile1"
            out["v1"] = listed(s3.list_objects(Bucket=bucket, Prefix="folder/", Delimiter="/", MaxKeys=1, Marker=inside))
            out["v2"] = listed(s3.list_objects_v2(Bucket=bucket, Prefix="folder/", Delimiter="/", MaxKeys=1, StartAfter=inside))
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
            out["versions"] = listed(s3.list_object_versions(Bucket=bucket, Prefix="folder/", Delimiter="/", MaxKeys=1, KeyMarker=inside))
            out["atPrefix"] = listed(s3.list_objects(Bucket=bucket, Prefix="folder/", Delimiter="/", MaxKeys=1, Marker="folder/aSubfolder/"))
            """);
        if (r is not { } result)
        {
            return;
        }
        foreach (var name in new[] { "v1", "v2", "versions", "atPrefix" })
        {
            Assert.Equal("[[\"folder/file1\"], []]", result.GetProperty(name).GetRawText());
        }
    }
}
