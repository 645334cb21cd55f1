using System.Security.Cryptography;

namespace SseSim.Core.Crypto;

/// <summary>
/// Random bytes from the OS CSPRNG, fetched 4 KiB at a time per thread: each RandomNumberGenerator call costs
/// microseconds, which dominated GenerateDataKey. The buffer is pinned and every byte handed out is zeroed, so
/// future keys never sit in movable memory and past ones are not kept.
/// </summary>
public static class RandomPool
{
    private const int BufferSize = 4096;

    [ThreadStatic]
    private static byte[]? _buffer;

    [ThreadStatic]
    private static int _offset;

    public static void Fill(Span<byte> destination)
    {
        if (destination.Length > BufferSize / 4)
        {
            RandomNumberGenerator.Fill(destination);
            return;
        }
        var buffer = _buffer;
        if (buffer is null)
        {
            buffer = _buffer = GC.AllocateUninitializedArray<byte>(BufferSize, pinned: true);
            _offset = BufferSize;
        }
        if (BufferSize - _offset < destination.Length)
        {
            RandomNumberGenerator.Fill(buffer);
            _offset = 0;
        }
        var source = buffer.AsSpan(_offset, destination.Length);
        source.CopyTo(destination);
        CryptographicOperations.ZeroMemory(source);
        _offset += destination.Length;
    }

    /// <summary>A random (version 4) UUID from the pool; Guid.NewGuid costs a system call each time.</summary>
    public static Guid NewUuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        Fill(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }
}
