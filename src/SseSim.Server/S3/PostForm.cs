using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>
/// The multipart/form-data body of a POST upload, read up to the "file" part: the fields before it (names
/// case-insensitive, kept in lower case; fields after the file are ignored, as AWS does) and the file part, whose
/// body is then streamed, never buffered.
/// </summary>
internal sealed class PostForm
{
    /// <summary>AWS caps the fields that precede the file (MaxPostPreDataLengthExceededError).</summary>
    internal const int MaxPreData = 20 * 1024;

    private PostForm(Dictionary<string, string> fields, List<(string Name, string Value)> ordered, MultipartSection? file, string? fileName)
    {
        Fields = fields;
        Ordered = ordered;
        File = file;
        FileName = fileName;
    }

    /// <summary>Fields by lower-case name (the first of a repeated name wins).</summary>
    public Dictionary<string, string> Fields { get; }

    /// <summary>Fields in form order with their names as sent.</summary>
    public List<(string Name, string Value)> Ordered { get; }

    public MultipartSection? File { get; }

    public string? FileName { get; }

    public string? Field(string name) => Fields.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;

    public static bool IsForm(HttpRequest request) =>
        request.ContentType is { } type && type.TrimStart().StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase);

    public static async Task<PostForm> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
        {
            throw Malformed();
        }
        var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = MaxPreData, BodyLengthLimit = null };
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var ordered = new List<(string, string)>();
        var preData = 0;
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase)
                    || HeaderUtilities.RemoveQuotes(disposition.Name).Value is not { Length: > 0 } name)
                {
                    throw Malformed();
                }
                if (name.Equals("file", StringComparison.OrdinalIgnoreCase))
                {
                    var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar).Value ?? HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                    return new PostForm(fields, ordered, section, fileName);
                }
                var value = await ReadValueAsync(section.Body, MaxPreData - preData, cancellationToken);
                preData += name.Length + Encoding.UTF8.GetByteCount(value);
                fields.TryAdd(name.ToLowerInvariant(), value);
                ordered.Add((name, value));
            }
        }
        catch (IOException e) when (e is not BadHttpRequestException)
        {
            throw Malformed(e);
        }
        catch (InvalidDataException e)
        {
            throw Malformed(e);
        }
        return new PostForm(fields, ordered, null, null);
    }

    private static async Task<string> ReadValueAsync(Stream body, int budget, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int n;
        while ((n = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + n > budget)
            {
                throw S3Errors.Error("MaxPostPreDataLengthExceededError", "Your POST request fields preceding the upload file were too large.", 400);
            }
            buffer.Write(chunk, 0, n);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static S3Exception Malformed(Exception? inner = null) =>
        new("MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data.", 400, inner);

    /// <summary>
    /// The file part's bytes with the policy's content-length-range enforced as they stream: too many bytes fail the
    /// read (EntityTooLarge), too few fail it at the end (EntityTooSmall), so the store never commits either.
    /// </summary>
    public sealed class FileBody(Stream inner, long min, long max) : Core.Storage.ReadOnlyStream
    {
        private long _read;

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int n;
            try
            {
                n = await inner.ReadAsync(buffer, cancellationToken);
            }
            catch (IOException e) when (e is not BadHttpRequestException)
            {
                throw Malformed(e);
            }
            catch (InvalidDataException e)
            {
                throw Malformed(e);
            }
            _read += n;
            if (_read > max)
            {
                throw new S3Exception(S3ErrorCode.EntityTooLarge, "Your proposed upload exceeds the maximum allowed size", 400)
                    .With("MaxSizeAllowed", S3Xml.Int(max));
            }
            if (n == 0 && _read < min)
            {
                throw new S3Exception(S3ErrorCode.EntityTooSmall, "Your proposed upload is smaller than the minimum allowed size", 400)
                    .With("ProposedSize", S3Xml.Int(_read))
                    .With("MinSizeAllowed", S3Xml.Int(min));
            }
            return n;
        }
    }
}
