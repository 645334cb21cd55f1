using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using SseSim.Core.Crypto;
using SseSim.Kms;
using SseSim.Objects.Envelope;
using SseSim.Objects.Sse;
using SseSim.Server.Auth;

namespace SseSim.Fuzz;

/// <summary>
/// Valid inputs for every target, built against the fixtures (signatures, ciphertexts and envelopes are real).
/// <c>dotnet run --project src/SseSim.Fuzz -- seeds DIR</c> writes them; the checked-in copy lives in
/// tests/SseSim.Fuzz.Tests/corpus.
/// </summary>
public static class SeedCorpus
{
    public static readonly byte[] EnvelopePlaintext = [.. Enumerable.Range(0, 200).Select(i => (byte)(i * 7))];

    private const string TaggingXml =
        "<Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TagSet><Tag><Key>project</Key><Value>blue sky</Value></Tag><Tag><Key>empty</Key><Value></Value></Tag><Tag><Key>키 _.:/=+-@</Key><Value>값</Value></Tag></TagSet></Tagging>";

    private const string TaggingHeader = "project=blue+sky&empty=&bare&%ED%82%A4%20_.%3A%2F%3D%2B-%40=%EA%B0%92";

    public static IEnumerable<(string Target, IReadOnlyList<(string Name, byte[] Bytes)> Seeds)> All()
    {
        yield return (nameof(FuzzTargets.SigV4Header), [
            ("s3-get.txt", Signed("GET /fuzz-bucket/fuzz/key?list-type=2&prefix=a%20b", "s3", "UNSIGNED-PAYLOAD", [])),
            ("kms-post.txt", Signed("POST /", "kms", Hex(SHA256.HashData("{}"u8)), [("content-type", "application/x-amz-json-1.1"), ("x-amz-target", "TrentService.ListKeys")])),
        ]);
        yield return (nameof(FuzzTargets.SigV4Presigned), [("s3-presigned.txt", Presigned("GET /fuzz-bucket/fuzz/key", 3600))]);
        yield return (nameof(FuzzTargets.AwsChunked), [
            ("unsigned-trailer.bin", [0, .. Chunked([Encoding.ASCII.GetBytes("hello, "), Encoding.ASCII.GetBytes("chunked world")], signed: false, trailer: true)]),
            ("signed.bin", [1, .. Chunked([new byte[100], Encoding.ASCII.GetBytes("tail")], signed: true, trailer: false)]),
            ("signed-trailer.bin", [2, .. Chunked([Encoding.ASCII.GetBytes("abc"), Encoding.ASCII.GetBytes("defgh")], signed: true, trailer: true)]),
        ]);
        yield return (nameof(FuzzTargets.S3CompleteMultipartUpload), [Text("complete.xml",
            "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Part><PartNumber>1</PartNumber><ETag>\"0123456789abcdef0123456789abcdef\"</ETag></Part><Part><PartNumber>2</PartNumber><ETag>\"fedcba9876543210fedcba9876543210\"</ETag><ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part></CompleteMultipartUpload>")]);
        yield return (nameof(FuzzTargets.S3DeleteObjects), [Text("delete.xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete><Quiet>true</Quiet><Object><Key>a/b.txt</Key></Object><Object><Key>c &amp; d</Key><VersionId>null</VersionId></Object></Delete>")]);
        yield return (nameof(FuzzTargets.S3BucketEncryption), [
            Text("kms.xml", "<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm><KMSMasterKeyID>alias/fuzz</KMSMasterKeyID></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>true</BucketKeyEnabled><BlockedEncryptionTypes><EncryptionType>SSE-C</EncryptionType></BlockedEncryptionTypes></Rule></ServerSideEncryptionConfiguration>"),
        ]);
        yield return (nameof(FuzzTargets.S3Tagging), [Text("tagging.xml", TaggingXml)]);
        yield return (nameof(FuzzTargets.S3TaggingHeader), [Text("header.txt", TaggingHeader)]);
        yield return (nameof(FuzzTargets.S3BucketPolicy), [Text("deny-unencrypted.json", """
            {"Version":"2012-10-17","Statement":[{"Sid":"DenyUnencrypted","Effect":"Deny","Principal":"*","Action":"s3:PutObject",
             "Resource":"arn:aws:s3:::fuzz-bucket/*","Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"},
             "Bool":{"aws:SecureTransport":"false"},"Null":{"s3:x-amz-server-side-encryption-aws-kms-key-id":"true"}}}]}
            """)]);
        var blob = Convert.ToBase64String(FuzzFixtures.SealBlob("secret"u8, EncryptionContext.Empty));
        yield return (nameof(FuzzTargets.KmsRequest), [
            Text("encrypt.txt", $"Encrypt\n{{\"KeyId\":\"{FuzzFixtures.KeyAlias}\",\"Plaintext\":\"aGVsbG8=\",\"EncryptionContext\":{{\"a\":\"b\"}}}}"),
            Text("decrypt.txt", $"Decrypt\n{{\"CiphertextBlob\":\"{blob}\"}}"),
            Text("generate-data-key.txt", $"GenerateDataKey\n{{\"KeyId\":\"{FuzzFixtures.KeyId}\",\"KeySpec\":\"AES_256\"}}"),
            Text("create-key.txt", "CreateKey\n{\"KeySpec\":\"HMAC_256\",\"KeyUsage\":\"GENERATE_VERIFY_MAC\",\"Tags\":[{\"TagKey\":\"k\",\"TagValue\":\"v\"}]}"),
            Text("create-grant.txt", $"CreateGrant\n{{\"KeyId\":\"{FuzzFixtures.KeyId}\",\"GranteePrincipal\":\"arn:aws:iam::000000000000:role/r\",\"Operations\":[\"Decrypt\"],\"Constraints\":{{\"EncryptionContextSubset\":{{\"a\":\"b\"}}}}}}"),
            Text("put-key-policy.txt", $"PutKeyPolicy\n{{\"KeyId\":\"{FuzzFixtures.KeyId}\",\"PolicyName\":\"default\",\"Policy\":{System.Text.Json.JsonSerializer.Serialize(KeyPolicies.Default("000000000000"))}}}"),
            Text("re-encrypt.txt", $"ReEncrypt\n{{\"CiphertextBlob\":\"{blob}\",\"DestinationKeyId\":\"{FuzzFixtures.KeyAlias}\"}}"),
            Text("list-aliases.txt", "ListAliases\n{\"Limit\":10}"),
        ]);
        yield return (nameof(FuzzTargets.KmsKeyPolicy), [
            Text("default.json", KeyPolicies.Default("000000000000")),
            Text("conditions.json", """
                {"Version":"2012-10-17","Statement":[{"Sid":"s3","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::000000000000:root","*"]},
                 "Action":["kms:Decrypt","kms:GenerateDataKey*"],"Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com",
                 "kms:EncryptionContext:purpose":"fuzz"},"ForAnyValue:StringLike":{"kms:EncryptionContextKeys":["pur*"]},"Bool":{"kms:GrantIsForAWSResource":"true"}}},
                 {"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::000000000000:user/x"},"NotAction":"kms:Describe*","Resource":"*"}]}
                """),
        ]);
        yield return (nameof(FuzzTargets.KmsCiphertextBlob), [
            ("blob.bin", FuzzFixtures.SealBlob("a data key, 32 bytes long......."u8, EncryptionContext.Empty)),
        ]);
        yield return (nameof(FuzzTargets.EnvelopeHeaderParse), [("header.bin", EnvelopeHeader.Create(64 * 1024, new byte[32], new byte[7]).Bytes.ToArray())]);
        yield return (nameof(FuzzTargets.EnvelopeSegments), [
            ("four-segments.bin", Envelope(EnvelopePlaintext, 64)),
            ("empty.bin", Envelope([], 64)),
            ("dual-layer-four-segments.bin", Envelope(EnvelopePlaintext, 64, EnvelopeFormat.AlgorithmDualLayer)),
        ]);
        yield return (nameof(FuzzTargets.NbdHandshake), [
            ("go.bin", NbdHandshakeWithGo()),
            ("export-name.bin", [.. FuzzFixtures.NbdHandshake(), .. NbdRequest(2, 0, 0, 0)]),
            ("structured-block-status.bin", NbdHandshakeStructured()),
        ]);
        yield return (nameof(FuzzTargets.NbdRequests), [
            ("write-read.bin", [.. NbdRequest(1, 1, 4096, 8, new byte[8] { 1, 2, 3, 4, 5, 6, 7, 8 }), .. NbdRequest(0, 2, 4096, 8),
                .. NbdRequest(3, 3, 0, 0), .. NbdRequest(4, 4, 0, 4096), .. NbdRequest(6, 5, 8192, 512), .. NbdRequest(2, 6, 0, 0)]),
        ]);
        yield return (nameof(FuzzTargets.Ec2Query), [
            Text("create-volume.txt", "Action=CreateVolume&Version=2016-11-15&AvailabilityZone=us-east-1a&Size=8&Encrypted=true&KmsKeyId=alias%2Ffuzz&TagSpecification.1.ResourceType=volume&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=fuzz"),
            Text("describe-volumes.txt", "Action=DescribeVolumes&Version=2016-11-15&VolumeId.1=vol-1&VolumeId.2=vol-2&Filter.1.Name=status&Filter.1.Value.1=available&Filter.1.Value.2=in-use"),
        ]);
    }

    private static (string, byte[]) Text(string name, string text) => (name, Encoding.UTF8.GetBytes(text));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static byte[] Signed(string requestLine, string service, string payloadHash, (string Name, string Value)[] extra)
    {
        var headers = new List<(string Name, string Value)> { ("host", "localhost:4566"), ("x-amz-content-sha256", payloadHash), ("x-amz-date", FuzzFixtures.AmzDate) };
        headers.AddRange(extra);
        headers.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        var signedHeaders = string.Join(';', headers.Select(h => h.Name));
        var text = requestLine + "\n" + string.Concat(headers.Select(h => $"{h.Name}: {h.Value}\n"));
        var signature = Sign(text, signedHeaders, payloadHash, presigned: false, service);
        return Encoding.UTF8.GetBytes(text + $"authorization: AWS4-HMAC-SHA256 Credential={FuzzFixtures.Identity.AccessKeyId}/{FuzzFixtures.Date}/{FuzzFixtures.Region}/{service}/aws4_request, SignedHeaders={signedHeaders}, Signature={signature}\n");
    }

    internal static byte[] Presigned(string requestLine, int expires)
    {
        var credential = Uri.EscapeDataString($"{FuzzFixtures.Identity.AccessKeyId}/{FuzzFixtures.Date}/{FuzzFixtures.Region}/s3/aws4_request");
        var line = $"{requestLine}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={credential}&X-Amz-Date={FuzzFixtures.AmzDate}&X-Amz-Expires={expires}&X-Amz-SignedHeaders=host";
        var text = line + "\nhost: localhost:4566\n";
        var signature = Sign(text, "host", "UNSIGNED-PAYLOAD", presigned: true, "s3");
        return Encoding.UTF8.GetBytes(text.Replace(line, line + "&X-Amz-Signature=" + signature, StringComparison.Ordinal));
    }

    private static string Sign(string text, string signedHeaders, string payloadHash, bool presigned, string service)
    {
        var request = FuzzFixtures.ParseRequest(text).Request;
        var canonical = SigV4Verifier.CanonicalRequest(request, signedHeaders, payloadHash, presigned, service);
        var stringToSign = $"AWS4-HMAC-SHA256\n{FuzzFixtures.AmzDate}\n{FuzzFixtures.Date}/{FuzzFixtures.Region}/{service}/aws4_request\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        return Hex(HMACSHA256.HashData(FuzzFixtures.SigningKey(service), Encoding.UTF8.GetBytes(stringToSign)));
    }

    /// <summary>aws-chunked framing as the AWS SDKs write it, with the chunk and trailer signature chain.</summary>
    public static byte[] Chunked(IReadOnlyList<byte[]> chunks, bool signed, bool trailer)
    {
        const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        var key = FuzzFixtures.SigningKey("s3");
        var scope = $"{FuzzFixtures.Date}/{FuzzFixtures.Region}/s3/aws4_request";
        var previous = FuzzFixtures.SeedSignature;
        using var output = new MemoryStream();
        using var crc = new FlexibleChecksum("CRC32");
        void Write(string s) => output.Write(Encoding.ASCII.GetBytes(s));
        foreach (var chunk in chunks.Append([]))
        {
            crc.Append(chunk);
            if (signed)
            {
                var sts = $"AWS4-HMAC-SHA256-PAYLOAD\n{FuzzFixtures.AmzDate}\n{scope}\n{previous}\n{EmptySha256}\n{Hex(SHA256.HashData(chunk))}";
                previous = Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(sts)));
                Write($"{chunk.Length:x};chunk-signature={previous}\r\n");
            }
            else
            {
                Write($"{chunk.Length:x}\r\n");
            }
            output.Write(chunk);
            if (chunk.Length > 0)
            {
                Write("\r\n");
            }
        }
        if (trailer)
        {
            var line = $"x-amz-checksum-crc32:{crc.GetBase64()}";
            Write(line + "\r\n");
            if (signed)
            {
                var sts = $"AWS4-HMAC-SHA256-TRAILER\n{FuzzFixtures.AmzDate}\n{scope}\n{previous}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(line + "\n")))}";
                Write($"x-amz-trailer-signature:{Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(sts)))}\r\n");
            }
        }
        Write("\r\n");
        return output.ToArray();
    }

    private static byte[] Envelope(byte[] plaintext, int segmentSize, byte algorithm = EnvelopeFormat.AlgorithmAes256GcmHkdfSha256)
    {
        using var key = FuzzFixtures.FixtureEnvelopeKey(algorithm);
        using var output = new MemoryStream();
        var header = EnvelopeHeader.Create(segmentSize, Enumerable.Repeat((byte)0x5a, 32).ToArray(), [1, 2, 3, 4, 5, 6, 7], algorithm);
        FuzzFixtures.RunSync(() => EnvelopeWriter.EncryptAsync(new MemoryStream(plaintext), output, key, FuzzFixtures.Binding,
            new EnvelopeWriteOptions { SegmentSize = segmentSize, Header = header }));
        return output.ToArray();
    }

    private static byte[] NbdOption(uint option, byte[] data)
    {
        var bytes = new byte[16 + data.Length];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, 0x49484156454F5054);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(8), option);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(12), (uint)data.Length);
        data.CopyTo(bytes, 16);
        return bytes;
    }

    private static byte[] NbdHandshakeWithGo()
    {
        var name = Encoding.UTF8.GetBytes(FuzzFixtures.ExportName);
        var go = new byte[4 + name.Length + 2 + 2];
        BinaryPrimitives.WriteUInt32BigEndian(go, (uint)name.Length);
        name.CopyTo(go, 4);
        BinaryPrimitives.WriteUInt16BigEndian(go.AsSpan(4 + name.Length), 1);
        BinaryPrimitives.WriteUInt16BigEndian(go.AsSpan(6 + name.Length), 3); // NBD_INFO_BLOCK_SIZE
        return [0, 0, 0, 3, .. NbdOption(3, []), .. NbdOption(6, go), .. NbdOption(99, [1, 2]), .. NbdOption(7, go), .. NbdRequest(2, 0, 0, 0)];
    }

    /// <summary>Structured replies and base:allocation negotiated, then GO, a BLOCK_STATUS, a READ and DISC.</summary>
    private static byte[] NbdHandshakeStructured()
    {
        var name = Encoding.UTF8.GetBytes(FuzzFixtures.ExportName);
        var query = "base:allocation"u8.ToArray();
        var meta = new byte[4 + name.Length + 4 + 4 + query.Length];
        BinaryPrimitives.WriteUInt32BigEndian(meta, (uint)name.Length);
        name.CopyTo(meta, 4);
        BinaryPrimitives.WriteUInt32BigEndian(meta.AsSpan(4 + name.Length), 1);
        BinaryPrimitives.WriteUInt32BigEndian(meta.AsSpan(8 + name.Length), (uint)query.Length);
        query.CopyTo(meta, 12 + name.Length);
        var go = new byte[4 + name.Length + 2];
        BinaryPrimitives.WriteUInt32BigEndian(go, (uint)name.Length);
        name.CopyTo(go, 4);
        return [0, 0, 0, 3, .. NbdOption(8, []), .. NbdOption(9, meta), .. NbdOption(10, meta), .. NbdOption(7, go),
            .. NbdRequest(7, 1, 0, 65536), .. NbdRequest(0, 2, 4096, 8), .. NbdRequest(2, 3, 0, 0)];
    }

    public static byte[] NbdRequest(ushort type, ulong handle, ulong offset, uint length, byte[]? payload = null)
    {
        var bytes = new byte[28 + (payload?.Length ?? 0)];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, 0x25609513);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(6), type);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(8), handle);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(16), offset);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(24), length);
        payload?.CopyTo(bytes, 28);
        return bytes;
    }
}
