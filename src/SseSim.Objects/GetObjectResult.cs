using System.IO.Pipelines;
using SseSim.Core.Secrets;
using SseSim.Objects.Envelope;

namespace SseSim.Objects;

/// <summary>
/// An authorised GET: metadata to send as headers first, then <see cref="WriteBodyAsync(PipeWriter, CancellationToken)"/>
/// streams the verified plaintext. Holds the object's data key until disposed (dispose right after the body is sent).
/// Any <see cref="EnvelopeException"/> from the body means stored data failed authentication: abort the connection.
/// </summary>
public sealed class GetObjectResult : IDisposable
{
    private readonly ObjectStore _store;
    private readonly ObjectRecord _record;
    private readonly SecretBytes _dataKey;
    private readonly long _offset;
    private bool _disposed;
    private Stream? _firstBody;

    internal GetObjectResult(ObjectStore store, ObjectRecord record, ObjectInfo info, SecretBytes dataKey, long offset, long length, ContentRange? range)
    {
        _store = store;
        _record = record;
        _dataKey = dataKey;
        _offset = offset;
        Object = info;
        ContentLength = length;
        Range = range;
    }

    public ObjectInfo Object { get; }

    /// <summary>Plaintext bytes the body will carry (Content-Length).</summary>
    public long ContentLength { get; }

    /// <summary>Set when the response is a 206.</summary>
    public ContentRange? Range { get; }

    /// <summary>
    /// Opens the first stored body the response reads, so a storage fault there becomes an error answer before any
    /// header is sent rather than a broken response.
    /// </summary>
    public async Task OpenAsync(CancellationToken cancellationToken = default)
    {
        long partStart = 0;
        foreach (var part in _record.Parts)
        {
            if (Touches(partStart, part.Size, _offset, ContentLength))
            {
                _firstBody ??= await _store.OpenBodyAsync(_record, part, cancellationToken).ConfigureAwait(false);
                return;
            }
            partStart += part.Size;
        }
    }

    private bool Touches(long partStart, long partSize, long start, long remaining) =>
        (remaining > 0 && start < partStart + partSize) || (_record.Size == 0 && ContentLength == 0);

    /// <summary>Writes the body; does not complete <paramref name="output"/>. Returns the bytes written (fewer only if the reader stopped).</summary>
    public Task<long> WriteBodyAsync(PipeWriter output, CancellationToken cancellationToken = default) =>
        WriteCoreAsync(output, null, cancellationToken);

    public Task<long> WriteBodyAsync(Stream output, CancellationToken cancellationToken = default) =>
        WriteCoreAsync(null, output, cancellationToken);

    private async Task<long> WriteCoreAsync(PipeWriter? pipe, Stream? stream, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var start = _offset;
        var remaining = ContentLength;
        long partStart = 0;
        long written = 0;
        long segments = 0;
        foreach (var part in _record.Parts)
        {
            var partEnd = partStart + part.Size;
            // An empty object still reads (and verifies) its one empty segment.
            if (Touches(partStart, part.Size, start, remaining))
            {
                var offsetInPart = Math.Max(0, start - partStart);
                var length = Math.Min(part.Size - offsetInPart, remaining);
                segments += SegmentLayout.MapRange(part.Size, offsetInPart, length, _store.SegmentSize).SegmentCount;
                var binding = new EnvelopeBinding(Object.Bucket, _record.Key, _record.InstanceId, _record.Multipart ? part.PartNumber : 0);
                var body = Interlocked.Exchange(ref _firstBody, null) ?? await _store.OpenBodyAsync(_record, part, cancellationToken).ConfigureAwait(false);
                await using (body.ConfigureAwait(false))
                {
                    var n = pipe is not null
                        ? await EnvelopeReader.DecryptRangeAsync(body, _dataKey, binding, offsetInPart, length, pipe, part.Size, cancellationToken).ConfigureAwait(false)
                        : await EnvelopeReader.DecryptRangeAsync(body, _dataKey, binding, offsetInPart, length, stream!, part.Size, cancellationToken).ConfigureAwait(false);
                    written += n;
                    _store.Metrics.RecordDecrypted(n);
                    if (n < length)
                    {
                        return written;
                    }
                }
                remaining -= length;
                start += length;
            }
            partStart = partEnd;
            if (remaining == 0 && ContentLength > 0)
            {
                break;
            }
        }
        ObjectTrace.Segments("decrypt", written, segments, _store.SegmentSize);
        return written;
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            ObjectTrace.KeyZeroed();
        }
        _disposed = true;
        _firstBody?.Dispose();
        _dataKey.Dispose();
    }
}
