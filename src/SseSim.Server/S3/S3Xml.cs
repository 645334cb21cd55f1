using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>XML in and out: response documents in the S3 namespace, bounded request bodies read into XDocument.</summary>
internal static class S3Xml
{
    public const string Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";
    private const int MaxRequestXml = 4 * 1024 * 1024;

    /// <param name="ns">The root's namespace; S3's own documents use <see cref="Namespace"/>, a few (PostResponse) none.</param>
    public static async Task WriteAsync(HttpResponse response, string root, Action<XmlWriter> body, int status = 200, string? ns = Namespace)
    {
        using var buffer = new MemoryStream();
        using (var w = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false) }))
        {
            w.WriteStartDocument();
            w.WriteStartElement(root, ns);
            body(w);
            w.WriteEndElement();
            w.WriteEndDocument();
        }
        response.StatusCode = status;
        response.ContentType = "application/xml";
        response.ContentLength = buffer.Length;
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
    }

    /// <summary>Writes an element only when there is a value (optional members are omitted, as S3 does).</summary>
    public static void Optional(this XmlWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteElementString(name, value);
        }
    }

    /// <summary>
    /// An Owner, Initiator or Grantee: the canonical ID only. S3 stopped returning DisplayName in every response on
    /// 2025-11-21 (the Owner data type's end-of-support notice).
    /// </summary>
    public static void Owner(this XmlWriter w, string element, string accountId)
    {
        w.WriteStartElement(element);
        w.WriteElementString("ID", CanonicalId(accountId));
        w.WriteEndElement();
    }

    /// <summary>S3 canonical user ids are 64 hex digits; derive a stable one per account.</summary>
    public static string CanonicalId(string accountId) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes("sseSim-canonical:" + accountId)));

    /// <summary>A Checksum&lt;ALG&gt; element (CompleteMultipartUploadResult, CopyPartResult, ListParts' Part), when there is a value.</summary>
    public static void Checksum(XmlWriter w, string? algorithm, string? value)
    {
        if (algorithm is not null && value is not null)
        {
            w.WriteElementString("Checksum" + algorithm.ToUpperInvariant(), value);
        }
    }

    /// <summary>A date the caller gave (an Object Lock retain-until date), to the millisecond.</summary>
    public static string Timestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// A time S3 keeps (LastModified, Initiated, CreationDate) as its XML shows it: whole seconds, ".000Z", like the
    /// Last-Modified header.
    /// </summary>
    public static string SecondsTimestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'.000Z'", CultureInfo.InvariantCulture);

    public static string HttpDate(DateTimeOffset t) => t.UtcDateTime.ToString("r", CultureInfo.InvariantCulture);

    public static string Bool(bool value) => value ? "true" : "false";

    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Quote(string etag) => "\"" + etag + "\"";

    /// <summary>
    /// Reads the (decoded, verified) request body as XML; an empty body gives null. Content-MD5 and x-amz-checksum-*
    /// are checked against it (<see cref="S3Body.ReadAllAsync"/>, the checksum only when <paramref name="checksumOfBody"/>),
    /// and required when <paramref name="integrityRequired"/>.
    /// </summary>
    public static async Task<XElement?> ReadAsync(S3Call call, bool integrityRequired = false, bool checksumOfBody = true)
    {
        try
        {
            return Parse(await S3Body.ReadAllAsync(call, MaxRequestXml, integrityRequired, checksumOfBody));
        }
        catch (S3Exception e) when (e.Code == S3ErrorCode.EntityTooLarge)
        {
            throw TooBig();
        }
    }

    private static S3Exception TooBig() => S3Errors.Error("MaxMessageLengthExceeded", "Your request was too big.", 400);

    /// <summary>Parses a request document (DTDs prohibited); empty gives null, anything not well-formed MalformedXML.</summary>
    public static XElement? Parse(ReadOnlyMemory<byte> body)
    {
        if (body.Length == 0)
        {
            return null;
        }
        try
        {
            using var stream = new MemoryStream(body.ToArray(), writable: false);
            using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            return XDocument.Load(reader, LoadOptions.None).Root;
        }
        catch (XmlException)
        {
            throw S3Errors.MalformedXml();
        }
        catch (ArgumentException)
        {
            // XmlReader throws ArgumentOutOfRangeException on some damaged XML declarations (found by the fuzzer);
            // it is still the client's malformed body, not a server fault.
            throw S3Errors.MalformedXml();
        }
    }

    /// <summary>
    /// A validated request document as it is stored (CORS, lifecycle): every element in the S3 namespace, no attributes,
    /// comments or insignificant white space, so a Get answers it as S3 writes its own documents.
    /// </summary>
    public static string Canonical(XElement root)
    {
        static XElement Copy(XElement e) => e.HasElements
            ? new XElement(XName.Get(e.Name.LocalName, Namespace), e.Elements().Select(Copy))
            : new XElement(XName.Get(e.Name.LocalName, Namespace), e.Value.Trim());
        return Copy(root).ToString(SaveOptions.DisableFormatting);
    }

    /// <summary>Answers a document kept by <see cref="Canonical"/>.</summary>
    public static async Task WriteCanonicalAsync(HttpResponse response, string document)
    {
        var bytes = Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + document);
        response.StatusCode = 200;
        response.ContentType = "application/xml";
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes);
    }

    /// <summary>Child elements by local name, ignoring the namespace (clients differ in whether they send one).</summary>
    public static IEnumerable<XElement> Children(this XElement e, string localName) => e.Elements().Where(c => c.Name.LocalName == localName);

    public static XElement? Child(this XElement e, string localName) => e.Children(localName).FirstOrDefault();

    public static string? ChildValue(this XElement e, string localName) => e.Child(localName)?.Value;
}
