using System.Globalization;
using System.Text;
using System.Xml.Linq;
using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>
/// Tag sets on the wire: the <c>x-amz-tagging</c> header (URL query form) of PutObject, CopyObject and
/// CreateMultipartUpload, the <c>&lt;Tagging&gt;&lt;TagSet&gt;</c> document of the tagging subresources and the POST
/// form's tagging field, and <c>x-amz-tagging-count</c> on GET/HEAD. The limits are the domain's (TagRules).
/// </summary>
internal static class S3Tagging
{
    public const string Header = "x-amz-tagging";
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>x-amz-tagging, or null when absent. A presigned URL carries it in its (signed) query, where SDK presigners hoist x-amz-* headers.</summary>
    public static IReadOnlyList<S3Tag>? FromHeader(S3Call call) =>
        (call.Header(Header) ?? (call.Auth.Presigned ? call.Query(Header) : null)) is { } value ? ParseHeader(value) : null;

    /// <summary>
    /// application/x-www-form-urlencoded pairs ('+' is a space, %XX bytes are UTF-8); "k" alone has the empty value.
    /// A repeated name, a second '=' in a pair, a broken escape or bytes that are not UTF-8 fail as S3 fails them.
    /// </summary>
    public static IReadOnlyList<S3Tag> ParseHeader(string value)
    {
        var tags = new List<S3Tag>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pair in value.Split('&'))
        {
            if (pair.Length == 0)
            {
                continue;
            }
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0 && pair.IndexOf('=', eq + 1) >= 0)
            {
                throw BadHeader(value);
            }
            var name = Decode(eq < 0 ? pair : pair[..eq], value);
            if (!names.Add(name))
            {
                throw BadHeader(value);
            }
            tags.Add(new S3Tag(name, eq < 0 ? "" : Decode(pair[(eq + 1)..], value)));
        }
        return tags;
    }

    private static string Decode(string text, string header)
    {
        if (text.IndexOfAny(['%', '+']) < 0)
        {
            return text;
        }
        var bytes = new List<byte>(text.Length);
        var run = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '%')
            {
                run.Append(c == '+' ? ' ' : c);
                continue;
            }
            if (i + 2 >= text.Length || !byte.TryParse(text.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
            {
                throw BadHeader(header);
            }
            bytes.AddRange(Encoding.UTF8.GetBytes(run.ToString()));
            run.Clear();
            bytes.Add(b);
            i += 2;
        }
        bytes.AddRange(Encoding.UTF8.GetBytes(run.ToString()));
        try
        {
            return StrictUtf8.GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException)
        {
            throw BadHeader(header);
        }
    }

    private static S3Exception BadHeader(string value) => S3Errors.InvalidArgument(
        "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.", Header, value);

    /// <summary>&lt;Tagging&gt;&lt;TagSet&gt;&lt;Tag&gt;&lt;Key/&gt;&lt;Value/&gt;… (any namespace); TagSet, Key and Value are required.</summary>
    public static IReadOnlyList<S3Tag> ParseXml(XElement? root)
    {
        if (root?.Name.LocalName != "Tagging" || root.Child("TagSet") is not { } set)
        {
            throw S3Errors.MalformedXml();
        }
        var tags = new List<S3Tag>();
        foreach (var tag in set.Elements())
        {
            if (tag.Name.LocalName != "Tag" || tag.Child("Key") is not { } key || tag.Child("Value") is not { } value)
            {
                throw S3Errors.MalformedXml();
            }
            tags.Add(new S3Tag(key.Value, value.Value));
        }
        return tags;
    }

    /// <summary>The GetObjectTagging / GetBucketTagging answer.</summary>
    public static Task WriteAsync(HttpResponse response, IReadOnlyList<S3Tag> tags) =>
        S3Xml.WriteAsync(response, "Tagging", w =>
        {
            w.WriteStartElement("TagSet");
            foreach (var tag in tags)
            {
                w.WriteStartElement("Tag");
                w.WriteElementString("Key", tag.Key);
                w.WriteElementString("Value", tag.Value);
                w.WriteEndElement();
            }
            w.WriteEndElement();
        });

    /// <summary>GET and HEAD report how many tags an object has, "when you have the relevant permission to read object tags".</summary>
    public static void WriteCount(S3Call call, ObjectInfo info)
    {
        if (info.TagCount > 0 && !S3Endpoint.Denies(call, "s3:GetObjectTagging", call.Header))
        {
            call.Response.Headers["x-amz-tagging-count"] = info.TagCount.ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Creating an object with tags needs s3:PutObjectTagging as well as s3:PutObject.</summary>
    /// <param name="field">The request's headers (default) or POST form fields, for the policy's other condition keys.</param>
    public static void AuthorizeTagging(S3Call call, IReadOnlyList<S3Tag>? tags, Func<string, string?>? field = null)
    {
        if (tags is { Count: > 0 })
        {
            S3Endpoint.Authorize(call, "s3:PutObjectTagging", field ?? call.Header, tags);
        }
    }
}
