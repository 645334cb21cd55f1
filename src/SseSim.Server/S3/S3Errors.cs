using System.Text;
using System.Xml;
using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>The S3 &lt;Error&gt; document (no namespace), and the codes the HTTP layer raises itself.</summary>
internal static class S3Errors
{
    public static S3Exception Error(string code, string message, int status) => new(code, message, status);

    public static S3Exception InvalidArgument(string message, string? name = null, string? value = null)
    {
        var e = new S3Exception(S3ErrorCode.InvalidArgument, message, 400);
        if (name is not null)
        {
            e.With("ArgumentName", name);
        }
        if (value is not null)
        {
            e.With("ArgumentValue", value);
        }
        return e;
    }

    public static S3Exception InvalidAccessKeyId() =>
        new("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", 403);

    public static S3Exception SignatureDoesNotMatch() =>
        new("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.", 403);

    public static S3Exception MalformedXml() => S3Exception.MalformedXml();

    public static async Task WriteAsync(HttpContext context, S3Exception error, string requestId)
    {
        var response = context.Response;
        response.StatusCode = error.StatusCode;
        foreach (var (name, value) in error.Headers)
        {
            response.Headers[name] = value;
        }
        if (error.Code == S3ErrorCode.InvalidRange && error.Details.TryGetValue("ActualObjectSize", out var size))
        {
            // RFC 9110 §15.5.17, as S3 sends it: the size a satisfiable range must fall within.
            response.Headers.ContentRange = "bytes */" + size;
        }
        // HEAD answers and 304s carry no body (reference/s3.md §3.5).
        if (HttpMethods.IsHead(context.Request.Method) || error.StatusCode == 304)
        {
            response.Headers["x-amz-error-code"] = error.Code;
            return;
        }
        using var buffer = new MemoryStream();
        using (var w = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false) }))
        {
            w.WriteStartDocument();
            w.WriteStartElement("Error");
            w.WriteElementString("Code", error.Code);
            w.WriteElementString("Message", error.Message);
            foreach (var (name, value) in error.Details)
            {
                w.WriteElementString(name, value);
            }
            w.WriteElementString("RequestId", requestId);
            w.WriteElementString("HostId", requestId);
            w.WriteEndElement();
            w.WriteEndDocument();
        }
        response.ContentType = "application/xml";
        response.ContentLength = buffer.Length;
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
    }
}
