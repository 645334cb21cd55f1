using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace SseSim.Server.Tests.S3;

[Collection("S3")]
public sealed class S3AuthenticationTests(ServerFixture server)
{
    [Fact]
    public async Task Wrong_secret_unknown_key_and_anonymous_get_S3_errors()
    {
        var bucket = await server.NewBucketAsync();
        using (var wrong = server.S3(secretKey: "wrong"))
        {
            var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => wrong.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }));
            Assert.Equal("SignatureDoesNotMatch", e.ErrorCode);
            Assert.Equal(HttpStatusCode.Forbidden, e.StatusCode);
        }
        using (var unknown = server.S3(accessKey: "nobody"))
        {
            var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => unknown.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }));
            Assert.Equal("InvalidAccessKeyId", e.ErrorCode);
        }
        using var http = new HttpClient();
        var anonymous = await http.GetAsync($"{server.Endpoint}/{bucket}");
        Assert.Equal(HttpStatusCode.Forbidden, anonymous.StatusCode);
        Assert.Contains("<Code>AccessDenied</Code>", await anonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Presigned_get_and_put_work_and_expire()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "p q/ü", ContentBody = "presigned!" });
        using var http = new HttpClient();
        var url = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest { BucketName = bucket, Key = "p q/ü", Verb = HttpVerb.GET, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP });
        Assert.Equal("presigned!", await http.GetStringAsync(url));

        var putUrl = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest { BucketName = bucket, Key = "up", Verb = HttpVerb.PUT, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP });
        var put = await http.PutAsync(putUrl, new ByteArrayContent("uploaded"u8.ToArray()));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var expired = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest { BucketName = bucket, Key = "p q/ü", Verb = HttpVerb.GET, Expires = DateTime.UtcNow.AddSeconds(1), Protocol = Protocol.HTTP });
        await Task.Delay(2100);
        var response = await http.GetAsync(expired);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("<Code>AccessDenied</Code>", body, StringComparison.Ordinal);
        Assert.Contains("Request has expired", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Presigned_url_errors_carry_S3s_members_with_boto3()
    {
        // Recorded from AWS in LocalStack test_s3.py TestS3PresignedUrl: test_s3_presigned_url_expired (X-Amz-Expires,
        // Expires, ServerTime; SigV2 without X-Amz-Expires), test_presigned_url_signature_authentication (the
        // SignatureDoesNotMatch members), test_s3_put_presigned_url_same_header_and_qs_parameter (override-signed-qs) and
        // test_put_object_with_md5_and_chunk_signature_bad_headers (HeadersNotSigned), test_presigned_double_encoded_credentials.
        var r = await server.RunBoto3Async("""
            import datetime, html, re, urllib.error, urllib.request
            import botocore.auth
            key = boto3.Session().get_credentials().access_key
            s3.put_object(Bucket=bucket, Key="k", Body=b"something")
            def fetch(url, method="GET", headers=None, data=None):
                try:
                    with urllib.request.urlopen(urllib.request.Request(url, method=method, headers=headers or {}, data=data)) as r:
                        return r.status, {}
                except urllib.error.HTTPError as e:
                    body = e.read().decode()
                    return e.code, {k: html.unescape(v) for k, v in re.findall(r"<([A-Za-z0-9-]+)>([^<]*)</\1>", body)}
            v4 = boto3.client("s3", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1", config=Config(signature_version="s3v4"))
            signed_at = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
            real = botocore.auth.get_current_datetime
            botocore.auth.get_current_datetime = lambda *a, **k: signed_at
            old = v4.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=60)
            botocore.auth.get_current_datetime = real
            status, e = fetch(old)
            out["expired"] = [status, e["Code"], e["Message"], e["X-Amz-Expires"], e["Expires"], "ServerTime" in e]
            url = v4.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k", "ResponseContentType": "text/plain"}, ExpiresIn=60)
            status, e = fetch(url.replace("text%2Fplain", "text%2Fhtml"))
            sts = e.get("StringToSign", "").replace("\r\n", "\n")
            out["mismatch"] = [status, e["Code"], e["AWSAccessKeyId"] == key, sts.split("\n")[0], e["SignatureProvided"] == re.search("X-Amz-Signature=([0-9a-f]+)", url).group(1),
                e["StringToSignBytes"] == " ".join("%02x" % b for b in sts.encode()), e["CanonicalRequest"].split("\n")[0], "response-content-type=text%2Fhtml" in e["CanonicalRequest"],
                e["CanonicalRequestBytes"].startswith("47 45 54 0a")]
            put = v4.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "p"}, ExpiresIn=60)
            status, e = fetch(put, "PUT", {"x-amz-expires": "5"}, b"data")
            out["unsigned"] = [status, e["Code"], e["Message"], e["HeadersNotSigned"]]
            status, e = fetch(put, "PUT", {"X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD", "X-Amz-Date": "20211122T191045Z", "X-Amz-Decoded-Content-Length": "4"}, b"data")
            out["unsignedMany"] = e["HeadersNotSigned"]
            out["signedOk"] = fetch(put, "PUT", {"X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD"}, b"data")[0]
            status, e = fetch(url.replace("%2F", "%252F"))
            out["credential"] = [status, e["Code"], e["Message"]]
            status, e = fetch(v4.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=604801))
            out["tooLong"] = [status, e["Code"], e["Message"]]
            v2 = boto3.client("s3", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1", config=Config(signature_version="s3"))
            status, e = fetch(v2.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=-60))
            out["expiredV2"] = [status, e["Code"], "Expires" in e and "ServerTime" in e, "X-Amz-Expires" in e]
            status, e = fetch(v2.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k", "ResponseContentType": "text/plain"}, ExpiresIn=60).replace("text%2Fplain", "text%2Fhtml"))
            out["mismatchV2"] = [status, e["Code"], e["AWSAccessKeyId"] == key, e["StringToSign"].split("\n")[0], e["StringToSignBytes"] == " ".join("%02x" % b for b in e["StringToSign"].encode()), "CanonicalRequest" in e]
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("[403, \"AccessDenied\", \"Request has expired\", \"60\", \"2024-01-02T03:05:05Z\", true]", result.GetProperty("expired").GetRawText());
        Assert.Equal("[403, \"SignatureDoesNotMatch\", true, \"AWS4-HMAC-SHA256\", true, true, \"GET\", true, true]", result.GetProperty("mismatch").GetRawText());
        Assert.Equal("[403, \"AccessDenied\", \"There were headers present in the request which were not signed\", \"x-amz-expires\"]", result.GetProperty("unsigned").GetRawText());
        Assert.Equal("x-amz-date, x-amz-decoded-content-length", result.GetProperty("unsignedMany").GetString());
        Assert.Equal(200, result.GetProperty("signedOk").GetInt32());
        Assert.Equal("[400, \"AuthorizationQueryParametersError\", \"Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting \\\"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\\\".\"]", result.GetProperty("credential").GetRawText());
        Assert.Equal("[400, \"AuthorizationQueryParametersError\", \"X-Amz-Expires must be less than a week (in seconds) that is 604800\"]", result.GetProperty("tooLong").GetRawText());
        Assert.Equal("[403, \"AccessDenied\", true, false]", result.GetProperty("expiredV2").GetRawText());
        Assert.Equal("[403, \"SignatureDoesNotMatch\", true, \"GET\", true, false]", result.GetProperty("mismatchV2").GetRawText());
    }

    [Fact]
    public async Task SigV2_presigned_bucket_requests_verify_with_boto3()
    {
        // botocore signs a path-style bucket request's resource as /bucket/ (S3's SigV2 form) while it sends /bucket.
        var r = await server.RunBoto3Async("""
            import urllib.request
            v2 = boto3.client("s3", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1", config=Config(signature_version="s3"))
            s3.put_object(Bucket=bucket, Key="folder/k", Body=b"x")
            def status(method, **params):
                with urllib.request.urlopen(v2.generate_presigned_url(method, Params={"Bucket": bucket, **params})) as resp:
                    return resp.status
            out["versions"] = status("list_object_versions", Prefix="folder/", Delimiter="/")
            out["objects"] = status("list_objects", Prefix="folder/")
            out["object"] = status("get_object", Key="folder/k")
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal(200, result.GetProperty("versions").GetInt32());
        Assert.Equal(200, result.GetProperty("objects").GetInt32());
        Assert.Equal(200, result.GetProperty("object").GetInt32());
    }

    [Fact]
    public async Task Every_aws_chunked_chunk_signature_is_checked()
    {
        var bucket = await server.NewBucketAsync();
        var data = S3Clients.RandomBytes(100_000);
        var good = await RawS3.SendSignedChunkedAsync(server, $"/{bucket}/chunked", data, 16 * 1024);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        using var s3 = server.S3();
        using (var get = await s3.GetObjectAsync(bucket, "chunked"))
        {
            using var ms = new MemoryStream();
            await get.ResponseStream.CopyToAsync(ms);
            Assert.Equal(data, ms.ToArray());
        }

        var tampered = await RawS3.SendSignedChunkedAsync(server, $"/{bucket}/tampered", data, 16 * 1024, corruptChunk: 3);
        Assert.Equal(HttpStatusCode.Forbidden, tampered.StatusCode);
        Assert.Contains("SignatureDoesNotMatch", await tampered.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var head = await RawS3.SendAsync(server, HttpMethod.Head, $"/{bucket}/tampered");
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
    }

    [Fact]
    public async Task Unsigned_trailer_checksum_is_verified()
    {
        var bucket = await server.NewBucketAsync();
        var crc = Convert.ToBase64String(BitConverter.GetBytes(System.IO.Hashing.Crc32.HashToUInt32("hello"u8)).Reverse().ToArray());
        byte[] Body(string checksum) => System.Text.Encoding.ASCII.GetBytes($"5\r\nhello\r\n0\r\nx-amz-checksum-crc32:{checksum}\r\n\r\n");
        Dictionary<string, string> Headers() => new() { ["x-amz-decoded-content-length"] = "5", ["x-amz-trailer"] = "x-amz-checksum-crc32" };
        var ok = await RawS3.SendAsync(server, HttpMethod.Put, $"/{bucket}/t", Body(crc), Headers(), "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(crc, ok.Headers.GetValues("x-amz-checksum-crc32").Single());
        var bad = await RawS3.SendAsync(server, HttpMethod.Put, $"/{bucket}/t2", Body("AAAAAA=="), Headers(), "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("BadDigest", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
