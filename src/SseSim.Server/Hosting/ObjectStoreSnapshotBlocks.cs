using System.Buffers.Binary;
using System.Globalization;
using SseSim.Objects;
using SseSim.Volumes.Snapshots;

namespace SseSim.Server.Hosting;

/// <summary>
/// Snapshot blocks in the object store, the way EBS keeps snapshots in S3: records are grouped 128 to a chunk
/// (512 KiB of volume data, the EBS direct API block size) and each chunk is one system blob
/// (block-volume.md §5.1). Writes and deletes are buffered per chunk and applied by <see cref="FlushAsync"/>,
/// which the volume service calls before it marks a snapshot completed; reads see buffered changes first.
/// </summary>
public sealed class ObjectStoreSnapshotBlocks : ISnapshotBlockStore
{
    public const int BlocksPerChunk = 128;
    private const long MaxBufferedBytes = 32L << 20;
    private const int CachedChunks = 64;
    private static readonly byte[] Magic = "SSCK"u8.ToArray();
    private const byte Version = 1;

    private readonly ObjectStore _objects;
    private readonly object _lock = new();
    private readonly SemaphoreSlim _flushGate = new(1, 1);
    // Changes not yet written: slot → record, or null for a delete.
    private Dictionary<ChunkId, Dictionary<int, byte[]?>> _pending = [];
    // Changes being written by a flush; still consulted by reads until their chunk blob is durable.
    private Dictionary<ChunkId, Dictionary<int, byte[]?>> _flushing = [];
    private long _pendingBytes;
    private readonly Dictionary<ChunkId, LinkedListNode<(ChunkId Id, Dictionary<int, byte[]> Slots)>> _cache = [];
    private readonly LinkedList<(ChunkId Id, Dictionary<int, byte[]> Slots)> _lru = new();

    public ObjectStoreSnapshotBlocks(ObjectStore objects) => _objects = objects;

    private readonly record struct ChunkId(string SnapshotId, long Chunk)
    {
        public string BlobName => $"ebs-snapshots/{SnapshotId}/{Chunk.ToString(CultureInfo.InvariantCulture)}";
    }

    public bool TryRead(string snapshotId, long blockIndex, Span<byte> destination, out int length)
    {
        var (id, slot) = Locate(snapshotId, blockIndex);
        lock (_lock)
        {
            if (TryBuffered(_pending, id, slot, out var record) || TryBuffered(_flushing, id, slot, out record))
            {
                return CopyOut(record, destination, out length);
            }
            // Reads are rare (restores, incremental compares) and chunks are cached, so loading under the lock is fine.
            var slots = LoadCommitted(id);
            return CopyOut(slots.GetValueOrDefault(slot), destination, out length);
        }
    }

    public void Write(string snapshotId, long blockIndex, ReadOnlySpan<byte> record)
    {
        bool flush;
        var (id, slot) = Locate(snapshotId, blockIndex);
        lock (_lock)
        {
            Buffer(id, slot, record.ToArray());
            _pendingBytes += record.Length;
            flush = _pendingBytes >= MaxBufferedBytes;
        }
        if (flush)
        {
            // Bounded buffering: a large snapshot is written out as it goes, not held in memory.
            FlushAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    public void Delete(string snapshotId, long blockIndex)
    {
        var (id, slot) = Locate(snapshotId, blockIndex);
        lock (_lock)
        {
            Buffer(id, slot, null);
        }
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        await _flushGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_lock)
            {
                (_flushing, _pending) = (_pending, []);
                _pendingBytes = 0;
            }
            foreach (var (id, changes) in _flushing)
            {
                Dictionary<int, byte[]> merged;
                lock (_lock)
                {
                    merged = new Dictionary<int, byte[]>(LoadCommitted(id));
                }
                foreach (var (slot, record) in changes)
                {
                    if (record is null)
                    {
                        merged.Remove(slot);
                    }
                    else
                    {
                        merged[slot] = record;
                    }
                }
                if (merged.Count == 0)
                {
                    await _objects.DeleteSystemBlobAsync(id.BlobName, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await _objects.PutSystemBlobAsync(id.BlobName, Encode(merged), cancellationToken).ConfigureAwait(false);
                }
                lock (_lock)
                {
                    Remember(id, merged);
                }
            }
            lock (_lock)
            {
                _flushing = [];
            }
        }
        finally
        {
            _flushGate.Release();
        }
    }

    /// <summary>Chunk blob body (block-volume.md §5.1): "SSCK" ‖ u8 version ‖ u16 count ‖ count × (u8 slot ‖ u16 length ‖ record).</summary>
    internal static byte[] Encode(IReadOnlyDictionary<int, byte[]> slots)
    {
        var size = Magic.Length + 3 + slots.Sum(s => 3 + s.Value.Length);
        var body = new byte[size];
        Magic.CopyTo(body, 0);
        body[4] = Version;
        BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(5), (ushort)slots.Count);
        var o = 7;
        foreach (var (slot, record) in slots.OrderBy(s => s.Key))
        {
            body[o] = (byte)slot;
            BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(o + 1), checked((ushort)record.Length));
            record.CopyTo(body, o + 3);
            o += 3 + record.Length;
        }
        return body;
    }

    internal static Dictionary<int, byte[]> Decode(ReadOnlySpan<byte> body)
    {
        if (body.Length < 7 || !body[..4].SequenceEqual(Magic) || body[4] != Version)
        {
            throw new InvalidDataException("not a snapshot chunk blob");
        }
        var count = BinaryPrimitives.ReadUInt16BigEndian(body[5..]);
        var slots = new Dictionary<int, byte[]>(count);
        var o = 7;
        for (var i = 0; i < count; i++)
        {
            if (o + 3 > body.Length)
            {
                throw new InvalidDataException("truncated snapshot chunk blob");
            }
            var slot = body[o];
            var length = BinaryPrimitives.ReadUInt16BigEndian(body[(o + 1)..]);
            if (slot >= BlocksPerChunk || o + 3 + length > body.Length)
            {
                throw new InvalidDataException("corrupt snapshot chunk blob");
            }
            slots[slot] = body.Slice(o + 3, length).ToArray();
            o += 3 + length;
        }
        return o == body.Length ? slots : throw new InvalidDataException("trailing bytes in snapshot chunk blob");
    }

    private static (ChunkId Id, int Slot) Locate(string snapshotId, long blockIndex) =>
        (new ChunkId(snapshotId, blockIndex / BlocksPerChunk), (int)(blockIndex % BlocksPerChunk));

    private void Buffer(ChunkId id, int slot, byte[]? record)
    {
        if (!_pending.TryGetValue(id, out var changes))
        {
            _pending[id] = changes = [];
        }
        changes[slot] = record;
    }

    private static bool TryBuffered(Dictionary<ChunkId, Dictionary<int, byte[]?>> buffer, ChunkId id, int slot, out byte[]? record)
    {
        record = null;
        return buffer.TryGetValue(id, out var changes) && changes.TryGetValue(slot, out record);
    }

    private static bool CopyOut(byte[]? record, Span<byte> destination, out int length)
    {
        if (record is null)
        {
            length = 0;
            return false;
        }
        record.CopyTo(destination);
        length = record.Length;
        return true;
    }

    // Caller holds _lock.
    private Dictionary<int, byte[]> LoadCommitted(ChunkId id)
    {
        if (_cache.TryGetValue(id, out var node))
        {
            _lru.Remove(node);
            _lru.AddFirst(node);
            return node.Value.Slots;
        }
        var blob = _objects.GetSystemBlobAsync(id.BlobName).GetAwaiter().GetResult();
        var slots = blob is null ? [] : Decode(blob);
        Remember(id, slots);
        return slots;
    }

    // Caller holds _lock.
    private void Remember(ChunkId id, Dictionary<int, byte[]> slots)
    {
        if (_cache.Remove(id, out var old))
        {
            _lru.Remove(old);
        }
        _cache[id] = _lru.AddFirst((id, slots));
        while (_lru.Count > CachedChunks)
        {
            _cache.Remove(_lru.Last!.Value.Id);
            _lru.RemoveLast();
        }
    }
}
