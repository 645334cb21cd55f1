using System.Text.Json;

namespace SseSim.Server.Tests.Ec2;

/// <summary>EBS encryption by default through the aws CLI; its own server, since it changes the account's default.</summary>
public sealed class EncryptionByDefaultCliTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Enable_modify_reset_and_disable_decide_how_new_volumes_are_encrypted()
    {
        Assert.True(AwsCli.Available, "the aws CLI must be installed");
        var work = Directory.CreateTempSubdirectory("sseSim-ebs-default-").FullName;
        Assert.False(Json(await Aws(work, "ec2", "get-ebs-encryption-by-default")).GetProperty("EbsEncryptionByDefault").GetBoolean());
        Assert.False(Json(await CreateVolume(work)).GetProperty("Encrypted").GetBoolean());

        Assert.True(Json(await Aws(work, "ec2", "enable-ebs-encryption-by-default")).GetProperty("EbsEncryptionByDefault").GetBoolean());
        Assert.True(Json(await Aws(work, "ec2", "get-ebs-encryption-by-default")).GetProperty("EbsEncryptionByDefault").GetBoolean());
        // EC2 names the AWS-managed default by its alias; volumes carry the key's ARN.
        Assert.Equal("alias/aws/ebs", Json(await Aws(work, "ec2", "get-ebs-default-kms-key-id")).GetProperty("KmsKeyId").GetString());
        var first = Json(await CreateVolume(work));
        Assert.True(first.GetProperty("Encrypted").GetBoolean());
        var managed = first.GetProperty("KmsKeyId").GetString()!;
        Assert.StartsWith("arn:aws:kms:us-east-1:000000000000:key/", managed, StringComparison.Ordinal);
        var described = Json(await Aws(work, "kms", "describe-key", "--key-id", "alias/aws/ebs")).GetProperty("KeyMetadata");
        Assert.Equal(managed, described.GetProperty("Arn").GetString());

        var custom = Json(await Aws(work, "kms", "create-key")).GetProperty("KeyMetadata").GetProperty("Arn").GetString()!;
        await Aws(work, "kms", "create-alias", "--alias-name", "alias/ebs-default-test", "--target-key-id", custom);
        Assert.Equal(custom, Json(await Aws(work, "ec2", "modify-ebs-default-kms-key-id", "--kms-key-id", "alias/ebs-default-test")).GetProperty("KmsKeyId").GetString());
        Assert.Equal(custom, Json(await CreateVolume(work)).GetProperty("KmsKeyId").GetString());
        Assert.Equal(custom, Json(await Aws(work, "ec2", "get-ebs-default-kms-key-id")).GetProperty("KmsKeyId").GetString());

        Assert.Equal(managed, Json(await Aws(work, "ec2", "reset-ebs-default-kms-key-id")).GetProperty("KmsKeyId").GetString());
        Assert.Equal(managed, Json(await CreateVolume(work)).GetProperty("KmsKeyId").GetString());

        Assert.False(Json(await Aws(work, "ec2", "disable-ebs-encryption-by-default")).GetProperty("EbsEncryptionByDefault").GetBoolean());
        var last = Json(await CreateVolume(work));
        Assert.False(last.GetProperty("Encrypted").GetBoolean());
        Assert.False(last.TryGetProperty("KmsKeyId", out _));
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    private Task<string> CreateVolume(string work) => Aws(work, "ec2", "create-volume", "--availability-zone", "us-east-1a", "--size", "1");

    private async Task<string> Aws(string work, params string[] args)
    {
        var (code, stdout, stderr) = await AwsCli.RunAsync(server.Endpoint, work, args);
        Assert.True(code == 0, $"aws {string.Join(' ', args)} failed ({code}): {stderr}");
        return stdout;
    }
}
