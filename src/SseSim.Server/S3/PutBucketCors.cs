using System.Globalization;
using System.Xml.Linq;
using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>
/// PUT /bucket?cors with &lt;CORSConfiguration&gt; → 200: validated as S3 does and stored; SseSim answers no CORS
/// preflight with it (a deliberate divergence, README). Content-MD5 or a checksum is required, as on AWS.
/// </summary>
internal static class PutBucketCors
{
    private static readonly string[] RuleMembers = ["ID", "AllowedHeader", "AllowedMethod", "AllowedOrigin", "ExposeHeader", "MaxAgeSeconds"];
    private static readonly string[] Methods = ["GET", "PUT", "HEAD", "POST", "DELETE"];

    public static async Task HandleAsync(S3Call call)
    {
        var body = await S3Xml.ReadAsync(call, integrityRequired: true);
        Validate(body);
        await call.Store.PutBucketCorsAsync(call.Caller, call.BucketName, S3Xml.Canonical(body!), call.Aborted);
        call.Response.StatusCode = 200;
    }

    public static void Validate(XElement? body)
    {
        if (body is null || body.Name.LocalName != "CORSConfiguration" || !body.HasElements || body.Elements().Any(e => e.Name.LocalName != "CORSRule"))
        {
            throw S3Errors.MalformedXml();
        }
        foreach (var rule in body.Elements())
        {
            if (rule.Elements().Any(e => !RuleMembers.Contains(e.Name.LocalName) || e.HasElements)
                || !rule.Children("AllowedMethod").Any() || !rule.Children("AllowedOrigin").Any()
                || rule.Children("ID").Count() > 1 || rule.Children("MaxAgeSeconds").Count() > 1)
            {
                throw S3Errors.MalformedXml();
            }
            if (rule.ChildValue("MaxAgeSeconds") is { } maxAge && !int.TryParse(maxAge.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            {
                throw S3Errors.MalformedXml();
            }
            if (rule.ChildValue("ID") is { Length: > 255 })
            {
                throw S3Errors.InvalidArgument("ID length should not exceed allowed limit of 255", "ID");
            }
            foreach (var method in rule.Children("AllowedMethod").Select(m => m.Value.Trim()))
            {
                if (!Methods.Contains(method))
                {
                    throw S3Errors.Error(S3ErrorCode.InvalidRequest, $"Found unsupported HTTP method in CORS config. Unsupported method is {method}", 400);
                }
            }
            foreach (var name in new[] { "AllowedOrigin", "AllowedHeader" })
            {
                if (rule.Children(name).Select(e => e.Value.Trim()).FirstOrDefault(v => v.Count(c => c == '*') > 1) is { } wild)
                {
                    throw S3Errors.Error(S3ErrorCode.InvalidRequest, $"{name} \"{wild}\" can not have more than one wildcard.", 400);
                }
            }
        }
    }
}
