using System.Globalization;
using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>Request headers into domain records and domain results into response headers (reference/s3.md §1.1, §1.2).</summary>
internal static class S3Headers
{
    private const string Sse = "x-amz-server-side-encryption";
    private const string KmsKeyId = "x-amz-server-side-encryption-aws-kms-key-id";
    private const string Context = "x-amz-server-side-encryption-context";
    private const string BucketKey = "x-amz-server-side-encryption-bucket-key-enabled";
    private const string CustomerAlgorithm = "x-amz-server-side-encryption-customer-algorithm";
    private const string CustomerKeyHeader = "x-amz-server-side-encryption-customer-key";
    private const string CustomerKeyMd5 = "x-amz-server-side-encryption-customer-key-MD5";
    private const int MaxUserMetadata = 2 * 1024;

    /// <summary>PutObject, CopyObject, CreateMultipartUpload: every SSE header.</summary>
    public static SseRequest? SseRequest(S3Call call) => SseRequest(call, call.Header);

    /// <param name="field">Header (or POST form field) lookup by name.</param>
    public static SseRequest? SseRequest(S3Call call, Func<string, string?> field)
    {
        var customer = CustomerKey(call, field);
        var sse = field(Sse);
        var keyId = field(KmsKeyId);
        var context = field(Context);
        var bucketKey = field(BucketKey);
        if (sse is null && keyId is null && context is null && bucketKey is null && customer is null)
        {
            return null;
        }
        bool? bucketKeyEnabled = bucketKey is null ? null : bucketKey.Trim().Equals("true", StringComparison.OrdinalIgnoreCase);
        return new SseRequest
        {
            ServerSideEncryption = sse?.Trim(),
            KmsKeyId = keyId?.Trim(),
            EncryptionContext = context?.Trim(),
            BucketKeyEnabled = bucketKeyEnabled,
            CustomerKey = customer,
        };
    }

    /// <summary>The three SSE-C headers (or the x-amz-copy-source-… trio); null when none is present.</summary>
    public static CustomerKeyHeaders? CustomerKey(S3Call call, bool copySource) =>
        CustomerKey(call, copySource ? name => call.Header(CopySourceHeader(name)) : call.Header);

    /// <summary>x-amz-server-side-encryption-customer-… → x-amz-copy-source-server-side-encryption-customer-….</summary>
    private static string CopySourceHeader(string name) => "x-amz-copy-source-" + name["x-amz-".Length..];

    private static CustomerKeyHeaders? CustomerKey(S3Call call, Func<string, string?> field)
    {
        var algorithm = field(CustomerAlgorithm);
        var key = field(CustomerKeyHeader);
        var md5 = field(CustomerKeyMd5);
        if (algorithm is null && key is null && md5 is null)
        {
            return null;
        }
        // Deliberate divergence: AWS requires TLS for SSE-C; SseSim allows plain HTTP unless SseCRequireHttps.
        if (call.Options.SseCRequireHttps && !call.Request.IsHttps)
        {
            throw S3Errors.Error(S3ErrorCode.InvalidRequest, "Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.", 400);
        }
        return new CustomerKeyHeaders(algorithm?.Trim(), key?.Trim(), md5?.Trim());
    }

    /// <summary>UploadPart / UploadPartCopy accept only SSE-C headers (botocore model; reference/s3.md §0.1).</summary>
    public static void RejectKmsHeaders(S3Call call)
    {
        foreach (var name in new[] { Sse, KmsKeyId, Context, BucketKey })
        {
            if (call.Header(name) is not null)
            {
                throw S3Errors.InvalidArgument($"{name} header is not supported for this operation.", name, call.Header(name));
            }
        }
    }

    /// <summary>GET/HEAD must not carry SSE-S3/SSE-KMS request headers: AWS answers 400 (reference/s3.md §1.2 notes).</summary>
    public static void RejectSseOnRead(S3Call call)
    {
        foreach (var name in new[] { Sse, KmsKeyId, Context, BucketKey })
        {
            if (call.Header(name) is { } value)
            {
                throw S3Errors.InvalidArgument("Encryption request headers should not be sent for GET or HEAD requests of objects stored with SSE-S3 or SSE-KMS.", name, value);
            }
        }
    }

    public static ObjectHeaders ObjectHeaders(S3Call call) =>
        ObjectHeaders(call.Request.Headers.Select(h => (h.Key, h.Value.ToString())), call.Header);

    /// <param name="fields">Every header (or POST form field); the x-amz-meta-* ones become user metadata.</param>
    /// <param name="field">Lookup by name for the standard headers.</param>
    public static ObjectHeaders ObjectHeaders(IEnumerable<(string Name, string Value)> fields, Func<string, string?> field)
    {
        Dictionary<string, string>? meta = null;
        var size = 0;
        foreach (var (name, value) in fields)
        {
            if (name.StartsWith("x-amz-meta-", StringComparison.OrdinalIgnoreCase))
            {
                meta ??= new Dictionary<string, string>(StringComparer.Ordinal);
                var key = name["x-amz-meta-".Length..].ToLowerInvariant();
                meta[key] = value;
                size += key.Length + value.Length;
            }
        }
        if (size > MaxUserMetadata)
        {
            throw S3Errors.Error("MetadataTooLarge", "Your metadata headers exceed the maximum allowed metadata size.", 400);
        }
        // S3 serves the value as a website redirect, so only a path in the bucket or an http(s) URL is taken (AWS's
        // answer to anything else is quoted in aws/aws-cli#1130).
        var redirect = field("x-amz-website-redirect-location");
        if (redirect is { Length: > 0 } && !redirect.StartsWith('/') && !redirect.StartsWith("http://", StringComparison.Ordinal)
            && !redirect.StartsWith("https://", StringComparison.Ordinal))
        {
            throw S3Errors.Error("InvalidRedirectLocation", "The website redirect location must have a prefix of 'http://' or 'https://' or '/'.", 400);
        }
        return new ObjectHeaders
        {
            ContentType = field("Content-Type"),
            ContentEncoding = StripAwsChunked(field("Content-Encoding")),
            ContentDisposition = field("Content-Disposition"),
            ContentLanguage = field("Content-Language"),
            CacheControl = field("Cache-Control"),
            Expires = field("Expires"),
            UserMetadata = meta,
            StorageClass = StorageClasses.Normalize(field("x-amz-storage-class")?.Trim()),
            WebsiteRedirectLocation = redirect,
        };
    }

    /// <summary>aws-chunked is transport framing, never part of the stored Content-Encoding.</summary>
    private static string? StripAwsChunked(string? value)
    {
        if (value is null)
        {
            return null;
        }
        var kept = value.Split(',').Select(v => v.Trim()).Where(v => v.Length > 0 && !v.Equals("aws-chunked", StringComparison.OrdinalIgnoreCase)).ToList();
        return kept.Count == 0 ? null : string.Join(',', kept);
    }

    /// <param name="prefix">"" for GET/HEAD, "x-amz-copy-source-" for copies.</param>
    public static Conditions? Conditions(S3Call call, string prefix = "")
    {
        var ifMatch = call.Header(prefix + "If-Match");
        var ifNoneMatch = call.Header(prefix + "If-None-Match");
        var ifModified = Date(call.Header(prefix + "If-Modified-Since"));
        var ifUnmodified = Date(call.Header(prefix + "If-Unmodified-Since"));
        return ifMatch is null && ifNoneMatch is null && ifModified is null && ifUnmodified is null
            ? null
            : new Conditions(ifMatch, ifNoneMatch, ifModified, ifUnmodified);
    }

    /// <summary>
    /// Conditional writes: If-Match (an ETag, not "*") or If-None-Match (only "*"), never both; anything else is
    /// 501 NotImplemented with AWS's Header and additionalMessage.
    /// </summary>
    public static Conditions? WriteConditions(S3Call call)
    {
        var ifMatch = call.Header("If-Match")?.Trim();
        var ifNoneMatch = call.Header("If-None-Match")?.Trim();
        if (ifMatch is not null && ifNoneMatch is not null)
        {
            throw UnsupportedCondition("If-Match,If-None-Match", "Multiple conditional request headers present in the request");
        }
        if (ifNoneMatch is not null && ifNoneMatch != "*")
        {
            throw UnsupportedCondition("If-None-Match", "We don't accept the provided value of If-None-Match header for this API");
        }
        if (ifMatch == "*")
        {
            throw UnsupportedCondition("If-Match", "We don't accept the provided value of If-Match header for this API");
        }
        return ifMatch is null && ifNoneMatch is null ? null : new Conditions(ifMatch, ifNoneMatch);
    }

    private static S3Exception UnsupportedCondition(string header, string detail) =>
        S3Errors.Error(S3ErrorCode.NotImplemented, "A header you provided implies functionality that is not implemented", 501)
            .With("Header", header).With("additionalMessage", detail);

    private static DateTimeOffset? Date(string? value) =>
        value is not null && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d)
            ? d
            : null;

    /// <summary>bytes=a-b, bytes=a-, bytes=-n; anything else (including several ranges) is ignored as HTTP allows.</summary>
    public static ByteRangeSpec? Range(string? value)
    {
        if (value is null || !value.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var spec = value["bytes=".Length..].Trim();
        var dash = spec.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0 || spec.Contains(',', StringComparison.Ordinal))
        {
            return null;
        }
        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        long? a = null;
        long? b = null;
        if (first.Length > 0)
        {
            if (!long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var f))
            {
                return null;
            }
            a = f;
        }
        if (last.Length > 0)
        {
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var l))
            {
                return null;
            }
            b = l;
        }
        return a is null && b is null ? null : new ByteRangeSpec(a, b);
    }

    public static void WriteEncryption(HttpResponse response, EncryptionInfo info, bool includeContext)
    {
        var h = response.Headers;
        if (info.ServerSideEncryption is { } sse)
        {
            h[Sse] = sse;
        }
        if (info.KmsKeyArn is { } arn)
        {
            h[KmsKeyId] = arn;
        }
        if (info.BucketKeyEnabled)
        {
            h[BucketKey] = "true";
        }
        if (includeContext && info.EncryptionContext is { } context)
        {
            h[Context] = context;
        }
        if (info.CustomerAlgorithm is { } algorithm)
        {
            h[CustomerAlgorithm] = algorithm;
        }
        if (info.CustomerKeyMd5 is { } md5)
        {
            h[CustomerKeyMd5] = md5;
        }
    }

    /// <param name="type">x-amz-checksum-type (FULL_OBJECT, COMPOSITE), sent with the value when given.</param>
    public static void WriteChecksum(HttpResponse response, string? algorithm, string? value, string? type = null)
    {
        if (algorithm is not null && value is not null)
        {
            response.Headers["x-amz-checksum-" + algorithm.ToLowerInvariant()] = value;
            if (type is not null)
            {
                response.Headers["x-amz-checksum-type"] = type;
            }
        }
    }

    /// <summary>Standard headers and x-amz-meta-* of a stored object.</summary>
    public static void WriteObjectHeaders(HttpResponse response, ObjectInfo info)
    {
        var h = response.Headers;
        var stored = info.Headers;
        h.ETag = S3Xml.Quote(info.ETag);
        h.LastModified = S3Xml.HttpDate(info.LastModified);
        h.AcceptRanges = "bytes";
        h.ContentType = stored.ContentType ?? "binary/octet-stream";
        SetIf(h, "Content-Encoding", stored.ContentEncoding);
        SetIf(h, "Content-Disposition", stored.ContentDisposition);
        SetIf(h, "Content-Language", stored.ContentLanguage);
        SetIf(h, "Cache-Control", stored.CacheControl);
        SetIf(h, "Expires", stored.Expires);
        if (stored.UserMetadata is { } meta)
        {
            foreach (var (name, value) in meta)
            {
                h["x-amz-meta-" + name] = MailSafe(value);
            }
        }
        SetIf(h, "x-amz-storage-class", stored.StorageClass);
        if (info.Restore is { } restore)
        {
            h["x-amz-restore"] = restore.InProgress
                ? "ongoing-request=\"true\""
                : $"ongoing-request=\"false\", expiry-date=\"{S3Xml.HttpDate(restore.Expiry)}\"";
        }
        SetIf(h, "x-amz-website-redirect-location", stored.WebsiteRedirectLocation);
        if (info.PartsCount is { } parts)
        {
            h["x-amz-mp-parts-count"] = parts.ToString(CultureInfo.InvariantCulture);
        }
    }

    private static void SetIf(IHeaderDictionary h, string name, string? value)
    {
        if (value is not null)
        {
            h[name] = MailSafe(value);
        }
    }

    /// <summary>
    /// S3 returns metadata with non-US-ASCII characters RFC 2047-encoded ("mail-safe"); a raw non-ASCII header value
    /// is also one Kestrel refuses to write.
    /// </summary>
    internal static string MailSafe(string value)
    {
        foreach (var c in value)
        {
            if (c > '~' || (c < ' ' && c != '\t'))
            {
                return "=?UTF-8?B?" + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(value)) + "?=";
            }
        }
        return value;
    }

    /// <summary>Parses "/bucket/key[?versionId=…]" (URL-encoded, leading slash optional) of x-amz-copy-source.</summary>
    public static (string Bucket, string Key, string? VersionId) CopySource(S3Call call)
    {
        var raw = call.Header("x-amz-copy-source") ?? throw S3Errors.InvalidArgument("Copy Source must mention the source bucket and key: sourcebucket/sourcekey", "x-amz-copy-source");
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        string? versionId = null;
        if (query >= 0)
        {
            if (Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(raw[query..]).TryGetValue("versionId", out var version))
            {
                versionId = version.ToString();
                ObjectStore.ValidateVersionId(versionId);
            }
            raw = raw[..query];
        }
        var decoded = Uri.UnescapeDataString(raw);
        if (decoded.StartsWith('/'))
        {
            decoded = decoded[1..];
        }
        var slash = decoded.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == decoded.Length - 1)
        {
            throw S3Errors.InvalidArgument("Copy Source must mention the source bucket and key: sourcebucket/sourcekey", "x-amz-copy-source", raw);
        }
        return (decoded[..slash], decoded[(slash + 1)..], versionId);
    }

    public static int? IntQuery(S3Call call, string name, int min, int max) => Int(call.Query(name), name, min, max);

    public static int? IntHeader(S3Call call, string name, int min, int max) => Int(call.Header(name), name, min, max);

    private static int? Int(string? text, string name, int min, int max)
    {
        if (text is null)
        {
            return null;
        }
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw S3Errors.InvalidArgument($"Provided {name} not an integer or within integer range", name, text);
        }
        return value;
    }
}
