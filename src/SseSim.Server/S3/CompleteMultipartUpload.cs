using System.Globalization;
using System.Xml.Linq;
using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>POST /bucket/key?uploadId=…: &lt;CompleteMultipartUpload&gt;&lt;Part&gt;&lt;PartNumber/&gt;&lt;ETag/&gt;… → CompleteMultipartUploadResult.</summary>
internal static class CompleteMultipartUpload
{
    public static async Task HandleAsync(S3Call call)
    {
        var customer = S3Headers.CustomerKey(call, copySource: false);
        // x-amz-checksum-* here is the object's full checksum (the model's ChecksumCRC32... members), not the document's.
        var body = await S3Xml.ReadAsync(call, checksumOfBody: false);
        var parts = body is null ? [] : ParseParts(body);
        var result = await call.Store.CompleteMultipartUploadAsync(call.Caller,
            new CompleteMultipartUploadRequest(call.BucketName, call.ObjectKey, call.Query("uploadId")!, parts)
            {
                CustomerKey = customer,
                WriteConditions = S3Headers.WriteConditions(call),
                Checksum = S3Body.HeaderChecksum(call, trailerName: null, partCount: true),
                ChecksumType = call.Header("x-amz-checksum-type")?.Trim().ToUpperInvariant(),
                WithoutBody = body is null,
            }, call.Aborted);
        S3Headers.WriteEncryption(call.Response, result.Encryption with { CustomerAlgorithm = null, CustomerKeyMd5 = null }, includeContext: false);
        VersionIds.EchoWritten(call, result.VersionId);
        await S3Xml.WriteAsync(call.Response, "CompleteMultipartUploadResult", w =>
        {
            w.WriteElementString("Location", $"{call.Request.Scheme}://{call.Request.Host}/{result.Bucket}/{Uri.EscapeDataString(result.Key)}");
            w.WriteElementString("Bucket", result.Bucket);
            w.WriteElementString("Key", result.Key);
            w.WriteElementString("ETag", S3Xml.Quote(result.ETag));
            S3Xml.Checksum(w, result.ChecksumAlgorithm, result.ChecksumValue);
            w.Optional("ChecksumType", result.ChecksumType);
        });
    }

    /// <summary>The &lt;Part&gt; list of the request body (with a part's Checksum&lt;ALG&gt;, if any); anything else is MalformedXML.</summary>
    public static List<CompletedPart> ParseParts(XElement? body)
    {
        if (body is null || body.Name.LocalName != "CompleteMultipartUpload")
        {
            throw S3Errors.MalformedXml();
        }
        return body.Children("Part").Select(p =>
        {
            var number = p.ChildValue("PartNumber");
            var etag = p.ChildValue("ETag");
            return number is null || etag is null || !int.TryParse(number.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                ? throw S3Errors.MalformedXml()
                : new CompletedPart(n, etag.Trim()) { Checksum = PartChecksum(p) };
        }).ToList();
    }

    /// <summary>A part's Checksum&lt;ALG&gt;: more than one, or one that is not a checksum value, is InvalidArgument naming them all, as S3 answers.</summary>
    private static ChecksumInput? PartChecksum(XElement part)
    {
        var given = S3Body.ChecksumAlgorithms
            .Select(algorithm => (Algorithm: algorithm, Value: part.ChildValue("Checksum" + algorithm)?.Trim()))
            .Where(c => c.Value is not null)
            .ToList();
        if (given.Count > 1 || given.Any(c => !S3Body.IsChecksumValue(c.Algorithm, c.Value!)))
        {
            throw S3Errors.InvalidArgument("Invalid Base64 or multiple checksums present in request", "Checksum",
                string.Concat(given.Select(c => c.Algorithm + ":" + c.Value + ";")));
        }
        return given.Count == 1 ? new ChecksumInput(given[0].Algorithm, given[0].Value) : null;
    }
}
