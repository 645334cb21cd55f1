using System.Net;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;

namespace SseSim.Server.Tests.S3;

[Collection("S3")]
public sealed class GetObjectTests(ServerFixture server)
{
    private async Task<(string Bucket, byte[] Data, string ETag)> PutAsync(int size = 200_000)
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        var data = S3Clients.RandomBytes(size);
        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "obj", InputStream = new MemoryStream(data) });
        return (bucket, data, put.ETag);
    }

    private static async Task<byte[]> ReadAsync(GetObjectResponse r)
    {
        using var ms = new MemoryStream();
        await r.ResponseStream.CopyToAsync(ms);
        return ms.ToArray();
    }

    [Fact]
    public async Task Ranges_closed_open_and_suffix_give_206_and_Content_Range()
    {
        var (bucket, data, _) = await PutAsync();
        using var s3 = server.S3();
        using (var r = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "obj", ByteRange = new ByteRange("bytes=100-199") }))
        {
            Assert.Equal(HttpStatusCode.PartialContent, r.HttpStatusCode);
            Assert.Equal($"bytes 100-199/{data.Length}", r.ContentRange);
            Assert.Equal(data[100..200], await ReadAsync(r));
        }
        using (var r = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "obj", ByteRange = new ByteRange("bytes=199990-") }))
        {
            Assert.Equal(data[199990..], await ReadAsync(r));
        }
        using (var r = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "obj", ByteRange = new ByteRange("bytes=-70000") }))
        {
            Assert.Equal($"bytes {data.Length - 70000}-{data.Length - 1}/{data.Length}", r.ContentRange);
            Assert.Equal(data[^70000..], await ReadAsync(r));
        }
        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "obj", ByteRange = new ByteRange("bytes=300000-") }));
        Assert.Equal("InvalidRange", e.ErrorCode);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, e.StatusCode);
    }

    [Fact]
    public async Task Conditionals_304_and_412()
    {
        var (bucket, _, etag) = await PutAsync(1000);
        using var s3 = server.S3();
        var notModified = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "obj", EtagToNotMatch = etag }));
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        var failed = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "obj", EtagToMatch = "\"nope\"" }));
        Assert.Equal(HttpStatusCode.PreconditionFailed, failed.StatusCode);
        using var ok = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "obj", EtagToMatch = etag, ModifiedSinceDate = DateTime.UtcNow.AddDays(-1) });
        Assert.Equal(HttpStatusCode.OK, ok.HttpStatusCode);
        var unmodified = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "obj", UnmodifiedSinceDate = DateTime.UtcNow.AddDays(-1) }));
        Assert.Equal(HttpStatusCode.PreconditionFailed, unmodified.StatusCode);
    }

    [Fact]
    public async Task Response_overrides_and_stored_headers()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        var put = new PutObjectRequest { BucketName = bucket, Key = "h", ContentBody = "x", ContentType = "text/plain" };
        put.Headers.ContentDisposition = "attachment";
        put.Headers.CacheControl = "max-age=60";
        put.Headers.ContentLanguage = "de";
        await s3.PutObjectAsync(put);
        using var r = await s3.GetObjectAsync(new GetObjectRequest
        {
            BucketName = bucket,
            Key = "h",
            ResponseHeaderOverrides = new ResponseHeaderOverrides { ContentType = "application/json", CacheControl = "no-cache" },
        });
        Assert.Equal("application/json", r.Headers.ContentType);
        Assert.Equal("no-cache", r.Headers.CacheControl);
        Assert.Equal("attachment", r.Headers.ContentDisposition);
        Assert.Equal("de", r.Headers.ContentLanguage);
    }

    [Fact]
    public async Task Missing_key_is_NoSuchKey_with_xml_body()
    {
        var bucket = await server.NewBucketAsync();
        var response = await RawS3.SendAsync(server, HttpMethod.Get, $"/{bucket}/nothing");
        Assert.Equal(404, (int)response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("<Code>NoSuchKey</Code>", body, StringComparison.Ordinal);
        Assert.Contains("<RequestId>", body, StringComparison.Ordinal);
        // S3 names the key, not a <Resource> (LocalStack's AWS recordings, e.g. test_s3.py test_range_key_not_exists).
        Assert.Contains("<Key>nothing</Key>", body, StringComparison.Ordinal);
        Assert.DoesNotContain("<Resource>", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SSE_header_on_GET_of_SSE_S3_object_is_400()
    {
        var (bucket, _, _) = await PutAsync(10);
        var response = await RawS3.SendAsync(server, HttpMethod.Get, $"/{bucket}/obj", extraHeaders: new() { ["x-amz-server-side-encryption"] = "AES256" });
        Assert.Equal(400, (int)response.StatusCode);
    }

    [Theory]
    [InlineData("{0}.localhost")]
    [InlineData("{0}.s3.localhost")]
    public async Task Virtual_hosted_style_addressing_reads_the_bucket_from_the_Host_header(string hostPattern)
    {
        var (bucket, data, _) = await PutAsync(1234);
        var host = string.Format(System.Globalization.CultureInfo.InvariantCulture, hostPattern, bucket) + ":" + new Uri(server.Endpoint).Port;
        var response = await RawS3.SendAsync(server, HttpMethod.Get, "/obj", host: host);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(data, await response.Content.ReadAsByteArrayAsync());
    }
    [Fact]
    public async Task Part_and_range_reads_answer_the_checksum_of_the_bytes_they_carry_with_boto3()
    {
        var r = await server.RunBoto3Async("""
            import zlib
            def crc32(b):
                return base64.b64encode(zlib.crc32(b).to_bytes(4, "big")).decode()
            def sha256(b):
                return base64.b64encode(hashlib.sha256(b).digest()).decode()
            parts = [os.urandom(5 * 1024 * 1024), b"the short last part"]
            def upload(key, **create):
                up = s3.create_multipart_upload(Bucket=bucket, Key=key, **create)["UploadId"]
                done = []
                for n, p in enumerate(parts, 1):
                    sent = s3.upload_part(Bucket=bucket, Key=key, UploadId=up, PartNumber=n, Body=p, ChecksumAlgorithm=create["ChecksumAlgorithm"])
                    done.append({k: v for k, v in sent.items() if k in ("ETag", "ChecksumSHA256", "ChecksumCRC32")} | {"PartNumber": n})
                s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=up, MultipartUpload={"Parts": done})
            def read(call, key, **kwargs):
                got = call(Bucket=bucket, Key=key, **kwargs)
                h = got["ResponseMetadata"]["HTTPHeaders"]
                return [got["ResponseMetadata"]["HTTPStatusCode"], h.get("content-range"), h.get("x-amz-mp-parts-count"),
                        {k: v for k, v in h.items() if k.startswith("x-amz-checksum-")}]
            # COMPOSITE: a part read answers that part's own checksum (botocore validates the part's bytes against it).
            upload("composite", ChecksumAlgorithm="SHA256")
            out["compositePart2"] = read(s3.get_object, "composite", PartNumber=2, ChecksumMode="ENABLED")
            out["compositePart2Expected"] = sha256(parts[1])
            out["compositeHeadPart1"] = read(s3.head_object, "composite", PartNumber=1, ChecksumMode="ENABLED")
            out["compositeHeadPart1Expected"] = sha256(parts[0])
            out["compositeNoMode"] = read(s3.head_object, "composite", PartNumber=1)
            out["compositePlainHead"] = read(s3.head_object, "composite")
            # FULL_OBJECT: the object's CRC does not cover one part of two, so none is answered.
            upload("full", ChecksumAlgorithm="CRC32", ChecksumType="FULL_OBJECT")
            out["fullPart1"] = read(s3.head_object, "full", PartNumber=1, ChecksumMode="ENABLED")
            # A single PUT: part 1 and a Range over all of it carry the object's checksum, a partial Range none.
            s3.put_object(Bucket=bucket, Key="single", Body=b"0123456789", ChecksumAlgorithm="CRC32")
            out["singlePart1"] = read(s3.get_object, "single", PartNumber=1, ChecksumMode="ENABLED")
            out["singleWhole"] = read(s3.get_object, "single", Range="bytes=0-9", ChecksumMode="ENABLED")
            out["singlePartial"] = read(s3.get_object, "single", Range="bytes=1-9", ChecksumMode="ENABLED")
            out["singleExpected"] = crc32(b"0123456789")
            out["badMode"] = with_headers("GetObject", {"x-amz-checksum-mode": "DISABLED"}, s3.get_object, Bucket=bucket, Key="single")
            """);
        if (r is not { } result)
        {
            return;
        }
        var partOne = 5 * 1024 * 1024;
        var size = partOne + "the short last part".Length;
        var compositePart2 = result.GetProperty("compositePart2");
        Assert.Equal(206, compositePart2[0].GetInt32());
        Assert.Equal($"bytes {partOne}-{size - 1}/{size}", compositePart2[1].GetString());
        Assert.Equal("2", compositePart2[2].GetString());
        Assert.Equal(result.GetProperty("compositePart2Expected").GetString(), compositePart2[3].GetProperty("x-amz-checksum-sha256").GetString());
        Assert.Equal("COMPOSITE", compositePart2[3].GetProperty("x-amz-checksum-type").GetString());
        var compositeHeadPart1 = result.GetProperty("compositeHeadPart1");
        Assert.Equal(result.GetProperty("compositeHeadPart1Expected").GetString(), compositeHeadPart1[3].GetProperty("x-amz-checksum-sha256").GetString());
        Assert.Equal(JsonValueKind.Object, result.GetProperty("compositeNoMode")[3].ValueKind);
        Assert.Empty(result.GetProperty("compositeNoMode")[3].EnumerateObject());
        // x-amz-mp-parts-count answers partNumber reads only.
        Assert.Equal(200, result.GetProperty("compositePlainHead")[0].GetInt32());
        Assert.Equal(JsonValueKind.Null, result.GetProperty("compositePlainHead")[2].ValueKind);
        Assert.Empty(result.GetProperty("fullPart1")[3].EnumerateObject());
        Assert.Equal("2", result.GetProperty("fullPart1")[2].GetString());
        var expected = result.GetProperty("singleExpected").GetString();
        var singlePart1 = result.GetProperty("singlePart1");
        Assert.Equal(206, singlePart1[0].GetInt32());
        Assert.Equal("bytes 0-9/10", singlePart1[1].GetString());
        Assert.Equal(JsonValueKind.Null, singlePart1[2].ValueKind);
        Assert.Equal(expected, singlePart1[3].GetProperty("x-amz-checksum-crc32").GetString());
        Assert.Equal(expected, result.GetProperty("singleWhole")[3].GetProperty("x-amz-checksum-crc32").GetString());
        Assert.Equal("FULL_OBJECT", result.GetProperty("singleWhole")[3].GetProperty("x-amz-checksum-type").GetString());
        Assert.Empty(result.GetProperty("singlePartial")[3].EnumerateObject());
        Assert.Equal("InvalidRequest 400", result.Outcome("badMode"));
    }
    [Fact]
    public async Task Non_ascii_metadata_is_answered_rfc2047_encoded_with_boto3()
    {
        // The client sends the raw latin-1 byte; S3 answers such values mail-safe (RFC 2047), never a 500.
        var r = await server.RunBoto3Async("""
            s3.meta.events.register("before-call.s3.PutObject", lambda **kw: kw["params"]["headers"].update({"x-amz-meta-meta1": "Hello World\xe9"}))
            s3.put_object(Bucket=bucket, Key="uni", Body=b"bar")
            out["get"] = s3.get_object(Bucket=bucket, Key="uni")["Metadata"]["meta1"]
            out["head"] = s3.head_object(Bucket=bucket, Key="uni")["Metadata"]["meta1"]
            """);
        if (r is not { } result)
        {
            return;
        }
        var encoded = "=?UTF-8?B?" + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("Hello World\u00e9")) + "?=";
        Assert.Equal(encoded, result.GetProperty("get").GetString());
        Assert.Equal(encoded, result.GetProperty("head").GetString());
    }
    [Fact]
    public async Task An_unsatisfiable_range_is_416_with_the_range_the_size_and_Content_Range_with_boto3()
    {
        var r = await server.RunBoto3Async("""
            s3.put_object(Bucket=bucket, Key="ten", Body=b"0123456789")
            def unsatisfiable(call, rng):
                try:
                    call(Bucket=bucket, Key="ten", Range=rng)
                    return None
                except ClientError as e:
                    return [e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Code"], e.response["Error"].get("RangeRequested"),
                            e.response["Error"].get("ActualObjectSize"), e.response["ResponseMetadata"]["HTTPHeaders"].get("content-range")]
            out["past"] = unsatisfiable(s3.get_object, "bytes=10-20")
            out["suffixZero"] = unsatisfiable(s3.get_object, "bytes=-0")
            out["head"] = unsatisfiable(s3.head_object, "bytes=10-")
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("[416, \"InvalidRange\", \"bytes=10-20\", \"10\", \"bytes */10\"]", result.GetProperty("past").GetRawText());
        Assert.Equal("[416, \"InvalidRange\", \"bytes=-0\", \"10\", \"bytes */10\"]", result.GetProperty("suffixZero").GetRawText());
        Assert.Equal(416, result.GetProperty("head")[0].GetInt32());
        Assert.Equal("bytes */10", result.GetProperty("head")[4].GetString());
    }

    [Fact]
    public async Task A_part_number_read_names_the_part_counts_in_InvalidPartNumber_and_refuses_a_Range_with_boto3()
    {
        // Recorded from AWS: LocalStack test_s3.py TestS3::test_get_object_part (part-doesnt-exist, part-with-range,
        // part-no-multipart).
        var r = await server.RunBoto3Async("""
            def fields(call, **kw):
                try:
                    call(Bucket=bucket, **kw)
                    return None
                except ClientError as e:
                    err = e.response["Error"]
                    return [e.response["ResponseMetadata"]["HTTPStatusCode"], err["Code"], err.get("PartNumberRequested"), err.get("ActualPartCount"), err.get("Message")]
            up = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
            parts = [{"PartNumber": n, "ETag": s3.upload_part(Bucket=bucket, Key="mp", UploadId=up, PartNumber=n, Body=body)["ETag"]}
                     for n, body in ((1, b"a" * 5 * 1024 * 1024), (2, b"test content 123"))]
            s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=up, MultipartUpload={"Parts": parts})
            s3.put_object(Bucket=bucket, Key="single", Body=b"test-123")
            out["missingPart"] = fields(s3.get_object, Key="mp", PartNumber=10)
            out["singlePart2"] = fields(s3.get_object, Key="single", PartNumber=2)
            out["withRange"] = fields(s3.get_object, Key="mp", PartNumber=2, Range="bytes=0-8")
            out["headWithRange"] = fields(s3.head_object, Key="mp", PartNumber=2, Range="bytes=0-8")
            out["part2"] = s3.get_object(Bucket=bucket, Key="mp", PartNumber=2)["Body"].read().decode()
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("[416, \"InvalidPartNumber\", \"10\", \"2\", \"The requested partnumber is not satisfiable\"]", result.GetProperty("missingPart").GetRawText());
        Assert.Equal("[416, \"InvalidPartNumber\", \"2\", \"1\", \"The requested partnumber is not satisfiable\"]", result.GetProperty("singlePart2").GetRawText());
        Assert.Equal("[400, \"InvalidRequest\", null, null, \"Cannot specify both Range header and partNumber query parameter\"]", result.GetProperty("withRange").GetRawText());
        Assert.Equal(400, result.GetProperty("headWithRange")[0].GetInt32());
        Assert.Equal("test content 123", result.GetProperty("part2").GetString());
    }
}
