using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace SseSim.Server.Tests.Kms;

public sealed class AuthenticationTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Default_identity_test_test_is_accepted()
    {
        using var kms = server.Kms();
        var created = await kms.CreateKeyAsync(new CreateKeyRequest { Description = "auth" });
        Assert.StartsWith("arn:aws:kms:us-east-1:000000000000:key/", created.KeyMetadata.Arn, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_secret_is_InvalidSignatureException()
    {
        using var kms = server.Kms(secretKey: "wrong");
        var e = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => kms.ListKeysAsync(new ListKeysRequest()));
        Assert.Equal("InvalidSignatureException", e.ErrorCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, e.StatusCode);
    }

    [Fact]
    public async Task Unknown_access_key_is_UnrecognizedClientException()
    {
        using var kms = server.Kms(accessKey: "nobody");
        var e = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => kms.ListKeysAsync(new ListKeysRequest()));
        Assert.Equal("UnrecognizedClientException", e.ErrorCode);
    }

    [Fact]
    public async Task Stale_timestamp_and_broken_headers_are_rejected_with_KMS_errors()
    {
        using var http = new HttpClient();
        var stale = new HttpRequestMessage(HttpMethod.Post, server.Endpoint + "/") { Content = new StringContent("{}") };
        stale.Headers.Add("X-Amz-Target", "TrentService.ListKeys");
        stale.Headers.Add("X-Amz-Date", "20200101T000000Z");
        stale.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=test/20200101/us-east-1/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + new string('0', 64));
        var response = await http.SendAsync(stale);
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("\"__type\":\"InvalidSignatureException\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("Signature expired", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var broken = new HttpRequestMessage(HttpMethod.Post, server.Endpoint + "/") { Content = new StringContent("{}") };
        broken.Headers.Add("X-Amz-Target", "TrentService.ListKeys");
        broken.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=test/20200101/us-east-1/kms/aws4_request");
        response = await http.SendAsync(broken);
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("IncompleteSignatureException", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_endpoint_answers_json()
    {
        using var http = new HttpClient();
        var response = await http.GetAsync(server.Endpoint + "/_ssesim/health");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Contains("\"status\":\"ok\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
