using SseSim.Core.Secrets;
using SseSim.Core.Storage;
using SseSim.Kms;
using SseSim.Kms.Crypto;
using SseSim.Objects;
using SseSim.Server.Hosting;

namespace SseSim.Server.Tests.Ebs;

/// <summary>Snapshot blocks as chunk blobs in the object store (block-volume.md §5.1).</summary>
public sealed class ObjectStoreSnapshotBlocksTests : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "sseSim-snapblocks-" + Guid.NewGuid().ToString("N"));
    private readonly InMemoryStorageProvider _storage = new();
    private KmsService? _kms;
    private ObjectStore? _objects;

    private ObjectStore Objects => _objects!;

    public Task InitializeAsync()
    {
        _kms = new KmsService(new KmsOptions(), _storage, new RootKey(SecretBytes.Random(32)), TimeProvider.System);
        _objects = OpenObjects();
        return Task.CompletedTask;
    }

    private ObjectStore OpenObjects()
    {
        using var master = SecretBytes.Random(32);
        return ObjectStore.Create(_storage, _dataDir, new KmsDataKeyService(_kms!), master);
    }

    private static byte[] Record(long index, int length = 4124) => [.. Enumerable.Range(0, length).Select(i => (byte)(index * 31 + i))];

    private static byte[]? Read(ObjectStoreSnapshotBlocks blocks, string snapshot, long index)
    {
        var buffer = new byte[8192];
        return blocks.TryRead(snapshot, index, buffer, out var length) ? buffer[..length] : null;
    }

    [Fact]
    public async Task Blocks_are_readable_before_and_after_flush_and_after_a_restart()
    {
        var blocks = new ObjectStoreSnapshotBlocks(Objects);
        long[] indexes = [0, 1, 127, 128, 5000, 1_000_000];
        foreach (var i in indexes)
        {
            blocks.Write("snap-a", i, Record(i));
        }
        Assert.Equal(Record(127), Read(blocks, "snap-a", 127));
        Assert.Empty(Objects.ListSystemBlobs("ebs-snapshots/snap-a/"));

        await blocks.FlushAsync();

        // Chunks of 128 blocks: 0..127 share one blob, 128, 5000 and 1,000,000 get one each.
        Assert.Equal(["ebs-snapshots/snap-a/0", "ebs-snapshots/snap-a/1", "ebs-snapshots/snap-a/39", "ebs-snapshots/snap-a/7812"],
            Objects.ListSystemBlobs("ebs-snapshots/snap-a/"));
        var restarted = new ObjectStoreSnapshotBlocks(Objects);
        foreach (var i in indexes)
        {
            Assert.Equal(Record(i), Read(restarted, "snap-a", i));
        }
        Assert.Null(Read(restarted, "snap-a", 2));
        Assert.Null(Read(restarted, "snap-b", 0));
    }

    [Fact]
    public async Task Later_writes_and_deletes_merge_into_existing_chunks_and_empty_chunks_go_away()
    {
        var blocks = new ObjectStoreSnapshotBlocks(Objects);
        blocks.Write("snap-a", 3, Record(3));
        blocks.Write("snap-a", 4, Record(4));
        await blocks.FlushAsync();

        blocks.Write("snap-a", 5, Record(5));
        blocks.Delete("snap-a", 3);
        Assert.Null(Read(blocks, "snap-a", 3)); // a buffered delete hides the committed record at once
        await blocks.FlushAsync();

        var restarted = new ObjectStoreSnapshotBlocks(Objects);
        Assert.Null(Read(restarted, "snap-a", 3));
        Assert.Equal(Record(4), Read(restarted, "snap-a", 4));
        Assert.Equal(Record(5), Read(restarted, "snap-a", 5));

        restarted.Delete("snap-a", 4);
        restarted.Delete("snap-a", 5);
        await restarted.FlushAsync();
        Assert.Empty(Objects.ListSystemBlobs("ebs-snapshots/snap-a/"));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_dataDir, "objects", "bodies"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Chunks_survive_object_store_recovery()
    {
        var blocks = new ObjectStoreSnapshotBlocks(Objects);
        blocks.Write("snap-a", 9, Record(9));
        await blocks.FlushAsync();

        _objects!.Dispose();
        _objects = OpenObjects();
        Assert.Equal(0, await Objects.RecoverAsync());

        Assert.Equal(Record(9), Read(new ObjectStoreSnapshotBlocks(Objects), "snap-a", 9));
    }

    [Fact]
    public void Writing_more_than_the_buffer_bound_writes_chunks_out_without_a_flush()
    {
        var blocks = new ObjectStoreSnapshotBlocks(Objects);
        // 32 MiB of 4,124-byte records is about 8,137 blocks.
        for (long i = 0; i < 8_200; i++)
        {
            blocks.Write("snap-big", i, Record(i));
        }
        Assert.NotEmpty(Objects.ListSystemBlobs("ebs-snapshots/snap-big/"));
        Assert.Equal(Record(8_199), Read(blocks, "snap-big", 8_199));
        Assert.Equal(Record(17), Read(blocks, "snap-big", 17));
    }

    [Fact]
    public void Chunk_encoding_round_trips_and_rejects_damage()
    {
        var slots = new Dictionary<int, byte[]> { [0] = [1, 2], [127] = [3] };
        var body = ObjectStoreSnapshotBlocks.Encode(slots);
        Assert.Equal("53-53-43-4B-01-00-02-00-00-02-01-02-7F-00-01-03", BitConverter.ToString(body));
        var decoded = ObjectStoreSnapshotBlocks.Decode(body);
        Assert.Equal(slots.Keys.Order(), decoded.Keys.Order());
        Assert.Equal([3], decoded[127]);

        Assert.Throws<InvalidDataException>(() => ObjectStoreSnapshotBlocks.Decode(body.AsSpan(0, body.Length - 1)));
        Assert.Throws<InvalidDataException>(() => ObjectStoreSnapshotBlocks.Decode([.. body, 0]));
        var badSlot = body.ToArray();
        badSlot[12] = 200;
        Assert.Throws<InvalidDataException>(() => ObjectStoreSnapshotBlocks.Decode(badSlot));
        var badMagic = body.ToArray();
        badMagic[0] = (byte)'X';
        Assert.Throws<InvalidDataException>(() => ObjectStoreSnapshotBlocks.Decode(badMagic));
    }

    public async Task DisposeAsync()
    {
        _objects?.Dispose();
        if (_kms is not null)
        {
            await _kms.DisposeAsync();
        }
        Directory.Delete(_dataDir, recursive: true);
    }
}
