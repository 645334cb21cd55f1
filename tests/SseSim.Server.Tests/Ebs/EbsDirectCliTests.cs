using System.Security.Cryptography;
using System.Text.Json;

namespace SseSim.Server.Tests.Ebs;

/// <summary>The EBS direct APIs over the wire with the real aws CLI (botocore's ebs model): headers, checksums, errors.</summary>
public sealed class EbsDirectCliTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const int BlockSize = 512 * 1024;

    [Fact]
    public async Task Start_put_complete_list_get_and_changed_blocks_through_the_aws_cli()
    {
        Assert.True(AwsCli.Available, "the aws CLI must be installed");
        var work = Directory.CreateTempSubdirectory("sseSim-ebs-direct-").FullName;

        var started = JsonDocument.Parse(await Aws(work, "ebs", "start-snapshot", "--volume-size", "1", "--encrypted", "--timeout", "60")).RootElement;
        var snapshotId = started.GetProperty("SnapshotId").GetString()!;
        Assert.Equal("pending", started.GetProperty("Status").GetString());
        Assert.Equal(BlockSize, started.GetProperty("BlockSize").GetInt32());
        Assert.StartsWith("arn:aws:kms:us-east-1:000000000000:key/", started.GetProperty("KmsKeyArn").GetString(), StringComparison.Ordinal);
        // AWS leaves Tags out when none were given (a recorded `aws ebs start-snapshot --volume-size 10` answer and the
        // StartSnapshot CloudTrail example's responseElements have none), rather than answering "Tags": [].
        Assert.False(started.TryGetProperty("Tags", out _), started.ToString());

        var data = new byte[BlockSize];
        new Random(7).NextBytes(data);
        var file = Path.Combine(work, "block.bin");
        await File.WriteAllBytesAsync(file, data);
        var checksum = Convert.ToBase64String(SHA256.HashData(data));

        // A wrong checksum is refused and stores nothing.
        var wrong = Convert.ToBase64String(SHA256.HashData(data.AsSpan(1)));
        var (code, _, stderr) = await AwsCli.RunAsync(server.Endpoint, work, "ebs", "put-snapshot-block", "--snapshot-id", snapshotId, "--block-index", "3",
            "--block-data", file, "--data-length", $"{BlockSize}", "--checksum", wrong, "--checksum-algorithm", "SHA256");
        Assert.NotEqual(0, code);
        Assert.Contains("ValidationException", stderr, StringComparison.Ordinal);

        var put = JsonDocument.Parse(await Aws(work, "ebs", "put-snapshot-block", "--snapshot-id", snapshotId, "--block-index", "3",
            "--block-data", file, "--data-length", $"{BlockSize}", "--checksum", checksum, "--checksum-algorithm", "SHA256")).RootElement;
        Assert.Equal(checksum, put.GetProperty("Checksum").GetString());
        Assert.Equal("SHA256", put.GetProperty("ChecksumAlgorithm").GetString());

        var completed = JsonDocument.Parse(await Aws(work, "ebs", "complete-snapshot", "--snapshot-id", snapshotId, "--changed-blocks-count", "1",
            "--checksum", Convert.ToBase64String(SHA256.HashData(SHA256.HashData(data))), "--checksum-algorithm", "SHA256", "--checksum-aggregation-method", "LINEAR")).RootElement;
        Assert.Equal("completed", completed.GetProperty("Status").GetString());
        Assert.Equal("completed", (await Aws(work, "ec2", "describe-snapshots", "--snapshot-ids", snapshotId, "--query", "Snapshots[0].State", "--output", "text")).Trim());

        var listed = JsonDocument.Parse(await Aws(work, "ebs", "list-snapshot-blocks", "--snapshot-id", snapshotId)).RootElement;
        var block = Assert.Single(listed.GetProperty("Blocks").EnumerateArray());
        Assert.Equal(3, block.GetProperty("BlockIndex").GetInt32());
        Assert.Equal(BlockSize, listed.GetProperty("BlockSize").GetInt32());
        Assert.Equal(1, listed.GetProperty("VolumeSize").GetInt32());

        var outFile = Path.Combine(work, "out.bin");
        var got = JsonDocument.Parse(await Aws(work, "ebs", "get-snapshot-block", "--snapshot-id", snapshotId, "--block-index", "3",
            "--block-token", block.GetProperty("BlockToken").GetString()!, outFile)).RootElement;
        Assert.Equal(checksum, got.GetProperty("Checksum").GetString());
        Assert.Equal(BlockSize, got.GetProperty("DataLength").GetInt32());
        Assert.Equal(data, await File.ReadAllBytesAsync(outFile));

        // A child snapshot that changes block 5 differs from its parent in block 5 only.
        var childStarted = JsonDocument.Parse(await Aws(work, "ebs", "start-snapshot", "--volume-size", "1", "--parent-snapshot-id", snapshotId,
            "--tags", "Key=team,Value=blue")).RootElement;
        Assert.Equal("""[{"Key":"team","Value":"blue"}]""", JsonSerializer.Serialize(childStarted.GetProperty("Tags")));
        var child = childStarted.GetProperty("SnapshotId").GetString()!;
        await Aws(work, "ebs", "put-snapshot-block", "--snapshot-id", child, "--block-index", "5",
            "--block-data", file, "--data-length", $"{BlockSize}", "--checksum", checksum, "--checksum-algorithm", "SHA256");
        await Aws(work, "ebs", "complete-snapshot", "--snapshot-id", child, "--changed-blocks-count", "1");
        var changed = JsonDocument.Parse(await Aws(work, "ebs", "list-changed-blocks", "--first-snapshot-id", snapshotId, "--second-snapshot-id", child)).RootElement;
        var change = Assert.Single(changed.GetProperty("ChangedBlocks").EnumerateArray());
        Assert.Equal(5, change.GetProperty("BlockIndex").GetInt32());

        // Tokens name one block: block 3's token does not read block 5.
        (code, _, stderr) = await AwsCli.RunAsync(server.Endpoint, work, "ebs", "get-snapshot-block", "--snapshot-id", child, "--block-index", "5",
            "--block-token", block.GetProperty("BlockToken").GetString()!, Path.Combine(work, "nope.bin"));
        Assert.NotEqual(0, code);
        Assert.Contains("ValidationException", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_snapshot_id_is_a_validation_error_and_a_missing_one_is_not_found()
    {
        Assert.True(AwsCli.Available, "the aws CLI must be installed");
        var work = Directory.CreateTempSubdirectory("sseSim-ebs-ids-").FullName;

        // botocore does not check patterns, so the malformed ids reach the server.
        var (code, _, stderr) = await AwsCli.RunAsync(server.Endpoint, work, "ebs", "list-snapshot-blocks", "--snapshot-id", "bad");
        Assert.NotEqual(0, code);
        Assert.Contains("ValidationException", stderr, StringComparison.Ordinal);
        Assert.Contains("1 validation error detected: Value 'bad' at 'snapshotId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^snap-[0-9a-f]+$", stderr, StringComparison.Ordinal);

        (code, _, stderr) = await AwsCli.RunAsync(server.Endpoint, work, "ebs", "list-changed-blocks", "--first-snapshot-id", "snap-XYZ", "--second-snapshot-id", "vol-0123");
        Assert.NotEqual(0, code);
        Assert.Contains("2 validation errors detected: ", stderr, StringComparison.Ordinal);
        Assert.Contains("'secondSnapshotId'", stderr, StringComparison.Ordinal);
        Assert.Contains("'firstSnapshotId'", stderr, StringComparison.Ordinal);

        (code, _, stderr) = await AwsCli.RunAsync(server.Endpoint, work, "ebs", "get-snapshot-block", "--snapshot-id", "snap-0123456789abcdef0", "--block-index", "0",
            "--block-token", "x", Path.Combine(work, "out.bin"));
        Assert.NotEqual(0, code);
        Assert.Contains("ResourceNotFoundException", stderr, StringComparison.Ordinal);
    }

    private async Task<string> Aws(string work, params string[] args)
    {
        var (code, stdout, stderr) = await AwsCli.RunAsync(server.Endpoint, work, args);
        Assert.True(code == 0, $"aws {string.Join(' ', args)} failed ({code}): {stderr}");
        return stdout;
    }
}
