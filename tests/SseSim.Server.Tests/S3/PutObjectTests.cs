using System.Net;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;

namespace SseSim.Server.Tests.S3;

[Collection("S3")]
public sealed class PutObjectTests(ServerFixture server)
{
    /// <summary>
    /// The request's value comes back as an error member, as LocalStack's AWS recordings show (test_s3.py:
    /// test_s3_invalid_content_md5, Content-MD5; test_put_object_storage_class_outposts, StorageClassRequested).
    /// </summary>
    [Fact]
    public async Task Invalid_digest_and_storage_class_errors_echo_the_value_with_boto3()
    {
        var r = await server.RunBoto3Async("""
            def members(call, **kwargs):
                try:
                    call(**kwargs)
                    return None
                except ClientError as e:
                    return e.response["Error"]
            out["md5"] = members(s3.put_object, Bucket=bucket, Key="k", Body=b"something", ContentMD5="MTIz")
            out["class"] = members(s3.put_object, Bucket=bucket, Key="k", Body=b"x", StorageClass="OUTPOSTS")
            out["mpClass"] = members(s3.create_multipart_upload, Bucket=bucket, Key="k", StorageClass="OUTPOSTS")
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal(("InvalidDigest", "MTIz"), (result.GetProperty("md5").GetProperty("Code").GetString(), result.GetProperty("md5").GetProperty("Content-MD5").GetString()));
        foreach (var name in new[] { "class", "mpClass" })
        {
            var e = result.GetProperty(name);
            Assert.Equal(("InvalidStorageClass", "OUTPOSTS"), (e.GetProperty("Code").GetString(), e.GetProperty("StorageClassRequested").GetString()));
        }
    }

    /// <summary>
    /// S3 echoes the caller's encryption context as sent, without the aws:s3:arn pair it adds for KMS; no context sent,
    /// no header; GET and HEAD never carry it (botocore: only PutObject, CopyObject, CreateMultipartUpload and
    /// CreateSession outputs have SSEKMSEncryptionContext). AWS's behaviour as MinIO recorded it (minio/minio#11415).
    /// </summary>
    [Fact]
    public async Task The_encryption_context_is_echoed_as_sent_without_aws_s3_arn_with_boto3()
    {
        var r = await server.RunBoto3Async("""
            import base64
            kms = boto3.client("kms", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
            key = kms.create_key()["KeyMetadata"]["KeyId"]
            sent = base64.b64encode(b'{"team":"blue"}').decode()
            kw = dict(ServerSideEncryption="aws:kms", SSEKMSKeyId=key)
            out["put"] = s3.put_object(Bucket=bucket, Key="k", Body=b"x", SSEKMSEncryptionContext=sent, **kw).get("SSEKMSEncryptionContext")
            out["putNone"] = s3.put_object(Bucket=bucket, Key="n", Body=b"x", **kw).get("SSEKMSEncryptionContext")
            out["copy"] = s3.copy_object(Bucket=bucket, Key="c", CopySource=f"{bucket}/k", SSEKMSEncryptionContext=sent, **kw).get("SSEKMSEncryptionContext")
            out["mpu"] = s3.create_multipart_upload(Bucket=bucket, Key="m", SSEKMSEncryptionContext=sent, **kw).get("SSEKMSEncryptionContext")
            out["sent"] = sent
            out["get"] = s3.get_object(Bucket=bucket, Key="k")["ResponseMetadata"]["HTTPHeaders"].get("x-amz-server-side-encryption-context")
            out["head"] = s3.head_object(Bucket=bucket, Key="k")["ResponseMetadata"]["HTTPHeaders"].get("x-amz-server-side-encryption-context")
            """);
        if (r is not { } result)
        {
            return;
        }
        var sent = result.GetProperty("sent").GetString();
        foreach (var name in new[] { "put", "copy", "mpu" })
        {
            Assert.Equal(sent, result.GetProperty(name).GetString());
        }
        foreach (var name in new[] { "putNone", "get", "head" })
        {
            Assert.Equal(System.Text.Json.JsonValueKind.Null, result.GetProperty(name).ValueKind);
        }
    }

    [Fact]
    public async Task Website_redirect_location_must_be_a_path_or_an_http_url_with_boto3()
    {
        // AWS's answer, quoted in aws/aws-cli#1130 (InvalidRedirectLocation); PutObject, CopyObject and
        // CreateMultipartUpload take the same header, and a refused write stores nothing.
        var r = await server.RunBoto3Async("""
            s3.put_object(Bucket=bucket, Key="src", Body=b"x")
            for name, value in [("noSlash", "index.html"), ("ftp", "ftp://example.com/")]:
                out[name] = error(s3.put_object, Bucket=bucket, Key="k", Body=b"x", WebsiteRedirectLocation=value)
            out["copy"] = error(s3.copy_object, Bucket=bucket, Key="k", CopySource=f"{bucket}/src", WebsiteRedirectLocation="example.com")
            out["mpu"] = error(s3.create_multipart_upload, Bucket=bucket, Key="k", WebsiteRedirectLocation="example.com")
            out["stored"] = error(s3.head_object, Bucket=bucket, Key="k")
            out["uploads"] = len(s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []))
            for name, value in [("path", "/a.html"), ("http", "http://example.com/"), ("https", "https://example.com/a")]:
                s3.put_object(Bucket=bucket, Key=name, Body=b"x", WebsiteRedirectLocation=value)
                out[name] = s3.head_object(Bucket=bucket, Key=name)["WebsiteRedirectLocation"]
            """);
        if (r is not { } result)
        {
            return;
        }
        const string Refused = "[\"InvalidRedirectLocation\", 400, \"The website redirect location must have a prefix of 'http://' or 'https://' or '/'.\"]";
        foreach (var name in new[] { "noSlash", "ftp", "copy", "mpu" })
        {
            Assert.Equal(Refused, result.GetProperty(name).GetRawText());
        }
        Assert.Equal("[\"404\", 404, \"Not Found\"]", result.GetProperty("stored").GetRawText());
        Assert.Equal(0, result.GetProperty("uploads").GetInt32());
        Assert.Equal("/a.html", result.GetProperty("path").GetString());
        Assert.Equal("http://example.com/", result.GetProperty("http").GetString());
        Assert.Equal("https://example.com/a", result.GetProperty("https").GetString());
    }

    [Fact]
    public async Task Conditional_writes_If_None_Match_and_If_Match_are_checked_against_the_current_object()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        var first = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "one", IfNoneMatch = "*" });
        var exists = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "two", IfNoneMatch = "*" }));
        Assert.Equal((HttpStatusCode.PreconditionFailed, "PreconditionFailed"), (exists.StatusCode, exists.ErrorCode));
        var missing = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "none", ContentBody = "x", IfMatch = first.ETag }));
        Assert.Equal("NoSuchKey", missing.ErrorCode);

        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "three", IfMatch = first.ETag });
        var stale = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "four", IfMatch = first.ETag }));
        Assert.Equal("PreconditionFailed", stale.ErrorCode);
        var staleDelete = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", IfMatch = first.ETag }));
        Assert.Equal("PreconditionFailed", staleDelete.ErrorCode);
        using var got = await s3.GetObjectAsync(bucket, "k");
        Assert.Equal("three", await new StreamReader(got.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task Sdk_default_signed_chunked_upload_round_trips_and_reports_SSE_S3()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        var data = S3Clients.RandomBytes(300_000);
        var put = await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "a b/ü?x+y",
            InputStream = new MemoryStream(data),
            ContentType = "text/plain",
            Metadata = { ["colour"] = "blue" },
        });
        Assert.Equal(ServerSideEncryptionMethod.AES256, put.ServerSideEncryptionMethod);
        Assert.Equal("\"" + Convert.ToHexStringLower(MD5.HashData(data)) + "\"", put.ETag);

        using var get = await s3.GetObjectAsync(bucket, "a b/ü?x+y");
        using var read = new MemoryStream();
        await get.ResponseStream.CopyToAsync(read);
        Assert.Equal(data, read.ToArray());
        Assert.Equal("text/plain", get.Headers.ContentType);
        Assert.Equal("blue", get.Metadata["colour"]);
    }

    /// <summary>
    /// SSE-KMS and DSSE-KMS through the AWS SDK for .NET (its default upload is aws-chunked with a trailing checksum):
    /// the algorithm and the full key ARN are echoed on PUT, GET and a ranged GET, and the ETag is not the MD5.
    /// </summary>
    [Theory]
    [InlineData("aws:kms")]
    [InlineData("aws:kms:dsse")]
    public async Task SSE_KMS_with_key_created_through_KMS_returns_full_arn_and_non_md5_etag(string algorithm)
    {
        var method = ServerSideEncryptionMethod.FindValue(algorithm);
        var bucket = await server.NewBucketAsync();
        var keyId = await server.NewKmsKeyAsync();
        using var s3 = server.S3();
        var data = S3Clients.RandomBytes(200_000);
        var put = await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "kms",
            InputStream = new MemoryStream(data),
            ServerSideEncryptionMethod = method,
            ServerSideEncryptionKeyManagementServiceKeyId = keyId,
        });
        Assert.Equal(method, put.ServerSideEncryptionMethod);
        Assert.Equal($"arn:aws:kms:us-east-1:000000000000:key/{keyId}", put.ServerSideEncryptionKeyManagementServiceKeyId);
        Assert.NotEqual("\"" + Convert.ToHexStringLower(MD5.HashData(data)) + "\"", put.ETag);

        using (var get = await s3.GetObjectAsync(bucket, "kms"))
        {
            using var read = new MemoryStream();
            await get.ResponseStream.CopyToAsync(read);
            Assert.Equal(data, read.ToArray());
            Assert.Equal(method, get.ServerSideEncryptionMethod);
            Assert.Equal(put.ServerSideEncryptionKeyManagementServiceKeyId, get.ServerSideEncryptionKeyManagementServiceKeyId);
        }

        using var part = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "kms", ByteRange = new ByteRange(70_000, 139_999) });
        using var range = new MemoryStream();
        await part.ResponseStream.CopyToAsync(range);
        Assert.Equal(data[70_000..140_000], range.ToArray());
        Assert.Equal(method, part.ServerSideEncryptionMethod);
        Assert.Equal(put.ServerSideEncryptionKeyManagementServiceKeyId, part.ServerSideEncryptionKeyManagementServiceKeyId);
    }

    [Fact]
    public async Task SSE_C_round_trip_and_wrong_key_is_403()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var put = await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "ssec",
            ContentBody = "customer secret",
            ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = key,
        });
        Assert.Equal(ServerSideEncryptionCustomerMethod.AES256, put.ServerSideEncryptionCustomerMethod);

        using var get = await s3.GetObjectAsync(new GetObjectRequest
        {
            BucketName = bucket,
            Key = "ssec",
            ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = key,
        });
        Assert.Equal("customer secret", await new StreamReader(get.ResponseStream).ReadToEndAsync());

        var wrong = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectAsync(new GetObjectRequest
        {
            BucketName = bucket,
            Key = "ssec",
            ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        }));
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        var missing = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectAsync(bucket, "ssec"));
        Assert.Equal("InvalidRequest", missing.ErrorCode);
    }

    [Fact]
    public async Task Checksum_header_is_validated_BadDigest()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "bad",
            ContentBody = "hello",
            ChecksumSHA256 = Convert.ToBase64String(SHA256.HashData("other"u8)),
        }));
        Assert.Equal("BadDigest", e.ErrorCode);
        await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "bad"));
    }

    [Fact]
    public async Task Missing_bucket_is_NoSuchBucket_xml()
    {
        using var s3 = server.S3();
        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = "no-such-bucket-here", Key = "k", ContentBody = "x" }));
        Assert.Equal("NoSuchBucket", e.ErrorCode);
        Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
    }

    [Fact]
    public async Task Single_put_above_5_GiB_is_EntityTooLarge()
    {
        var bucket = await server.NewBucketAsync();
        var response = await RawS3.SendAsync(server, HttpMethod.Put, $"/{bucket}/huge", content: "tiny"u8.ToArray(),
            extraHeaders: new() { ["x-amz-decoded-content-length"] = (6L * 1024 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture) },
            payloadHash: "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("<Code>EntityTooLarge</Code>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Body_not_matching_signed_sha256_is_rejected_and_not_stored()
    {
        var bucket = await server.NewBucketAsync();
        var response = await RawS3.SendAsync(server, HttpMethod.Put, $"/{bucket}/tampered", content: "actual body"u8.ToArray(),
            payloadHash: Convert.ToHexStringLower(SHA256.HashData("signed body"u8)));
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("<Code>XAmzContentSHA256Mismatch</Code>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var head = await RawS3.SendAsync(server, HttpMethod.Head, $"/{bucket}/tampered");
        Assert.Equal(404, (int)head.StatusCode);
    }

    [Fact]
    public async Task Content_MD5_that_does_not_match_is_BadDigest_and_stores_nothing_with_boto3()
    {
        var r = await server.RunBoto3Async("""
            wrong = md5(b"something else")
            out["wrong"] = with_headers("PutObject", {"Content-MD5": wrong}, s3.put_object, Bucket=bucket, Key="k", Body=b"hello")
            out["afterWrong"] = error(s3.head_object, Bucket=bucket, Key="k")
            out["malformed"] = with_headers("PutObject", {"Content-MD5": "not-an-md5"}, s3.put_object, Bucket=bucket, Key="k", Body=b"hello")
            out["right"] = error(s3.put_object, Bucket=bucket, Key="k", Body=b"hello", ContentMD5=md5(b"hello"))
            out["overwrite"] = with_headers("PutObject", {"Content-MD5": wrong}, s3.put_object, Bucket=bucket, Key="k", Body=b"other")
            out["body"] = s3.get_object(Bucket=bucket, Key="k")["Body"].read().decode()
            upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
            out["part"] = with_headers("UploadPart", {"Content-MD5": wrong}, s3.upload_part, Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1, Body=b"part")
            out["partMalformed"] = with_headers("UploadPart", {"Content-MD5": "AAAA"}, s3.upload_part, Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1, Body=b"part")
            out["parts"] = len(s3.list_parts(Bucket=bucket, Key="mp", UploadId=upload).get("Parts", []))
            out["partRight"] = error(s3.upload_part, Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1, Body=b"part", ContentMD5=md5(b"part"))
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("BadDigest 400", result.Outcome("wrong"));
        Assert.Equal("404 404", result.Outcome("afterWrong"));
        Assert.Equal("InvalidDigest 400", result.Outcome("malformed"));
        Assert.Equal("ok", result.Outcome("right"));
        Assert.Equal("BadDigest 400", result.Outcome("overwrite"));
        Assert.Equal("hello", result.GetProperty("body").GetString());
        Assert.Equal("BadDigest 400", result.Outcome("part"));
        Assert.Equal("InvalidDigest 400", result.Outcome("partMalformed"));
        Assert.Equal(0, result.GetProperty("parts").GetInt32());
        Assert.Equal("ok", result.Outcome("partRight"));
    }

    [Fact]
    public async Task x_amz_sdk_checksum_algorithm_must_name_the_checksum_sent_with_boto3()
    {
        var r = await server.RunBoto3Async("""
            out["crc32"] = error(s3.put_object, Bucket=bucket, Key="a", Body=b"hello", ChecksumAlgorithm="CRC32")
            out["alone"] = with_headers("PutObject", {"x-amz-checksum-crc32": None}, s3.put_object, Bucket=bucket, Key="b", Body=b"hello", ChecksumAlgorithm="CRC32")
            out["other"] = with_headers("PutObject", {"x-amz-sdk-checksum-algorithm": "SHA256"}, s3.put_object, Bucket=bucket, Key="c", Body=b"hello", ChecksumAlgorithm="CRC32")
            out["stored"] = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"])
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("ok", result.Outcome("crc32"));
        Assert.Equal("InvalidRequest 400", result.Outcome("alone"));
        Assert.Equal("InvalidRequest 400", result.Outcome("other"));
        Assert.Equal(["a"], result.GetProperty("stored").EnumerateArray().Select(k => k.GetString()));
    }
    [Fact]
    public async Task A_checksum_header_that_is_not_a_checksum_value_is_InvalidRequest_with_boto3()
    {
        var r = await server.RunBoto3Async("""
            import zlib
            good = base64.b64encode(zlib.crc32(b"123456789").to_bytes(4, "big")).decode()
            out["good"] = good
            for name, value in [("badLength", "short==="), ("tooShort", "shrt"), ("tooLong", "toolong="), ("badChars", "y^/^Q5^J^g=="), ("nonCanonical", good[:-3] + "h==")]:
                out[name] = error(s3.put_object, Bucket=bucket, Key=name, Body=b"123456789", ChecksumCRC32=value)
            out["ok"] = error(s3.put_object, Bucket=bucket, Key="ok", Body=b"123456789", ChecksumCRC32=good)
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("y/Q5Jg==", result.GetProperty("good").GetString());
        foreach (var name in new[] { "badLength", "tooShort", "tooLong", "badChars", "nonCanonical" })
        {
            Assert.Equal("InvalidRequest 400", result.Outcome(name));
            Assert.Equal("Value for x-amz-checksum-crc32 header is invalid.", result.GetProperty(name)[2].GetString());
        }
        Assert.Equal("ok", result.Outcome("ok"));
    }

    /// <summary>
    /// The checksum algorithms S3 added after CRC64NVME (botocore's ChecksumAlgorithm enum): SHA512, which boto3
    /// computes itself, and MD5 and the xxHashes sent as precomputed values (xxHash's canonical empty-input vectors).
    /// </summary>
    [Fact]
    public async Task Sha512_md5_and_xxhash_checksums_are_verified_stored_and_returned_with_boto3()
    {
        var r = await server.RunBoto3Async("""
            import hashlib
            def b64(digest):
                return base64.b64encode(digest).decode()
            data = b"checksums S3 added in 2025 " * 100
            put = s3.put_object(Bucket=bucket, Key="sha512", Body=data, ChecksumAlgorithm="SHA512")
            out["expected"] = b64(hashlib.sha512(data).digest())
            out["put"] = put.get("ChecksumSHA512")
            out["head"] = s3.head_object(Bucket=bucket, Key="sha512", ChecksumMode="ENABLED").get("ChecksumSHA512")
            got = s3.get_object(Bucket=bucket, Key="sha512", ChecksumMode="ENABLED")
            out["get"] = got.get("ChecksumSHA512")
            out["body"] = got["Body"].read() == data
            out["attributes"] = s3.get_object_attributes(Bucket=bucket, Key="sha512", ObjectAttributes=["Checksum"])["Checksum"].get("ChecksumSHA512")
            out["md5"] = error(s3.put_object, Bucket=bucket, Key="md5", Body=data, ChecksumMD5=b64(hashlib.md5(data).digest()))
            out["md5Head"] = s3.head_object(Bucket=bucket, Key="md5", ChecksumMode="ENABLED").get("ChecksumMD5") == b64(hashlib.md5(data).digest())
            out["md5Wrong"] = error(s3.put_object, Bucket=bucket, Key="md5-wrong", Body=data, ChecksumMD5=b64(hashlib.md5(b"other").digest()))
            empty = {"XXHASH64": "ef46db3751d8e999", "XXHASH3": "2d06800538d394c2", "XXHASH128": "99aa06d3014798d86001c324468d497f"}
            for name, hexdigest in empty.items():
                value = b64(bytes.fromhex(hexdigest))
                out[name] = error(s3.put_object, Bucket=bucket, Key=name, Body=b"", **{"Checksum" + name: value})
                out[name + "Head"] = s3.head_object(Bucket=bucket, Key=name, ChecksumMode="ENABLED").get("Checksum" + name) == value
                out[name + "Wrong"] = error(s3.put_object, Bucket=bucket, Key=name + "-wrong", Body=b"x", **{"Checksum" + name: value})
            # Multipart: COMPOSITE only, the checksum of the parts' checksums with the part count.
            upload = s3.create_multipart_upload(Bucket=bucket, Key="mp", ChecksumAlgorithm="SHA512")["UploadId"]
            part = s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1, Body=data, ChecksumAlgorithm="SHA512")
            done = s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload, MultipartUpload={"Parts": [
                {"PartNumber": 1, "ETag": part["ETag"], "ChecksumSHA512": part["ChecksumSHA512"]}]})
            out["mp"] = [done.get("ChecksumSHA512"), done.get("ChecksumType")]
            out["mpExpected"] = b64(hashlib.sha512(base64.b64decode(part["ChecksumSHA512"])).digest()) + "-1"
            out["fullObject"] = error(s3.create_multipart_upload, Bucket=bucket, Key="mp2", ChecksumAlgorithm="SHA512", ChecksumType="FULL_OBJECT")
            """);
        if (r is not { } result)
        {
            return;
        }
        var expected = result.GetProperty("expected").GetString();
        foreach (var name in new[] { "put", "head", "get", "attributes" })
        {
            Assert.Equal(expected, result.GetProperty(name).GetString());
        }
        Assert.True(result.GetProperty("body").GetBoolean());
        Assert.Equal("ok", result.Outcome("md5"));
        Assert.True(result.GetProperty("md5Head").GetBoolean());
        Assert.Equal("BadDigest 400", result.Outcome("md5Wrong"));
        foreach (var name in new[] { "XXHASH64", "XXHASH3", "XXHASH128" })
        {
            Assert.Equal("ok", result.Outcome(name));
            Assert.True(result.GetProperty(name + "Head").GetBoolean(), name);
            Assert.Equal("BadDigest 400", result.Outcome(name + "Wrong"));
        }
        Assert.Equal(result.GetProperty("mpExpected").GetString(), result.GetProperty("mp")[0].GetString());
        Assert.Equal("COMPOSITE", result.GetProperty("mp")[1].GetString());
        Assert.Equal("InvalidRequest 400", result.Outcome("fullObject"));
    }

    [Fact]
    public async Task Boto3_put_without_a_checksum_gets_S3s_default_crc64nvme()
    {
        var r = await server.RunBoto3Async(S3Clients.PlainClientPrelude + """
            def checksums(response):
                return " ".join(f"{k}={v}" for k, v in sorted(response.items()) if k.startswith("Checksum"))
            data = b"no checksum from the client " * 40
            put = plain.put_object(Bucket=bucket, Key="k", Body=data)
            out["sent"] = " ".join(sent_checksums)
            out["expected"] = crc64nvme(data)
            out["put"] = checksums(put)
            out["head"] = checksums(plain.head_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED"))
            out["headWithoutMode"] = checksums(plain.head_object(Bucket=bucket, Key="k"))
            got = plain.get_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
            out["get"] = checksums(got)
            out["body"] = got["Body"].read() == data
            out["ranged"] = checksums(plain.get_object(Bucket=bucket, Key="k", Range="bytes=0-4", ChecksumMode="ENABLED"))
            out["attributes"] = checksums(plain.get_object_attributes(Bucket=bucket, Key="k", ObjectAttributes=["Checksum"])["Checksum"])
            # A client checksum stays the object's only one.
            out["crc32Put"] = checksums(s3.put_object(Bucket=bucket, Key="crc32", Body=data, ChecksumAlgorithm="CRC32"))
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("", result.GetProperty("sent").GetString());
        var expected = $"ChecksumCRC64NVME={result.GetProperty("expected").GetString()} ChecksumType=FULL_OBJECT";
        Assert.Equal(expected, result.GetProperty("put").GetString());
        Assert.Equal(expected, result.GetProperty("head").GetString());
        Assert.Equal("", result.GetProperty("headWithoutMode").GetString());
        Assert.Equal(expected, result.GetProperty("get").GetString());
        Assert.True(result.GetProperty("body").GetBoolean());
        Assert.Equal("", result.GetProperty("ranged").GetString());
        Assert.Equal(expected, result.GetProperty("attributes").GetString());
        var crc32 = result.GetProperty("crc32Put").GetString()!.Split(' ');
        Assert.Equal(2, crc32.Length);
        Assert.StartsWith("ChecksumCRC32=", crc32[0], StringComparison.Ordinal);
        Assert.Equal("ChecksumType=FULL_OBJECT", crc32[1]);
    }

    [Fact]
    public async Task Conditional_write_errors_carry_AWSs_Condition_Header_and_additionalMessage_with_boto3()
    {
        // As recorded from AWS in LocalStack's test_s3_api.py TestS3ObjectWritePrecondition snapshots.
        var r = await server.RunBoto3Async("""
            def details(**kwargs):
                try:
                    s3.put_object(Bucket=bucket, **kwargs)
                    return None
                except ClientError as e:
                    err = e.response["Error"]
                    return [e.response["ResponseMetadata"]["HTTPStatusCode"]] + [err.get(k) for k in ("Code", "Condition", "Header", "additionalMessage")]
            etag = s3.put_object(Bucket=bucket, Key="k", Body=b"test")["ETag"]
            out["ifNoneMatch"] = details(Key="k", IfNoneMatch="*")
            out["ifMatch"] = details(Key="k", IfMatch='"d41d8cd98f00b204e9800998ecf8427e"')
            out["ifNoneMatchEtag"] = details(Key="k", IfNoneMatch=etag)
            out["ifMatchStar"] = details(Key="new", IfMatch="*")
            out["both"] = details(Key="new", IfNoneMatch="*", IfMatch="abcdef")
            """);
        if (r is not { } result)
        {
            return;
        }
        string Row(string name) => string.Join(" | ", result.GetProperty(name).EnumerateArray().Select(e => e.ToString()));
        Assert.Equal("412 | PreconditionFailed | If-None-Match |  | ", Row("ifNoneMatch"));
        Assert.Equal("412 | PreconditionFailed | If-Match |  | ", Row("ifMatch"));
        Assert.Equal("501 | NotImplemented |  | If-None-Match | We don't accept the provided value of If-None-Match header for this API", Row("ifNoneMatchEtag"));
        Assert.Equal("501 | NotImplemented |  | If-Match | We don't accept the provided value of If-Match header for this API", Row("ifMatchStar"));
        Assert.Equal("501 | NotImplemented |  | If-Match,If-None-Match | Multiple conditional request headers present in the request", Row("both"));
    }

    /// <summary>
    /// DSSE-KMS (x-amz-server-side-encryption: aws:kms:dsse): the key ARN is echoed, a bucket-key flag is not applied (S3
    /// Bucket Keys aren't supported for DSSE-KMS), the ETag is not the MD5, and each PUT is one GenerateDataKey and each
    /// GET one Decrypt, audited with S3 as the caller's service.
    /// </summary>
    [Fact]
    public async Task Dsse_kms_put_get_range_and_head_with_boto3()
    {
        var r = await server.RunBoto3Async("""
            kms = boto3.client("kms", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
            ct = boto3.client("cloudtrail", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
            key = kms.create_key(Description="dsse")["KeyMetadata"]
            data = os.urandom(200_000)
            put = s3.put_object(Bucket=bucket, Key="d", Body=data, ServerSideEncryption="aws:kms:dsse", SSEKMSKeyId=key["KeyId"], BucketKeyEnabled=True)
            out["put"] = [put["ServerSideEncryption"], put["SSEKMSKeyId"], put.get("BucketKeyEnabled"), put["ETag"].strip('"') != hashlib.md5(data).hexdigest()]
            default = s3.put_object(Bucket=bucket, Key="default", Body=b"x", ServerSideEncryption="aws:kms:dsse")
            out["defaultKey"] = default["SSEKMSKeyId"]
            out["awsManaged"] = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]["Arn"]
            got = s3.get_object(Bucket=bucket, Key="d")
            out["get"] = [got["ServerSideEncryption"], got["SSEKMSKeyId"], got["Body"].read() == data]
            part = s3.get_object(Bucket=bucket, Key="d", Range="bytes=65530-131080")
            out["range"] = [part["ContentRange"], part["Body"].read() == data[65530:131081]]
            head = s3.head_object(Bucket=bucket, Key="d")
            out["head"] = [head["ServerSideEncryption"], head["SSEKMSKeyId"], head.get("BucketKeyEnabled"), head["ContentLength"]]
            out["listed"] = [o["Size"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"] if o["Key"] == "d"]
            arn = "arn:aws:s3:::" + bucket + "/d"
            calls = []
            for name in ["GenerateDataKey", "Decrypt"]:
                for e in ct.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": name}])["Events"]:
                    detail = json.loads(e["CloudTrailEvent"])
                    if detail["requestParameters"].get("encryptionContext", {}).get("aws:s3:arn") == arn:
                        calls.append([name, detail["userIdentity"].get("invokedBy"), detail["resources"][0]["ARN"] == key["Arn"]])
            out["calls"] = sorted(calls)
            """);
        if (r is not { } result)
        {
            return;
        }
        var put = result.GetProperty("put");
        Assert.Equal("aws:kms:dsse", put[0].GetString());
        var keyArn = put[1].GetString()!;
        Assert.StartsWith("arn:aws:kms:us-east-1:", keyArn, StringComparison.Ordinal);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, put[2].ValueKind);
        Assert.True(put[3].GetBoolean());
        Assert.Equal(result.GetProperty("awsManaged").GetString(), result.GetProperty("defaultKey").GetString());
        Assert.Equal($"[\"aws:kms:dsse\", \"{keyArn}\", true]", result.GetProperty("get").GetRawText());
        Assert.Equal("[\"bytes 65530-131080/200000\", true]", result.GetProperty("range").GetRawText());
        Assert.Equal($"[\"aws:kms:dsse\", \"{keyArn}\", null, 200000]", result.GetProperty("head").GetRawText());
        Assert.Equal("[200000]", result.GetProperty("listed").GetRawText());
        // One GenerateDataKey for the PUT, one Decrypt for each GET and ranged GET (HEAD needs no key).
        Assert.Equal("[[\"Decrypt\", \"s3.amazonaws.com\", true], [\"Decrypt\", \"s3.amazonaws.com\", true], [\"GenerateDataKey\", \"s3.amazonaws.com\", true]]",
            result.GetProperty("calls").GetRawText());
    }
}
