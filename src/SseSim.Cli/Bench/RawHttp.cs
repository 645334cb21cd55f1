using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace SseSim.Cli.Bench;

/// <summary>How an error response names its AWS error code: AWS JSON <c>__type</c> (KMS) or S3's XML <c>Code</c>.</summary>
public enum ErrorFormat
{
    Json,
    Xml,
}

/// <summary>
/// HTTP/1.1 requests written straight to keep-alive sockets for <c>--client http</c> against a plain-http endpoint,
/// without HttpClient's per-request machinery, which cost as much CPU as a fast server's whole call on 2 shared cores.
/// Callers build and sign the request bytes (<see cref="RawKmsHttp"/>, <see cref="RawS3Http"/>). Responses are
/// HTTP/1.0 or 1.1, with Content-Length, chunked, or ended by the close; buffered bodies (KMS ones carry data keys)
/// are zeroed once read.
/// </summary>
public sealed class RawHttp(Uri endpoint) : IDisposable
{
    private const int BufferSize = 16 * 1024;
    private readonly ConcurrentBag<Connection> _idle = [];

    /// <summary>
    /// Sends <paramref name="head"/> then <paramref name="body"/>; returns the response body's length, or throws
    /// <see cref="AwsHttpException"/> for an AWS error.
    /// </summary>
    public async Task<long> SendAsync(ReadOnlyMemory<byte> head, ReadOnlyMemory<byte> body, ErrorFormat format, byte[]? sink, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var reused = _idle.TryTake(out var connection);
            connection ??= await Connection.OpenAsync(endpoint, ct);
            var keep = false;
            try
            {
                await SendAllAsync(connection.Socket, head, ct);
                await SendAllAsync(connection.Socket, body, ct);
                var (status, length, code, close) = await connection.ReadResponseAsync(format, sink, ct);
                keep = !close;
                if (status is < 200 or > 299)
                {
                    throw new AwsHttpException(code, (System.Net.HttpStatusCode)status);
                }
                return length;
            }
            catch (Exception e) when (e is StaleConnectionException or SocketException && reused && attempt == 0)
            {
                // The server closed an idle keep-alive connection before this request reached it: send it again.
            }
            finally
            {
                if (keep)
                {
                    _idle.Add(connection);
                }
                else
                {
                    connection.Dispose();
                }
            }
        }
    }

    private static async ValueTask SendAllAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        for (var sent = 0; sent < data.Length;)
        {
            sent += await socket.SendAsync(data[sent..], SocketFlags.None, ct);
        }
    }

    public void Dispose()
    {
        while (_idle.TryTake(out var connection))
        {
            connection.Dispose();
        }
    }

    /// <summary>A reused connection that the peer had already closed: nothing of a response arrived.</summary>
    internal sealed class StaleConnectionException() : IOException("The connection was closed before a response arrived.");

    /// <summary>A response body, reused per connection; an outgrown array is zeroed before it is dropped.</summary>
    private sealed class Body
    {
        private byte[] _bytes = new byte[4096];

        public int Count { get; set; }

        /// <summary>Where a successful body goes instead (overwritten from its start, only counted); null: buffered.</summary>
        public byte[]? Sink { get; set; }

        /// <summary>Every body byte read, buffered or not.</summary>
        public long Total { get; private set; }

        public void Reset(byte[]? sink)
        {
            Count = 0;
            Total = 0;
            Sink = sink;
        }

        public Span<byte> Written => _bytes.AsSpan(0, Count);

        public void Write(ReadOnlySpan<byte> data)
        {
            Total += data.Length;
            if (Sink is { Length: > 0 } sink)
            {
                for (var rest = data; !rest.IsEmpty;)
                {
                    var n = Math.Min(rest.Length, sink.Length);
                    rest[..n].CopyTo(sink);
                    rest = rest[n..];
                }
                return;
            }
            if (Count + data.Length > _bytes.Length)
            {
                var larger = new byte[Math.Max(_bytes.Length * 2, Count + data.Length)];
                Written.CopyTo(larger);
                CryptographicOperations.ZeroMemory(_bytes);
                _bytes = larger;
            }
            data.CopyTo(_bytes.AsSpan(Count));
            Count += data.Length;
        }
    }

    internal sealed class Connection(Socket socket) : IDisposable
    {
        private readonly byte[] _buffer = GC.AllocateUninitializedArray<byte>(BufferSize, pinned: true);
        private readonly Body _body = new();
        private int _start;
        private int _end;

        public Socket Socket { get; } = socket;

        public static async Task<Connection> OpenAsync(Uri endpoint, CancellationToken ct)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(endpoint.Host, endpoint.Port, ct);
                return new Connection(socket);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        /// <summary>
        /// Reads one response; returns its status, body length, AWS error code (errors only) and whether the connection
        /// ends. A successful body goes to <paramref name="sink"/> when there is one (overwritten from its start, only
        /// counted), else it is buffered and zeroed once counted; an error body is always buffered for its code.
        /// </summary>
        public async Task<(int Status, long Length, string ErrorCode, bool Close)> ReadResponseAsync(ErrorFormat format, byte[]? sink, CancellationToken ct)
        {
            int headerEnd;
            var first = true;
            while ((headerEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8)) < 0)
            {
                if (!await FillAsync(ct))
                {
                    throw first && _end == _start ? new StaleConnectionException() : new IOException("The connection closed inside a response header.");
                }
                first = false;
            }
            var head = Encoding.ASCII.GetString(_buffer, _start, headerEnd);
            _start += headerEnd + 4;
            var lines = head.Split("\r\n");
            var statusLine = lines[0].Split(' ', 3);
            if (statusLine.Length < 2 || !statusLine[0].StartsWith("HTTP/1.", StringComparison.Ordinal) || !int.TryParse(statusLine[1], out var status))
            {
                throw new IOException($"Not an HTTP/1.x status line: '{lines[0]}'.");
            }
            var close = statusLine[0] == "HTTP/1.0";
            long? contentLength = null;
            var chunked = false;
            string? errorHeader = null;
            foreach (var line in lines.AsSpan(1))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    continue;
                }
                var name = line[..colon].Trim();
                var value = line[(colon + 1)..].Trim();
                if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    contentLength = long.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                }
                else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
                {
                    chunked = value.Contains("chunked", StringComparison.OrdinalIgnoreCase);
                }
                else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
                {
                    close = value.Equals("close", StringComparison.OrdinalIgnoreCase) || (close && !value.Equals("keep-alive", StringComparison.OrdinalIgnoreCase));
                }
                else if (name.Equals("X-Amzn-ErrorType", StringComparison.OrdinalIgnoreCase))
                {
                    errorHeader = value;
                }
            }
            var success = status is >= 200 and <= 299;
            var body = _body;
            body.Reset(success ? sink : null);
            try
            {
                if (chunked)
                {
                    await ReadChunkedAsync(body, ct);
                }
                else if (contentLength is { } length)
                {
                    await ReadExactAsync(body, length, ct);
                }
                else
                {
                    await ReadToEndAsync(body, ct);
                    close = true;
                }
                var code = success ? "" : (format == ErrorFormat.Json ? LeanHttp.JsonErrorType(body.Written, errorHeader) : LeanHttp.S3ErrorCode(body.Written.ToArray())) ?? $"HTTP {status}";
                return (status, body.Total, code, close);
            }
            finally
            {
                // Data keys and plaintexts travel in the body: zero every copy of it.
                CryptographicOperations.ZeroMemory(body.Written);
                CryptographicOperations.ZeroMemory(_buffer.AsSpan(0, _start));
            }
        }

        private async Task ReadExactAsync(Body body, long length, CancellationToken ct)
        {
            while (length > 0)
            {
                if (_start == _end && !await FillAsync(ct))
                {
                    throw new IOException("The connection closed inside a response body.");
                }
                var n = (int)Math.Min(length, _end - _start);
                body.Write(_buffer.AsSpan(_start, n));
                _start += n;
                length -= n;
            }
        }

        private async Task ReadToEndAsync(Body body, CancellationToken ct)
        {
            do
            {
                body.Write(_buffer.AsSpan(_start, _end - _start));
                _start = _end;
            }
            while (await FillAsync(ct));
        }

        private async Task ReadChunkedAsync(Body body, CancellationToken ct)
        {
            while (true)
            {
                var line = await ReadLineAsync(ct);
                var semicolon = line.IndexOf(';', StringComparison.Ordinal);
                var size = Convert.ToInt64((semicolon < 0 ? line : line[..semicolon]).Trim(), 16);
                if (size == 0)
                {
                    // Trailers, if any, end with an empty line.
                    while ((await ReadLineAsync(ct)).Length > 0)
                    {
                    }
                    return;
                }
                await ReadExactAsync(body, size, ct);
                await ReadLineAsync(ct);
            }
        }

        private async Task<string> ReadLineAsync(CancellationToken ct)
        {
            int end;
            while ((end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0)
            {
                if (!await FillAsync(ct))
                {
                    throw new IOException("The connection closed inside a chunked body.");
                }
            }
            var line = Encoding.ASCII.GetString(_buffer, _start, end);
            _start += end + 2;
            return line;
        }

        /// <summary>Reads more bytes after those unread; false at the end of the stream.</summary>
        private async Task<bool> FillAsync(CancellationToken ct)
        {
            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                CryptographicOperations.ZeroMemory(_buffer.AsSpan(_end - _start, _start));
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length)
            {
                throw new IOException($"A response header is longer than {BufferSize} bytes.");
            }
            var n = await Socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, ct);
            _end += n;
            return n > 0;
        }

        public void Dispose()
        {
            CryptographicOperations.ZeroMemory(_buffer);
            Socket.Dispose();
        }
    }
}
