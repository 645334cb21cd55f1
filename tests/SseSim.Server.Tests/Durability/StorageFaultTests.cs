using System.Text.Json;
using Amazon.KeyManagementService.Model;
using Amazon.S3.Model;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using SseSim.Core.Storage.Faults;
using SseSim.Nbd;
using SseSim.Server.Hosting;

namespace SseSim.Server.Tests.Durability;

/// <summary>
/// The server on failing storage (I/O errors, a full disk, torn writes under every table, log, object body and volume
/// block): AWS-shaped 5xx answers (docs/security.md#faulty-storage), no damage to what was stored before, never corrupt
/// data served, and normal service once the fault clears, across a restart too.
/// </summary>
public sealed class StorageFaultTests : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "sseSim-faults-" + Guid.NewGuid().ToString("N"));
    private readonly StorageFaults _faults = new();
    private WebApplication? _app;
    private string _endpoint = "";

    public async Task InitializeAsync() => await StartAsync();

    public async Task DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_dataDir, recursive: true);
    }

    [Theory]
    [InlineData(StorageFault.IOError)]
    [InlineData(StorageFault.DiskFull)]
    [InlineData(StorageFault.TornWrite)]
    public async Task Writes_fail_with_AWS_errors_old_data_stays_intact_and_service_recovers(StorageFault fault)
    {
        var kms = CrashCycleTests.Kms(_endpoint);
        var s3 = CrashCycleTests.S3(_endpoint);
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Description = "before" })).KeyMetadata.KeyId;
        await s3.PutBucketAsync("faults");
        var before = CrashLedger.Content(1, 100_000);
        await PutAsync(s3, "before", before, key);

        _faults.Mode = fault;
        var kmsError = await Assert.ThrowsAsync<KMSInternalException>(() => kms.CreateKeyAsync(new CreateKeyRequest { Description = "during" }));
        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, kmsError.StatusCode);
        AssertUnavailable(await Assert.ThrowsAsync<Amazon.S3.AmazonS3Exception>(() => PutAsync(s3, "during", CrashLedger.Content(2, 5000), key)));
        using (var ec2 = CrashCycleTests.Ec2(_endpoint))
        {
            var ec2Error = await Assert.ThrowsAsync<Amazon.EC2.AmazonEC2Exception>(() =>
                ec2.CreateVolumeAsync(new Amazon.EC2.Model.CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 1 }));
            Assert.Equal("ServiceUnavailable", ec2Error.ErrorCode);
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, ec2Error.StatusCode);
        }
        Assert.True(_faults.Injected >= 3);
        // What was stored before is whole (reads fail only under EIO, and then as a 503).
        if (fault == StorageFault.IOError)
        {
            AssertUnavailable(await Assert.ThrowsAsync<Amazon.S3.AmazonS3Exception>(() => GetAsync(s3, "before")));
        }
        else
        {
            Assert.Equal(before, await GetAsync(s3, "before"));
        }
        Assert.True((await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key })).KeyMetadata.Enabled);

        _faults.Mode = StorageFault.None;
        // The failed CreateVolume is a management event like any other: in the event history with EC2's server code.
        var createVolume = Assert.Single(await SignedJson.LookupEventsAsync(_endpoint, "CreateVolume"));
        Assert.Equal("Server.ServiceUnavailable", createVolume.GetProperty("errorCode").GetString());
        Assert.Equal(JsonValueKind.Null, createVolume.GetProperty("responseElements").ValueKind);
        Assert.Equal(before, await GetAsync(s3, "before"));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_dataDir, "objects", "tmp")));
        var after = (await kms.CreateKeyAsync(new CreateKeyRequest { Description = "after" })).KeyMetadata.KeyId;
        var afterBody = CrashLedger.Content(3, 70_000);
        await PutAsync(s3, "after", afterBody, after);
        kms.Dispose();
        s3.Dispose();

        await StopAsync();
        await StartAsync();
        using var kms2 = CrashCycleTests.Kms(_endpoint);
        using var s32 = CrashCycleTests.S3(_endpoint);
        Assert.Equal(before, await GetAsync(s32, "before"));
        Assert.Equal(afterBody, await GetAsync(s32, "after"));
        var listed = (await s32.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "faults" })).S3Objects.Select(o => o.Key).ToList();
        Assert.Equal(["after", "before"], listed.Order());
        var descriptions = new List<string>();
        foreach (var k in (await kms2.ListKeysAsync(new ListKeysRequest())).Keys)
        {
            descriptions.Add((await kms2.DescribeKeyAsync(new DescribeKeyRequest { KeyId = k.KeyId })).KeyMetadata.Description);
        }
        Assert.Contains("before", descriptions);
        Assert.Contains("after", descriptions);
        Assert.DoesNotContain("during", descriptions);
    }

    [Theory]
    [InlineData(StorageFault.IOError)]
    [InlineData(StorageFault.DiskFull)]
    [InlineData(StorageFault.TornWrite)]
    public async Task Object_bodies_alone_failing_give_503_leave_no_partial_object_and_recover(StorageFault fault)
    {
        using var kms = CrashCycleTests.Kms(_endpoint);
        using var s3 = CrashCycleTests.S3(_endpoint);
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        await s3.PutBucketAsync("faults");
        var before = CrashLedger.Content(1, 300_000);
        await PutAsync(s3, "before", before, key);
        var overwrite = CrashLedger.Content(4, 200_000);

        _faults.Only = StorageFaults.ObjectBodies;
        _faults.Mode = fault;
        AssertUnavailable(await Assert.ThrowsAsync<Amazon.S3.AmazonS3Exception>(() => PutAsync(s3, "during", CrashLedger.Content(2, 300_000), key)));
        // A failed overwrite keeps the old version; the tables beside the bodies still work.
        AssertUnavailable(await Assert.ThrowsAsync<Amazon.S3.AmazonS3Exception>(() => PutAsync(s3, "before", overwrite, key)));
        Assert.Equal(fault == StorageFault.IOError ? 0 : 1, await ReadableCountAsync(s3, before));
        Assert.True((await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.Enabled);
        Assert.True(_faults.Injected >= 2);

        _faults.Mode = StorageFault.None;
        Assert.Equal(before, await GetAsync(s3, "before"));
        await Assert.ThrowsAsync<NoSuchKeyException>(() => GetAsync(s3, "during"));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_dataDir, "objects", "tmp")));
        await PutAsync(s3, "before", overwrite, key);
        Assert.Equal(overwrite, await GetAsync(s3, "before"));
    }

    [Fact]
    public async Task A_body_torn_on_disk_is_never_served_as_data()
    {
        using var s3 = CrashCycleTests.S3(_endpoint);
        await s3.PutBucketAsync("faults");
        var body = CrashLedger.Content(5, 600_000);
        var started = DateTime.UtcNow.AddSeconds(-1);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "faults", Key = "torn", InputStream = new MemoryStream(body) });
        var file = new DirectoryInfo(Path.Combine(_dataDir, "objects", "bodies")).EnumerateFiles("*", SearchOption.AllDirectories)
            .Where(f => f.Length > 600_000 && f.LastWriteTimeUtc >= started)
            .Single();
        // A power cut lost the tail of the file: the second half is the zeros of never-written sectors.
        await using (var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Position = stream.Length / 2;
            stream.Write(new byte[stream.Length - stream.Position]);
        }

        var read = new MemoryStream();
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var response = await s3.GetObjectAsync("faults", "torn");
            await response.ResponseStream.CopyToAsync(read);
        });
        // Whatever arrived before the break is authenticated plaintext: a prefix of what was written, short of all of it.
        Assert.True(read.Length < body.Length);
        Assert.Equal(body.AsSpan(0, (int)read.Length).ToArray(), read.ToArray());
    }

    [Theory]
    [InlineData(StorageFault.IOError, NbdError.Eio)]
    [InlineData(StorageFault.DiskFull, NbdError.Enospc)]
    public async Task Volume_blocks_failing_answer_the_NBD_error_and_the_export_recovers(StorageFault fault, uint expected)
    {
        var volume = await AttachedVolumeAsync();
        await using var nbd = await NbdClient.ConnectAsync("127.0.0.1", NbdPort, volume);
        var a = Block(0xA1);
        await nbd.WriteAsync(0, a);
        await nbd.WriteAsync(Nbd4K, a);
        await nbd.FlushAsync();

        _faults.Only = StorageFaults.Blocks;
        _faults.Mode = fault;
        Assert.Equal(expected, (await Assert.ThrowsAsync<NbdException>(() => nbd.WriteAsync(Nbd4K, Block(0xB2)))).Error);
        Assert.Equal(expected, (await Assert.ThrowsAsync<NbdException>(() => nbd.FlushAsync())).Error);
        if (fault == StorageFault.IOError)
        {
            Assert.Equal(NbdError.Eio, (await Assert.ThrowsAsync<NbdException>(() => nbd.ReadAsync(0, new byte[Nbd4K]))).Error);
        }
        else
        {
            Assert.Equal(a, await ReadAsync(nbd, 0));
        }

        // Same connection: the errors were replies, not a dropped connection.
        _faults.Mode = StorageFault.None;
        Assert.Equal(a, await ReadAsync(nbd, 0));
        Assert.Equal(a, await ReadAsync(nbd, Nbd4K));
        var c = Block(0xC3);
        await nbd.WriteAsync(Nbd4K, c);
        await nbd.FlushAsync();
        Assert.Equal(c, await ReadAsync(nbd, Nbd4K));
    }

    [Fact]
    public async Task A_torn_block_write_reads_as_EIO_never_as_data_and_a_rewrite_heals_it()
    {
        var volume = await AttachedVolumeAsync();
        await using var nbd = await NbdClient.ConnectAsync("127.0.0.1", NbdPort, volume);
        var a = Block(0xA1);
        await nbd.WriteAsync(0, a);
        await nbd.WriteAsync(Nbd4K, a);
        await nbd.FlushAsync();

        _faults.Only = StorageFaults.Blocks;
        _faults.Mode = StorageFault.TornWrite;
        Assert.Equal(NbdError.Eio, (await Assert.ThrowsAsync<NbdException>(() => nbd.WriteAsync(Nbd4K, Block(0xB2)))).Error);
        _faults.Mode = StorageFault.None;

        // The stored record is half new, half old: it fails authentication, so the block reads as EIO, not as a mix.
        Assert.Equal(NbdError.Eio, (await Assert.ThrowsAsync<NbdException>(() => nbd.ReadAsync(Nbd4K, new byte[Nbd4K]))).Error);
        Assert.Equal(a, await ReadAsync(nbd, 0));
        var c = Block(0xC3);
        await nbd.WriteAsync(Nbd4K, c);
        await nbd.FlushAsync();
        Assert.Equal(c, await ReadAsync(nbd, Nbd4K));
    }

    private const int Nbd4K = 4096;

    private int NbdPort => _app!.Services.GetRequiredService<NbdHost>().Server.LocalEndPoint.Port;

    private static byte[] Block(byte fill) => Enumerable.Range(0, Nbd4K).Select(i => (byte)(fill ^ i)).ToArray();

    private static async Task<byte[]> ReadAsync(NbdClient nbd, long offset)
    {
        var buffer = new byte[Nbd4K];
        await nbd.ReadAsync(offset, buffer);
        return buffer;
    }

    private async Task<string> AttachedVolumeAsync()
    {
        using var ec2 = CrashCycleTests.Ec2(_endpoint);
        var instance = (await ec2.RunInstancesAsync(new Amazon.EC2.Model.RunInstancesRequest { ImageId = "ami-12345678", MinCount = 1, MaxCount = 1 }))
            .Reservation.Instances[0].InstanceId;
        var volume = (await ec2.CreateVolumeAsync(new Amazon.EC2.Model.CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 1, Encrypted = true })).Volume.VolumeId;
        await ec2.AttachVolumeAsync(new Amazon.EC2.Model.AttachVolumeRequest { VolumeId = volume, InstanceId = instance, Device = "/dev/sdf" });
        return volume;
    }

    /// <summary>1 when "before" reads back whole; 0 when the read fails with the storage 503.</summary>
    private static async Task<int> ReadableCountAsync(Amazon.S3.AmazonS3Client s3, byte[] before)
    {
        try
        {
            Assert.Equal(before, await GetAsync(s3, "before"));
            return 1;
        }
        catch (Amazon.S3.AmazonS3Exception e)
        {
            AssertUnavailable(e);
            return 0;
        }
    }

    private static void AssertUnavailable(Amazon.S3.AmazonS3Exception e)
    {
        Assert.Equal("ServiceUnavailable", e.ErrorCode);
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, e.StatusCode);
    }

    private static Task PutAsync(Amazon.S3.AmazonS3Client s3, string name, byte[] body, string key) =>
        s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = "faults",
            Key = name,
            InputStream = new MemoryStream(body),
            ServerSideEncryptionMethod = Amazon.S3.ServerSideEncryptionMethod.AWSKMS,
            ServerSideEncryptionKeyManagementServiceKeyId = key,
        });

    private static async Task<byte[]> GetAsync(Amazon.S3.AmazonS3Client s3, string name)
    {
        using var response = await s3.GetObjectAsync("faults", name);
        using var copy = new MemoryStream();
        await response.ResponseStream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private async Task StartAsync()
    {
        _app = SseSimHost.Build(["--port", "0", "--nbd-port", "0", "--data-dir", _dataDir], b => b.Services.AddSingleton(_faults));
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _endpoint = address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
    }

    private async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }
}
