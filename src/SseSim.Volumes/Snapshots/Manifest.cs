using System.Buffers.Binary;
using System.Text;

namespace SseSim.Volumes.Snapshots;

/// <summary>A snapshot's full block map: block index → holder snapshot id (block-volume.md §5.2).</summary>
internal sealed class Manifest
{
    public SortedDictionary<long, string> Entries { get; } = [];

    public static Manifest Empty => new();

    public Manifest Clone()
    {
        var m = new Manifest();
        foreach (var (k, v) in Entries)
        {
            m.Entries[k] = v;
        }
        return m;
    }

    public byte[] Encode()
    {
        var holders = Entries.Values.Distinct(StringComparer.Ordinal).ToList();
        var ordinal = holders.Select((h, i) => (h, i)).ToDictionary(x => x.h, x => (uint)x.i, StringComparer.Ordinal);
        using var ms = new MemoryStream();
        Span<byte> b = stackalloc byte[12];
        BinaryPrimitives.WriteUInt32BigEndian(b, (uint)holders.Count);
        ms.Write(b[..4]);
        foreach (var h in holders)
        {
            var bytes = Encoding.UTF8.GetBytes(h);
            BinaryPrimitives.WriteUInt16BigEndian(b, (ushort)bytes.Length);
            ms.Write(b[..2]);
            ms.Write(bytes);
        }
        BinaryPrimitives.WriteUInt32BigEndian(b, (uint)Entries.Count);
        ms.Write(b[..4]);
        foreach (var (index, holder) in Entries)
        {
            BinaryPrimitives.WriteInt64BigEndian(b, index);
            BinaryPrimitives.WriteUInt32BigEndian(b[8..], ordinal[holder]);
            ms.Write(b);
        }
        return ms.ToArray();
    }

    public static Manifest Decode(ReadOnlySpan<byte> data)
    {
        var m = new Manifest();
        var holderCount = BinaryPrimitives.ReadUInt32BigEndian(data);
        var o = 4;
        var holders = new string[holderCount];
        for (var i = 0; i < holderCount; i++)
        {
            var len = BinaryPrimitives.ReadUInt16BigEndian(data[o..]);
            holders[i] = Encoding.UTF8.GetString(data.Slice(o + 2, len));
            o += 2 + len;
        }
        var count = BinaryPrimitives.ReadUInt32BigEndian(data[o..]);
        o += 4;
        for (var i = 0; i < count; i++)
        {
            m.Entries[BinaryPrimitives.ReadInt64BigEndian(data[o..])] = holders[BinaryPrimitives.ReadUInt32BigEndian(data[(o + 8)..])];
            o += 12;
        }
        return m;
    }
}
