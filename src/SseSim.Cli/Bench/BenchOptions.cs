using System.Globalization;

namespace SseSim.Cli.Bench;

/// <summary>Everything `ssesim bench` is told on its command line.</summary>
public sealed class BenchOptions
{
    public static readonly IReadOnlyList<string> Workloads =
        ["s3-put", "s3-get", "s3-mixed", "s3-multipart", "kms-gdk", "kms-encrypt", "kms-decrypt", "kms-reencrypt", "nbd"];

    public static readonly IReadOnlyList<string> SseModes = ["none", "s3", "kms", "kms-bucket-key", "c"];

    public string? EndpointUrl { get; set; } = "http://127.0.0.1:4566";
    public string Region { get; set; } = "us-east-1";
    public string AccessKey { get; set; } = Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") ?? "test";
    public string SecretKey { get; set; } = Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") ?? "test";
    public string Workload { get; set; } = "s3-put";
    public string Sse { get; set; } = "kms";
    public string? KmsKeyId { get; set; }
    public string? Bucket { get; set; }
    public SizeDistribution Size { get; set; } = SizeDistribution.Parse("4KiB");
    public long PartSize { get; set; } = 8L << 20;
    public int Keys { get; set; } = 100;
    public int ReadPercent { get; set; } = 50;
    public int Concurrency { get; set; } = 8;
    public long? Count { get; set; }
    public TimeSpan? Duration { get; set; }

    /// <summary>Unmeasured run of the same workload first, so neither process is measured while it JIT-compiles and tiers up.</summary>
    public TimeSpan? Warmup { get; set; }
    public bool ChecksumWhenSupported { get; set; }
    public string NbdHost { get; set; } = "127.0.0.1";
    public int NbdPort { get; set; } = 10809;
    public string? Export { get; set; }
    public int BlockSize { get; set; } = 4096;
    public string Pattern { get; set; } = "random";
    public string NbdOp { get; set; } = "write";
    public string? OutDir { get; set; }
    public string? Label { get; set; }
    public int? ServerPid { get; set; }
    public bool Quiet { get; set; }

    /// <summary>"sdk" (AWSSDK clients) or "http" (<see cref="LeanHttp"/>: the same signed requests, far less client CPU).</summary>
    public string Client { get; set; } = "sdk";

    public bool IsS3 => Workload.StartsWith("s3-", StringComparison.Ordinal);

    public string Title => Label ?? (IsS3 ? $"{Workload} sse={Sse} size={Size}" : Workload == "nbd" ? $"nbd {NbdOp} {Pattern} bs={Sizes.Format(BlockSize)}" : Workload);

    public const string Usage = """
        usage: ssesim bench --workload W [options]
          Target:   --endpoint-url URL (default http://127.0.0.1:4566; "aws" for the real AWS endpoints)
                    --region R  --access-key K  --secret-key S  (default $AWS_ACCESS_KEY_ID / test)
          Workload: --workload s3-put|s3-get|s3-mixed|s3-multipart|kms-gdk|kms-encrypt|kms-decrypt|kms-reencrypt|nbd
                    --sse none|s3|kms|kms-bucket-key|c   (S3 workloads; default kms)
                    --kms-key-id ID  --bucket NAME  (created when not given)
                    --size 4KiB | 64MiB | 4KiB:80,1MiB:20   object size distribution (KMS: plaintext size)
                    --keys N (key space, default 100)  --read-percent P (s3-mixed, default 50)
                    --part-size 8MiB (s3-multipart)  --checksum when-required|when-supported
          NBD:      --nbd-host H --nbd-port P --export NAME --block-size 4KiB --queue-depth N
                    --pattern random|sequential --nbd-op write|read
          Bounds:   --concurrency N (default 8)  --count N  --duration 30s   (neither: 10s; both: first reached)
                    --warmup 10s   (run the workload this long first, unmeasured: steady state, not JIT tier-up)
          Client:   --client sdk|http   (default sdk; http: lean signed requests over one SocketsHttpHandler, for
                    kms-*, s3-put, s3-get and s3-mixed, so a fast server is not measured through the SDK's CPU cost)
          Output:   --out DIR (report.json, report.md, chart.svg)  --label TEXT  --quiet
                    --server-pid PID (server CPU and memory from /proc when the target has no /metrics)
        """;

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var o = new BenchOptions();
        int? queueDepth = null;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{name} needs a value.");
            switch (name)
            {
                case "--endpoint-url": o.EndpointUrl = Value() is "aws" ? null : args[i]; break;
                case "--region": o.Region = Value(); break;
                case "--access-key": o.AccessKey = Value(); break;
                case "--secret-key": o.SecretKey = Value(); break;
                case "--workload": o.Workload = OneOf(name, Value(), Workloads); break;
                case "--sse": o.Sse = OneOf(name, Value(), SseModes); break;
                case "--kms-key-id": o.KmsKeyId = Value(); break;
                case "--bucket": o.Bucket = Value(); break;
                case "--size": o.Size = SizeDistribution.Parse(Value()); break;
                case "--part-size": o.PartSize = Sizes.ParseBytes(Value()); break;
                case "--keys": o.Keys = Positive(name, Value()); break;
                case "--read-percent": o.ReadPercent = Math.Clamp(int.Parse(Value(), CultureInfo.InvariantCulture), 0, 100); break;
                case "--concurrency": o.Concurrency = Positive(name, Value()); break;
                case "--count": o.Count = Positive(name, Value()); break;
                case "--duration": o.Duration = Sizes.ParseDuration(Value()); break;
                case "--warmup": o.Warmup = Sizes.ParseDuration(Value()); break;
                case "--checksum": o.ChecksumWhenSupported = OneOf(name, Value(), ["when-required", "when-supported"]) == "when-supported"; break;
                case "--nbd-host": o.NbdHost = Value(); break;
                case "--nbd-port": o.NbdPort = Positive(name, Value()); break;
                case "--export": o.Export = Value(); break;
                case "--block-size": o.BlockSize = checked((int)Sizes.ParseBytes(Value())); break;
                case "--queue-depth": queueDepth = Positive(name, Value()); break;
                case "--pattern": o.Pattern = OneOf(name, Value(), ["random", "sequential"]); break;
                case "--nbd-op": o.NbdOp = OneOf(name, Value(), ["write", "read"]); break;
                case "--out": o.OutDir = Value(); break;
                case "--label": o.Label = Value(); break;
                case "--server-pid": o.ServerPid = Positive(name, Value()); break;
                case "--quiet": o.Quiet = true; break;
                case "--client": o.Client = OneOf(name, Value(), ["sdk", "http"]); break;
                default: throw new FormatException($"Unknown option '{name}'.");
            }
        }
        if (o.Workload == "nbd")
        {
            o.Concurrency = queueDepth ?? (args.Contains("--concurrency") ? o.Concurrency : 16);
            if (o.Export is null)
            {
                throw new FormatException("--workload nbd needs --export NAME (the volume id for SseSim).");
            }
            if (o.BlockSize <= 0 || o.BlockSize > 32 << 20)
            {
                throw new FormatException("--block-size must be between 1 byte and 32 MiB.");
            }
        }
        if (o.Workload is "kms-encrypt" or "kms-decrypt" or "kms-reencrypt" && o.Size.Max is < 1 or > 4096)
        {
            throw new FormatException("KMS Encrypt takes 1 to 4096 bytes of plaintext: use --size 4KiB or less.");
        }
        if (o.Client == "http" && o.Workload is "nbd" or "s3-multipart")
        {
            throw new FormatException($"--client http does not drive {o.Workload}; use --client sdk.");
        }
        if (o.PartSize < 1)
        {
            throw new FormatException("--part-size must be positive.");
        }
        if (o.Count is null && o.Duration is null)
        {
            o.Duration = TimeSpan.FromSeconds(10);
        }
        return o;
    }

    private static string OneOf(string name, string value, IReadOnlyList<string> allowed) =>
        allowed.Contains(value) ? value : throw new FormatException($"{name} must be one of {string.Join(", ", allowed)}; got '{value}'.");

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new FormatException($"{name} needs a positive integer; got '{value}'.");
}
