using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using SseSim.Core.Secrets;
using SseSim.Objects.Envelope;

namespace SseSim.Bench;

/// <summary>
/// The S3 object envelope in memory against raw AES-256-GCM over the same buffers in the same 64 KiB segments.
/// Two sizes so that allocation per segment can be read off exactly: (alloc(4 MiB) − alloc(64 KiB)) / 63 segments.
/// The *ToPipe cases write into a sink's own memory, as the server's sinks are (the GET response's BodyWriter, the PUT
/// body file's write-behind pipe); the Stream cases pay one extra copy into the MemoryStream per segment.
/// EnvelopeDecryptToPipe reads an envelope that is in memory, as an inline body's is (decrypted where it lies);
/// EnvelopeDecrypt reads through the chunked path that file bodies take (one read copy per segment).
/// </summary>
[MemoryDiagnoser]
public class EnvelopeBenchmarks
{
    private const int SegmentSize = EnvelopeFormat.DefaultSegmentSize;

    private readonly EnvelopeBinding _binding = new("bench-bucket", "bench/object.bin", "0123456789abcdef0123456789abcdef", 0);
    private SecretBytes _dataKey = null!;
    private byte[] _plain = [];
    private byte[] _envelope = [];
    private byte[] _cipherOut = [];
    private byte[] _plainOut = [];
    private MemoryStream _cipherSink = null!;
    private MemoryStream _envelopeSource = null!;
    private MemoryStream _envelopeInMemory = null!;
    private MemoryStream _plainSink = null!;
    private ArraySinkWriter _cipherPipe = null!;
    private ArraySinkWriter _plainPipe = null!;
    private AesGcm _raw = null!;
    private readonly byte[] _aad = new byte[EnvelopeFormat.HeaderLength];
    private readonly byte[] _nonce = new byte[EnvelopeFormat.NonceLength];
    private byte[] _rawCipher = [];

    [Params(64 * 1024, 4 * 1024 * 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _dataKey = SecretBytes.Random(32);
        _plain = RandomNumberGenerator.GetBytes(Size);
        var envelopeLength = (int)SegmentLayout.CiphertextLength(Size, SegmentSize);
        _cipherOut = new byte[envelopeLength];
        _cipherSink = new MemoryStream(_cipherOut, writable: true);
        await EnvelopeWriter.EncryptAsync(PipeReader.Create(new ReadOnlySequence<byte>(_plain)), _cipherSink, _dataKey, _binding);
        _envelope = _cipherOut.ToArray();
        _envelopeSource = new MemoryStream(_envelope, writable: false);
        _envelopeInMemory = new MemoryStream(_envelope, 0, _envelope.Length, writable: false, publiclyVisible: true);
        _plainOut = new byte[Size];
        _plainSink = new MemoryStream(_plainOut, writable: true);
        _cipherPipe = new ArraySinkWriter(_cipherOut);
        _plainPipe = new ArraySinkWriter(_plainOut);

        _raw = new AesGcm(RandomNumberGenerator.GetBytes(32), EnvelopeFormat.TagLength);
        RandomNumberGenerator.Fill(_aad);
        _rawCipher = new byte[envelopeLength];
        RawEncrypt();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _raw.Dispose();
        _dataKey.Dispose();
    }

    [Benchmark]
    public async Task<long> EnvelopeEncrypt()
    {
        _cipherSink.Position = 0;
        var r = await EnvelopeWriter.EncryptAsync(PipeReader.Create(new ReadOnlySequence<byte>(_plain)), _cipherSink, _dataKey, _binding);
        return r.CiphertextLength;
    }

    [Benchmark]
    public async Task<long> EnvelopeDecrypt()
    {
        _plainSink.Position = 0;
        return await EnvelopeReader.DecryptRangeAsync(_envelopeSource, _dataKey, _binding, 0, Size, _plainSink);
    }

    [Benchmark]
    public async Task<long> EnvelopeEncryptToPipe()
    {
        _cipherPipe.Reset();
        var r = await EnvelopeWriter.EncryptAsync(PipeReader.Create(new ReadOnlySequence<byte>(_plain)), _cipherPipe, _dataKey, _binding);
        return r.CiphertextLength;
    }

    [Benchmark]
    public async Task<long> EnvelopeDecryptToPipe()
    {
        _plainPipe.Reset();
        return await EnvelopeReader.DecryptRangeAsync(_envelopeInMemory, _dataKey, _binding, 0, Size, _plainPipe);
    }

    /// <summary>The floor: AES-GCM straight from the plaintext buffer into the ciphertext buffer, no copies, no KDF.</summary>
    [Benchmark]
    public int RawAesGcmEncrypt() => RawEncrypt();

    [Benchmark]
    public int RawAesGcmDecrypt()
    {
        var o = EnvelopeFormat.HeaderLength;
        var p = 0;
        for (var i = 0; p < Size; i++)
        {
            var n = Math.Min(SegmentSize, Size - p);
            WriteNonce(i, p + n == Size);
            _raw.Decrypt(_nonce, _rawCipher.AsSpan(o, n), _rawCipher.AsSpan(o + n, EnvelopeFormat.TagLength), _plainOut.AsSpan(p, n), _aad);
            o += n + EnvelopeFormat.TagLength;
            p += n;
        }
        return p;
    }

    private int RawEncrypt()
    {
        var o = EnvelopeFormat.HeaderLength;
        var p = 0;
        for (var i = 0; p < Size; i++)
        {
            var n = Math.Min(SegmentSize, Size - p);
            WriteNonce(i, p + n == Size);
            _raw.Encrypt(_nonce, _plain.AsSpan(p, n), _rawCipher.AsSpan(o, n), _rawCipher.AsSpan(o + n, EnvelopeFormat.TagLength), _aad);
            o += n + EnvelopeFormat.TagLength;
            p += n;
        }
        return o;
    }

    private void WriteNonce(int index, bool last)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_nonce.AsSpan(7), (uint)index);
        _nonce[11] = last ? (byte)1 : (byte)0;
    }
}

/// <summary>A sink that hands out its own memory (a fixed array) and never copies, like Kestrel's response writer.</summary>
internal sealed class ArraySinkWriter(byte[] target) : PipeWriter
{
    private int _position;

    public void Reset() => _position = 0;

    public override void Advance(int bytes) => _position += bytes;

    public override Memory<byte> GetMemory(int sizeHint = 0) => target.AsMemory(_position);

    public override Span<byte> GetSpan(int sizeHint = 0) => target.AsSpan(_position);

    public override void CancelPendingFlush()
    {
    }

    public override void Complete(Exception? exception = null)
    {
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => new(new FlushResult(false, false));
}
