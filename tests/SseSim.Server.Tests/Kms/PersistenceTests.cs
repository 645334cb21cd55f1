using Amazon.KeyManagementService.Model;

namespace SseSim.Server.Tests.Kms;

public sealed class PersistenceTests : IAsyncLifetime
{
    private readonly ServerFixture _server = new();

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Keys_aliases_and_ciphertexts_survive_a_restart()
    {
        string keyId;
        MemoryStream ciphertext;
        using (var kms = _server.Kms())
        {
            keyId = (await kms.CreateKeyAsync(new CreateKeyRequest { Description = "durable" })).KeyMetadata.KeyId;
            await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/durable", TargetKeyId = keyId });
            await kms.DisableKeyAsync(new DisableKeyRequest { KeyId = keyId });
            await kms.EnableKeyAsync(new EnableKeyRequest { KeyId = keyId });
            var encrypted = await kms.EncryptAsync(new EncryptRequest
            {
                KeyId = "alias/durable",
                Plaintext = new MemoryStream("kept across restarts"u8.ToArray()),
                EncryptionContext = new Dictionary<string, string> { ["purpose"] = "test" },
            });
            ciphertext = encrypted.CiphertextBlob;
        }

        await _server.RestartAsync();

        using (var kms = _server.Kms())
        {
            var described = await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/durable" });
            Assert.Equal(keyId, described.KeyMetadata.KeyId);
            Assert.Equal("durable", described.KeyMetadata.Description);
            var decrypted = await kms.DecryptAsync(new DecryptRequest
            {
                CiphertextBlob = ciphertext,
                EncryptionContext = new Dictionary<string, string> { ["purpose"] = "test" },
            });
            Assert.Equal("kept across restarts"u8.ToArray(), decrypted.Plaintext.ToArray());
        }
    }

    [Fact]
    public async Task Key_material_is_never_on_disk_in_the_clear()
    {
        using var kms = _server.Kms();
        var keyId = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        var dataKey = await kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = keyId, KeySpec = Amazon.KeyManagementService.DataKeySpec.AES_256 });
        var plaintextKey = dataKey.Plaintext.ToArray();
        await _server.RestartAsync();
        foreach (var file in Directory.EnumerateFiles(_server.DataDir, "*", SearchOption.AllDirectories))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.True(bytes.AsSpan().IndexOf(plaintextKey) < 0, $"data key found in {file}");
        }
    }
}
