using SseSim.Core.Storage;

namespace SseSim.Objects.Storage;

/// <summary>
/// Write-only sink for an envelope stored inline in the metadata table (docs/formats/object-envelope.md#inline-bodies):
/// a buffer of exactly the expected envelope length, so a body longer than declared fails instead of growing memory.
/// </summary>
internal sealed class InlineBodyBuffer(int capacity) : WriteOnlyStream
{
    private readonly byte[] _buffer = new byte[capacity];
    private int _length;

    public override long Length => _length;

    /// <summary>The envelope, once every expected byte has been written; null if fewer arrived.</summary>
    public byte[]? Complete() => _length == _buffer.Length ? _buffer : null;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (buffer.Length > _buffer.Length - _length)
        {
            throw S3Exception.IncompleteBody();
        }
        buffer.CopyTo(_buffer.AsSpan(_length));
        _length += buffer.Length;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

}
