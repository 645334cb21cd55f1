using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Http;
using SseSim.Core.Crypto;
using SseSim.Core.Secrets;
using SseSim.Kms;
using SseSim.Kms.Authorization;
using SseSim.Kms.Crypto;
using SseSim.Nbd;
using SseSim.Objects;
using SseSim.Objects.Envelope;
using SseSim.Objects.Sse;
using SseSim.Server.Auth;
using SseSim.Server.Ec2;
using SseSim.Server.Kms;
using SseSim.Server.S3;
using SseSim.Volumes;

namespace SseSim.Fuzz;

/// <summary>
/// Every parser that reads bytes from the network or the disk, as plain static entry points for SharpFuzz
/// (<c>Fuzzer.LibFuzzer.Run(span =&gt; FuzzTargets.X(span))</c>) and for the time-budgeted tests. Each target catches
/// exactly the exceptions its production caller turns into a clean error; anything else escaping is a bug.
/// </summary>
public static class FuzzTargets
{
    public static IReadOnlyDictionary<string, FuzzTarget> All { get; } = new Dictionary<string, FuzzTarget>(StringComparer.Ordinal)
    {
        [nameof(SigV4Header)] = SigV4Header,
        [nameof(SigV4Presigned)] = SigV4Presigned,
        [nameof(AwsChunked)] = AwsChunked,
        [nameof(S3CompleteMultipartUpload)] = S3CompleteMultipartUpload,
        [nameof(S3DeleteObjects)] = S3DeleteObjects,
        [nameof(S3BucketEncryption)] = S3BucketEncryption,
        [nameof(S3BucketPolicy)] = S3BucketPolicy,
        [nameof(S3Tagging)] = S3Tagging,
        [nameof(S3TaggingHeader)] = S3TaggingHeader,
        [nameof(KmsRequest)] = KmsRequest,
        [nameof(KmsKeyPolicy)] = KmsKeyPolicy,
        [nameof(KmsCiphertextBlob)] = KmsCiphertextBlob,
        [nameof(EnvelopeHeaderParse)] = EnvelopeHeaderParse,
        [nameof(EnvelopeSegments)] = EnvelopeSegments,
        [nameof(NbdHandshake)] = NbdHandshake,
        [nameof(NbdRequests)] = NbdRequests,
        [nameof(Ec2Query)] = Ec2Query,
    };

    /// <summary>A request in text form ("METHOD target" then header lines) through the SigV4 verifier's header path.</summary>
    public static void SigV4Header(ReadOnlySpan<byte> data) => SigV4(data);

    /// <summary>The same text form, seeded with presigned URLs (X-Amz-* query parameters).</summary>
    public static void SigV4Presigned(ReadOnlySpan<byte> data) => SigV4(data);

    internal static AuthResult SigV4(ReadOnlySpan<byte> data)
    {
        var context = FuzzFixtures.ParseRequest(Encoding.UTF8.GetString(data));
        _ = SigV4Verifier.ScopeService(context.Request);
        var payload = context.Request.Headers["x-amz-content-sha256"].ToString() is { Length: > 0 } h ? h : S3Body.Unsigned;
        return FuzzFixtures.Verifier.Verify(context.Request, payload);
    }

    /// <summary>An aws-chunked body; the first byte picks unsigned-with-trailer, signed, or signed-with-trailer.</summary>
    public static void AwsChunked(ReadOnlySpan<byte> data)
    {
        try
        {
            _ = DecodeChunked(data);
        }
        catch (S3Exception)
        {
        }
    }

    internal static byte[] DecodeChunked(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return [];
        }
        var mode = data[0] % 3;
        var auth = mode == 0 ? null : new SigV4Request(FuzzFixtures.Identity, FuzzFixtures.Date, FuzzFixtures.Region, "s3",
            "host;x-amz-content-sha256;x-amz-date", FuzzFixtures.SeedSignature, FuzzFixtures.AmzDate, false)
        { SigningKey = FuzzFixtures.SigningKey("s3") };
        var trailer = mode != 1;
        var input = PipeReader.Create(new ReadOnlySequence<byte>(data[1..].ToArray()));
        using var checksum = trailer ? new FlexibleChecksum("CRC32") : null;
        using var stream = new AwsChunkedStream(input, auth, trailer, trailer ? "x-amz-checksum-crc32" : null, checksum, 1 << 20);
        using var output = new MemoryStream();
        stream.CopyTo(output, 4096);
        return output.ToArray();
    }

    public static void S3CompleteMultipartUpload(ReadOnlySpan<byte> data) => S3XmlBody(data, body => CompleteMultipartUpload.ParseParts(body));

    public static void S3DeleteObjects(ReadOnlySpan<byte> data) => S3XmlBody(data, body => DeleteObjects.Parse(body));

    public static void S3BucketEncryption(ReadOnlySpan<byte> data) => S3XmlBody(data, body => PutBucketEncryption.ParseRule(body));

    /// <summary>A &lt;Tagging&gt; document (PutObjectTagging, PutBucketTagging, the POST form field) through S3's tag limits.</summary>
    public static void S3Tagging(ReadOnlySpan<byte> data) => S3XmlBody(data, body => ValidateTags(Server.S3.S3Tagging.ParseXml(body)));

    /// <summary>An x-amz-tagging header value (URL query form) through S3's tag limits.</summary>
    public static void S3TaggingHeader(ReadOnlySpan<byte> data)
    {
        try
        {
            ValidateTags(Server.S3.S3Tagging.ParseHeader(Encoding.UTF8.GetString(data)));
        }
        catch (S3Exception)
        {
        }
    }

    private static List<S3Tag>? ValidateTags(IReadOnlyList<S3Tag> tags)
    {
        try
        {
            _ = TagRules.ForBucket(tags);
        }
        catch (S3Exception)
        {
        }
        return TagRules.ForObject(tags);
    }

    private static void S3XmlBody(ReadOnlySpan<byte> data, Action<System.Xml.Linq.XElement?> parse)
    {
        try
        {
            parse(S3Xml.Parse(data.ToArray()));
        }
        catch (S3Exception)
        {
        }
    }

    /// <summary>The document targets' parse step without their catch, for checking that seeds are valid.</summary>
    internal static object Parse(string target, byte[] data) => target switch
    {
        nameof(S3CompleteMultipartUpload) => CompleteMultipartUpload.ParseParts(S3Xml.Parse(data)),
        nameof(S3DeleteObjects) => DeleteObjects.Parse(S3Xml.Parse(data)).Objects,
        nameof(S3BucketEncryption) => PutBucketEncryption.ParseRule(S3Xml.Parse(data)),
        nameof(S3Tagging) => ValidateTags(Server.S3.S3Tagging.ParseXml(S3Xml.Parse(data)))!,
        nameof(S3TaggingHeader) => ValidateTags(Server.S3.S3Tagging.ParseHeader(Encoding.UTF8.GetString(data)))!,
        nameof(S3BucketPolicy) => BucketPolicy.Parse(Encoding.UTF8.GetString(data)),
        nameof(KmsKeyPolicy) => KeyPolicyDocument.Parse(Encoding.UTF8.GetString(data)).StatementCount,
        nameof(Ec2Query) => Ec2Request.ParseParameters([], data),
        _ => throw new ArgumentException("not a document target", nameof(target)),
    };

    /// <summary>A bucket policy: parsed as PutBucketPolicy does, then evaluated as every request to the bucket is.</summary>
    public static void S3BucketPolicy(ReadOnlySpan<byte> data)
    {
        var json = Encoding.UTF8.GetString(data);
        try
        {
            PutBucketPolicy.Validate(json);
        }
        catch (S3Exception)
        {
            return;
        }
        var policy = BucketPolicy.Parse(json);
        var context = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["s3:x-amz-server-side-encryption"] = "aws:kms",
            ["aws:SecureTransport"] = "false",
        };
        _ = policy.Denies("s3:PutObject", "arn:aws:s3:::fuzz-bucket/fuzz/key", FuzzFixtures.Identity.Arn, context);
    }

    /// <summary>
    /// "Operation\n{json}": the JSON 1.1 body through the real KMS endpoint and a fresh embedded KMS. A 5xx answer
    /// (KMSInternalException: an unexpected exception inside an operation) counts as a crash.
    /// </summary>
    public static void KmsRequest(ReadOnlySpan<byte> data)
    {
        var status = InvokeKms(data, out var response);
        if (status >= 500)
        {
            throw new InvalidOperationException($"KMS answered {status}: {response}");
        }
    }

    internal static int InvokeKms(ReadOnlySpan<byte> data, out string response)
    {
        var kms = FuzzFixtures.NewKms();
        try
        {
            return InvokeKms(new KmsEndpoint(kms), data, out response);
        }
        finally
        {
            FuzzFixtures.RunSync(() => kms.DisposeAsync().AsTask());
        }
    }

    internal static int InvokeKms(KmsEndpoint endpoint, ReadOnlySpan<byte> data, out string response)
    {
        var newline = data.IndexOf((byte)'\n');
        var operation = Encoding.UTF8.GetString(newline < 0 ? data : data[..newline]).Trim();
        var body = newline < 0 ? [] : data[(newline + 1)..].ToArray();
        var context = new DefaultHttpContext();
        using var output = new MemoryStream();
        context.Response.Body = output;
        FuzzFixtures.RunSync(() => endpoint.HandleAsync(context, operation, FuzzFixtures.Caller, body));
        response = Encoding.UTF8.GetString(output.ToArray());
        return context.Response.StatusCode;
    }

    /// <summary>A key policy document: parsed, then evaluated for a caller of the owning account.</summary>
    public static void KmsKeyPolicy(ReadOnlySpan<byte> data)
    {
        KeyPolicyDocument document;
        try
        {
            document = KeyPolicyDocument.Parse(Encoding.UTF8.GetString(data));
        }
        catch (KmsException)
        {
            return;
        }
        var key = new Kms.Model.KmsKey
        {
            KeyId = FuzzFixtures.KeyId,
            AccountId = FuzzFixtures.Identity.AccountId,
            Region = FuzzFixtures.Region,
            CreationDate = FuzzFixtures.Now,
            Policy = "",
        };
        var context = EncryptionContext.From([new("purpose", "fuzz")]);
        _ = document.Evaluate(new AuthorizationRequest(FuzzFixtures.Caller, "s3.us-east-1.amazonaws.com", "kms:Decrypt", key, context));
    }

    /// <summary>A KMS ciphertext blob: header parsed, then opened under the fixture key (the Decrypt path).</summary>
    public static void KmsCiphertextBlob(ReadOnlySpan<byte> data)
    {
        _ = CiphertextBlob.TryParseHeader(data, out _, out _);
        using var backing = SecretBytes.CopyFrom(FuzzFixtures.KeyMaterial);
        try
        {
            using var plaintext = CiphertextBlob.Open(data, backing, EncryptionContext.Empty);
        }
        catch (KmsException)
        {
        }
    }

    public static void EnvelopeHeaderParse(ReadOnlySpan<byte> data)
    {
        try
        {
            _ = EnvelopeHeader.Parse(data);
        }
        catch (EnvelopeException)
        {
        }
    }

    /// <summary>
    /// A stored object body: the whole envelope, then a range from its middle, decrypted under the fixture key of the
    /// header's algorithm (one layer, or DSSE-KMS's two).
    /// </summary>
    public static void EnvelopeSegments(ReadOnlySpan<byte> data)
    {
        using var ciphertext = new MemoryStream(data.ToArray(), writable: false);
        using var plain = new MemoryStream();
        try
        {
            // As GetObject does: the plaintext length from the header and stored length, then ranges inside it.
            FuzzFixtures.RunSync(async () =>
            {
                var (header, length) = await EnvelopeReader.ReadHeaderAsync(ciphertext);
                using var key = FuzzFixtures.FixtureEnvelopeKey(header.Algorithm);
                await EnvelopeReader.DecryptRangeAsync(ciphertext, key, FuzzFixtures.Binding, 0, length, plain, length);
                await EnvelopeReader.DecryptRangeAsync(ciphertext, key, FuzzFixtures.Binding, length / 3, length / 2, plain, length);
            });
        }
        catch (EnvelopeException)
        {
        }
    }

    /// <summary>Everything an NBD client sends from connect on (the option haggling).</summary>
    public static void NbdHandshake(ReadOnlySpan<byte> data) => RunNbd(data.ToArray());

    /// <summary>Transmission-phase requests, after a valid handshake for the fixture export.</summary>
    public static void NbdRequests(ReadOnlySpan<byte> data) => RunNbd([.. FuzzFixtures.NbdHandshake(), .. data]);

    internal static long RunNbd(byte[] clientBytes)
    {
        using var stream = new FuzzFixtures.ScriptedClientStream(clientBytes);
        var connection = new NbdConnection(stream, new FuzzFixtures.MemoryExport(), CancellationToken.None);
        // RunAsync ends every connection-level failure itself; an exception out of it would kill the server's accept loop's task.
        FuzzFixtures.RunSync(connection.RunAsync);
        return stream.Written;
    }

    /// <summary>An EC2 Query form body, through the parameter parser and every typed reader the actions use.</summary>
    public static void Ec2Query(ReadOnlySpan<byte> data)
    {
        var request = new Ec2Request(Ec2Request.ParseParameters([], data.ToArray()));
        _ = request.String("Action");
        _ = request.List("VolumeId");
        _ = request.Filters();
        _ = request.TagList();
        try
        {
            // Tags that break EC2's rules are refused with InvalidParameterValue or TagLimitExceeded.
            _ = request.Tags("volume");
        }
        catch (Ec2Exception)
        {
        }
        try
        {
            _ = request.Int("Size");
        }
        catch (Ec2Exception)
        {
        }
        try
        {
            _ = request.Bool("Encrypted");
        }
        catch (Ec2Exception)
        {
        }
    }
}
