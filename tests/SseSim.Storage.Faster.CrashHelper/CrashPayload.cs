using System.Text;

namespace SseSim.Storage.Faster.CrashHelper;

/// <summary>Content the child writes, derived from ids so the test can verify it without sharing state.</summary>
public static class CrashPayload
{
    public static readonly SseSim.Storage.Faster.FasterBlockStoreOptions BlockStoreOptions = new()
    {
        MemorySizeBytes = 1L << 24,
        PageSizeBytes = 1L << 20,
        IndexSizeBytes = 1L << 20,
    };

    /// <summary>Compacts once the log passes 2 MiB, in 512 KiB steps, freeing 1 MiB segments.</summary>
    public static readonly SseSim.Storage.Faster.FasterBlockStoreOptions CompactingBlockStoreOptions = new()
    {
        MemorySizeBytes = 1L << 20,
        PageSizeBytes = 1L << 16,
        SegmentSizeBytes = 1L << 20,
        IndexSizeBytes = 1L << 16,
        CompactionThresholdBytes = 2L << 20,
        CompactionStepBytes = 512L << 10,
    };

    public static byte[] For(string id, int length)
    {
        // FNV-1a: string.GetHashCode is randomized per process and would differ between parent and child.
        var seed = 2166136261u;
        foreach (var c in id)
        {
            seed = (seed ^ c) * 16777619u;
        }
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            seed = (seed * 1103515245u) + 12345u;
            bytes[i] = (byte)(seed >> 16);
        }
        return bytes;
    }

    /// <summary>An append-log record: "id|" followed by <see cref="For"/>.</summary>
    public static byte[] Record(string id, int payloadLength) => [.. Encoding.UTF8.GetBytes(id + "|"), .. For(id, payloadLength)];

    public static (string Id, byte[] Payload) ParseRecord(byte[] record)
    {
        var bar = Array.IndexOf(record, (byte)'|');
        return (Encoding.UTF8.GetString(record, 0, bar), record[(bar + 1)..]);
    }
}
