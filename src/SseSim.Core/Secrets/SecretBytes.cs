using System.Security.Cryptography;

namespace SseSim.Core.Secrets;

/// <summary>
/// Key material or plaintext data keys. Pinned so the GC never leaves copies behind, zeroed on dispose,
/// never printed, compared in constant time.
/// </summary>
/// <remarks>
/// Small secrets (data keys, message keys) are carved from a per-thread pinned slab instead of each getting a pinned
/// array: a pinned-heap allocation takes the allocator's slow path every time, which was ~5 % of a GenerateDataKey.
/// A slice is never handed out twice (the slab only moves forward and is dropped when full), so a disposed secret's
/// zeroed bytes are never another secret's; the slab is collected once every secret carved from it is.
/// </remarks>
public sealed class SecretBytes : IDisposable, IEquatable<SecretBytes>
{
    private const int SlabSize = 4096;
    private const int MaxSlabbed = 256;

    [ThreadStatic]
    private static byte[]? _slab;

    [ThreadStatic]
    private static int _slabOffset;

    private readonly byte[] _buffer;
    private readonly int _offset;
    private readonly int _length;
    private bool _disposed;

    public SecretBytes(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _length = length;
        if (length > MaxSlabbed)
        {
            _buffer = GC.AllocateArray<byte>(length, pinned: true);
            return;
        }
        if (_slab is null || SlabSize - _slabOffset < length)
        {
            _slab = GC.AllocateArray<byte>(SlabSize, pinned: true);
            _slabOffset = 0;
        }
        _buffer = _slab;
        _offset = _slabOffset;
        _slabOffset += length;
    }

    /// <summary>Copies <paramref name="source"/>; the caller still owns (and should zero) the source.</summary>
    public static SecretBytes CopyFrom(ReadOnlySpan<byte> source)
    {
        var s = new SecretBytes(source.Length);
        source.CopyTo(s.Bytes);
        return s;
    }

    /// <summary>Copies <paramref name="source"/> and zeroes it, for buffers the caller must not keep.</summary>
    public static SecretBytes TakeFrom(byte[] source)
    {
        var s = CopyFrom(source);
        CryptographicOperations.ZeroMemory(source);
        return s;
    }

    public static SecretBytes Random(int length)
    {
        var s = new SecretBytes(length);
        Crypto.RandomPool.Fill(s.Bytes);
        return s;
    }

    public int Length => _length;

    private Span<byte> Bytes => _buffer.AsSpan(_offset, _length);

    public bool IsDisposed => _disposed;

    /// <summary>The raw bytes. The name is loud on purpose: every caller is a place a secret can leak.</summary>
    public ReadOnlySpan<byte> UnsafeExpose()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Bytes;
    }

    /// <summary>Writable view, for filling a freshly allocated secret in place.</summary>
    public Span<byte> UnsafeExposeWritable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Bytes;
    }

    public SecretBytes Clone() => CopyFrom(UnsafeExpose());

    public bool Equals(SecretBytes? other) =>
        other is not null && CryptographicOperations.FixedTimeEquals(UnsafeExpose(), other.UnsafeExpose());

    public override bool Equals(object? obj) => obj is SecretBytes s && Equals(s);

    // Hashing secret bytes would leak them through timing or into dictionaries; identity hash is enough.
    public override int GetHashCode() => RuntimeHelpers.GetHashCode(this);

    public override string ToString() => $"SecretBytes({_length} bytes, redacted)";

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        CryptographicOperations.ZeroMemory(Bytes);
        _disposed = true;
    }
}

file static class RuntimeHelpers
{
    public static int GetHashCode(object o) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(o);
}
