using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using Amazon.EC2;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using SseSim.Nbd;
using Xunit.Abstractions;
using Ec2Model = Amazon.EC2.Model;

namespace SseSim.Server.Tests.Durability;

/// <summary>
/// The crash harness: the real server binary under concurrent load from real clients (AWSSDK.S3 PUTs and multipart
/// uploads, AWSSDK.KeyManagementService mutations, an NBD writer that FLUSHes), killed with SIGKILL at a random moment,
/// restarted on the same data dir, and checked, many times over. <c>SSESIM_CRASH_CYCLES</c> sets the number of
/// cycles (default 6) and <c>SSESIM_CRASH_SEED</c> replays a schedule; the seed is printed.
/// </summary>
public sealed class CrashCycleTests(ITestOutputHelper output)
{
    private const string Bucket = "crash-harness";
    private const int VolumeBlocks = 256;
    private const int PartSize = 5 * 1024 * 1024;

    [Fact]
    public async Task Acknowledged_state_survives_repeated_kill_9_under_concurrent_load()
    {
        var cycles = int.TryParse(Environment.GetEnvironmentVariable("SSESIM_CRASH_CYCLES"), out var c) && c > 0 ? c : 6;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("SSESIM_CRASH_SEED"), out var s) ? s : Random.Shared.Next();
        output.WriteLine($"crash harness: SSESIM_CRASH_SEED={seed}, {cycles} cycles");
        var rng = new Random(seed);
        var ledger = new CrashLedger();

        await using var server = new ServerProcess();
        await server.StartAsync();
        string sseKey, instance, volume;
        using (var kms = Kms(server))
        {
            sseKey = (await kms.CreateKeyAsync(new CreateKeyRequest { Description = "crash harness SSE-KMS key" })).KeyMetadata.KeyId;
            ledger.AddKey(sseKey, -1);
        }
        using (var s3 = S3(server))
        {
            await s3.PutBucketAsync(Bucket);
        }
        using (var ec2 = Ec2(server))
        {
            instance = (await ec2.RunInstancesAsync(new Ec2Model.RunInstancesRequest { ImageId = "ami-12345678", MinCount = 1, MaxCount = 1 }))
                .Reservation.Instances[0].InstanceId;
            volume = (await ec2.CreateVolumeAsync(new Ec2Model.CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 1, Encrypted = true }))
                .Volume.VolumeId;
            // Each restart retires the instance (stopped, volume still attached): the verifier starts it again.
            await ec2.AttachVolumeAsync(new Ec2Model.AttachVolumeRequest { VolumeId = volume, InstanceId = instance, Device = "/dev/sdf" });
        }

        for (var cycle = 0; cycle < cycles; cycle++)
        {
            var where = $"seed {seed}, cycle {cycle}";
            var run = new CycleRun(server, ledger, cycle, sseKey, volume);
            var workers = new List<Task>
            {
                run.ObjectWorkerAsync(0, new Random(rng.Next())),
                run.ObjectWorkerAsync(1, new Random(rng.Next())),
                run.MultipartWorkerAsync(new Random(rng.Next())),
                run.KmsWorkerAsync(new Random(rng.Next())),
                run.NbdWorkerAsync(new Random(rng.Next())),
            };
            // Kill at a random moment once every kind of operation is flowing (a fresh process warms up first).
            await run.WarmAsync(TimeSpan.FromSeconds(60));
            await Task.Delay(rng.Next(0, 1500));
            run.Killing = true;
            await server.KillAsync();
            await run.StopAsync(workers);
            Assert.True(run.Errors.IsEmpty, $"{where}: a request failed before the kill: {string.Join("; ", run.Errors)}");

            await server.StartAsync();
            var verifier = new CrashVerifier(server, ledger, rng, where);
            await verifier.ObjectsAsync(cycle, full: cycle == cycles - 1);
            await verifier.KmsAsync(cycle, full: cycle == cycles - 1);
            await verifier.AuditAsync();
            await verifier.VolumeAsync(volume, instance);
            output.WriteLine($"cycle {cycle}: killed after {run.Completed} acknowledged operations; verified {ledger.AcknowledgedObjects} objects, "
                + $"{ledger.AcknowledgedKmsMutations} KMS mutations, {ledger.FlushedBlockWrites} flushed block writes");
        }
        output.WriteLine($"survived {cycles} kill -9 cycles with zero loss (seed {seed})");
    }

    internal static AmazonS3Client S3(ServerProcess server) => S3(server.Endpoint);

    internal static AmazonS3Client S3(string endpoint) =>
        new(new BasicAWSCredentials("test", "test"), new AmazonS3Config
        {
            ServiceURL = endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
        });

    internal static AmazonKeyManagementServiceClient Kms(ServerProcess server) => Kms(server.Endpoint);

    internal static AmazonKeyManagementServiceClient Kms(string endpoint) =>
        new(new BasicAWSCredentials("test", "test"), new AmazonKeyManagementServiceConfig
        {
            ServiceURL = endpoint,
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
        });

    internal static AmazonEC2Client Ec2(ServerProcess server) => Ec2(server.Endpoint);

    internal static AmazonEC2Client Ec2(string endpoint) =>
        new(new BasicAWSCredentials("test", "test"), new AmazonEC2Config
        {
            ServiceURL = endpoint,
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
        });

    /// <summary>One cycle's load. Workers stop at the first failure; failures before the kill are test failures.</summary>
    private sealed class CycleRun(ServerProcess server, CrashLedger ledger, int cycle, string sseKey, string volume)
    {
        private readonly CancellationTokenSource _stop = new();
        private int _completed;

        public volatile bool Killing;

        public System.Collections.Concurrent.ConcurrentQueue<string> Errors { get; } = new();

        public int Completed => _completed;

        private readonly int[] _acknowledged = new int[5];

        public async Task WarmAsync(TimeSpan timeout)
        {
            var until = DateTime.UtcNow + timeout;
            while (Array.Exists(_acknowledged, a => a == 0) && DateTime.UtcNow < until && Errors.IsEmpty)
            {
                await Task.Delay(20);
            }
        }

        public async Task StopAsync(List<Task> workers)
        {
            await _stop.CancelAsync();
            await Task.WhenAll(workers);
            _stop.Dispose();
        }

        public Task ObjectWorkerAsync(int worker, Random rng) => RunAsync(async token =>
        {
            using var s3 = S3(server);
            for (var n = 0; ; n++)
            {
                var key = $"o/{cycle}/{worker}/{n}";
                var length = rng.Next(10) switch
                {
                    0 => 0,
                    < 5 => rng.Next(1, 4096),
                    < 9 => rng.Next(4096, 256 * 1024),
                    _ => rng.Next(256 * 1024, 3 * 1024 * 1024),
                };
                var content = CrashLedger.Content(rng.Next(), length);
                var request = new PutObjectRequest { BucketName = Bucket, Key = key, InputStream = new MemoryStream(content) };
                switch (rng.Next(3))
                {
                    case 0:
                        request.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS;
                        request.ServerSideEncryptionKeyManagementServiceKeyId = sseKey;
                        break;
                    case 1:
                        request.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256;
                        break;
                }
                ledger.Attempt(key, content, cycle);
                await s3.PutObjectAsync(request, token);
                ledger.Acknowledge(key);
                Done(worker);
            }
        });

        public Task MultipartWorkerAsync(Random rng) => RunAsync(async token =>
        {
            using var s3 = S3(server);
            for (var n = 0; ; n++)
            {
                var key = $"mp/{cycle}/{n}";
                var content = CrashLedger.Content(rng.Next(), PartSize + rng.Next(1, 300 * 1024));
                ledger.Attempt(key, content, cycle);
                var upload = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
                {
                    BucketName = Bucket,
                    Key = key,
                    ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
                    ServerSideEncryptionKeyManagementServiceKeyId = sseKey,
                }, token);
                var etags = new List<PartETag>();
                for (var part = 1; part <= 2; part++)
                {
                    var offset = (part - 1) * PartSize;
                    var size = part == 1 ? PartSize : content.Length - PartSize;
                    var uploaded = await s3.UploadPartAsync(new UploadPartRequest
                    {
                        BucketName = Bucket,
                        Key = key,
                        UploadId = upload.UploadId,
                        PartNumber = part,
                        InputStream = new MemoryStream(content, offset, size),
                    }, token);
                    etags.Add(new PartETag(part, uploaded.ETag));
                }
                await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
                {
                    BucketName = Bucket,
                    Key = key,
                    UploadId = upload.UploadId,
                    PartETags = etags,
                }, token);
                ledger.Acknowledge(key);
                Done(2);
            }
        });

        public Task KmsWorkerAsync(Random rng) => RunAsync(async token =>
        {
            using var kms = Kms(server);
            for (var n = 0; ; n++)
            {
                var created = await kms.CreateKeyAsync(new CreateKeyRequest { Description = $"crash {cycle}/{n}" }, token);
                var entry = ledger.AddKey(created.KeyMetadata.KeyId, cycle);
                await EncryptAsync(kms, entry, rng, token);

                var alias = $"alias/crash-{cycle}-{n}";
                await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = alias, TargetKeyId = entry.KeyId }, token);
                ledger.Update(() => entry.Alias = alias);

                var grantee = $"arn:aws:iam::000000000000:role/crash-{cycle}-{n}";
                var grant = await kms.CreateGrantAsync(new CreateGrantRequest
                {
                    KeyId = entry.KeyId,
                    GranteePrincipal = grantee,
                    Operations = [GrantOperation.Encrypt, GrantOperation.Decrypt],
                }, token);
                ledger.Update(() => (entry.Grantee, entry.GrantId) = (grantee, grant.GrantId));

                var marker = $"crash{cycle}x{n}";
                await kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = entry.KeyId, PolicyName = "default", Policy = Policy(marker) }, token);
                ledger.Update(() => entry.PolicyMarker = marker);

                await kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = entry.KeyId }, token);
                ledger.Update(() => entry.Rotated = true);
                await EncryptAsync(kms, entry, rng, token);
                Done(3);
            }
        });

        public Task NbdWorkerAsync(Random rng) => RunAsync(async token =>
        {
            await using var nbd = await NbdClient.ConnectAsync("127.0.0.1", server.NbdPort, volume, token);
            while (true)
            {
                var written = new List<(int Block, long Generation)>();
                for (var i = rng.Next(1, 17); i > 0; i--)
                {
                    var block = rng.Next(VolumeBlocks);
                    var generation = ledger.NextGeneration(block);
                    await nbd.WriteAsync((long)block * CrashLedger.BlockSize, CrashLedger.BlockContent(block, generation), cancellationToken: token);
                    written.Add((block, generation));
                }
                await nbd.FlushAsync(token);
                ledger.Flushed(written);
                Done(4);
            }
        });

        private void Done(int worker)
        {
            Interlocked.Increment(ref _acknowledged[worker]);
            Interlocked.Increment(ref _completed);
        }

        private async Task EncryptAsync(AmazonKeyManagementServiceClient kms, KeyEntry entry, Random rng, CancellationToken token)
        {
            var plaintext = CrashLedger.Content(rng.Next(), rng.Next(1, 4096));
            var encrypted = await kms.EncryptAsync(new EncryptRequest { KeyId = entry.KeyId, Plaintext = new MemoryStream(plaintext) }, token);
            ledger.Update(() => entry.Ciphertexts.Add((plaintext, encrypted.CiphertextBlob.ToArray())));
        }

        private Task RunAsync(Func<CancellationToken, Task> work) => Task.Run(async () =>
        {
            try
            {
                await work(_stop.Token);
            }
            catch (Exception e) when (!Killing)
            {
                Errors.Enqueue(e.GetType().Name + ": " + e.Message);
            }
            catch (Exception)
            {
                // Expected: the server died under the request.
            }
        });
    }

    internal static string Policy(string marker) =>
        $$"""{"Version":"2012-10-17","Id":"{{marker}}","Statement":[{"Sid":"{{marker}}","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"kms:*","Resource":"*"}]}""";
}
