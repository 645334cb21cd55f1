using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using SseSim.Core.Aws;
using SseSim.Server.Auth;
using SseSim.Server.S3;

namespace SseSim.Bench;

/// <summary>
/// Decoding a 1 MiB aws-chunked upload body in 64 KiB chunks (what AWS SDKs send over plain HTTP), with every chunk
/// signature verified (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) or unsigned (STREAMING-UNSIGNED-PAYLOAD-TRAILER framing).
/// </summary>
[MemoryDiagnoser]
public class AwsChunkedBenchmarks
{
    private const int BodySize = 1024 * 1024;
    private const int ChunkSize = 64 * 1024;
    private const string AmzDate = "20261128T120000Z";
    private const string SeedSignature = "0000000000000000000000000000000000000000000000000000000000000000";
    private readonly byte[] _sink = new byte[ChunkSize];
    private byte[] _encoded = [];
    private SigV4Request? _auth;

    [Params(false, true)]
    public bool Signed { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var body = RandomNumberGenerator.GetBytes(BodySize);
        if (Signed)
        {
            var key = new SigV4Verifier(new IdentityRegistry([]), TimeProvider.System).SigningKey("test", AmzDate[..8], "us-east-1", "s3");
            _auth = new SigV4Request(new Identity("test", "test", "000000000000", "root"), AmzDate[..8], "us-east-1", "s3", "host", SeedSignature, AmzDate, false) { SigningKey = key };
        }
        var encoded = new MemoryStream();
        var previous = SeedSignature;
        for (var offset = 0; ; offset += ChunkSize)
        {
            var chunk = body.AsSpan(offset, Math.Min(ChunkSize, BodySize - offset));
            var header = chunk.Length.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
            if (_auth is not null)
            {
                var toSign = $"AWS4-HMAC-SHA256-PAYLOAD\n{AmzDate}\n{_auth.Scope}\n{previous}\n{Convert.ToHexStringLower(SHA256.HashData([]))}\n{Convert.ToHexStringLower(SHA256.HashData(chunk))}";
                previous = Convert.ToHexStringLower(HMACSHA256.HashData(_auth.SigningKey, Encoding.UTF8.GetBytes(toSign)));
                header += ";chunk-signature=" + previous;
            }
            encoded.Write(Encoding.ASCII.GetBytes(header + "\r\n"));
            encoded.Write(chunk);
            encoded.Write("\r\n"u8);
            if (chunk.Length == 0)
            {
                break;
            }
        }
        _encoded = encoded.ToArray();
        if (Decode() != BodySize)
        {
            throw new InvalidOperationException("The benchmark body does not decode.");
        }
    }

    [Benchmark]
    public long Decode()
    {
        using var stream = new AwsChunkedStream(PipeReader.Create(new ReadOnlySequence<byte>(_encoded)), _auth, trailer: false, null, null, long.MaxValue);
        long total = 0;
        int n;
        while ((n = stream.Read(_sink)) > 0)
        {
            total += n;
        }
        return total;
    }
}
