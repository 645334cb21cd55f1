using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SseSim.Server.Tests.Durability;

/// <summary>
/// What the crash harness sent and what the server acknowledged. An operation counts as acknowledged only once its
/// success response arrived; anything in flight at the kill may or may not survive, but must be whole if visible.
/// </summary>
public sealed class CrashLedger
{
    public const int BlockSize = 4096;
    private readonly Lock _lock = new();
    private long _generation;

    /// <summary>Object key → expected content hash, length, whether acknowledged, and the cycle that wrote it.</summary>
    public Dictionary<string, ObjectEntry> Objects { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, KeyEntry> Keys { get; } = new(StringComparer.Ordinal);

    /// <summary>Per block: every generation ever sent, and the newest one a FLUSH reply covered.</summary>
    public Dictionary<int, BlockEntry> Blocks { get; } = [];

    public int AcknowledgedObjects => Count(() => Objects.Values.Count(o => o.Acknowledged));

    public int AcknowledgedKmsMutations => Count(() => Keys.Values.Sum(k => k.Mutations));

    public int FlushedBlockWrites { get; private set; }

    public void Attempt(string key, byte[] content, int cycle)
    {
        lock (_lock)
        {
            Objects[key] = new ObjectEntry(SHA256.HashData(content), content.Length, cycle);
        }
    }

    public void Acknowledge(string key)
    {
        lock (_lock)
        {
            Objects[key].Acknowledged = true;
        }
    }

    public KeyEntry AddKey(string keyId, int cycle)
    {
        lock (_lock)
        {
            return Keys[keyId] = new KeyEntry(keyId, cycle);
        }
    }

    public void Update(Action change)
    {
        lock (_lock)
        {
            change();
        }
    }

    public long NextGeneration(int block)
    {
        lock (_lock)
        {
            var g = ++_generation;
            if (!Blocks.TryGetValue(block, out var entry))
            {
                Blocks[block] = entry = new BlockEntry();
            }
            entry.Sent.Add(g);
            return g;
        }
    }

    public void Flushed(IEnumerable<(int Block, long Generation)> writes)
    {
        lock (_lock)
        {
            foreach (var (block, generation) in writes)
            {
                var entry = Blocks[block];
                entry.Durable = Math.Max(entry.Durable, generation);
                FlushedBlockWrites++;
            }
        }
    }

    /// <summary>A block's content: [block index][generation] then bytes derived from both, so a torn or stale block is detectable.</summary>
    public static byte[] BlockContent(int block, long generation)
    {
        var data = new byte[BlockSize];
        new Random(HashCode.Combine(block, generation)).NextBytes(data);
        BinaryPrimitives.WriteInt64LittleEndian(data, block);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(8), generation);
        return data;
    }

    public static byte[] Content(int seed, int length)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    private int Count(Func<int> count)
    {
        lock (_lock)
        {
            return count();
        }
    }
}

public sealed class ObjectEntry(byte[] sha256, long length, int cycle)
{
    public byte[] Sha256 { get; } = sha256;
    public long Length { get; } = length;
    public int Cycle { get; } = cycle;
    public bool Acknowledged { get; set; }
}

public sealed class KeyEntry(string keyId, int cycle)
{
    public string KeyId { get; } = keyId;
    public int Cycle { get; } = cycle;
    public string? Alias { get; set; }
    public string? Grantee { get; set; }
    public string? GrantId { get; set; }
    public string? PolicyMarker { get; set; }
    public bool Rotated { get; set; }
    public List<(byte[] Plaintext, byte[] Ciphertext)> Ciphertexts { get; } = [];

    /// <summary>Acknowledged mutations: CreateKey plus each acknowledged follow-up.</summary>
    public int Mutations => 1 + (Alias is null ? 0 : 1) + (GrantId is null ? 0 : 1) + (PolicyMarker is null ? 0 : 1) + (Rotated ? 1 : 0);
}

public sealed class BlockEntry
{
    public HashSet<long> Sent { get; } = [];

    /// <summary>The newest generation a FLUSH reply covered (0: none).</summary>
    public long Durable { get; set; }
}
