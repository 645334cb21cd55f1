using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using SseSim.Core.Secrets;
using SseSim.Objects.Envelope;
using static SseSim.Objects.Tests.TestUtil;

namespace SseSim.Objects.Tests.Envelope;

/// <summary>
/// Algorithm 0x02, DSSE-KMS's two independent layers (docs/formats/object-envelope.md#dual-layer-dsse-kms). The segment
/// rules both algorithms share (ranges, truncation, segment order, binding, release) are theories in <see cref="EnvelopeTests"/>.
/// </summary>
public class DualLayerEnvelopeTests
{
    private const int Small = 16;

    internal static SecretBytes DualKey(byte inner = 7, byte outer = 9)
    {
        var k = new SecretBytes(64);
        k.UnsafeExposeWritable()[..32].Fill(inner);
        k.UnsafeExposeWritable()[32..].Fill(outer);
        return k;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(65536)]
    [InlineData(65537)]
    [InlineData((3 * 1024 * 1024) + 7)]
    public async Task Round_trips_with_two_tags_per_segment(int size)
    {
        using var key = DualKey();
        var plain = Pattern(size);
        var cipher = await EncryptAsync(plain, key, Binding());
        Assert.Equal(0x02, cipher[5]);
        Assert.Equal(SegmentLayout.CiphertextLength(size, 65536, 32), cipher.Length);
        Assert.Equal(plain, await DecryptAsync(cipher, key, Binding()));
        if (size > 0)
        {
            var offset = Math.Max(0, size - 70000);
            Assert.Equal(plain[offset..], await DecryptAsync(cipher, key, Binding(), offset));
        }
    }

    [Fact]
    public async Task A_flipped_bit_anywhere_in_either_layer_is_detected()
    {
        using var key = DualKey();
        var cipher = await EncryptAsync(Pattern(100), key, Binding(), Small);
        for (var pos = 0; pos < cipher.Length; pos++)
        {
            for (var bit = 0; bit < 8; bit += 3)
            {
                var tampered = (byte[])cipher.Clone();
                tampered[pos] ^= (byte)(1 << bit);
                var ex = await Assert.ThrowsAnyAsync<Exception>(() => DecryptAsync(tampered, key, Binding()));
                Assert.True(ex is EnvelopeException, $"byte {pos}: {ex.GetType()}");
            }
        }
    }

    [Fact]
    public async Task An_inner_layer_resealed_under_a_valid_outer_layer_is_still_detected()
    {
        // Someone holding the outer key only (S3's layer) can strip and re-seal the outer layer, but cannot change the
        // inner ciphertext undetected: the layers authenticate independently.
        using var key = DualKey();
        var plain = Pattern(Small * 2);
        var cipher = await EncryptAsync(plain, key, Binding(), Small);
        var header = EnvelopeHeader.Parse(cipher);
        var outerKey = OuterContentKey(key, header, Binding());
        using var outer = new AesGcm(outerKey, 16);
        var nonce = header.NoncePrefix.ToArray().Concat(new byte[] { 0, 0, 0, 0, 0 }).ToArray();
        var inner = new byte[Small + 16];
        outer.Decrypt(nonce, cipher.AsSpan(52, Small + 16), cipher.AsSpan(52 + Small + 16, 16), inner, cipher.AsSpan(0, 52));
        inner[3] ^= 1; // tamper with the inner ciphertext
        outer.Encrypt(nonce, inner, cipher.AsSpan(52, Small + 16), cipher.AsSpan(52 + Small + 16, 16), cipher.AsSpan(0, 52));
        var ex = await Assert.ThrowsAsync<EnvelopeException>(() => DecryptAsync(cipher, key, Binding()));
        Assert.Equal(EnvelopeErrorKind.AuthenticationFailed, ex.Kind);
    }

    [Fact]
    public async Task Each_layer_key_is_needed()
    {
        using var key = DualKey(7, 9);
        var plain = Pattern(40);
        var cipher = await EncryptAsync(plain, key, Binding(), Small);
        using var wrongInner = DualKey(8, 9);
        using var wrongOuter = DualKey(7, 10);
        using var swapped = DualKey(9, 7);
        await Assert.ThrowsAsync<EnvelopeException>(() => DecryptAsync(cipher, wrongInner, Binding()));
        await Assert.ThrowsAsync<EnvelopeException>(() => DecryptAsync(cipher, wrongOuter, Binding()));
        await Assert.ThrowsAsync<EnvelopeException>(() => DecryptAsync(cipher, swapped, Binding()));
    }

    [Fact]
    public async Task A_single_layer_key_cannot_open_a_dual_layer_envelope_or_the_reverse()
    {
        using var dual = DualKey();
        using var single = Key();
        var plain = Pattern(40);
        var dualCipher = await EncryptAsync(plain, dual, Binding(), Small);
        var singleCipher = await EncryptAsync(plain, single, Binding(), Small);
        Assert.Equal(0x01, singleCipher[5]);
        Assert.Equal(EnvelopeErrorKind.AuthenticationFailed, (await Assert.ThrowsAsync<EnvelopeException>(() => DecryptAsync(dualCipher, single, Binding()))).Kind);
        Assert.Equal(EnvelopeErrorKind.AuthenticationFailed, (await Assert.ThrowsAsync<EnvelopeException>(() => DecryptAsync(singleCipher, dual, Binding()))).Kind);

        // Relabelling the algorithm byte changes the AAD of every segment, and the lengths no longer add up.
        var relabelled = (byte[])singleCipher.Clone();
        relabelled[5] = 0x02;
        await Assert.ThrowsAsync<EnvelopeException>(() => DecryptAsync(relabelled, dual, Binding()));
    }

    [Theory]
    [InlineData(Small * 3)]
    [InlineData((Small * 3) + 5)]
    [InlineData(0)]
    public async Task Contiguous_input_and_a_pipe_sink_give_the_same_envelope(int size)
    {
        var header = EnvelopeHeader.Create(Small, new byte[32], new byte[7], EnvelopeFormat.AlgorithmDualLayer);
        using var key = DualKey();
        var plain = Pattern(size);
        var options = new EnvelopeWriteOptions { SegmentSize = Small, Header = header };
        using var pieces = new MemoryStream();
        await EnvelopeWriter.EncryptAsync(new OneByteStream(new MemoryStream(plain)), pieces, key, Binding(), options);
        var sink = new Pipe();
        await EnvelopeWriter.EncryptAsync(PipeReader.Create(new ReadOnlySequence<byte>(plain)), sink.Writer, key, Binding(), options);
        await sink.Writer.CompleteAsync();
        var read = await sink.Reader.ReadAsync();
        Assert.Equal(pieces.ToArray(), read.Buffer.ToArray());
        Assert.Equal(plain, await DecryptAsync(read.Buffer.ToArray(), key, Binding()));
    }

    [Fact]
    public async Task A_header_whose_algorithm_does_not_fit_the_key_is_refused_by_the_writer()
    {
        using var key = DualKey();
        var header = EnvelopeHeader.Create(Small, new byte[32], new byte[7]);
        await Assert.ThrowsAsync<ArgumentException>(() => EnvelopeWriter.EncryptAsync(new MemoryStream([1]), new MemoryStream(), key, Binding(),
            new EnvelopeWriteOptions { SegmentSize = Small, Header = header }));
    }

    [Fact]
    public async Task Golden_vector_pins_dual_layer_derivation()
    {
        var salt = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var prefix = new byte[] { 0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6 };
        var header = EnvelopeHeader.Create(16, salt, prefix, EnvelopeFormat.AlgorithmDualLayer);
        using var key = DualKey(0x42, 0x24);
        var plain = "hello, two layers"u8.ToArray(); // 17 bytes: one full segment and a 1-byte last one
        using var output = new MemoryStream();
        var binding = new EnvelopeBinding("b", "k", "v", 0);
        await EnvelopeWriter.EncryptAsync(new MemoryStream(plain), output, key, binding, new EnvelopeWriteOptions { SegmentSize = 16, Header = header });
        var cipher = output.ToArray();
        Assert.Equal("5353454F" + "01" + "02" + "0000" + "00000010" + Convert.ToHexString(salt) + "A0A1A2A3A4A5A6" + "00", Convert.ToHexString(cipher[..52]));
        Assert.Equal(52 + 16 + 32 + 1 + 32, cipher.Length);

        // Independent re-derivation from the spec text (docs/formats/object-envelope.md#dual-layer-keys).
        byte[] Info(ReadOnlySpan<byte> label) => [.. label, 0x00, 0x02, 0x00, 0x01, (byte)'b', 0x00, 0x01, (byte)'k', 0x00, 0x01, (byte)'v', 0, 0, 0, 0];
        var ckInner = HKDF.DeriveKey(HashAlgorithmName.SHA256, Enumerable.Repeat((byte)0x42, 32).ToArray(), 32, salt, Info("SseSim/object-envelope/v1"u8));
        var ckOuter = HKDF.DeriveKey(HashAlgorithmName.SHA256, Enumerable.Repeat((byte)0x24, 32).ToArray(), 32, salt, Info("SseSim/object-envelope-outer/v1"u8));
        using var inner = new AesGcm(ckInner, 16);
        using var outer = new AesGcm(ckOuter, 16);
        byte[] OpenSegment(int at, int length, byte index, byte last)
        {
            byte[] nonce = [.. prefix, 0, 0, 0, index, last];
            var middle = new byte[length + 16];
            outer.Decrypt(nonce, cipher.AsSpan(at, length + 16), cipher.AsSpan(at + length + 16, 16), middle, cipher.AsSpan(0, 52));
            var p = new byte[length];
            inner.Decrypt(nonce, middle.AsSpan(0, length), middle.AsSpan(length, 16), p, cipher.AsSpan(0, 52));
            return p;
        }
        Assert.Equal(plain, OpenSegment(52, 16, 0, 0).Concat(OpenSegment(52 + 48, 1, 1, 1)).ToArray());
        // The whole envelope, pinned (also reproduced with Python's `cryptography` HKDF and AESGCM from the spec text).
        Assert.Equal(
            "AE26A43C49C4FB57DCFDC2024ABA7ADFF5889F9EFBB7C03B648BCCC1AD763AAA144B0C465E275C9876BC8CF11BB20B77"
            + "6672D93CE601003E82E64183F59974E5BE3594A54382165EA875E4F527DE735546", Convert.ToHexString(cipher[52..]));
    }

    private static byte[] OuterContentKey(SecretBytes key, EnvelopeHeader header, EnvelopeBinding binding)
    {
        byte[] info = [.. "SseSim/object-envelope-outer/v1"u8, 0x00, 0x02, .. binding.BuildInfo([], null, appendPart: true).AsSpan(1)];
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, key.UnsafeExpose()[32..].ToArray(), 32, header.Salt.ToArray(), info);
    }
}
