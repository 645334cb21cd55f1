using System.Text;
using SseSim.Core.Storage;
using SseSim.Objects.Envelope;
using static SseSim.Objects.Tests.StoreFixture;

namespace SseSim.Objects.Tests;

/// <summary>Small single-write bodies stored in the metadata table (docs/formats/object-envelope.md#inline-bodies).</summary>
public sealed class InlineBodyTests : IDisposable
{
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    private IKeyValueStore Table => _f.Storage.OpenTable(ObjectStore.MetadataTableName);

    private string[] BodyFiles() => Directory.EnumerateFiles(Path.Combine(_f.DataDir, "objects", "bodies"), "*", SearchOption.AllDirectories).ToArray();

    private string[] InlineKeys() => Table.Scan("inline/").Select(e => e.Key).ToArray();

    private Task<PutObjectResult> PutDeclaredAsync(string bucket, string key, byte[] data, long? declared = null) =>
        _f.Store.PutObjectAsync(Alice, new PutObjectRequest(bucket, key, Body(data)) { ContentLength = declared ?? data.Length });

    [Fact]
    public async Task Small_put_is_one_table_value_holding_the_envelope_and_no_file()
    {
        await _f.Store.CreateBucketAsync(Alice, "bkt");
        var data = TestUtil.Pattern(3000);
        await PutDeclaredAsync("bkt", "k", data);

        Assert.Empty(BodyFiles());
        var key = Assert.Single(InlineKeys());
        Assert.Matches("^inline/[0-9a-f]{32}$", key);
        Assert.True(Table.TryGet(key, out var envelope));
        Assert.Equal(SegmentLayout.CiphertextLength(data.Length, 1024), envelope.Length);
        Assert.Equal("SSEO"u8.ToArray(), envelope[..4]);
        Assert.True(Table.TryGet("obj/bkt/k", out var record));
        Assert.Contains($"\"BodyId\":\"{key}\"", Encoding.UTF8.GetString(record), StringComparison.Ordinal);
        Assert.Equal(data, await _f.GetAsync("bkt", "k"));
        Assert.Equal(data[1000..2001], await _f.GetAsync("bkt", "k", new ByteRangeSpec(1000, 2000)));
    }

    [Fact]
    public async Task Kms_etag_is_the_md5_of_header_and_segment_tags()
    {
        await _f.Store.CreateBucketAsync(Alice, "bkt");
        var data = TestUtil.Pattern(3000); // three 1,024-byte segments
        var put = await _f.Store.PutObjectAsync(Alice, new PutObjectRequest("bkt", "k", Body(data))
        {
            ContentLength = data.Length,
            Encryption = new SseRequest { ServerSideEncryption = "aws:kms", KmsKeyId = "key-1" },
        });
        Assert.True(Table.TryGet(Assert.Single(InlineKeys()), out var envelope));
        // docs/formats/object-envelope.md#etag
        var digest = new List<byte>(envelope[..EnvelopeFormat.HeaderLength]);
        foreach (var end in new[] { 52 + 1040, 52 + 2080, envelope.Length })
        {
            digest.AddRange(envelope[(end - EnvelopeFormat.TagLength)..end]);
        }
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(digest.ToArray())), put.ETag);
    }

    [Fact]
    public async Task Overwrite_delete_and_copy_reclaim_inline_bodies()
    {
        await _f.Store.CreateBucketAsync(Alice, "bkt");
        await PutDeclaredAsync("bkt", "k", TestUtil.Pattern(100, 1));
        var first = Assert.Single(InlineKeys());
        await PutDeclaredAsync("bkt", "k", TestUtil.Pattern(200, 2));
        var second = Assert.Single(InlineKeys());
        Assert.NotEqual(first, second);

        await _f.Store.CopyObjectAsync(Alice, new CopyObjectRequest("bkt", "k", "bkt", "copy"));
        Assert.Equal(2, InlineKeys().Length);
        Assert.Equal(TestUtil.Pattern(200, 2), await _f.GetAsync("bkt", "copy"));

        // A large body replaces an inline one: the inline value goes, a file comes.
        await PutDeclaredAsync("bkt", "k", TestUtil.Pattern(100_000, 3));
        Assert.Equal(InlineKeys(), Table.Scan("inline/").Select(e => e.Key).Where(k => k != second));
        Assert.Single(BodyFiles());

        await _f.Store.DeleteObjectAsync(Alice, "bkt", "copy");
        await _f.Store.DeleteObjectAsync(Alice, "bkt", "k");
        Assert.Empty(InlineKeys());
        Assert.Empty(BodyFiles());
    }

    [Fact]
    public async Task Gets_racing_overwrites_read_a_whole_version()
    {
        await _f.Store.CreateBucketAsync(Alice, "bkt");
        var versions = Enumerable.Range(0, 4).Select(i => TestUtil.Pattern(2000, i)).ToArray();
        await PutDeclaredAsync("bkt", "k", versions[0]);
        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                await PutDeclaredAsync("bkt", "k", versions[(w + i) % versions.Length]);
            }
        }));
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                var got = await _f.GetAsync("bkt", "k");
                Assert.Contains(versions, v => v.AsSpan().SequenceEqual(got));
            }
        }));
        await Task.WhenAll(writers.Concat(readers));
        Assert.Single(InlineKeys());
    }

    [Fact]
    public async Task Body_longer_or_shorter_than_declared_leaves_nothing()
    {
        await _f.Store.CreateBucketAsync(Alice, "bkt");
        var longer = await Assert.ThrowsAsync<S3Exception>(() => PutDeclaredAsync("bkt", "k", TestUtil.Pattern(5000), declared: 100));
        Assert.Equal("IncompleteBody", longer.Code);
        var shorter = await Assert.ThrowsAsync<S3Exception>(() => PutDeclaredAsync("bkt", "k", TestUtil.Pattern(50), declared: 100));
        Assert.Equal("IncompleteBody", shorter.Code);
        Assert.Empty(InlineKeys());
        Assert.Empty(BodyFiles());
        Assert.False(Table.TryGet("obj/bkt/k", out _));
    }

    [Fact]
    public async Task Limit_and_budget_send_bodies_to_files()
    {
        var envelope = (int)SegmentLayout.CiphertextLength(1000, 1024);
        using var f = new StoreFixture(new ObjectStoreOptions { SegmentSize = 1024, InlineBodyMaxBytes = envelope, InlineBodyBudgetBytes = 2 * envelope });
        await f.Store.CreateBucketAsync(Alice, "bkt");
        foreach (var (key, size) in new[] { ("a", 1000), ("big", 1001), ("c", 1000), ("over-budget", 1000) })
        {
            await f.Store.PutObjectAsync(Alice, new PutObjectRequest("bkt", key, Body(TestUtil.Pattern(size))) { ContentLength = size });
        }
        Assert.Equal(2, f.Storage.OpenTable(ObjectStore.MetadataTableName).Scan("inline/").Count);
        Assert.Equal(2, Directory.EnumerateFiles(Path.Combine(f.DataDir, "objects", "bodies"), "*", SearchOption.AllDirectories).Count());
        foreach (var key in new[] { "a", "big", "c", "over-budget" })
        {
            Assert.Equal(key == "big" ? 1001 : 1000, (await f.GetAsync("bkt", key)).Length);
        }

        // Deleting an inline object frees budget for the next small PUT.
        await f.Store.DeleteObjectAsync(Alice, "bkt", "a");
        await f.Store.PutObjectAsync(Alice, new PutObjectRequest("bkt", "d", Body(TestUtil.Pattern(1000))) { ContentLength = 1000 });
        Assert.Equal(2, f.Storage.OpenTable(ObjectStore.MetadataTableName).Scan("inline/").Count);
    }

    [Fact]
    public async Task Recovery_drops_unreferenced_inline_bodies_and_keeps_live_ones()
    {
        await _f.Store.CreateBucketAsync(Alice, "bkt");
        var data = TestUtil.Pattern(500);
        await PutDeclaredAsync("bkt", "k", data);
        await Table.PutAsync("inline/" + new string('a', 32), [1, 2, 3]);
        using var master = Core.Secrets.SecretBytes.CopyFrom(_f.MasterKeyCopy);
        using var restarted = ObjectStore.Create(_f.Storage, _f.DataDir, _f.Kms, master, _f.Time);
        Assert.Equal(1, await restarted.RecoverAsync());
        Assert.Single(InlineKeys());
        using var get = await restarted.GetObjectAsync(Alice, new GetObjectRequest("bkt", "k"));
        using var output = new MemoryStream();
        await get.WriteBodyAsync(output);
        Assert.Equal(data, output.ToArray());
    }

    // Golden vector (docs/formats/object-envelope.md#inline-bodies): table values written by an SSE-S3 PUT of
    // "golden inline body\n" under the master key 32 x 0x11. A change to the inline layout must keep this readable.
    internal const string GoldenBodyId = "inline/4924b592caa9255aed56f645a7d88188";
    internal const string GoldenEnvelopeHex =
        "5353454f01010000000100000b6bb9a6196c235b75d3eca31dd00615ebd067cec1d2008fe795a65fdcd8ea3056b193acc47be300b964ce6563de673d" +
        "3e9b75403303080d62bda71b75a4967d0fc878ff20b243077f70d4";
    internal const string GoldenBucket = @"{""Name"":""golden"",""Created"":""2026-11-29T00:00:00+00:00"",""Region"":""us-east-1"",""Owner"":""111122223333""}";
    internal const string GoldenRecord = @"{""Key"":""k"",""Size"":19,""ETag"":""8c0a9f1849ec732bbea3272fe063b9f3"",""LastModified"":""2026-11-29T00:00:00+00:00"",""Headers"":{},""Encryption"":{""Mode"":""SseS3"",""WrappedKey"":""AfCuPdFcIlvj95O2noRA1SFOC3jpLxlUMW04fgpniGiUZQTZu3XK51WAVNqtH8tVEiEmANTz0k86jpUVPg=="",""BucketKey"":false},""InstanceId"":""9d0e20561ee3659fac38fc09e50d58f9"",""Multipart"":false,""Parts"":[{""PartNumber"":0,""BodyId"":""inline/4924b592caa9255aed56f645a7d88188"",""Size"":19,""ETag"":""8c0a9f1849ec732bbea3272fe063b9f3"",""LastModified"":""2026-11-29T00:00:00+00:00""}],""Owner"":""111122223333""}";

    [Fact]
    public async Task Golden_inline_record_decrypts()
    {
        var storage = new InMemoryStorageProvider();
        await storage.OpenTable(ObjectStore.MetadataTableName).ApplyAsync(
        [
            new KvMutation("bucket/golden", Encoding.UTF8.GetBytes(GoldenBucket)),
            new KvMutation(GoldenBodyId, Convert.FromHexString(GoldenEnvelopeHex)),
            new KvMutation("obj/golden/k", Encoding.UTF8.GetBytes(GoldenRecord)),
        ]);
        using var master = TestUtil.Key(0x11);
        using var store = ObjectStore.Create(storage, _f.DataDir, _f.Kms, master, _f.Time);
        Assert.Equal(0, await store.RecoverAsync());
        using var get = await store.GetObjectAsync(Alice, new GetObjectRequest("golden", "k"));
        using var output = new MemoryStream();
        await get.WriteBodyAsync(output);
        Assert.Equal("golden inline body\n", Encoding.UTF8.GetString(output.ToArray()));
        Assert.Equal("8c0a9f1849ec732bbea3272fe063b9f3", get.Object.ETag);
    }
}
