using System.Text.Json;

namespace SseSim.Server.Tests.Kms;

/// <summary>The README's classic `aws kms` walk-through, run with the real aws CLI.</summary>
public sealed class AwsCliWalkthroughTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Create_list_describe_generate_encrypt_decrypt_round_trips_byte_for_byte()
    {
        Assert.True(AwsCli.Available, "the aws CLI must be installed (.ci/run installs it)");
        var work = Directory.CreateTempSubdirectory("sseSim-cli-").FullName;

        var created = await Run(work, "kms", "create-key", "--description", "walkthrough");
        var keyId = JsonDocument.Parse(created).RootElement.GetProperty("KeyMetadata").GetProperty("KeyId").GetString()!;

        var listed = await Run(work, "kms", "list-keys");
        Assert.Contains(keyId, listed, StringComparison.Ordinal);

        var described = JsonDocument.Parse(await Run(work, "kms", "describe-key", "--key-id", keyId)).RootElement.GetProperty("KeyMetadata");
        Assert.Equal("Enabled", described.GetProperty("KeyState").GetString());

        var dataKey = JsonDocument.Parse(await Run(work, "kms", "generate-data-key", "--key-id", keyId, "--key-spec", "AES_256")).RootElement;
        Assert.Equal(32, Convert.FromBase64String(dataKey.GetProperty("Plaintext").GetString()!).Length);
        Assert.EndsWith(keyId, dataKey.GetProperty("KeyId").GetString(), StringComparison.Ordinal);

        var plaintext = new byte[1000];
        Random.Shared.NextBytes(plaintext);
        await File.WriteAllBytesAsync(Path.Combine(work, "plain.bin"), plaintext);
        var ciphertextBase64 = (await Run(work, "kms", "encrypt", "--key-id", keyId, "--plaintext", "fileb://plain.bin", "--query", "CiphertextBlob", "--output", "text")).Trim();
        await File.WriteAllBytesAsync(Path.Combine(work, "cipher.bin"), Convert.FromBase64String(ciphertextBase64));
        var decryptedBase64 = (await Run(work, "kms", "decrypt", "--ciphertext-blob", "fileb://cipher.bin", "--query", "Plaintext", "--output", "text")).Trim();
        Assert.Equal(plaintext, Convert.FromBase64String(decryptedBase64));
    }

    private async Task<string> Run(string work, params string[] args)
    {
        var (code, stdout, stderr) = await AwsCli.RunAsync(server.Endpoint, work, args);
        Assert.True(code == 0, $"aws {string.Join(' ', args)} failed ({code}): {stderr}");
        return stdout;
    }
}
