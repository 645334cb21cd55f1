using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace SseSim.Server.Tests.S3;

/// <summary>
/// End to end: two SseSim servers started with --object-backend s3 against one real moto_server bucket, driven with
/// AWSSDK.S3. Without moto_server the tests return early, except under CI where they fail.
/// </summary>
public sealed class RemoteBackendTests : IAsyncLifetime
{
    private static readonly byte[] Canary = Encoding.ASCII.GetBytes("CANARY-e2e-remote-backend-91c2");
    private readonly string _rootKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly string _remoteBucket = "ssesim-e2e-" + Guid.NewGuid().ToString("N")[..12];
    private Process? _moto;
    private string _motoEndpoint = "";
    private ServerFixture? _a;
    private ServerFixture? _b;

    public async Task InitializeAsync()
    {
        var port = FreePort();
        try
        {
            _moto = Process.Start(new ProcessStartInfo("moto_server", ["-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            if (Environment.GetEnvironmentVariable("CI") is not null)
            {
                throw new InvalidOperationException("moto_server is required for the remote backend tests under CI", e);
            }
            return;
        }
        _moto!.OutputDataReceived += (_, _) => { };
        _moto.ErrorDataReceived += (_, _) => { };
        _moto.BeginOutputReadLine();
        _moto.BeginErrorReadLine();
        _motoEndpoint = $"http://127.0.0.1:{port}";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(200))
        {
            try
            {
                using var _ = await http.GetAsync(_motoEndpoint + "/moto-api/");
                break;
            }
            catch (Exception e) when ((e is HttpRequestException or TaskCanceledException) && !_moto.HasExited && DateTime.UtcNow < deadline)
            {
            }
        }
        _a = await StartFrontEndAsync();
        _b = await StartFrontEndAsync();
    }

    private async Task<ServerFixture> StartFrontEndAsync()
    {
        // One root key for both: same SSE-S3 master key and same shared-index keys.
        var f = new ServerFixture
        {
            ExtraArgs = ["--root-key", _rootKey, "--object-backend", "s3", "--object-backend-endpoint", _motoEndpoint,
                "--object-backend-bucket", _remoteBucket, "--object-backend-access-key", "testing", "--object-backend-secret-key", "testing"],
        };
        await f.InitializeAsync();
        return f;
    }

    private AmazonS3Client Moto() => new(new BasicAWSCredentials("testing", "testing"), new AmazonS3Config
    {
        ServiceURL = _motoEndpoint,
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
    });

    [Fact]
    public async Task Aws_sdk_round_trip_stores_only_ciphertext_remotely_and_a_second_front_end_reads_it()
    {
        if (_a is null || _b is null)
        {
            return;
        }
        using var s3 = _a.S3();
        await s3.PutBucketAsync("e2e-bucket");
        var data = new byte[300_000];
        RandomNumberGenerator.Fill(data);
        for (var at = 0; at + Canary.Length <= data.Length; at += 10_000)
        {
            Canary.CopyTo(data, at);
        }
        // Sent without a checksum: S3's default CRC64NVME is computed and travels with the shared record.
        using var plain = new AmazonS3Client(new BasicAWSCredentials("test", "test"), new AmazonS3Config
        {
            ServiceURL = _a.Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        });
        var put = await plain.PutObjectAsync(new PutObjectRequest { BucketName = "e2e-bucket", Key = "docs/secret-plan.bin", InputStream = new MemoryStream(data) });
        Assert.Equal((null, ChecksumType.FULL_OBJECT), (put.ChecksumCRC32, put.ChecksumType));
        Assert.NotNull(put.ChecksumCRC64NVME);

        Assert.Equal(data, await ReadAsync(s3, new GetObjectRequest { BucketName = "e2e-bucket", Key = "docs/secret-plan.bin" }));
        Assert.Equal(data[70_000..70_100], await ReadAsync(s3, new GetObjectRequest { BucketName = "e2e-bucket", Key = "docs/secret-plan.bin", ByteRange = new ByteRange(70_000, 70_099) }));
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "e2e-bucket" });
        Assert.Equal(["docs/secret-plan.bin"], listed.S3Objects.Select(o => o.Key));

        // What the remote cluster holds: random names, ciphertext, the wrapped key in metadata.
        using var moto = Moto();
        var remote = await moto.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _remoteBucket });
        Assert.Equal(2, remote.S3Objects.Count);
        Assert.DoesNotContain(remote.S3Objects, o => o.Key.Contains("secret", StringComparison.Ordinal));
        foreach (var o in remote.S3Objects)
        {
            var bytes = await ReadAsync(moto, new GetObjectRequest { BucketName = _remoteBucket, Key = o.Key });
            Assert.True(bytes.AsSpan().IndexOf(Canary) < 0, o.Key);
        }
        var body = remote.S3Objects.Single(o => o.Key.StartsWith("bodies/", StringComparison.Ordinal));
        var meta = await moto.GetObjectMetadataAsync(_remoteBucket, body.Key);
        Assert.Equal("SseS3", meta.Metadata["x-amz-meta-ssesim-mode"]);
        Assert.Equal(61, Convert.FromBase64String(meta.Metadata["x-amz-meta-ssesim-wrapped-key"]).Length); // docs/formats/object-envelope.md#sse-s3-wrap
        Assert.Equal(52, Convert.FromBase64String(meta.Metadata["x-amz-meta-ssesim-envelope-header"]).Length);

        // The second front end never saw the PUT: with the bucket created there, it reads the shared object.
        using var s3b = _b.S3();
        await s3b.PutBucketAsync("e2e-bucket");
        var head = await s3b.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = "e2e-bucket", Key = "docs/secret-plan.bin", ChecksumMode = ChecksumMode.ENABLED });
        Assert.Equal(data.Length, head.ContentLength);
        Assert.Equal((put.ChecksumCRC64NVME, ChecksumType.FULL_OBJECT), (head.ChecksumCRC64NVME, head.ChecksumType));
        Assert.Equal(data, await ReadAsync(s3b, new GetObjectRequest { BucketName = "e2e-bucket", Key = "docs/secret-plan.bin" }));

        await s3b.DeleteObjectAsync("e2e-bucket", "docs/secret-plan.bin");
        var gone = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync("e2e-bucket", "docs/secret-plan.bin"));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Empty((await moto.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _remoteBucket })).S3Objects ?? []);
    }

    private static async Task<byte[]> ReadAsync(IAmazonS3 client, GetObjectRequest request)
    {
        using var response = await client.GetObjectAsync(request);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    public async Task DisposeAsync()
    {
        if (_b is not null)
        {
            await _b.DisposeAsync();
        }
        if (_a is not null)
        {
            await _a.DisposeAsync();
        }
        if (_moto is not null)
        {
            try
            {
                _moto.Kill(entireProcessTree: true);
                await _moto.WaitForExitAsync();
            }
            catch (InvalidOperationException)
            {
            }
            _moto.Dispose();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
