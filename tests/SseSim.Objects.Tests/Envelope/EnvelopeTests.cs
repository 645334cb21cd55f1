using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using SseSim.Objects.Envelope;
using static SseSim.Objects.Tests.TestUtil;

namespace SseSim.Objects.Tests.Envelope;

/// <summary>
/// The envelope's segment rules. Theories over <c>layers</c> run each case for algorithm 0x01 (one layer) and 0x02
/// (DSSE-KMS's two; their own cases are in <see cref="DualLayerEnvelopeTests"/>).
/// </summary>
public class EnvelopeTests
{
    private const int Small = 16;

    /// <summary>A segment's stored size at <see cref="Small"/>: the plaintext and one 16-byte tag per layer.</summary>
    private static int Stride(int layers) => Small + (16 * layers);

    private static Core.Secrets.SecretBytes LayeredKey(int layers, byte fill = 7) =>
        layers == 1 ? Key(fill) : DualLayerEnvelopeTests.DualKey(fill, (byte)(fill + 2));

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(65535)]
    [InlineData(65536)]
    [InlineData(65537)]
    [InlineData((3 * 1024 * 1024) + 7)]
    public async Task Round_trips_at_default_segment_size(int size)
    {
        using var key = Key();
        var plain = Pattern(size);
        var cipher = await EncryptAsync(plain, key, Binding());
        Assert.Equal(SegmentLayout.CiphertextLength(size), cipher.Length);
        Assert.Equal(plain, await DecryptAsync(cipher, key, Binding()));
        if (size > 0)
        {
            // A range straddling a segment boundary near the end.
            var offset = Math.Max(0, size - 70000);
            Assert.Equal(plain[offset..], await DecryptAsync(cipher, key, Binding(), offset));
            Assert.Equal(plain[(size / 2)..((size / 2) + 1)], await DecryptAsync(cipher, key, Binding(), size / 2, 1));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Every_range_of_small_objects_decrypts(int layers)
    {
        using var key = LayeredKey(layers);
        for (var size = 0; size <= 50; size++)
        {
            var plain = Pattern(size, size);
            var cipher = await EncryptAsync(plain, key, Binding(), Small);
            for (var offset = 0; offset <= size; offset++)
            {
                for (var length = 0; length <= size - offset; length++)
                {
                    Assert.Equal(plain.AsSpan(offset, length).ToArray(), await DecryptAsync(cipher, key, Binding(), offset, length));
                }
            }
        }
    }

    [Fact]
    public async Task One_byte_reads_and_writes_work()
    {
        using var key = Key();
        var plain = Pattern(100);
        var pipe = new Pipe();
        using var output = new MemoryStream();
        var encrypt = EnvelopeWriter.EncryptAsync(pipe.Reader, output, key, Binding(), new EnvelopeWriteOptions { SegmentSize = Small });
        foreach (var b in plain)
        {
            await pipe.Writer.WriteAsync(new[] { b });
        }
        await pipe.Writer.CompleteAsync();
        await encrypt;
        var cipher = output.ToArray();
        using var decrypted = new MemoryStream();
        await EnvelopeReader.DecryptRangeAsync(new OneByteStream(new MemoryStream(cipher)), key, Binding(), 3, 90, decrypted);
        Assert.Equal(plain[3..93], decrypted.ToArray());
    }

    [Fact]
    public async Task Every_flipped_bit_sampled_across_the_envelope_is_detected()
    {
        using var key = Key();
        var plain = Pattern(100);
        var cipher = await EncryptAsync(plain, key, Binding(), Small);
        var rng = new Random(3);
        for (var pos = 0; pos < cipher.Length; pos++)
        {
            var tampered = (byte[])cipher.Clone();
            tampered[pos] ^= (byte)(1 << rng.Next(8));
            var ex = await Assert.ThrowsAnyAsync<Exception>(() => DecryptAsync(tampered, key, Binding()));
            Assert.True(ex is EnvelopeException, $"byte {pos}: {ex.GetType()}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Truncation_at_any_length_and_appending_are_detected(int layers)
    {
        using var key = LayeredKey(layers);
        var plain = Pattern(100);
        var cipher = await EncryptAsync(plain, key, Binding(), Small);
        for (var len = 0; len < cipher.Length; len++)
        {
            await Assert.ThrowsAsync<EnvelopeException>(() => DecryptAsync(cipher[..len], key, Binding()));
        }
        // Appending bytes (even a whole extra segment) is also rejected.
        await Assert.ThrowsAsync<EnvelopeException>(() => DecryptAsync([.. cipher, .. cipher[^Stride(layers)..]], key, Binding()));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Dropped_duplicated_and_reordered_segments_are_detected(int layers)
    {
        using var key = LayeredKey(layers);
        var plain = Pattern(16 * 5);
        var cipher = await EncryptAsync(plain, key, Binding(), Small);
        var header = cipher[..52];
        var segs = Enumerable.Range(0, 5).Select(i => cipher.AsSpan(52 + (i * Stride(layers)), Stride(layers)).ToArray()).ToArray();
        byte[] Build(params int[] order) => [.. header, .. order.SelectMany(i => segs[i])];

        Assert.Equal(plain, await DecryptAsync(Build(0, 1, 2, 3, 4), key, Binding()));
        await Assert.ThrowsAsync<EnvelopeException>(() => DecryptAsync(Build(0, 1, 2, 3), key, Binding()));
        await Assert.ThrowsAsync<EnvelopeException>(() => DecryptAsync(Build(0, 2, 3, 4), key, Binding()));
        await Assert.ThrowsAsync<EnvelopeException>(() => DecryptAsync(Build(0, 1, 1, 3, 4), key, Binding()));
        await Assert.ThrowsAsync<EnvelopeException>(() => DecryptAsync(Build(0, 2, 1, 3, 4), key, Binding()));
        await Assert.ThrowsAsync<EnvelopeException>(() => DecryptAsync(Build(0, 1, 2, 4, 3), key, Binding()));
        await Assert.ThrowsAsync<EnvelopeException>(() => DecryptAsync(Build(0, 1, 2, 3, 4, 4), key, Binding()));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Ciphertext_is_bound_to_bucket_key_instance_and_part(int layers)
    {
        using var key = LayeredKey(layers);
        var plain = Pattern(40);
        var cipher = await EncryptAsync(plain, key, Binding("a", "id1", 1), Small);
        Assert.Equal(plain, await DecryptAsync(cipher, key, Binding("a", "id1", 1)));
        await Assert.ThrowsAsync<EnvelopeException>(() => DecryptAsync(cipher, key, Binding("b", "id1", 1)));
        await Assert.ThrowsAsync<EnvelopeException>(() => DecryptAsync(cipher, key, Binding("a", "id2", 1)));
        await Assert.ThrowsAsync<EnvelopeException>(() => DecryptAsync(cipher, key, Binding("a", "id1", 2)));
        await Assert.ThrowsAsync<EnvelopeException>(() => DecryptAsync(cipher, key, new("other", "a", "id1", 1)));
        using var otherKey = LayeredKey(layers, 8);
        await Assert.ThrowsAsync<EnvelopeException>(() => DecryptAsync(cipher, otherKey, Binding("a", "id1", 1)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task No_plaintext_from_a_failing_segment_is_released(int layers)
    {
        using var key = LayeredKey(layers);
        var plain = Pattern(16 * 4);
        var cipher = await EncryptAsync(plain, key, Binding(), Small);
        cipher[^(Stride(layers) - 12)] ^= 1; // inside the last segment's (outer) ciphertext
        using var output = new MemoryStream();
        await Assert.ThrowsAsync<EnvelopeException>(() =>
            EnvelopeReader.DecryptRangeAsync(new MemoryStream(cipher), key, Binding(), 0, plain.Length, output));
        Assert.Equal(plain[..48], output.ToArray());

        // Through a pipe: only whole verified segments reach the reader.
        var pipe = new Pipe();
        await Assert.ThrowsAsync<EnvelopeException>(() =>
            EnvelopeReader.DecryptRangeAsync(new MemoryStream(cipher), key, Binding(), 40, 24, pipe.Writer));
        await pipe.Writer.CompleteAsync();
        var read = await pipe.Reader.ReadAsync();
        Assert.Equal(plain[40..48], read.Buffer.ToArray());
    }

    [Theory]
    [InlineData(Small * 3)]
    [InlineData((Small * 3) + 5)]
    [InlineData(Small)]
    [InlineData(5)]
    [InlineData(0)]
    public async Task Contiguous_input_and_a_pipe_sink_give_the_same_envelope(int size)
    {
        // Sealing straight from the pipe's memory and into the sink's memory must not change a byte (last flag included).
        var header = EnvelopeHeader.Create(Small, new byte[32], new byte[7]);
        using var key = Key();
        var plain = Pattern(size);
        var options = new EnvelopeWriteOptions { SegmentSize = Small, Header = header };
        using var pieces = new MemoryStream();
        await EnvelopeWriter.EncryptAsync(new OneByteStream(new MemoryStream(plain)), pieces, key, Binding(), options);

        using var direct = new MemoryStream();
        await EnvelopeWriter.EncryptAsync(PipeReader.Create(new ReadOnlySequence<byte>(plain)), direct, key, Binding(), options);
        Assert.Equal(pieces.ToArray(), direct.ToArray());

        var sink = new Pipe();
        var result = await EnvelopeWriter.EncryptAsync(PipeReader.Create(new ReadOnlySequence<byte>(plain)), sink.Writer, key, Binding(), options);
        await sink.Writer.CompleteAsync();
        var read = await sink.Reader.ReadAsync();
        Assert.Equal(pieces.ToArray(), read.Buffer.ToArray());
        Assert.Equal(read.Buffer.Length, result.CiphertextLength);
        Assert.Equal(size, result.PlaintextLength);
        Assert.Equal(plain, await DecryptAsync(read.Buffer.ToArray(), key, Binding()));
    }

    [Fact]
    public async Task A_failing_segment_in_a_later_read_ahead_chunk_releases_only_verified_segments()
    {
        using var key = Key();
        var plain = Pattern((20 * 65536) + 9); // several read-ahead chunks at the default segment size
        var cipher = await EncryptAsync(plain, key, Binding());
        var bad = 13;
        cipher[(int)SegmentLayout.SegmentCiphertextOffset(bad, 65536) + 100] ^= 0x80;
        using var output = new MemoryStream();
        await Assert.ThrowsAsync<EnvelopeException>(() =>
            EnvelopeReader.DecryptRangeAsync(new MemoryStream(cipher), key, Binding(), 0, plain.Length, output));
        Assert.Equal(plain[..(bad * 65536)], output.ToArray());

        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        await Assert.ThrowsAsync<EnvelopeException>(() =>
            EnvelopeReader.DecryptRangeAsync(new OneByteStream(new MemoryStream(cipher)), key, Binding(), 1000, plain.Length - 2000, pipe.Writer));
        await pipe.Writer.CompleteAsync();
        var read = await pipe.Reader.ReadAsync();
        Assert.Equal(plain[1000..(bad * 65536)], read.Buffer.ToArray());
    }

    [Fact]
    public async Task Golden_vector_pins_header_layout_and_key_derivation()
    {
        var salt = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var prefix = new byte[] { 0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6 };
        var header = EnvelopeHeader.Create(16, salt, prefix);
        using var key = Key(0x42);
        var plain = "hello, envelope!!"u8.ToArray(); // 17 bytes: one full segment and a 1-byte last one
        using var output = new MemoryStream();
        await EnvelopeWriter.EncryptAsync(new MemoryStream(plain), output, key, new EnvelopeBinding("b", "k", "v", 0),
            new EnvelopeWriteOptions { SegmentSize = 16, Header = header });
        var cipher = output.ToArray();
        Assert.Equal("5353454F" + "01" + "01" + "0000" + "00000010" + Convert.ToHexString(salt) + "A0A1A2A3A4A5A6" + "00", Convert.ToHexString(cipher[..52]));

        // Independent re-derivation from the spec text (docs/formats/object-envelope.md#keys, #nonce, #aad).
        byte[] info = [.. "SseSim/object-envelope/v1"u8, 0x00, 0x01, 0x00, 0x01, (byte)'b', 0x00, 0x01, (byte)'k', 0x00, 0x01, (byte)'v', 0, 0, 0, 0];
        var ck = HKDF.DeriveKey(HashAlgorithmName.SHA256, key.UnsafeExpose().ToArray(), 32, salt, info);
        using var aes = new AesGcm(ck, 16);
        var seg0 = new byte[16];
        aes.Decrypt([.. prefix, 0, 0, 0, 0, 0], cipher.AsSpan(52, 16), cipher.AsSpan(68, 16), seg0, cipher.AsSpan(0, 52));
        var seg1 = new byte[1];
        aes.Decrypt([.. prefix, 0, 0, 0, 1, 1], cipher.AsSpan(84, 1), cipher.AsSpan(85, 16), seg1, cipher.AsSpan(0, 52));
        Assert.Equal(plain, seg0.Concat(seg1).ToArray());
        Assert.Equal(101, cipher.Length);
    }
}
