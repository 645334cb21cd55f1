using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using SseSim.Objects;
using SseSim.Objects.Sse;
using SseSim.Server.Auth;

namespace SseSim.Server.S3;

/// <summary>
/// Decodes an aws-chunked body (reference/s3.md §3.3; AWS "sigv4-streaming" and "sigv4-streaming-trailers"):
/// <c>hex-size[;chunk-signature=sig]\r\n data \r\n</c> … a zero chunk, then (trailer forms) <c>name:value\r\n</c> lines
/// and an empty line. With <paramref name="auth"/> every chunk signature is checked as its chunk ends (chained from the
/// request signature) and so is the trailer signature; a declared x-amz-checksum-* trailer is verified against the
/// decoded bytes before EOF is reported. Chunk size is not capped (§3.3 pitfalls); only header lines are bounded.
/// </summary>
internal sealed class AwsChunkedStream : ReadOnlyPipeStream
{
    private const int MaxLine = 8 * 1024;
    private const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static readonly byte[] Crlf = "\r\n"u8.ToArray();

    private readonly SigV4Request? _auth;
    private readonly bool _trailer;
    private readonly string? _trailerName;
    private readonly FlexibleChecksum? _checksum;
    private readonly long _maxSize;
    private readonly IncrementalHash? _chunkHash;
    private readonly StringBuilder _trailerLines = new();
    private string? _trailerValue;
    private string? _trailerSignature;
    private string _previousSignature;
    private string? _chunkSignature;
    private long _remaining;
    private long _total;
    private State _state = State.ChunkHeader;

    private enum State
    {
        ChunkHeader,
        ChunkData,
        ChunkEnd,
        FinalLine,
        Trailer,
        Done,
    }

    public AwsChunkedStream(PipeReader input, SigV4Request? auth, bool trailer, string? trailerName, FlexibleChecksum? checksum, long maxSize)
        : base(input)
    {
        _auth = auth;
        _trailer = trailer;
        _trailerName = trailerName;
        _checksum = checksum;
        _maxSize = maxSize;
        _previousSignature = auth?.Signature ?? "";
        _chunkHash = auth is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (destination.Length == 0)
        {
            return 0;
        }
        while (_state != State.Done)
        {
            var result = await Input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var consumed = buffer.Start;
            var examined = buffer.Start;
            try
            {
                if (_state == State.ChunkData)
                {
                    if (buffer.IsEmpty)
                    {
                        if (result.IsCompleted)
                        {
                            throw Incomplete();
                        }
                        continue;
                    }
                    var slice = buffer.Slice(0, Math.Min(Math.Min(_remaining, destination.Length), buffer.Length));
                    slice.CopyTo(destination.Span);
                    var n = (int)slice.Length;
                    var data = destination.Span[..n];
                    _chunkHash?.AppendData(data);
                    _checksum?.Append(data);
                    _remaining -= n;
                    _total += n;
                    if (_total > _maxSize)
                    {
                        throw S3Body.TooLarge();
                    }
                    consumed = examined = slice.End;
                    if (_remaining == 0)
                    {
                        _state = State.ChunkEnd;
                    }
                    return n;
                }

                var reader = new SequenceReader<byte>(buffer);
                while (_state != State.ChunkData && _state != State.Done)
                {
                    if (!reader.TryReadTo(out ReadOnlySequence<byte> line, Crlf, advancePastDelimiter: true))
                    {
                        if (reader.Remaining > MaxLine)
                        {
                            throw Malformed();
                        }
                        if (result.IsCompleted)
                        {
                            // Some clients end the trailer section without its final empty line.
                            if (_state is State.Trailer or State.FinalLine && reader.Remaining == 0)
                            {
                                Finish();
                                break;
                            }
                            throw Incomplete();
                        }
                        examined = buffer.End;
                        break;
                    }
                    if (line.Length > MaxLine)
                    {
                        throw Malformed();
                    }
                    consumed = examined = reader.Position;
                    OnLine(Encoding.ASCII.GetString(line));
                }
            }
            finally
            {
                Input.AdvanceTo(consumed, examined);
            }
        }
        return 0;
    }

    private void OnLine(string line)
    {
        switch (_state)
        {
            case State.ChunkHeader:
                {
                    var semicolon = line.IndexOf(';', StringComparison.Ordinal);
                    var sizeText = (semicolon < 0 ? line : line[..semicolon]).Trim();
                    if (!long.TryParse(sizeText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0)
                    {
                        throw Malformed();
                    }
                    _chunkSignature = null;
                    if (semicolon >= 0)
                    {
                        const string Marker = "chunk-signature=";
                        var at = line.IndexOf(Marker, semicolon, StringComparison.Ordinal);
                        _chunkSignature = at < 0 ? null : line[(at + Marker.Length)..].Trim();
                    }
                    if (_auth is not null && _chunkSignature is null)
                    {
                        throw Malformed();
                    }
                    if (size == 0)
                    {
                        VerifyChunkSignature();
                        _state = _trailer ? State.Trailer : State.FinalLine;
                    }
                    else
                    {
                        _remaining = size;
                        _state = State.ChunkData;
                    }
                    break;
                }
            case State.ChunkEnd:
                if (line.Length != 0)
                {
                    throw Malformed();
                }
                VerifyChunkSignature();
                _state = State.ChunkHeader;
                break;
            case State.FinalLine:
                if (line.Length != 0)
                {
                    throw Malformed();
                }
                Finish();
                break;
            case State.Trailer:
                if (line.Length == 0)
                {
                    Finish();
                    break;
                }
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    throw Malformed();
                }
                var name = line[..colon].Trim().ToLowerInvariant();
                var value = line[(colon + 1)..].Trim();
                if (name == "x-amz-trailer-signature")
                {
                    _trailerSignature = value;
                }
                else
                {
                    _trailerLines.Append(name).Append(':').Append(value).Append('\n');
                    if (_trailerLines.Length > MaxLine)
                    {
                        // Each line is bounded; so is their number, or a client could grow this buffer forever.
                        throw Malformed();
                    }
                    if (name == _trailerName)
                    {
                        _trailerValue = value;
                    }
                }
                break;
            default:
                throw new InvalidOperationException("unexpected decoder state");
        }
    }

    private void VerifyChunkSignature()
    {
        if (_auth is null)
        {
            return;
        }
        var chunkSha = Convert.ToHexStringLower(_chunkHash!.GetHashAndReset());
        var stringToSign = $"AWS4-HMAC-SHA256-PAYLOAD\n{_auth.AmzDate}\n{_auth.Scope}\n{_previousSignature}\n{EmptySha256}\n{chunkSha}";
        Check(stringToSign, _chunkSignature!);
        _previousSignature = _chunkSignature!;
    }

    private void Finish()
    {
        if (_trailer && _auth is not null)
        {
            if (_trailerSignature is null)
            {
                throw Malformed();
            }
            var trailerSha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(_trailerLines.ToString())));
            Check($"AWS4-HMAC-SHA256-TRAILER\n{_auth.AmzDate}\n{_auth.Scope}\n{_previousSignature}\n{trailerSha}", _trailerSignature);
        }
        if (_checksum is not null)
        {
            if (_trailerValue is null)
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, $"The trailing header {_trailerName} declared in x-amz-trailer was not sent.", 400);
            }
            if (_trailerValue != _checksum.GetBase64())
            {
                throw new S3Exception(S3ErrorCode.BadDigest, $"The {_checksum.Algorithm} you specified did not match the calculated checksum.", 400);
            }
        }
        _state = State.Done;
    }

    private void Check(string stringToSign, string signature)
    {
        var expected = HMACSHA256.HashData(_auth!.SigningKey, Encoding.UTF8.GetBytes(stringToSign));
        byte[]? provided = null;
        if (signature.Length == 64 && signature.All(char.IsAsciiHexDigit))
        {
            provided = Convert.FromHexString(signature);
        }
        if (provided is null || !CryptographicOperations.FixedTimeEquals(expected, provided))
        {
            throw new S3Exception("SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. Check your key and signing method.", 403);
        }
    }

    private static S3Exception Malformed() => new("InvalidChunkSizeError", "The aws-chunked request body is malformed.", 400);

    private static S3Exception Incomplete() =>
        new("IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.", 400);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _chunkHash?.Dispose();
            _checksum?.Dispose();
        }
        base.Dispose(disposing);
    }
}
