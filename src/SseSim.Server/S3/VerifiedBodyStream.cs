using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>
/// A plain (not aws-chunked) body read from the request PipeReader, hashed on the way through; reaching the end with a
/// digest other than the signed x-amz-content-sha256 throws XAmzContentSHA256Mismatch instead of reporting EOF.
/// </summary>
internal sealed class VerifiedBodyStream(PipeReader input, string? expectedSha256Hex, long maxSize) : ReadOnlyPipeStream(input)
{
    private readonly IncrementalHash? _sha = expectedSha256Hex is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _total;
    private bool _done;

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (_done || destination.Length == 0)
        {
            return 0;
        }
        while (true)
        {
            var result = await Input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var consumed = buffer.Start;
            var examined = buffer.Start;
            try
            {
                if (!buffer.IsEmpty)
                {
                    var slice = buffer.Slice(0, Math.Min(buffer.Length, destination.Length));
                    slice.CopyTo(destination.Span);
                    var n = (int)slice.Length;
                    _sha?.AppendData(destination.Span[..n]);
                    _total += n;
                    if (_total > maxSize)
                    {
                        throw S3Body.TooLarge();
                    }
                    consumed = examined = slice.End;
                    return n;
                }
                if (result.IsCompleted)
                {
                    _done = true;
                    if (_sha is not null && !string.Equals(Convert.ToHexStringLower(_sha.GetHashAndReset()), expectedSha256Hex, StringComparison.OrdinalIgnoreCase))
                    {
                        throw new S3Exception("XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.", 400)
                            .With("ClientComputedContentSHA256", expectedSha256Hex!);
                    }
                    return 0;
                }
                examined = buffer.End;
            }
            finally
            {
                Input.AdvanceTo(consumed, examined);
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _sha?.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary>Read-only Stream plumbing over a PipeReader (the reader is left for Kestrel to complete).</summary>
internal abstract class ReadOnlyPipeStream(PipeReader input) : Core.Storage.ReadOnlyStream
{
    protected PipeReader Input { get; } = input;
}
