namespace SseSim.Objects.Storage;

/// <summary>
/// Write-only sink for an envelope stored inline in the metadata table (docs/formats/object-envelope.md#inline-bodies):
/// a buffer of exactly the expected envelope length, so a body longer than declared fails instead of growing memory.
/// </summary>
internal sealed class InlineBodyBuffer(int capacity) : Stream
{
    private readonly byte[] _buffer = new byte[capacity];
    private int _length;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

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

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
