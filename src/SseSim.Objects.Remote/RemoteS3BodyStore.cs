using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Minio;
using Minio.DataModel.Args;
using Minio.Exceptions;
using SseSim.Core.Storage;
using SseSim.Objects.Envelope;
using SseSim.Objects.Storage;

namespace SseSim.Objects.Remote;

/// <summary>
/// Envelope bodies as objects "bodies/&lt;32 hex&gt;" in a remote S3-compatible bucket (docs/formats/remote-backend.md).
/// The remote key is the random body id, never the object key. Each body carries its crypto metadata
/// (<see cref="BodyMetadata"/>: wrapped key, mode, binding, envelope header) as x-amz-meta-ssesim-*.
/// Writes stream through a bounded pipe into the MinIO client's multipart upload; reads are ranged GETs of at most
/// <see cref="RemoteS3Options.ReadWindow"/> bytes, starting where the envelope reader seeks (SegmentLayout.MapRange).
/// </summary>
public sealed class RemoteS3BodyStore : IObjectBodyStore
{
    public const string BodyPrefix = "bodies/";
    internal const string MetaPrefix = "x-amz-meta-";

    private readonly IMinioClient _client;
    private readonly string _bucket;
    private readonly int _readWindow;

    public RemoteS3BodyStore(IMinioClient client, string bucket, int readWindow = 4 * 1024 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(readWindow, EnvelopeFormat.HeaderLength);
        _client = client;
        _bucket = bucket;
        _readWindow = readWindow;
    }

    public ValueTask<IPendingBody> CreateAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IPendingBody>(new PendingRemoteBody(this, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))));

    public async ValueTask<Stream> OpenReadAsync(string bodyId, CancellationToken cancellationToken = default)
    {
        var name = NameOf(bodyId);
        Minio.DataModel.ObjectStat stat;
        try
        {
            stat = await _client.StatObjectAsync(new StatObjectArgs().WithBucket(_bucket).WithObject(name), cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException e)
        {
            throw new S3Exception(S3ErrorCode.InternalError, "object body is missing", 500, e);
        }
        // The header is the AAD of every segment, so serving it from metadata cannot weaken verification; it saves a GET.
        byte[]? header = null;
        if (TryGetMeta(stat.MetaData, BodyMetadata.EnvelopeHeader, out var h)
            && Convert.TryFromBase64String(h, new byte[EnvelopeFormat.HeaderLength], out var n) && n == EnvelopeFormat.HeaderLength)
        {
            header = Convert.FromBase64String(h);
        }
        return new RemoteBodyStream(_client, _bucket, name, stat.Size, header, _readWindow);
    }

    public async ValueTask DeleteAsync(string bodyId, CancellationToken cancellationToken = default)
    {
        try
        {
            await _client.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(_bucket).WithObject(NameOf(bodyId)), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MinioException or HttpRequestException)
        {
            // The domain treats a failed delete as a harmless orphan (IOException), as with the file store.
            throw new IOException("remote body delete failed", e);
        }
    }

    /// <summary>
    /// Deletes nothing: other front ends sharing the bucket reference bodies this front end's table does not know,
    /// so "unreferenced here" is not "unreferenced". Orphans (crash between body and record) are unreadable
    /// ciphertext; see docs/formats/remote-backend.md#garbage.
    /// </summary>
    public ValueTask<int> CleanupAsync(Func<string, bool> isReferenced, CancellationToken cancellationToken = default) => ValueTask.FromResult(0);

    internal static string NameOf(string bodyId)
    {
        // Ids come from records we wrote; validate anyway so no stored value can steer the remote key.
        if (bodyId.Length != 32 || !bodyId.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException("invalid body id", nameof(bodyId));
        }
        return BodyPrefix + bodyId;
    }

    /// <summary>MinIO's ObjectStat strips or keeps the x-amz-meta- prefix depending on the server; accept both.</summary>
    public static bool TryGetMeta(IDictionary<string, string> meta, string name, out string value)
    {
        foreach (var (k, v) in meta)
        {
            if (k.Equals(name, StringComparison.OrdinalIgnoreCase) || k.Equals(MetaPrefix + name, StringComparison.OrdinalIgnoreCase))
            {
                value = v;
                return true;
            }
        }
        value = "";
        return false;
    }

    /// <summary>
    /// The upload starts once the 52 header bytes are known (they go into the metadata); after that every write goes
    /// through a pipe whose pause threshold bounds memory, and the MinIO client reads it in 5 MiB parts.
    /// </summary>
    private sealed class PendingRemoteBody(RemoteS3BodyStore owner, string id) : IPendingBody
    {
        private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: 1024 * 1024, resumeWriterThreshold: 512 * 1024, useSynchronizationContext: false));
        private readonly byte[] _head = new byte[EnvelopeFormat.HeaderLength];
        private readonly CancellationTokenSource _abort = new();
        private IReadOnlyDictionary<string, string>? _metadata;
        private int _headLength;
        private Task? _upload;
        private bool _committed;

        public Stream Content => field ??= new PendingStream(this);

        public void Describe(IReadOnlyDictionary<string, string> metadata) => _metadata = metadata;

        public async ValueTask<string> CommitAsync(CancellationToken cancellationToken = default)
        {
            await StartAsync().ConfigureAwait(false);
            await _pipe.Writer.CompleteAsync().ConfigureAwait(false);
            await _upload!.WaitAsync(cancellationToken).ConfigureAwait(false);
            _committed = true;
            return id;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_committed)
            {
                // Failing the body stream makes the client abandon its multipart upload without completing it.
                await _pipe.Writer.CompleteAsync(new OperationCanceledException("body discarded")).ConfigureAwait(false);
                await _abort.CancelAsync().ConfigureAwait(false);
                if (_upload is not null)
                {
                    try
                    {
                        await _upload.ConfigureAwait(false);
                        // Should not happen, but a discarded body must never stay behind.
                        await owner.DeleteAsync(id).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is OperationCanceledException or MinioException or HttpRequestException or IOException)
                    {
                    }
                }
            }
            _abort.Dispose();
        }

        private async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            if (_upload is null)
            {
                var take = Math.Min(data.Length, _head.Length - _headLength);
                data[..take].CopyTo(_head.AsMemory(_headLength));
                _headLength += take;
                data = data[take..];
                if (_headLength < _head.Length)
                {
                    return;
                }
                await StartAsync().ConfigureAwait(false);
            }
            if (data.IsEmpty)
            {
                return;
            }
            var result = await _pipe.Writer.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            if (result.IsCompleted)
            {
                await _upload!.ConfigureAwait(false); // the upload stopped reading: surface its failure
                throw new IOException("remote upload stopped early");
            }
        }

        private async ValueTask StartAsync()
        {
            if (_upload is not null)
            {
                return;
            }
            var headers = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (k, v) in _metadata ?? new Dictionary<string, string>())
            {
                headers[MetaPrefix + k] = v;
            }
            if (_headLength == _head.Length)
            {
                headers[MetaPrefix + BodyMetadata.EnvelopeHeader] = Convert.ToBase64String(_head);
            }
            _upload = UploadAsync(headers);
            if (_headLength > 0)
            {
                await _pipe.Writer.WriteAsync(_head.AsMemory(0, _headLength)).ConfigureAwait(false);
            }
        }

        private async Task UploadAsync(Dictionary<string, string> headers)
        {
            await Task.Yield();
            var body = _pipe.Reader.AsStream(leaveOpen: true);
            try
            {
                // Size -1: the client uploads in 5 MiB parts (up to ~48 GiB) without knowing the total length.
                await owner._client.PutObjectAsync(new PutObjectArgs()
                    .WithBucket(owner._bucket)
                    .WithObject(NameOf(id))
                    .WithStreamData(body)
                    .WithObjectSize(-1)
                    .WithContentType("application/octet-stream")
                    .WithHeaders(headers), _abort.Token).ConfigureAwait(false);
                await _pipe.Reader.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // Unblocks a writer waiting on back-pressure; it then awaits this task and sees the failure.
                await _pipe.Reader.CompleteAsync(e).ConfigureAwait(false);
                throw;
            }
        }

        private sealed class PendingStream(PendingRemoteBody body) : WriteOnlyStream
        {
            public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
                body.WriteAsync(buffer, cancellationToken);

            public override void Write(ReadOnlySpan<byte> buffer) =>
                body.WriteAsync(buffer.ToArray(), default).AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>
    /// Seekable read-only view of a remote body. Each miss fetches one ranged GET of up to the window size starting
    /// at the current position into one pooled buffer, so a range read touches only the segments it needs.
    /// </summary>
    private sealed class RemoteBodyStream(IMinioClient client, string bucket, string name, long length, byte[]? header, int window) : Stream
    {
        private byte[]? _buffer;
        private long _bufferStart;
        private int _bufferLength;
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => length;

        public override long Position
        {
            get => _position;
            set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
        {
            if (destination.IsEmpty || _position >= length)
            {
                return 0;
            }
            if (header is not null && _position < header.Length)
            {
                var n = Math.Min(destination.Length, header.Length - (int)_position);
                header.AsMemory((int)_position, n).CopyTo(destination);
                _position += n;
                return n;
            }
            if (_buffer is null || _position < _bufferStart || _position >= _bufferStart + _bufferLength)
            {
                await FillAsync(cancellationToken).ConfigureAwait(false);
            }
            var offset = (int)(_position - _bufferStart);
            var count = Math.Min(destination.Length, _bufferLength - offset);
            _buffer.AsMemory(offset, count).CopyTo(destination);
            _position += count;
            return count;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) =>
            ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        private async Task FillAsync(CancellationToken cancellationToken)
        {
            _buffer ??= ArrayPool<byte>.Shared.Rent(window);
            var want = (int)Math.Min(window, length - _position);
            var got = 0;
            var target = _buffer;
            try
            {
                await client.GetObjectAsync(new GetObjectArgs().WithBucket(bucket).WithObject(name)
                    .WithOffsetAndLength(_position, want)
                    .WithCallbackStream(async (s, ct) => got = await s.ReadAtLeastAsync(target.AsMemory(0, want), want, throwOnEndOfStream: false, ct).ConfigureAwait(false)),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectNotFoundException e)
            {
                throw new S3Exception(S3ErrorCode.InternalError, "object body is missing", 500, e);
            }
            if (got < want)
            {
                throw new EnvelopeException(EnvelopeErrorKind.Truncated, "remote body ended early");
            }
            _bufferStart = _position;
            _bufferLength = got;
        }

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (_buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = null;
            }
            base.Dispose(disposing);
        }
    }
}
