using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;

namespace SseSim.Server.Tests.S3;

/// <summary>
/// Browser-based POST uploads as an HTML form sends them (multipart/form-data, SigV4 policy signature), without
/// boto3; S3/Conformance covers the s3-tests variants (SigV2 signatures, every policy error).
/// </summary>
[Collection("S3")]
public sealed class PostObjectTests(ServerFixture server)
{
    private static readonly HttpClient Http = new();

    [Fact]
    public async Task Sse_kms_form_fields_encrypt_the_upload_and_success_action_status_201_returns_PostResponse()
    {
        var bucket = await server.NewBucketAsync();
        var keyId = await server.NewKmsKeyAsync();
        var response = await PostAsync(bucket, "in/${filename}", "hello post"u8.ToArray(),
            conditions: [new object[] { "starts-with", "$key", "in/" }, new object[] { "content-length-range", 1, 100 }],
            fields: new() { ["x-amz-server-side-encryption"] = "aws:kms", ["x-amz-server-side-encryption-aws-kms-key-id"] = keyId, ["success_action_status"] = "201" });
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Contains($"<Bucket>{bucket}</Bucket><Key>in/hello.txt</Key>", text, StringComparison.Ordinal);
        Assert.Equal("aws:kms", response.Headers.GetValues("x-amz-server-side-encryption").Single());

        using var s3 = server.S3();
        using var got = await s3.GetObjectAsync(bucket, "in/hello.txt");
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, got.ServerSideEncryptionMethod);
        Assert.EndsWith(keyId, got.ServerSideEncryptionKeyManagementServiceKeyId, StringComparison.Ordinal);
        Assert.Equal(response.Headers.ETag!.Tag, got.ETag);
        Assert.Equal("hello post", await new StreamReader(got.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task Sse_c_form_fields_need_the_key_to_read_back()
    {
        var bucket = await server.NewBucketAsync();
        var key = RandomNumberGenerator.GetBytes(32);
        var response = await PostAsync(bucket, "c.bin", [1, 2, 3], fields: new()
        {
            ["x-amz-server-side-encryption-customer-algorithm"] = "AES256",
            ["x-amz-server-side-encryption-customer-key"] = Convert.ToBase64String(key),
            ["x-amz-server-side-encryption-customer-key-MD5"] = Convert.ToBase64String(MD5.HashData(key)),
        });
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        using var s3 = server.S3();
        var denied = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectAsync(bucket, "c.bin"));
        Assert.Equal(HttpStatusCode.BadRequest, denied.StatusCode);
        using var got = await s3.GetObjectAsync(new GetObjectRequest
        {
            BucketName = bucket,
            Key = "c.bin",
            ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(key),
        });
        Assert.Equal(3, got.ContentLength);
    }

    [Theory]
    [InlineData("other/x", 5, "AccessDenied", "Invalid according to Policy: Policy Condition failed")]
    [InlineData("in/x", 200, "EntityTooLarge", "exceeds the maximum allowed size")]
    [InlineData("in/x", 0, "EntityTooSmall", "smaller than the minimum allowed size")]
    public async Task Policy_violations_store_nothing(string key, int size, string code, string message)
    {
        var bucket = await server.NewBucketAsync();
        var response = await PostAsync(bucket, key, new byte[size],
            conditions: [new object[] { "starts-with", "$key", "in/" }, new object[] { "content-length-range", 1, 100 }]);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains($"<Code>{code}</Code>", text, StringComparison.Ordinal);
        Assert.Contains(message, text, StringComparison.Ordinal);
        using var s3 = server.S3();
        Assert.Empty((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []);
    }

    [Fact]
    public async Task Expired_policy_extra_fields_and_bad_signatures_are_refused()
    {
        var bucket = await server.NewBucketAsync();
        var expired = await PostAsync(bucket, "k", [1], expiration: DateTime.UtcNow.AddMinutes(-1));
        Assert.Equal(HttpStatusCode.Forbidden, expired.StatusCode);
        Assert.Contains("Policy expired", await expired.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var extra = await PostAsync(bucket, "k", [1], unsignedFields: new() { ["x-amz-meta-color"] = "red" });
        Assert.Contains("Extra input fields: x-amz-meta-color", await extra.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var forged = await PostAsync(bucket, "k", [1], secret: "not-test");
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Contains("<Code>SignatureDoesNotMatch</Code>", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_signature_fields_and_odd_conditions_are_answered_as_S3_does_with_boto3()
    {
        // Recorded from AWS: LocalStack test_s3.py TestS3PresignedPost::test_post_request_missing_signature,
        // ::test_post_request_missing_fields, ::test_post_object_policy_validation_size (invalid-content-length-wrong-type)
        // and ::test_post_object_policy_conditions_validation_eq (invalid-condition-missing-prefix, -wrong-condition).
        var r = await server.RunBoto3Async("""
            import re, urllib.error, urllib.request, uuid
            v4 = boto3.client("s3", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1", config=Config(signature_version="s3v4"))
            v2 = boto3.client("s3", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1", config=Config(signature_version="s3"))
            def post(client, drop=(), conditions=None, fields=None, data=b"abcdefg"):
                p = client.generate_presigned_post(bucket, "k", Conditions=conditions, ExpiresIn=60)
                form = {k: v for k, v in p["fields"].items() if k not in drop}
                form.update(fields or {})
                boundary = uuid.uuid4().hex
                body = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in form.items())
                body += f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="f"\r\n\r\n'.encode() + data + f"\r\n--{boundary}--\r\n".encode()
                request = urllib.request.Request(p["url"], data=body, method="POST", headers={"Content-Type": "multipart/form-data; boundary=" + boundary})
                try:
                    with urllib.request.urlopen(request) as resp:
                        return [resp.status]
                except urllib.error.HTTPError as e:
                    text = e.read().decode()
                    found = dict(re.findall(r"<([A-Za-z]+)>([^<]*)</\1>", text))
                    return [e.code, found.get("Code"), found.get("ArgumentName"), "<ArgumentValue" in text, found.get("Message")]
            out["v4NoSignature"] = post(v4, drop=("x-amz-signature",))
            out["v4NoAlgorithm"] = post(v4, drop=("x-amz-algorithm",))
            out["v2NoSignature"] = post(v2, drop=("signature",))
            redirect = {"success_action_redirect": "http://localhost.test/random"}
            out["lengthNotNumber"] = post(v4, conditions=[["content-length-range", "test", "10"]])
            out["noDollar"] = post(v4, conditions=[["eq", "success_action_redirect", "http://localhost.test/random"]], fields=redirect)
            out["twoProperties"] = post(v4, conditions=[{"success_action_redirect": "http://localhost.test/random", "x": "y"}], fields=redirect)
            """);
        if (r is not { } result)
        {
            return;
        }
        const string Order = ".  If it is specified, please check the order of the fields.";
        Assert.Equal($"[400, \"InvalidArgument\", \"X-Amz-Signature\", true, \"Bucket POST must contain a field named 'X-Amz-Signature'{Order}\"]", result.GetProperty("v4NoSignature").GetRawText());
        Assert.Equal($"[400, \"InvalidArgument\", \"X-Amz-Algorithm\", true, \"Bucket POST must contain a field named 'X-Amz-Algorithm'{Order}\"]", result.GetProperty("v4NoAlgorithm").GetRawText());
        Assert.Equal($"[400, \"InvalidArgument\", \"Signature\", true, \"Bucket POST must contain a field named 'Signature'{Order}\"]", result.GetProperty("v2NoSignature").GetRawText());
        Assert.Equal("[403, \"AccessDenied\", null, false, \"Invalid according to Policy: Policy Condition failed: [\\\"content-length-range\\\", \\\"test\\\", \\\"10\\\"]\"]", result.GetProperty("lengthNotNumber").GetRawText());
        Assert.Equal("[403, \"AccessDenied\", null, false, \"Invalid according to Policy: Policy Condition failed: [\\\"eq\\\", \\\"success_action_redirect\\\", \\\"http://localhost.test/random\\\"]\"]", result.GetProperty("noDollar").GetRawText());
        Assert.Equal("[400, \"InvalidPolicyDocument\", null, false, \"Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.\"]", result.GetProperty("twoProperties").GetRawText());
    }

    [Fact]
    public async Task Website_redirect_field_is_checked_as_PutObjects_header_is()
    {
        var bucket = await server.NewBucketAsync();
        var bad = await PostAsync(bucket, "bad", [1], fields: new() { ["x-amz-website-redirect-location"] = "example.com" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("<Code>InvalidRedirectLocation</Code>", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var good = await PostAsync(bucket, "good", [1], fields: new() { ["x-amz-website-redirect-location"] = "/index.html" });
        Assert.Equal(HttpStatusCode.NoContent, good.StatusCode);
        using var s3 = server.S3();
        Assert.Equal("/index.html", (await s3.GetObjectMetadataAsync(bucket, "good")).WebsiteRedirectLocation);
        await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "bad"));
    }

    [Fact]
    public async Task Tagging_form_field_tags_the_upload_and_bad_tags_store_nothing()
    {
        var bucket = await server.NewBucketAsync();
        const string Tagging = "<Tagging><TagSet><Tag><Key>source</Key><Value>browser form</Value></Tag></TagSet></Tagging>";
        var response = await PostAsync(bucket, "tagged", [1, 2], fields: new() { ["tagging"] = Tagging });
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        using var s3 = server.S3();
        var tags = await s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "tagged" });
        Assert.Equal(("source", "browser form"), (tags.Tagging.Single().Key, tags.Tagging.Single().Value));

        var bad = await PostAsync(bucket, "bad", [1], fields: new() { ["tagging"] = "<Tagging><TagSet><Tag><Key>aws:x</Key><Value>v</Value></Tag></TagSet></Tagging>" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("<Code>InvalidTag</Code>", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var malformed = await PostAsync(bucket, "bad", [1], fields: new() { ["tagging"] = "key=value" });
        Assert.Contains("<Code>MalformedXML</Code>", await malformed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "bad"));
    }

    [Fact]
    public async Task Error_before_the_body_of_an_expect_100_continue_put_closes_the_connection()
    {
        // botocore sends Expect: 100-continue and withholds the body when the answer is final; a kept-alive connection
        // would then take the next request's bytes as that body.
        using var tcp = new TcpClient();
        var uri = new Uri(server.Endpoint);
        await tcp.ConnectAsync(uri.Host, uri.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"PUT /no-such-bucket-{Guid.NewGuid():N}/k HTTP/1.1\r\nHost: {uri.Authority}\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"));
        var buffer = new byte[4096];
        var head = new StringBuilder();
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(buffer);
            Assert.True(n > 0, "connection closed before a response");
            head.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        Assert.StartsWith("HTTP/1.1 403", head.ToString(), StringComparison.Ordinal);
        Assert.Contains("Connection: close", head.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    private async Task<HttpResponseMessage> PostAsync(string bucket, string key, byte[] file, object[][]? conditions = null,
        Dictionary<string, string>? fields = null, Dictionary<string, string>? unsignedFields = null, DateTime? expiration = null, string secret = "test")
    {
        var now = DateTime.UtcNow;
        var date = now.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        var form = new Dictionary<string, string>
        {
            ["key"] = key,
            ["x-amz-algorithm"] = "AWS4-HMAC-SHA256",
            ["x-amz-credential"] = $"test/{date}/us-east-1/s3/aws4_request",
            ["x-amz-date"] = now.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (name, value) in fields ?? [])
        {
            form[name] = value;
        }
        var all = new List<object> { new Dictionary<string, string> { ["bucket"] = bucket } };
        all.AddRange(form.Where(f => f.Key != "key").Select(f => new Dictionary<string, string> { [f.Key] = f.Value }));
        all.AddRange(conditions ?? [new object[] { "starts-with", "$key", "" }]);
        var policy = Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["expiration"] = (expiration ?? now.AddMinutes(10)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["conditions"] = all,
        }));
        var signingKey = Encoding.UTF8.GetBytes("AWS4" + secret);
        foreach (var part in new[] { date, "us-east-1", "s3", "aws4_request" })
        {
            signingKey = HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(part));
        }
        form["policy"] = policy;
        form["x-amz-signature"] = Convert.ToHexStringLower(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(policy)));
        foreach (var (name, value) in unsignedFields ?? [])
        {
            form[name] = value;
        }
        using var content = new MultipartFormDataContent();
        foreach (var (name, value) in form)
        {
            content.Add(new StringContent(value), name);
        }
        content.Add(new ByteArrayContent(file), "file", "hello.txt");
        return await Http.PostAsync($"{server.Endpoint}/{bucket}", content);
    }

    [Fact]
    public async Task Dsse_kms_form_field_encrypts_the_upload_in_two_layers()
    {
        var bucket = await server.NewBucketAsync();
        var keyId = await server.NewKmsKeyAsync();
        var response = await PostAsync(bucket, "dsse.txt", "two layers"u8.ToArray(),
            fields: new() { ["x-amz-server-side-encryption"] = "aws:kms:dsse", ["x-amz-server-side-encryption-aws-kms-key-id"] = keyId });
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("aws:kms:dsse", response.Headers.GetValues("x-amz-server-side-encryption").Single());
        Assert.EndsWith(keyId, response.Headers.GetValues("x-amz-server-side-encryption-aws-kms-key-id").Single(), StringComparison.Ordinal);

        using var s3 = server.S3();
        using var got = await s3.GetObjectAsync(bucket, "dsse.txt");
        Assert.Equal("aws:kms:dsse", got.ServerSideEncryptionMethod.Value);
        Assert.Equal("two layers", await new StreamReader(got.ResponseStream).ReadToEndAsync());
    }
}
