using System.Text.Json;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;

namespace SseSim.Server.Tests.Kms;

/// <summary>A seed file declares identities and keys; fixed material makes ciphertext reproducible across data dirs.</summary>
public sealed class SeedFileTests : IAsyncLifetime
{
    private const string KeyId = "0b0f6b5e-7d4a-4a43-b1f3-2a5a1f6e9c11";
    private static readonly byte[] Material = Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray();
    private readonly string _seed = Path.Combine(Path.GetTempPath(), $"sseSim-seed-{Guid.NewGuid():N}.json");
    private ServerFixture _server = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_seed, JsonSerializer.Serialize(new
        {
            identities = new[]
            {
                new { accessKeyId = "AKIAALICE", secretAccessKey = "alice-secret", accountId = "111122223333", userName = "alice" },
                new { accessKeyId = "AKIABOB", secretAccessKey = "bob-secret", accountId = "444455556666", userName = "bob" },
            },
            keys = new[]
            {
                new { keyId = KeyId, accountId = "111122223333", description = "seeded", keySpec = "SYMMETRIC_DEFAULT", keyUsage = "ENCRYPT_DECRYPT", aliases = new[] { "alias/app" }, enabled = true, keyMaterial = Convert.ToBase64String(Material) },
            },
        }));
        _server = new ServerFixture { ExtraArgs = ["--seed", _seed] };
        await _server.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        File.Delete(_seed);
    }

    private AmazonKeyManagementServiceClient Client(string accessKey, string secret) =>
        new(new BasicAWSCredentials(accessKey, secret), new AmazonKeyManagementServiceConfig { ServiceURL = _server.Endpoint, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });

    [Fact]
    public async Task Seeded_identities_replace_the_default_and_seeded_keys_work_by_alias()
    {
        using var alice = Client("AKIAALICE", "alice-secret");
        var key = (await alice.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/app" })).KeyMetadata;
        Assert.Equal(KeyId, key.KeyId);
        Assert.Equal("111122223333", key.AWSAccountId);
        Assert.Equal("seeded", key.Description);

        var encrypted = await alice.EncryptAsync(new EncryptRequest { KeyId = "alias/app", Plaintext = new MemoryStream("seeded"u8.ToArray()) });
        Assert.Equal("seeded"u8.ToArray(), (await alice.DecryptAsync(new DecryptRequest { CiphertextBlob = encrypted.CiphertextBlob })).Plaintext.ToArray());

        using var test = Client("test", "test");
        var e = await Assert.ThrowsAnyAsync<AmazonKeyManagementServiceException>(() => test.ListKeysAsync(new ListKeysRequest()));
        Assert.Equal("UnrecognizedClientException", e.ErrorCode);
    }

    [Fact]
    public async Task Another_account_is_refused_by_the_default_policy_and_allowed_by_a_grant()
    {
        using var alice = Client("AKIAALICE", "alice-secret");
        using var bob = Client("AKIABOB", "bob-secret");
        var arn = $"arn:aws:kms:us-east-1:111122223333:key/{KeyId}";
        var denied = await Assert.ThrowsAnyAsync<AmazonKeyManagementServiceException>(() =>
            bob.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = arn, KeySpec = DataKeySpec.AES_256 }));
        Assert.Equal("AccessDeniedException", denied.ErrorCode);

        await alice.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = KeyId,
            GranteePrincipal = "arn:aws:iam::444455556666:user/bob",
            Operations = ["GenerateDataKey"],
            Constraints = new GrantConstraints { EncryptionContextSubset = new Dictionary<string, string> { ["team"] = "bob" } },
        });
        var allowed = await bob.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = arn, KeySpec = DataKeySpec.AES_256, EncryptionContext = new Dictionary<string, string> { ["team"] = "bob" } });
        Assert.Equal(32, allowed.Plaintext.Length);
        var outside = await Assert.ThrowsAnyAsync<AmazonKeyManagementServiceException>(() =>
            bob.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = arn, KeySpec = DataKeySpec.AES_256, EncryptionContext = new Dictionary<string, string> { ["team"] = "eve" } }));
        Assert.Equal("AccessDeniedException", outside.ErrorCode);
    }

    [Fact]
    public async Task Reloading_the_seed_never_overwrites_existing_state()
    {
        using (var alice = Client("AKIAALICE", "alice-secret"))
        {
            await alice.UpdateKeyDescriptionAsync(new UpdateKeyDescriptionRequest { KeyId = KeyId, Description = "changed by a user" });
            await alice.DisableKeyAsync(new DisableKeyRequest { KeyId = KeyId });
        }
        await _server.RestartAsync();
        using (var alice = Client("AKIAALICE", "alice-secret"))
        {
            var key = (await alice.DescribeKeyAsync(new DescribeKeyRequest { KeyId = KeyId })).KeyMetadata;
            Assert.Equal("changed by a user", key.Description);
            Assert.Equal(KeyState.Disabled, key.KeyState);
        }
    }
}
