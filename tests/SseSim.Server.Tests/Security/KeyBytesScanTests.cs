using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging;
using SseSim.Server.Hosting;
using SseSim.Server.Tests.Durability;

namespace SseSim.Server.Tests.Security;

/// <summary>
/// A full workload (KMS with fixed seeded key material, S3 SSE-KMS / SSE-S3 / SSE-C PUT and GET, an EBS volume written
/// over NBD), logging at Trace into memory; then the logs, the CloudTrail audit and every file under the data dir are
/// searched for every known secret (key material, plaintext data keys, the SSE-C key, the written plaintext) in raw,
/// base64 and hex forms. None may appear.
/// </summary>
public sealed class KeyBytesScanTests : IAsyncDisposable
{
    private const string KeyId = "7f0c2a8e-3b1d-4c5e-9a6f-0123456789ab";
    private static readonly byte[] KeyMaterial = SHA256.HashData("sseSim key-bytes scan material"u8);
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "sseSim-keyscan-" + Guid.NewGuid().ToString("N"));
    private readonly CaptureLoggerProvider _logs = new();
    private WebApplication? _app;

    [Fact]
    public async Task No_key_bytes_in_logs_audit_or_data_dir_after_a_full_workload()
    {
        Directory.CreateDirectory(_dataDir);
        var seed = Path.Combine(_dataDir, "..", Path.GetFileName(_dataDir) + "-seed.json");
        await File.WriteAllTextAsync(seed, JsonSerializer.Serialize(new { keys = new[] { new { keyId = KeyId, aliases = new[] { "alias/scan" }, keyMaterial = Convert.ToBase64String(KeyMaterial) } } }));
        _app = SseSimHost.Build(["--port", "0", "--nbd-port", "0", "--data-dir", _dataDir, "--seed", seed], b =>
        {
            b.Logging.AddProvider(_logs);
            b.Logging.AddFilter<CaptureLoggerProvider>(null, LogLevel.Trace);
        });
        await _app.StartAsync();
        var endpoint = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var nbdPort = _app.Services.GetRequiredService<NbdHost>().Server.LocalEndPoint.Port;
        var secrets = new List<(string What, byte[] Bytes)> { ("seeded key material", KeyMaterial) };
        var credentials = new BasicAWSCredentials("test", "test");

        using (var kms = new Amazon.KeyManagementService.AmazonKeyManagementServiceClient(credentials, new Amazon.KeyManagementService.AmazonKeyManagementServiceConfig { ServiceURL = endpoint, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 }))
        {
            for (var i = 0; i < 3; i++)
            {
                var dataKey = await kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = "alias/scan", KeySpec = Amazon.KeyManagementService.DataKeySpec.AES_256 });
                secrets.Add(($"data key {i}", dataKey.Plaintext.ToArray()));
                var decrypted = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = dataKey.CiphertextBlob });
                Assert.Equal(dataKey.Plaintext.ToArray(), decrypted.Plaintext.ToArray());
            }
            var random = await kms.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = 32 });
            secrets.Add(("GenerateRandom output", random.Plaintext.ToArray()));
            var secretText = RandomNumberGenerator.GetBytes(48);
            secrets.Add(("Encrypt plaintext", secretText));
            var encrypted = await kms.EncryptAsync(new EncryptRequest { KeyId = KeyId, Plaintext = new MemoryStream(secretText) });
            await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = encrypted.CiphertextBlob });
        }

        var objectBody = RandomNumberGenerator.GetBytes(200_000);
        secrets.Add(("object plaintext (first 64 bytes)", objectBody[..64]));
        var customerKey = RandomNumberGenerator.GetBytes(32);
        secrets.Add(("SSE-C key", customerKey));
        using (var s3 = new AmazonS3Client(credentials, new AmazonS3Config { ServiceURL = endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 }))
        {
            await s3.PutBucketAsync("keyscan");
            var puts = new (string Key, Action<Amazon.S3.Model.PutObjectRequest> Set)[]
            {
                ("kms", r => { r.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS; r.ServerSideEncryptionKeyManagementServiceKeyId = KeyId; }),
                ("kms-bucket-key", r => { r.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS; r.ServerSideEncryptionKeyManagementServiceKeyId = "alias/scan"; r.BucketKeyEnabled = true; }),
                ("s3", r => r.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256),
                ("ssec", r => { r.ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256; r.ServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(customerKey); }),
            };
            foreach (var (key, set) in puts)
            {
                var request = new Amazon.S3.Model.PutObjectRequest { BucketName = "keyscan", Key = key, InputStream = new MemoryStream(objectBody) };
                set(request);
                await s3.PutObjectAsync(request);
                var get = new Amazon.S3.Model.GetObjectRequest { BucketName = "keyscan", Key = key };
                if (key == "ssec")
                {
                    get.ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256;
                    get.ServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(customerKey);
                }
                using var response = await s3.GetObjectAsync(get);
                using var copy = new MemoryStream();
                await response.ResponseStream.CopyToAsync(copy);
                Assert.Equal(objectBody, copy.ToArray());
            }
        }

        var block = RandomNumberGenerator.GetBytes(4096);
        secrets.Add(("volume block plaintext", block[..64]));
        using (var ec2 = new AmazonEC2Client(credentials, new AmazonEC2Config { ServiceURL = endpoint, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 }))
        {
            var volume = (await ec2.CreateVolumeAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 1, Encrypted = true, KmsKeyId = KeyId })).Volume.VolumeId;
            var instance = (await ec2.RunInstancesAsync(new RunInstancesRequest { ImageId = "ami-12345678", MinCount = 1, MaxCount = 1 })).Reservation.Instances[0].InstanceId;
            await ec2.AttachVolumeAsync(new AttachVolumeRequest { VolumeId = volume, InstanceId = instance, Device = "/dev/sdf" });
            Assert.Equal(block, await NbdWriteAndReadAsync(nbdPort, volume, block));
            await ec2.DetachVolumeAsync(new DetachVolumeRequest { VolumeId = volume });
        }

        var audit = new StringBuilder();
        foreach (var name in new[] { "GenerateDataKey", "Decrypt", "Encrypt", "GenerateRandom", "GenerateDataKeyWithoutPlaintext", "CreateGrant" })
        {
            foreach (var e in await SignedJson.LookupEventsAsync(endpoint, name))
            {
                audit.Append(e.GetRawText());
            }
        }
        Assert.Contains("GenerateDataKey", audit.ToString(), StringComparison.Ordinal);
        await _app.StopAsync();

        var haystacks = new List<(string Where, byte[] Bytes)>
        {
            ("logs", Encoding.UTF8.GetBytes(_logs.Text)),
            ("CloudTrail events", Encoding.UTF8.GetBytes(audit.ToString())),
        };
        haystacks.AddRange(Directory.EnumerateFiles(_dataDir, "*", SearchOption.AllDirectories).Select(f => (f, File.ReadAllBytes(f))));
        Assert.True(_logs.Count > 0, "the capture saw log output at Trace level");
        var found = new List<string>();
        foreach (var (what, secret) in secrets)
        {
            foreach (var (form, needle) in Forms(secret))
            {
                foreach (var (where, bytes) in haystacks)
                {
                    if (bytes.AsSpan().IndexOf(needle) >= 0)
                    {
                        found.Add($"{what} ({form}) in {where}");
                    }
                }
            }
        }
        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    private static IEnumerable<(string Form, byte[] Needle)> Forms(byte[] secret)
    {
        yield return ("raw", secret);
        yield return ("base64", Encoding.ASCII.GetBytes(Convert.ToBase64String(secret)));
        yield return ("hex", Encoding.ASCII.GetBytes(Convert.ToHexStringLower(secret)));
        yield return ("HEX", Encoding.ASCII.GetBytes(Convert.ToHexString(secret)));
    }

    /// <summary>A minimal fixed-newstyle NBD client: EXPORT_NAME, one FUA write, one read, disconnect.</summary>
    private static async Task<byte[]> NbdWriteAndReadAsync(int port, string export, byte[] data)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
        var stream = client.GetStream();
        await stream.ReadExactlyAsync(new byte[18]);
        var name = Encoding.UTF8.GetBytes(export);
        var option = new byte[4 + 16 + name.Length];
        BinaryPrimitives.WriteUInt32BigEndian(option, 3);
        BinaryPrimitives.WriteUInt64BigEndian(option.AsSpan(4), 0x49484156454F5054);
        BinaryPrimitives.WriteUInt32BigEndian(option.AsSpan(12), 1);
        BinaryPrimitives.WriteUInt32BigEndian(option.AsSpan(16), (uint)name.Length);
        name.CopyTo(option, 20);
        await stream.WriteAsync(option);
        await stream.ReadExactlyAsync(new byte[10]);
        await stream.WriteAsync(Request(1, 1, data.Length).Concat(data).ToArray());
        var reply = new byte[16];
        await stream.ReadExactlyAsync(reply);
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32BigEndian(reply.AsSpan(4)));
        await stream.WriteAsync(Request(0, 0, data.Length));
        await stream.ReadExactlyAsync(reply);
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32BigEndian(reply.AsSpan(4)));
        var read = new byte[data.Length];
        await stream.ReadExactlyAsync(read);
        await stream.WriteAsync(Request(2, 0, 0));
        return read;

        static byte[] Request(ushort type, ushort flags, int length)
        {
            var r = new byte[28];
            BinaryPrimitives.WriteUInt32BigEndian(r, 0x25609513);
            BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(4), flags);
            BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(6), type);
            BinaryPrimitives.WriteUInt32BigEndian(r.AsSpan(24), (uint)length);
            return r;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        try
        {
            Directory.Delete(_dataDir, recursive: true);
            File.Delete(_dataDir + "-seed.json");
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Every log line, with exception text and scope-free state, kept in memory.</summary>
    private sealed class CaptureLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public string Text => string.Join('\n', _lines);
        public int Count => _lines.Count;

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{logLevel} {category} {formatter(state, exception)} {state} {exception}");
        }
    }
}
