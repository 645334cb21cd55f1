using Amazon.S3.Model;

namespace SseSim.Server.Tests.S3;

[Collection("S3")]
public sealed class ListObjectsV2Tests(ServerFixture server)
{
    [Fact]
    public async Task Prefix_delimiter_pagination_and_start_after()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        foreach (var k in new[] { "a/1", "a/2", "b/1", "c", "d", "e ü+" })
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = k, ContentBody = k });
        }
        var top = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Delimiter = "/" });
        Assert.Equal(["a/", "b/"], top.CommonPrefixes);
        Assert.Equal(["c", "d", "e ü+"], top.S3Objects.Select(o => o.Key));

        var keys = new List<string>();
        string? token = null;
        do
        {
            var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 2, ContinuationToken = token, FetchOwner = true });
            keys.AddRange(page.S3Objects.Select(o => o.Key));
            Assert.All(page.S3Objects, o => Assert.NotNull(o.Owner));
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        Assert.Equal(["a/1", "a/2", "b/1", "c", "d", "e ü+"], keys);

        var after = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, StartAfter = "b/1", Prefix = "" });
        Assert.Equal(["c", "d", "e ü+"], after.S3Objects.Select(o => o.Key));
        var prefixed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "a/" });
        Assert.Equal(2, prefixed.KeyCount);
    }

    [Fact]
    public async Task Url_encoding_type_encodes_keys()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "sp ace/ü", ContentBody = "x" });
        var response = await RawS3.SendAsync(server, HttpMethod.Get, $"/{bucket}?list-type=2&encoding-type=url");
        var xml = await response.Content.ReadAsStringAsync();
        Assert.Contains("<Key>sp+ace/%C3%BC</Key>", xml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listings_show_each_objects_checksum_algorithm_and_type()
    {
        // Every new object has a checksum (the client's, or S3's default CRC64NVME), and S3 lists its algorithm and type.
        var r = await server.RunBoto3Async("""
            s3.put_object(Bucket=bucket, Key="crc32", Body=b"1", ChecksumAlgorithm="CRC32")
            s3.put_object(Bucket=bucket, Key="sha256", Body=b"2", ChecksumAlgorithm="SHA256")
            out["v2"] = [[o["Key"], o.get("ChecksumAlgorithm"), o.get("ChecksumType")] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
            out["v1"] = [[o["Key"], o.get("ChecksumAlgorithm"), o.get("ChecksumType")] for o in s3.list_objects(Bucket=bucket)["Contents"]]
            out["versions"] = [[o["Key"], o.get("ChecksumAlgorithm"), o.get("ChecksumType")] for o in s3.list_object_versions(Bucket=bucket)["Versions"]]
            """);
        if (r is not { } result)
        {
            return;
        }
        foreach (var listing in new[] { "v2", "v1", "versions" })
        {
            var rows = result.GetProperty(listing).EnumerateArray()
                .Select(row => string.Join(' ', row.EnumerateArray().Select(c => c.ValueKind == System.Text.Json.JsonValueKind.Array ? string.Join(',', c.EnumerateArray().Select(a => a.GetString())) : c.GetString())));
            Assert.Equal(["crc32 CRC32 FULL_OBJECT", "sha256 SHA256 FULL_OBJECT"], rows);
        }
    }

    [Fact]
    public async Task Url_encoding_type_is_S3s_form_encoding_and_boto3_round_trips_it()
    {
        // S3 answers a space as '+' and a '+' as %2B (botocore, which asks for encoding-type=url itself, decodes with
        // unquote_plus); '/', '*', '-', '_' and '.' stay, everything else is %XX of the UTF-8 bytes.
        var r = await server.RunBoto3Async("""
            keys = ["a b/c+d", "a b/e~f=g", "a b/*_-.", "a b/\u00fc\u0001", "x"]
            for k in keys:
                s3.put_object(Bucket=bucket, Key=k, Body=b"1")
            listed = s3.list_objects_v2(Bucket=bucket, Prefix="a b/", Delimiter="+", StartAfter="a b/")
            out["decoded"] = {k: listed.get(k) for k in ("Prefix", "Delimiter", "StartAfter")}
            out["keys"] = [o["Key"] for o in listed["Contents"]]
            out["prefixes"] = [p["Prefix"] for p in listed["CommonPrefixes"]]
            out["paged"] = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, PaginationConfig={"PageSize": 2}) for o in page["Contents"]]
            raw = {}
            s3.meta.events.register("after-call.s3.ListObjectsV2", lambda http_response, **_: raw.update(body=http_response.content.decode()))
            s3.list_objects_v2(Bucket=bucket, Prefix="a b/", Delimiter="+", EncodingType="url")
            out["raw"] = raw["body"]
            out["negative"] = error(s3.list_objects_v2, Bucket=bucket, MaxKeys=-1)
            out["badType"] = error(s3.list_objects_v2, Bucket=bucket, EncodingType="base64")
            """);
        if (r is not { } result)
        {
            return;
        }
        var decoded = result.GetProperty("decoded");
        Assert.Equal(("a b/", "+", "a b/"), (decoded.GetProperty("Prefix").GetString(), decoded.GetProperty("Delimiter").GetString(), decoded.GetProperty("StartAfter").GetString()));
        Assert.Equal(["a b/*_-.", "a b/e~f=g", "a b/\u00fc\u0001"], result.GetProperty("keys").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(["a b/c+"], result.GetProperty("prefixes").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(["a b/*_-.", "a b/c+d", "a b/e~f=g", "a b/\u00fc\u0001", "x"], result.GetProperty("paged").EnumerateArray().Select(k => k.GetString()));
        var raw = result.GetProperty("raw").GetString()!;
        Assert.Contains("<Prefix>a+b/</Prefix>", raw, StringComparison.Ordinal);
        Assert.Contains("<Delimiter>%2B</Delimiter>", raw, StringComparison.Ordinal);
        Assert.Contains("<Key>a+b/e%7Ef%3Dg</Key>", raw, StringComparison.Ordinal);
        Assert.Contains("<Key>a+b/*_-.</Key>", raw, StringComparison.Ordinal);
        Assert.Contains("<Key>a+b/%C3%BC%01</Key>", raw, StringComparison.Ordinal);
        Assert.Contains("<CommonPrefixes><Prefix>a+b/c%2B</Prefix></CommonPrefixes>", raw, StringComparison.Ordinal);
        Assert.Equal("InvalidArgument 400", result.Outcome("negative"));
        Assert.Equal("InvalidArgument 400", result.Outcome("badType"));
    }

    [Fact]
    public async Task An_empty_continuation_token_is_InvalidArgument_with_boto3()
    {
        // As recorded from AWS in LocalStack's test_s3_list_operations.py
        // TestS3ListObjectsV2::test_list_objects_v2_continuation_start_after, exc-continuation-token.
        var r = await server.RunBoto3Async("""
            try:
                s3.list_objects_v2(Bucket=bucket, ContinuationToken="")
                out["empty"] = None
            except ClientError as e:
                err = e.response["Error"]
                out["empty"] = [err["Code"], err["Message"], err.get("ArgumentName"), e.response["ResponseMetadata"]["HTTPStatusCode"]]
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("[\"InvalidArgument\", \"The continuation token provided is incorrect\", \"continuation-token\", 400]", result.GetProperty("empty").GetRawText());
    }

    [Fact]
    public async Task StartAfter_is_echoed_on_a_first_page_only_not_beside_a_continuation_token_with_boto3()
    {
        // As recorded from AWS in LocalStack's test_s3_list_operations.py
        // TestS3ListObjectsV2::test_list_objects_v2_continuation_start_after (list-objects-start-after has StartAfter,
        // list-objects-start-after-token sends StartAfter and a token and gets no StartAfter back) and
        // ::test_list_objects_v2_continuation_token_safe_chars (list-objects-start-after-url-type: StartAfter encoded).
        var r = await server.RunBoto3Async("""
            for i in range(4):
                s3.put_object(Bucket=bucket, Key=f"k={i}", Body=b"1")
            first = s3.list_objects_v2(Bucket=bucket, StartAfter="k=0", MaxKeys=1)
            out["first"] = first.get("StartAfter")
            out["firstUrl"] = s3.list_objects_v2(Bucket=bucket, StartAfter="k=0", MaxKeys=1, EncodingType="url").get("StartAfter")
            page = s3.list_objects_v2(Bucket=bucket, StartAfter="k=0", ContinuationToken=first["NextContinuationToken"])
            out["withToken"] = "StartAfter" in page
            out["keys"] = [o["Key"] for o in page["Contents"]]
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("k=0", result.GetProperty("first").GetString());
        Assert.Equal("k%3D0", result.GetProperty("firstUrl").GetString());
        Assert.False(result.GetProperty("withToken").GetBoolean());
        Assert.Equal(["k=2", "k=3"], result.GetProperty("keys").EnumerateArray().Select(k => k.GetString()));
    }
}
