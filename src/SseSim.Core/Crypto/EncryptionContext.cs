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
    public static readonly EncryptionContext Empty = new(new SortedDictionary<string, string>(StringComparer.Ordinal));

    private readonly SortedDictionary<string, string> _pairs;

    private EncryptionContext(SortedDictionary<string, string> pairs) => _pairs = pairs;

    public static EncryptionContext From(IEnumerable<KeyValuePair<string, string>>? pairs)
    {
        if (pairs is null)
        {
            return Empty;
        }
        var sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in pairs)
        {
            sorted[k] = v;
        }
        return sorted.Count == 0 ? Empty : new EncryptionContext(sorted);
    }

    /// <summary>
    /// u16 pair count, then per pair sorted by key (ordinal UTF-16, which matches UTF-8 byte order for
    /// the BMP): u16 key length, key UTF-8, u16 value length, value UTF-8. Length prefixes make it
    /// unambiguous, unlike plain concatenation.
    /// </summary>
    public byte[] Canonicalize()
    {
        var size = 2;
        foreach (var (k, v) in _pairs)
        {
            size += 4 + Encoding.UTF8.GetByteCount(k) + Encoding.UTF8.GetByteCount(v);
        }
        var buffer = new byte[size];
        var span = buffer.AsSpan();
        BinaryPrimitives.WriteUInt16BigEndian(span, checked((ushort)_pairs.Count));
        var offset = 2;
        foreach (var (k, v) in _pairs)
        {
            offset += WriteString(span[offset..], k);
            offset += WriteString(span[offset..], v);
        }
        return buffer;
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
            if (!_pairs.TryGetValue(k, out var mine) || !string.Equals(mine, v, StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }

    public bool SameAs(IReadOnlyDictionary<string, string> other) => other.Count == Count && Contains(other);

    public EncryptionContext With(string key, string value)
    {
        var copy = new SortedDictionary<string, string>(_pairs, StringComparer.Ordinal) { [key] = value };
        return new EncryptionContext(copy);
    }

    public string this[string key] => _pairs[key];
    public IEnumerable<string> Keys => _pairs.Keys;
    public IEnumerable<string> Values => _pairs.Values;
    public int Count => _pairs.Count;
    public bool ContainsKey(string key) => _pairs.ContainsKey(key);
    public bool TryGetValue(string key, out string value) => _pairs.TryGetValue(key, out value!);
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _pairs.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
