using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace SseSim.Server.Tests.Kms;

public sealed class UnsupportedOperationTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Custom_key_store_operations_answer_UnsupportedOperationException_naming_them()
    {
        using var kms = server.Kms();
        // DescribeCustomKeyStores does not model this error, so the SDK raises its base exception type.
        var e = await Assert.ThrowsAnyAsync<AmazonKeyManagementServiceException>(() => kms.DescribeCustomKeyStoresAsync(new DescribeCustomKeyStoresRequest()));
        Assert.Equal("UnsupportedOperationException", e.ErrorCode);
        Assert.Contains("DescribeCustomKeyStores", e.Message, StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, e.StatusCode);
    }

    [Fact]
    public async Task GetKeyLastUsage_answers_UnsupportedOperationException_naming_it()
    {
        var (status, body) = await Durability.SignedJson.PostAsync(server.Endpoint, "kms", "TrentService.GetKeyLastUsage", "{\"KeyId\":\"alias/aws/s3\"}");
        Assert.Equal(400, status);
        Assert.Equal("UnsupportedOperationException", body.GetProperty("__type").GetString());
        Assert.Contains("GetKeyLastUsage", body.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
