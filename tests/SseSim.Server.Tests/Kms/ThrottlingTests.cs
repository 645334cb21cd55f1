using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace SseSim.Server.Tests.Kms;

public sealed class ThrottlingTests : IAsyncLifetime
{
    private readonly ServerFixture _server = new() { ExtraArgs = ["--kms-symmetric-rps", "5"] };

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Going_over_the_symmetric_quota_answers_ThrottlingException_400()
    {
        using var kms = _server.Kms();
        var keyId = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        AmazonKeyManagementServiceException? throttled = null;
        for (var i = 0; i < 50 && throttled is null; i++)
        {
            try
            {
                await kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = keyId, KeySpec = DataKeySpec.AES_256 });
            }
            catch (AmazonKeyManagementServiceException e)
            {
                throttled = e;
            }
        }
        Assert.NotNull(throttled);
        Assert.Equal("ThrottlingException", throttled.ErrorCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, throttled.StatusCode);
        Assert.Equal("You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.", throttled.Message);
    }
}
