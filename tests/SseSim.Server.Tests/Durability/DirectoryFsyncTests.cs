using Amazon.KeyManagementService.Model;
using Amazon.S3.Model;
using SseSim.Nbd;
using SseSim.Server.Tests.Ec2;
using Ec2Model = Amazon.EC2.Model;

namespace SseSim.Server.Tests.Durability;

/// <summary>
/// Power loss, not just process death: every file and directory the server creates under its data dir has its
/// name made durable by an fsync of the parent directory after the creation (or rename). Checked on the real binary
/// under strace.
/// </summary>
public sealed class DirectoryFsyncTests
{
    [Fact]
    public async Task Every_name_created_under_the_data_dir_is_followed_by_an_fsync_of_its_directory()
    {
        if (!Tool.Exists("strace"))
        {
            // .ci/run installs strace; on CI its absence is a failure, not a skip.
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", "strace must be installed (.ci/run installs it)");
            return;
        }
        var trace = Path.Combine(Path.GetTempPath(), "sseSim-strace-" + Guid.NewGuid().ToString("N") + ".log");
        await using var server = new ServerProcess
        {
            Launcher = ["strace", "-f", "-y", "-qq", "-s", "4096", "-o", trace, "-e",
                "trace=open,openat,creat,mkdir,mkdirat,rename,renameat,renameat2,link,linkat,unlink,unlinkat,rmdir,fsync,fdatasync"],
        };
        try
        {
            await server.StartAsync();
            await DriveEveryStoreAsync(server);
            // SIGKILL the server only, so strace sees it die and writes out its log.
            var child = int.Parse(File.ReadAllText($"/proc/{server.ProcessId}/task/{server.ProcessId}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries)[0],
                System.Globalization.CultureInfo.InvariantCulture);
            using (var kill = System.Diagnostics.Process.Start("kill", ["-9", child.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }
            await server.KillAsync();

            var log = StraceLog.Parse(File.ReadLines(trace));
            var entries = Directory.EnumerateFileSystemEntries(server.DataDir, "*", SearchOption.AllDirectories).Prepend(server.DataDir).ToList();
            Assert.Contains(entries, e => e.Contains("/bodies/", StringComparison.Ordinal));
            Assert.Contains(entries, e => e.EndsWith("kms-root.key", StringComparison.Ordinal));
            var problems = new List<string>();
            foreach (var entry in entries)
            {
                if (!log.Created.Contains(entry))
                {
                    problems.Add($"{entry}: its creation is not in the trace");
                }
                else if (log.IsUnsynced(entry, out var call))
                {
                    problems.Add($"{entry}: no fsync of {Path.GetDirectoryName(entry)} after {call}");
                }
            }
            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }
        finally
        {
            File.Delete(trace);
        }
    }

    /// <summary>KMS keys and audit, S3 single and multipart objects, a volume written and flushed over NBD, and a snapshot.</summary>
    private static async Task DriveEveryStoreAsync(ServerProcess server)
    {
        string key;
        using (var kms = CrashCycleTests.Kms(server))
        {
            key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
            await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/fsync", TargetKeyId = key });
        }
        using (var s3 = CrashCycleTests.S3(server))
        {
            await s3.PutBucketAsync("fsync");
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = "fsync", Key = "small", ContentBody = "durable names" });
            var upload = await s3.InitiateMultipartUploadAsync("fsync", "big");
            var part = await s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = "fsync",
                Key = "big",
                UploadId = upload.UploadId,
                PartNumber = 1,
                InputStream = new MemoryStream(new byte[1024]),
            });
            await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = "fsync",
                Key = "big",
                UploadId = upload.UploadId,
                PartETags = [new PartETag(1, part.ETag)],
            });
        }
        using var ec2 = CrashCycleTests.Ec2(server);
        var instance = (await ec2.RunInstancesAsync(new Ec2Model.RunInstancesRequest { ImageId = "ami-12345678", MinCount = 1, MaxCount = 1 }))
            .Reservation.Instances[0].InstanceId;
        var volume = (await ec2.CreateVolumeAsync(new Ec2Model.CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 1, Encrypted = true })).Volume.VolumeId;
        await ec2.AttachVolumeAsync(new Ec2Model.AttachVolumeRequest { VolumeId = volume, InstanceId = instance, Device = "/dev/sdf" });
        await using (var nbd = await NbdClient.ConnectAsync("127.0.0.1", server.NbdPort, volume, CancellationToken.None))
        {
            await nbd.WriteAsync(0, CrashLedger.BlockContent(0, 1));
            await nbd.FlushAsync(CancellationToken.None);
        }
        var snapshot = (await ec2.CreateSnapshotAsync(new Ec2Model.CreateSnapshotRequest { VolumeId = volume })).Snapshot.SnapshotId;
        for (var i = 0; i < 600; i++)
        {
            var state = (await ec2.DescribeSnapshotsAsync(new Ec2Model.DescribeSnapshotsRequest { SnapshotIds = [snapshot] })).Snapshots[0].State;
            if (state == Amazon.EC2.SnapshotState.Completed)
            {
                break;
            }
            Assert.True(i < 599, "the snapshot did not complete");
            await Task.Delay(100);
        }
        // The snapshot's completion is written in the background. Acknowledged writes after it (the EBS table, then a
        // KMS mutation whose audit event is durable before its answer) mean every log has committed what came before,
        // so nothing is in flight when the process is killed.
        await ec2.CreateVolumeAsync(new Ec2Model.CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 1, Encrypted = true });
        using var lastKms = CrashCycleTests.Kms(server);
        await lastKms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/fsync-last", TargetKeyId = key });
    }
}
