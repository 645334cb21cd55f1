using System.Buffers.Binary;
using System.Collections;
using System.Text;

namespace SseSim.Core.Crypto;

/// <summary>
/// An AWS encryption context: string pairs bound as AAD. Order never matters, case always does.
/// <see cref="Canonicalize"/> is the one encoding used wherever a context becomes bytes
/// (docs/formats/kms-ciphertext-blob.md#encryption-context).
/// </summary>
public sealed class EncryptionContext : IReadOnlyDictionary<string, string>
{
    public static readonly EncryptionContext Empty = new([]);

    // Sorted by key, ordinal, with unique keys: one array instead of a tree of nodes, since every KMS call builds one.
    private readonly KeyValuePair<string, string>[] _pairs;

    private EncryptionContext(KeyValuePair<string, string>[] pairs) => _pairs = pairs;

    public static EncryptionContext From(IEnumerable<KeyValuePair<string, string>>? pairs)
    {
        if (pairs is null)
        {
            return Empty;
        }
        var buffer = new KeyValuePair<string, string>[pairs is IReadOnlyCollection<KeyValuePair<string, string>> c ? c.Count : 4];
        var count = 0;
        foreach (var pair in pairs)
        {
            // A later duplicate wins, as it did with a dictionary assignment.
            var i = Find(buffer.AsSpan(0, count), pair.Key);
            if (i >= 0)
            {
                buffer[i] = pair;
                continue;
            }
            if (count == buffer.Length)
            {
                Array.Resize(ref buffer, Math.Max(4, count * 2));
            }
            i = ~i;
            Array.Copy(buffer, i, buffer, i + 1, count - i);
            buffer[i] = pair;
            count++;
        }
        if (count == 0)
        {
            return Empty;
        }
        if (count != buffer.Length)
        {
            Array.Resize(ref buffer, count);
        }
        return new EncryptionContext(buffer);
    }

    private static int Find(ReadOnlySpan<KeyValuePair<string, string>> pairs, string key)
    {
        int lo = 0, hi = pairs.Length - 1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            var c = string.CompareOrdinal(pairs[mid].Key, key);
            if (c == 0)
            {
                return mid;
            }
            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return ~lo;
    }

    /// <summary>
    /// u16 pair count, then per pair sorted by key (ordinal UTF-16, which matches UTF-8 byte order for
    /// the BMP): u16 key length, key UTF-8, u16 value length, value UTF-8. Length prefixes make it
    /// unambiguous, unlike plain concatenation.
    /// </summary>
    public byte[] Canonicalize()
    {
        var buffer = new byte[CanonicalLength];
        WriteCanonical(buffer);
        return buffer;
    }

    /// <summary>The length of <see cref="Canonicalize"/>'s bytes.</summary>
    public int CanonicalLength
    {
        get
        {
            var size = 2;
            foreach (var (k, v) in _pairs)
            {
                size += 4 + Encoding.UTF8.GetByteCount(k) + Encoding.UTF8.GetByteCount(v);
            }
            return size;
        }
    }

    /// <summary><see cref="Canonicalize"/> into <paramref name="destination"/> (at least <see cref="CanonicalLength"/> bytes); returns the length.</summary>
    public int WriteCanonical(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, checked((ushort)_pairs.Length));
        var offset = 2;
        foreach (var (k, v) in _pairs)
        {
            offset += WriteString(destination[offset..], k);
            offset += WriteString(destination[offset..], v);
        }
        return offset;
    }

    private static int WriteString(Span<byte> destination, string value)
    {
        var written = Encoding.UTF8.GetBytes(value, destination[2..]);
        BinaryPrimitives.WriteUInt16BigEndian(destination, checked((ushort)written));
        return written + 2;
    }

    /// <summary>True when every pair of <paramref name="subset"/> is in this context (grant EncryptionContextSubset).</summary>
    public bool Contains(IReadOnlyDictionary<string, string> subset)
    {
        foreach (var (k, v) in subset)
        {
            if (!TryGetValue(k, out var mine) || !string.Equals(mine, v, StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }

    public bool SameAs(IReadOnlyDictionary<string, string> other) => other.Count == Count && Contains(other);

    public EncryptionContext With(string key, string value) => From(_pairs.Append(new KeyValuePair<string, string>(key, value)));

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The given key '{key}' was not present in the dictionary.");
    public IEnumerable<string> Keys => _pairs.Select(p => p.Key);
    public IEnumerable<string> Values => _pairs.Select(p => p.Value);
    public int Count => _pairs.Length;
    public bool ContainsKey(string key) => Find(_pairs, key) >= 0;

    public bool TryGetValue(string key, out string value)
    {
        var i = Find(_pairs, key);
        value = i >= 0 ? _pairs[i].Value : null!;
        return i >= 0;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, string>>)_pairs).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
