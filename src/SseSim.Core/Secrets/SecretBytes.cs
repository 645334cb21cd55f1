using System.Security.Cryptography;

namespace SseSim.Core.Secrets;

/// <summary>
/// Key material or plaintext data keys. Pinned so the GC never leaves copies behind, zeroed on dispose,
/// never printed, compared in constant time.
/// </summary>
public sealed class SecretBytes : IDisposable, IEquatable<SecretBytes>
{
    private readonly byte[] _buffer;
    private bool _disposed;

    public SecretBytes(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _buffer = GC.AllocateArray<byte>(length, pinned: true);
    }

    /// <summary>Copies <paramref name="source"/>; the caller still owns (and should zero) the source.</summary>
    public static SecretBytes CopyFrom(ReadOnlySpan<byte> source)
    {
        var s = new SecretBytes(source.Length);
        source.CopyTo(s._buffer);
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
        Crypto.RandomPool.Fill(s._buffer);
        return s;
    }

    public int Length => _buffer.Length;

    public bool IsDisposed => _disposed;

    /// <summary>The raw bytes. The name is loud on purpose: every caller is a place a secret can leak.</summary>
    public ReadOnlySpan<byte> UnsafeExpose()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _buffer;
    }

    /// <summary>Writable view, for filling a freshly allocated secret in place.</summary>
    public Span<byte> UnsafeExposeWritable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _buffer;
    }

    public SecretBytes Clone() => CopyFrom(UnsafeExpose());

    public bool Equals(SecretBytes? other) =>
        other is not null && CryptographicOperations.FixedTimeEquals(UnsafeExpose(), other.UnsafeExpose());

    public override bool Equals(object? obj) => obj is SecretBytes s && Equals(s);

    // Hashing secret bytes would leak them through timing or into dictionaries; identity hash is enough.
    public override int GetHashCode() => RuntimeHelpers.GetHashCode(this);

    public override string ToString() => $"SecretBytes({_buffer.Length} bytes, redacted)";

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        CryptographicOperations.ZeroMemory(_buffer);
        _disposed = true;
    }
}

file static class RuntimeHelpers
{
    public static int GetHashCode(object o) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(o);
}
