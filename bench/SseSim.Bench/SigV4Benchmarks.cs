using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using SseSim.Server.Auth;

namespace SseSim.Bench;

/// <summary>Server-side SigV4 verification of one header-signed S3 PUT (canonical request, string to sign, HMAC, compare).</summary>
[MemoryDiagnoser]
public class SigV4Benchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private const string PayloadHash = "UNSIGNED-PAYLOAD";
    private SigV4Verifier _verifier = null!;
    private HttpRequest _request = null!;

    [GlobalSetup]
    public void Setup()
    {
        _verifier = new SigV4Verifier(new IdentityRegistry([]), new FixedTime(Now));
        var context = new DefaultHttpContext();
        var r = context.Request;
        r.Method = "PUT";
        r.Scheme = "http";
        r.Host = new HostString("127.0.0.1:4566");
        r.Path = "/bench-bucket/bench/obj-00000042";
        var amzDate = Now.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        r.Headers["x-amz-date"] = amzDate;
        r.Headers["x-amz-content-sha256"] = PayloadHash;
        r.Headers["x-amz-server-side-encryption"] = "aws:kms";
        r.Headers["content-type"] = "application/octet-stream";
        r.Headers["content-length"] = "4096";
        const string signed = "content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-server-side-encryption";
        var canonical = SigV4Verifier.CanonicalRequest(r, signed, PayloadHash, presigned: false, "s3");
        var scope = $"{amzDate[..8]}/us-east-1/s3/aws4_request";
        var toSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = _verifier.SigningKey("test", amzDate[..8], "us-east-1", "s3");
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(toSign)));
        r.Headers.Authorization = $"AWS4-HMAC-SHA256 Credential=test/{scope}, SignedHeaders={signed}, Signature={signature}";
        _request = r;
        if (!Verify())
        {
            throw new InvalidOperationException("The benchmark request does not verify.");
        }
    }

    [Benchmark]
    public bool Verify() => _verifier.Verify(_request, PayloadHash).Succeeded;

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
