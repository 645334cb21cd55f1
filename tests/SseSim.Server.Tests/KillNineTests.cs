using System.Text.Json;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using SseSim.Server.Tests.Ec2;

namespace SseSim.Server.Tests;

/// <summary>Acknowledged state survives kill -9 of the server process.</summary>
public sealed class KillNineTests
{
    [Fact]
    public async Task Acknowledged_KMS_mutations_survive_kill_9()
    {
        await using var server = new ServerProcess();
        await server.StartAsync();
        var keys = new List<string>();
        MemoryStream blob;
        using (var kms = Client(server))
        {
            for (var i = 0; i < 5; i++)
            {
                keys.Add((await kms.CreateKeyAsync(new CreateKeyRequest { Description = $"k{i}" })).KeyMetadata.KeyId);
            }
            await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/survivor", TargetKeyId = keys[2] });
            await kms.DisableKeyAsync(new DisableKeyRequest { KeyId = keys[3] });
            blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = keys[0], Plaintext = new MemoryStream("after the crash"u8.ToArray()) })).CiphertextBlob;
        }

        await server.KillAsync();
        await server.StartAsync();

        using (var kms = Client(server))
        {
            var listed = (await kms.ListKeysAsync(new ListKeysRequest())).Keys.Select(k => k.KeyId).ToHashSet();
            Assert.Superset(keys.ToHashSet(), listed);
            Assert.Equal(keys[2], (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/survivor" })).KeyMetadata.KeyId);
            Assert.Equal(KeyState.Disabled, (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keys[3] })).KeyMetadata.KeyState);
            var plain = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = blob });
            Assert.Equal("after the crash"u8.ToArray(), plain.Plaintext.ToArray());
        }
    }

    [Fact]
    public async Task A_flushed_volume_write_survives_kill_9_and_reads_back_after_a_start()
    {
        Assert.True(Tool.Exists("qemu-io"), "qemu-io must be installed (.ci/run installs qemu-utils)");
        await using var server = new ServerProcess();
        await server.StartAsync();
        var work = Directory.CreateTempSubdirectory("sseSim-kill-").FullName;
        var instance = (await Aws(server, work, "ec2", "run-instances", "--image-id", "ami-12345678", "--count", "1", "--query", "Instances[0].InstanceId", "--output", "text")).Trim();
        var volume = (await Aws(server, work, "ec2", "create-volume", "--availability-zone", "us-east-1a", "--size", "1", "--encrypted", "--query", "VolumeId", "--output", "text")).Trim();
        await Aws(server, work, "ec2", "attach-volume", "--volume-id", volume, "--instance-id", instance, "--device", "/dev/sdf");
        var nbd = $"nbd://127.0.0.1:{server.NbdPort}/{volume}";
        var (code, output) = await Tool.RunAsync("qemu-io", "-f", "raw", "-c", "write -P 0x5a 0 256k", "-c", "flush", nbd);
        Assert.True(code == 0, output);

        await server.KillAsync();
        await server.StartAsync();

        // The key lived in memory only: the crash retired the instance's host, so the instance is stopped with its
        // volume still attached, and starting it decrypts the key again.
        Assert.Equal("in-use", (await Aws(server, work, "ec2", "describe-volumes", "--volume-ids", volume, "--query", "Volumes[0].State", "--output", "text")).Trim());
        Assert.Equal("stopped\tServer.ScheduledStop", (await Aws(server, work, "ec2", "describe-instances", "--instance-ids", instance, "--query", "Reservations[0].Instances[0].[State.Name,StateReason.Code]", "--output", "text")).Trim());
        await Aws(server, work, "ec2", "start-instances", "--instance-ids", instance);
        (code, output) = await Tool.RunAsync("qemu-io", "-f", "raw", "-c", "read -P 0x5a 0 256k", nbd);
        Assert.True(code == 0 && !output.Contains("verification failed", StringComparison.OrdinalIgnoreCase), output);
    }

    private static AmazonKeyManagementServiceClient Client(ServerProcess server) =>
        new(new BasicAWSCredentials("test", "test"), new AmazonKeyManagementServiceConfig { ServiceURL = server.Endpoint, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });

    private static async Task<string> Aws(ServerProcess server, string work, params string[] args)
    {
        var (code, stdout, stderr) = await AwsCli.RunAsync(server.Endpoint, work, args);
        Assert.True(code == 0, $"aws {string.Join(' ', args)} failed ({code}): {stderr}");
        return stdout;
    }
}
