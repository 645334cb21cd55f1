using System.Security.Cryptography;
using SseSim.Core.Secrets;
using SseSim.Core.Storage;
using SseSim.Volumes.Blocks;

namespace SseSim.Volumes.Tests;

public sealed class BlockFormatTests
{
    private const string Lineage = "vol-0123456789abcdef0";
    private static readonly Dictionary<uint, string> Writers = new() { [1] = Lineage, [7] = Lineage };

    private static SecretBytes FixedKey()
    {
        var k = new SecretBytes(64);
        for (var i = 0; i < 64; i++)
        {
            k.UnsafeExposeWritable()[i] = (byte)i;
        }
        return k;
    }

    private static byte[] Seal(BlockCipher cipher, long index, byte fill, ulong counter = 1, uint writer = 1)
    {
        var record = new byte[BlockFormat.EncryptedRecordSize];
        cipher.Seal(index, writer, counter, Enumerable.Repeat(fill, 4096).ToArray(), record);
        return record;
    }

    [Fact]
    public void Golden_vector_matches_an_independent_implementation()
    {
        // Computed with Python 'cryptography' (HKDF-SHA256 + AESGCM) from block-volume.md §2–§4 alone.
        using var key = FixedKey();
        using var cipher = new BlockCipher(key, Lineage, Writers);
        var record = Seal(cipher, 5, 0xab, counter: 42, writer: 7);
        Assert.Equal("00000007000000000000002a5d4e099d3cbd2d961ca62f7de16614e6", Convert.ToHexStringLower(record.AsSpan(0, 28)));
        Assert.Equal("a37e8209f24d918f5370e3cad1d7ee878bf3e078a440325afc1ad760f5f72964", Convert.ToHexStringLower(SHA256.HashData(record)));
        using var blockKey = BlockFormat.DeriveBlockKey(key, Lineage);
        Assert.Equal("f8b6db66fc9af5a8fd1de5e9e67a783d596d6ce34a152368ec727b1a3bbe8c1e", Convert.ToHexStringLower(blockKey.UnsafeExpose()));
    }

    [Fact]
    public void Round_trip()
    {
        using var key = FixedKey();
        using var cipher = new BlockCipher(key, Lineage, Writers);
        var plain = new byte[4096];
        cipher.Open(3, Seal(cipher, 3, 0x5a), plain);
        Assert.All(plain, b => Assert.Equal(0x5a, b));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(13)]
    [InlineData(40)]
    [InlineData(4123)]
    public void Any_flipped_bit_fails_authentication(int offset)
    {
        using var key = FixedKey();
        using var cipher = new BlockCipher(key, Lineage, Writers);
        var record = Seal(cipher, 3, 0x5a);
        record[offset] ^= 0x01;
        var plain = new byte[4096];
        Assert.Throws<BlockIntegrityException>(() => cipher.Open(3, record, plain));
        Assert.All(plain, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Record_moved_to_another_index_fails()
    {
        using var key = FixedKey();
        using var cipher = new BlockCipher(key, Lineage, Writers);
        Assert.Throws<BlockIntegrityException>(() => cipher.Open(4, Seal(cipher, 3, 0x5a), new byte[4096]));
    }

    [Fact]
    public void Record_moved_to_another_lineage_fails_even_with_the_same_data_key()
    {
        using var key = FixedKey();
        using var a = new BlockCipher(key, Lineage, Writers);
        using var b = new BlockCipher(key, "vol-0000000000000000b", new Dictionary<uint, string> { [1] = "vol-0000000000000000b" });
        Assert.Throws<BlockIntegrityException>(() => b.Open(3, Seal(a, 3, 0x5a), new byte[4096]));
    }

    [Fact]
    public void Record_from_a_sibling_writer_is_refused()
    {
        using var key = FixedKey();
        using var sibling = new BlockCipher(key, Lineage, new Dictionary<uint, string> { [1] = Lineage, [2] = "vol-sibling" });
        using var me = new BlockCipher(key, Lineage, new Dictionary<uint, string> { [1] = Lineage, [3] = "vol-me" });
        var record = Seal(sibling, 3, 0x5a, writer: 2);
        var e = Assert.Throws<BlockIntegrityException>(() => me.Open(3, record, new byte[4096]));
        Assert.Contains("writer 2", e.Message);
    }

    [Fact]
    public void Truncated_record_fails()
    {
        using var key = FixedKey();
        using var cipher = new BlockCipher(key, Lineage, Writers);
        Assert.Throws<BlockIntegrityException>(() => cipher.Open(3, Seal(cipher, 3, 1).AsSpan(0, 4000), new byte[4096]));
    }

    [Fact]
    public async Task Nonce_counters_never_repeat_across_a_simulated_crash()
    {
        var kv = new InMemoryKeyValueStore();
        var first = NonceCounter.Open(kv, Lineage, 1);
        var seen = new HashSet<ulong>();
        for (var i = 0; i < 1000; i++)
        {
            Assert.True(seen.Add(await first.NextAsync()));
        }
        Assert.Equal(NonceCounter.ReservationChunk, first.PersistedHighWater);
        // "kill -9": the in-memory counter (at 1000) is lost; only the durable high-water mark remains.
        var second = NonceCounter.Open(kv, Lineage, 1);
        var next = await second.NextAsync();
        Assert.Equal(NonceCounter.ReservationChunk, next);
        Assert.DoesNotContain(next, seen);
        Assert.Equal(2 * NonceCounter.ReservationChunk, second.PersistedHighWater);
    }

    [Fact]
    public async Task Reservation_happens_before_the_counter_is_used()
    {
        var kv = new InMemoryKeyValueStore();
        var counter = NonceCounter.Open(kv, Lineage, 1);
        for (ulong i = 0; i < NonceCounter.ReservationChunk + 1; i++)
        {
            var n = await counter.NextAsync();
            Assert.True(kv.TryGet(NonceCounter.KeyFor(Lineage, 1), out var hw));
            Assert.True(n < System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(hw));
        }
    }
}
