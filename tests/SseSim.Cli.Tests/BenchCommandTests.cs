using System.Text.Json;
using System.Xml.Linq;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Amazon.S3;
using SseSim.Cli.Bench;
using SseSim.Cli.Commands;
using SseSim.Server.Tests;

namespace SseSim.Cli.Tests;

/// <summary>`ssesim bench` against the real server in-process: counts add up, runs stop by themselves, reports parse.</summary>
public sealed class BenchCommandTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private BenchOptions Options(params string[] args) =>
        BenchOptions.Parse(["--endpoint-url", server.Endpoint, "--quiet", .. args]);

    private static Task<BenchReport> RunAsync(BenchOptions o) => BenchCommand.RunAsync(o, TextWriter.Null, CancellationToken.None);

    private AmazonS3Client S3() => new(new BasicAWSCredentials("test", "test"), new AmazonS3Config
    {
        ServiceURL = server.Endpoint,
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
        MaxErrorRetry = 0,
    });

    [Fact]
    public async Task Counted_sse_kms_puts_add_up_and_land_as_objects_with_one_kms_call_each()
    {
        var bucket = "bench-count-" + Guid.NewGuid().ToString("N")[..8];
        using (var s3 = S3())
        {
            await s3.PutBucketAsync(bucket);
        }
        var report = await RunAsync(Options("--workload", "s3-put", "--sse", "kms", "--bucket", bucket, "--count", "37", "--keys", "100", "--concurrency", "4", "--size", "4KiB:50,1KiB:50"));

        Assert.Equal(37, report.Ops);
        Assert.Equal(report.Ops, report.Successes + report.Errors);
        Assert.Equal(0, report.Errors);
        Assert.Equal(37, report.Operations.Single(o => o.Operation == "PutObject").Successes);
        Assert.True(report.TargetIsSseSim);
        using var s3Client = S3();
        var listed = await s3Client.ListObjectsV2Async(new() { BucketName = bucket });
        Assert.Equal(37, listed.S3Objects.Count);
        Assert.Equal(report.Bytes, listed.S3Objects.Sum(o => o.Size ?? 0));
        // SSE-KMS without a bucket key: one GenerateDataKey per PUT.
        Assert.NotNull(report.KmsCalls);
        Assert.Equal(37, report.KmsCalls!.Calls);
        Assert.Equal(1.0, report.KmsCalls.PerObject);
        Assert.Equal(37, report.TimeSeries.Sum(s => s.Ops));
        Assert.True(report.Latency.P50Ms > 0 && report.Latency.P50Ms <= report.Latency.P99Ms && report.Latency.P99Ms <= report.Latency.MaxMs);
    }

    [Fact]
    public async Task A_bucket_key_needs_few_kms_calls()
    {
        var report = await RunAsync(Options("--workload", "s3-put", "--sse", "kms-bucket-key", "--count", "200", "--keys", "200", "--concurrency", "4"));
        Assert.Equal(200, report.Successes);
        Assert.InRange(report.KmsCalls!.Calls, 1, 10);
    }

    [Fact]
    public async Task A_duration_run_stops_on_time_and_its_operations_add_up()
    {
        var started = DateTime.UtcNow;
        var report = await RunAsync(Options("--workload", "s3-mixed", "--sse", "s3", "--duration", "2s", "--keys", "20", "--concurrency", "3", "--read-percent", "70"));
        var took = DateTime.UtcNow - started;

        Assert.InRange(report.ElapsedSeconds, 2.0, 15.0);
        Assert.True(took < TimeSpan.FromSeconds(60), $"took {took}");
        Assert.True(report.Ops > 0);
        Assert.Equal(report.Ops, report.Successes + report.Errors);
        Assert.Equal(report.Successes, report.Operations.Sum(o => o.Successes));
        Assert.Contains(report.Operations, o => o.Operation == "GetObject");
        Assert.Contains(report.Operations, o => o.Operation == "PutObject");
        Assert.Equal(0, report.Errors);
    }

    [Fact]
    public async Task Errors_are_counted_by_aws_error_code()
    {
        using var kms = server.Kms();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        await kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key });

        var report = await RunAsync(Options("--workload", "s3-put", "--sse", "kms", "--kms-key-id", key, "--count", "12", "--concurrency", "2"));

        Assert.Equal(12, report.Ops);
        Assert.Equal(12, report.Errors);
        Assert.Equal(0, report.Successes);
        Assert.Equal(12, report.ErrorsByCode["KMS.DisabledException"]);
    }

    [Theory]
    [InlineData("kms-gdk", "GenerateDataKey")]
    [InlineData("kms-encrypt", "Encrypt")]
    [InlineData("kms-decrypt", "Decrypt")]
    [InlineData("kms-reencrypt", "ReEncrypt")]
    public async Task Kms_workloads_run_their_operation(string workload, string operation)
    {
        var report = await RunAsync(Options("--workload", workload, "--count", "25", "--concurrency", "3", "--size", "1KiB"));
        Assert.Equal(25, report.Successes);
        Assert.Equal(operation, report.Operations.Single().Operation);
        Assert.Null(report.KmsCalls);
    }

    [Theory]
    [InlineData("c")]
    [InlineData("kms")]
    public async Task Gets_and_multipart_work_in_every_mode(string sse)
    {
        var get = await RunAsync(Options("--workload", "s3-get", "--sse", sse, "--count", "20", "--keys", "5", "--size", "64KiB"));
        Assert.Equal(20, get.Successes);
        Assert.Equal(20L * 64 * 1024, get.Bytes);
        var multipart = await RunAsync(Options("--workload", "s3-multipart", "--sse", sse, "--count", "2", "--size", "11MiB", "--part-size", "5MiB", "--concurrency", "2"));
        Assert.Equal(2, multipart.Successes);
        Assert.Equal(22L << 20, multipart.Bytes);
    }

    [Fact]
    public async Task Nbd_workload_writes_to_an_attached_encrypted_volume()
    {
        using var ec2 = new AmazonEC2Client(new BasicAWSCredentials("test", "test"), new AmazonEC2Config { ServiceURL = server.Endpoint, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
        var instance = (await ec2.RunInstancesAsync(new RunInstancesRequest { ImageId = "ami-12345678", MinCount = 1, MaxCount = 1 })).Reservation.Instances[0].InstanceId;
        var volume = (await ec2.CreateVolumeAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 1, Encrypted = true })).Volume.VolumeId;
        await ec2.AttachVolumeAsync(new AttachVolumeRequest { VolumeId = volume, InstanceId = instance, Device = "/dev/sdf" });

        var common = new[] { "--workload", "nbd", "--nbd-port", server.NbdPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--export", volume, "--queue-depth", "8" };
        var write = await RunAsync(Options([.. common, "--count", "300", "--pattern", "sequential"]));
        Assert.Equal(300, write.Successes);
        Assert.Equal(300L * 4096, write.Bytes);
        var read = await RunAsync(Options([.. common, "--duration", "1s", "--nbd-op", "read", "--block-size", "64KiB"]));
        Assert.True(read.Successes > 0);
        Assert.Equal(0, read.Errors);
        Assert.Equal("NbdRead", read.Operations.Single().Operation);
    }

    [Fact]
    public async Task The_command_writes_json_markdown_and_svg_reports()
    {
        var dir = Directory.CreateTempSubdirectory("sseSim-bench-report-").FullName;
        var output = new StringWriter();
        var rc = await new BenchCommand(TextWriter.Null).RunAsync(
            ["--endpoint-url", server.Endpoint, "--workload", "kms-gdk", "--count", "30", "--concurrency", "2", "--out", dir], output, CancellationToken.None);

        Assert.Equal(0, rc);
        Assert.Contains("GenerateDataKey", output.ToString(), StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "report.json")));
        Assert.Equal(30, json.RootElement.GetProperty("ops").GetInt64());
        Assert.True(json.RootElement.GetProperty("latency").GetProperty("p99Ms").GetDouble() > 0);
        Assert.Contains("| **all** | 30 |", await File.ReadAllTextAsync(Path.Combine(dir, "report.md")), StringComparison.Ordinal);
        var svg = XDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "chart.svg")));
        Assert.Equal("svg", svg.Root!.Name.LocalName);
        Assert.Contains(svg.Root.Elements(), e => e.Name.LocalName == "polyline");
        Directory.Delete(dir, recursive: true);
    }

    [Theory]
    [InlineData("kms-gdk", "GenerateDataKey")]
    [InlineData("kms-encrypt", "Encrypt")]
    [InlineData("kms-decrypt", "Decrypt")]
    [InlineData("kms-reencrypt", "ReEncrypt")]
    public async Task The_http_client_runs_kms_workloads_and_their_calls_reach_the_server(string workload, string operation)
    {
        var before = await KmsCallsAsync(operation);
        var report = await RunAsync(Options("--client", "http", "--workload", workload, "--count", "40", "--concurrency", "4", "--size", "1KiB"));

        Assert.Equal(40, report.Successes);
        Assert.Equal(0, report.Errors);
        Assert.Equal(operation, report.Operations.Single().Operation);
        Assert.Equal("http", report.Settings["client"]);
        // Every timed call was a real, verified KMS call (set-up calls go through the SDK and add at most two).
        Assert.InRange(await KmsCallsAsync(operation) - before, 40, 42);
    }

    [Theory]
    [InlineData("kms")]
    [InlineData("c")]
    [InlineData("s3")]
    public async Task The_http_client_puts_and_gets_objects_with_sse_headers(string sse)
    {
        var bucket = "bench-http-" + Guid.NewGuid().ToString("N")[..8];
        using var s3 = S3();
        await s3.PutBucketAsync(bucket);

        var put = await RunAsync(Options("--client", "http", "--workload", "s3-put", "--sse", sse, "--bucket", bucket, "--count", "30", "--keys", "10", "--concurrency", "3", "--size", "4KiB:50,1KiB:50"));
        Assert.Equal(30, put.Successes);
        Assert.Equal(0, put.Errors);
        var listed = await s3.ListObjectsV2Async(new() { BucketName = bucket });
        Assert.Equal(10, listed.S3Objects.Count);
        if (sse != "c")
        {
            var head = await s3.GetObjectMetadataAsync(bucket, S3Workload.Key(3));
            Assert.Equal(sse == "kms" ? "aws:kms" : "AES256", head.ServerSideEncryptionMethod.Value);
        }

        var mixed = await RunAsync(Options("--client", "http", "--workload", "s3-mixed", "--sse", sse, "--bucket", bucket, "--count", "40", "--keys", "10", "--concurrency", "4", "--size", "4KiB:50,1KiB:50"));
        Assert.Equal(40, mixed.Ops);
        Assert.Equal(0, mixed.Errors);
        Assert.Equal(mixed.Successes, mixed.Operations.Sum(o => o.Successes));
        Assert.Equal(mixed.Bytes, mixed.Operations.Sum(o => o.Bytes));
    }

    [Fact]
    public async Task The_http_client_counts_errors_by_aws_error_code()
    {
        using var kms = server.Kms();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        await kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key });

        var gdk = await RunAsync(Options("--client", "http", "--workload", "kms-gdk", "--kms-key-id", key, "--count", "9", "--concurrency", "2"));
        Assert.Equal(9, gdk.Ops);
        Assert.Equal(9, gdk.ErrorsByCode["DisabledException"]);

        var put = await RunAsync(Options("--client", "http", "--workload", "s3-put", "--sse", "kms", "--kms-key-id", key, "--count", "7", "--concurrency", "2"));
        Assert.Equal(7, put.Errors);
        Assert.Equal(7, put.ErrorsByCode["KMS.DisabledException"]);

        // No such object: every GET of an empty key space is NoSuchKey, parsed from the S3 error XML.
        var bucket = "bench-empty-" + Guid.NewGuid().ToString("N")[..8];
        using var s3 = S3();
        await s3.PutBucketAsync(bucket);
        var options = Options("--client", "http", "--workload", "s3-get", "--sse", "s3", "--bucket", bucket, "--count", "5", "--keys", "3");
        await using var workload = new S3Workload(options);
        var runner = new BenchRunner(workload, 2, 5, null);
        await runner.RunAsync(null, CancellationToken.None);
        Assert.Equal(5, runner.ErrorsByCode["NoSuchKey"]);
    }

    private async Task<long> KmsCallsAsync(string operation)
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(server.Endpoint + "/metrics");
        return text.Split('\n')
            .Where(l => l.StartsWith("ssesim_kms_calls_total{", StringComparison.Ordinal) && l.Contains($"operation=\"{operation}\"", StringComparison.Ordinal) && l.Contains("result=\"Success\"", StringComparison.Ordinal))
            .Sum(l => (long)double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Bad_options_exit_with_usage()
    {
        Assert.Equal(2, await new BenchCommand().RunAsync(["--workload", "s3-nothing"], TextWriter.Null, CancellationToken.None));
        var help = new StringWriter();
        Assert.Equal(0, await new BenchCommand().RunAsync(["--help"], help, CancellationToken.None));
        Assert.Contains("--workload", help.ToString(), StringComparison.Ordinal);
    }
}
