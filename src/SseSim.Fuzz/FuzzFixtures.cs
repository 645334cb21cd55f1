using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using SseSim.Core.Aws;
using SseSim.Core.Crypto;
using SseSim.Core.Secrets;
using SseSim.Core.Storage;
using SseSim.Kms;
using SseSim.Kms.Crypto;
using SseSim.Nbd;
using SseSim.Objects.Envelope;
using SseSim.Server.Auth;

namespace SseSim.Fuzz;

/// <summary>
/// Fixed inputs shared by the targets and the seed corpus, so a seed stays valid and a crash replays exactly:
/// one clock, one identity, one KMS key with fixed material, one data key, one NBD export.
/// </summary>
internal static class FuzzFixtures
{
    public const string AmzDate = "20261128T000000Z";
    public const string Date = "20261128";
    public const string Region = "us-east-1";
    public const string KeyId = "1234abcd-12ab-34cd-56ef-1234567890ab";
    public const string KeyAlias = "alias/fuzz";
    public const string ExportName = "vol-0123456789abcdef0";
    public const int ExportSize = 64 * 1024;
    /// <summary>The signature the aws-chunked chain starts from (the request's own, in real traffic).</summary>
    public const string SeedSignature = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";

    public static readonly DateTimeOffset Now = new(2026, 11, 28, 0, 0, 0, TimeSpan.Zero);
    public static readonly Identity Identity = IdentityRegistry.Default;
    public static readonly IdentityRegistry Identities = new([]);
    public static readonly SigV4Verifier Verifier = new(Identities, new FixedTime());
    public static readonly byte[] KeyMaterial = SHA256.HashData("sseSim-fuzz-kms-key"u8);
    public static readonly byte[] DataKey = SHA256.HashData("sseSim-fuzz-data-key"u8);
    public static readonly byte[] OuterLayerKey = SHA256.HashData("sseSim-fuzz-outer-layer-key"u8);
    public static readonly string MaterialId = Convert.ToHexStringLower(SHA256.HashData([.. Encoding.UTF8.GetBytes(KeyId), .. KeyMaterial]));
    public static readonly EnvelopeBinding Binding = new("fuzz-bucket", "fuzz/key", "0123456789abcdef", 0);

    public static Caller Caller => new(Identity, Region);

    public static byte[] SigningKey(string service) => Verifier.SigningKey(Identity.SecretAccessKey, Date, Region, service);

    public sealed class FixedTime : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>
    /// The text form of an HTTP request the SigV4 targets read: "METHOD target" then "name: value" lines.
    /// Unlike Kestrel it lets through anything, so the verifier sees worse than a real server would hand it.
    /// </summary>
    public static HttpContext ParseRequest(string text)
    {
        var context = new DefaultHttpContext();
        var feature = context.Features.Get<IHttpRequestFeature>()!;
        var lines = text.Split('\n');
        var first = lines[0].TrimEnd('\r');
        var space = first.IndexOf(' ', StringComparison.Ordinal);
        feature.Method = space < 0 ? "GET" : first[..space];
        var target = space < 0 ? first : first[(space + 1)..];
        if (!target.StartsWith('/'))
        {
            target = "/" + target;
        }
        feature.RawTarget = target;
        var q = target.IndexOf('?', StringComparison.Ordinal);
        feature.Path = Uri.UnescapeDataString(q < 0 ? target : target[..q]);
        feature.QueryString = q < 0 ? "" : target[q..];
        foreach (var raw in lines.Skip(1))
        {
            var line = raw.TrimEnd('\r');
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            context.Request.Headers.Append(name, value);
        }
        return context;
    }

    /// <summary>A fresh embedded KMS with the fixture key and alias (fresh per input, so a crash replays alone).</summary>
    public static KmsService NewKms()
    {
        var kms = new KmsService(new KmsOptions { QuotasEnabled = false, Region = Region }, new InMemoryStorageProvider(), new RootKey(SecretBytes.CopyFrom(SHA256.HashData("sseSim-fuzz-root"u8))), new FixedTime());
        RunSync(() => KmsSeeding.ApplyAsync(kms, [new SeedKey { KeyId = KeyId, Aliases = [KeyAlias], KeyMaterial = Convert.ToBase64String(KeyMaterial) }], Identity.AccountId));
        return kms;
    }

    /// <summary>The bytes an NBD client sends to negotiate <see cref="ExportName"/> with NBD_OPT_EXPORT_NAME.</summary>
    public static byte[] NbdHandshake()
    {
        var name = Encoding.UTF8.GetBytes(ExportName);
        var bytes = new byte[4 + 16 + name.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, 3); // FIXED_NEWSTYLE | NO_ZEROES
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(4), 0x49484156454F5054);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(12), 1);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(16), (uint)name.Length);
        name.CopyTo(bytes, 20);
        return bytes;
    }

    /// <summary>An in-memory NBD export: the protocol layer is what is fuzzed, not the volume behind it.</summary>
    public sealed class MemoryExport : INbdExport, INbdExportProvider
    {
        private readonly byte[] _data = new byte[ExportSize];

        public string Name => ExportName;
        public long Size => _data.Length;
        public bool IsReadOnly => false;
        public CancellationToken Closed => CancellationToken.None;

        public ValueTask ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken)
        {
            CheckBounds(offset, destination.Length);
            _data.AsMemory((int)offset, destination.Length).CopyTo(destination);
            return ValueTask.CompletedTask;
        }

        public ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> source, bool fua, CancellationToken cancellationToken)
        {
            CheckBounds(offset, source.Length);
            source.CopyTo(_data.AsMemory((int)offset));
            return ValueTask.CompletedTask;
        }

        public ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask TrimAsync(long offset, long length, bool fua, CancellationToken cancellationToken) => WriteZeroesAsync(offset, length, fua, cancellationToken);

        public ValueTask WriteZeroesAsync(long offset, long length, bool fua, CancellationToken cancellationToken)
        {
            CheckBounds(offset, length);
            _data.AsSpan((int)offset, (int)length).Clear();
            return ValueTask.CompletedTask;
        }

        public INbdExport? Find(string name) => name == ExportName ? this : null;

        public IReadOnlyList<string> List() => [ExportName];

        // The server promises bounds-checked requests (INbdExport); a violation is a server bug, so it must crash.
        private static void CheckBounds(long offset, long length)
        {
            if (offset < 0 || length < 0 || offset + length > ExportSize)
            {
                throw new InvalidOperationException($"NBD server passed an out-of-bounds request: {offset}+{length}");
            }
        }
    }

    /// <summary>Input from a byte array, output counted and dropped: a client that sends its bytes and hangs up.</summary>
    public sealed class ScriptedClientStream(byte[] input) : Stream
    {
        private readonly MemoryStream _input = new(input, writable: false);

        public long Written { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => _input.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Written += count;

        // Synchronous on purpose: Stream's default async methods queue to the thread pool.
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(_input.Read(buffer.Span));

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Written += buffer.Length;
            return ValueTask.CompletedTask;
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>
    /// Runs async code to completion without the caller's SynchronizationContext (xunit's would funnel every
    /// continuation through its few threads and make each execution tens of milliseconds).
    /// </summary>
    public static T RunSync<T>(Func<Task<T>> work)
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            return work().GetAwaiter().GetResult();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    public static void RunSync(Func<Task> work) => RunSync(async () =>
    {
        await work();
        return 0;
    });

    public static SecretBytes FixtureDataKey() => SecretBytes.CopyFrom(DataKey);

    /// <summary>The fixture key an envelope of <paramref name="algorithm"/> opens with: the data key, then (DSSE-KMS, 0x02) the outer layer's key after it.</summary>
    public static SecretBytes FixtureEnvelopeKey(byte algorithm) =>
        algorithm == EnvelopeFormat.AlgorithmDualLayer ? SecretBytes.CopyFrom([.. DataKey, .. OuterLayerKey]) : FixtureDataKey();

    public static byte[] SealBlob(ReadOnlySpan<byte> plaintext, EncryptionContext context)
    {
        using var backing = SecretBytes.CopyFrom(KeyMaterial);
        return CiphertextBlob.Seal(plaintext, KeyId, MaterialId, backing, context);
    }
}
