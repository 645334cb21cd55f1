using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using SseSim.Core.Aws;

namespace SseSim.Server.Auth;

/// <summary>Why authentication failed, independent of how each API spells the error.</summary>
public enum AuthFailure
{
    None,
    MissingAuthentication,
    IncompleteSignature,
    UnknownAccessKey,
    SignatureMismatch,
    RequestExpired,
    PresignedExpired,
    HeadersNotSigned,
}

/// <summary>The parsed credential and signature of a SigV4 request.</summary>
public sealed record SigV4Request(Identity Identity, string Date, string Region, string Service, string SignedHeaders, string Signature, string AmzDate, bool Presigned)
{
    /// <summary>The signing key, needed again to check aws-chunked chunk signatures.</summary>
    public byte[] SigningKey { get; init; } = [];

    /// <summary>Authenticated by a legacy SigV2 presigned query (AWSAccessKeyId, Expires, Signature) instead.</summary>
    public bool SignatureV2 { get; init; }
    public string Scope => $"{Date}/{Region}/{Service}/aws4_request";
}

public readonly record struct AuthResult(AuthFailure Failure, string Message, SigV4Request? Request)
{
    /// <summary>
    /// What S3 adds to the error, in its order: an expired presigned URL's X-Amz-Expires, Expires and ServerTime; a
    /// signature mismatch's access key id, string to sign and canonical request (text and bytes).
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Details { get; init; } = [];

    public bool Succeeded => Failure == AuthFailure.None;
    public static AuthResult Fail(AuthFailure failure, string message) => new(failure, message, null);
}

/// <summary>
/// AWS Signature Version 4 (header and presigned-query forms), per the SigV4 documentation: canonical request,
/// string to sign, derived signing key (cached per secret, date, region and service), constant-time compare.
/// </summary>
public sealed class SigV4Verifier(IdentityRegistry identities, TimeProvider time)
{
    private const string Algorithm = "AWS4-HMAC-SHA256";
    private static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(15);
    private readonly ConcurrentDictionary<(string Secret, string Date, string Region, string Service), byte[]> _signingKeys = new();

    /// <summary>The credential scope service named by the request, before verification (used for routing).</summary>
    public static string? ScopeService(HttpRequest request)
    {
        var credential = request.Headers.Authorization.ToString() is { Length: > 0 } auth
            ? ExtractField(auth, "Credential=")
            : request.Query["X-Amz-Credential"].ToString();
        var parts = credential?.Split('/');
        return parts is { Length: 5 } ? parts[3] : null;
    }

    /// <param name="payloadHash">Hex SHA-256 of the body, or the literal the client signed (UNSIGNED-PAYLOAD, STREAMING-...).</param>
    public AuthResult Verify(HttpRequest request, string payloadHash)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length > 0)
        {
            return VerifyHeader(request, authorization, payloadHash);
        }
        if (request.Query.ContainsKey("X-Amz-Signature") || request.Query.ContainsKey("X-Amz-Credential"))
        {
            return VerifyPresigned(request);
        }
        return AuthResult.Fail(AuthFailure.MissingAuthentication, "Missing Authentication Token");
    }

    private AuthResult VerifyHeader(HttpRequest request, string authorization, string payloadHash)
    {
        if (!authorization.StartsWith(Algorithm + " ", StringComparison.Ordinal))
        {
            return AuthResult.Fail(AuthFailure.IncompleteSignature, $"Authorization header requires '{Algorithm}' algorithm. Authorization={authorization.Split(' ')[0]}");
        }
        var credential = ExtractField(authorization, "Credential=");
        var signedHeaders = ExtractField(authorization, "SignedHeaders=");
        var signature = ExtractField(authorization, "Signature=");
        if (credential is null || signedHeaders is null || signature is null)
        {
            var missing = new List<string>();
            if (credential is null) { missing.Add("'Credential'"); }
            if (signedHeaders is null) { missing.Add("'SignedHeaders'"); }
            if (signature is null) { missing.Add("'Signature'"); }
            return AuthResult.Fail(AuthFailure.IncompleteSignature, $"Authorization header requires {string.Join(", ", missing)} parameter. Authorization={authorization}");
        }
        var amzDate = request.Headers["X-Amz-Date"].ToString();
        if (amzDate.Length == 0)
        {
            amzDate = request.Headers.Date.ToString() is { Length: > 0 } d && DateTimeOffset.TryParse(d, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                ? parsed.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)
                : "";
        }
        if (amzDate.Length == 0)
        {
            return AuthResult.Fail(AuthFailure.IncompleteSignature, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }
        return Check(request, credential, signedHeaders, signature, amzDate, payloadHash, presigned: false, expires: null);
    }

    private AuthResult VerifyPresigned(HttpRequest request)
    {
        var q = request.Query;
        var algorithm = q["X-Amz-Algorithm"].ToString();
        var credential = q["X-Amz-Credential"].ToString();
        var signedHeaders = q["X-Amz-SignedHeaders"].ToString();
        var signature = q["X-Amz-Signature"].ToString();
        var amzDate = q["X-Amz-Date"].ToString();
        var expiresText = q["X-Amz-Expires"].ToString();
        if (algorithm != Algorithm || credential.Length == 0 || signedHeaders.Length == 0 || signature.Length == 0 || amzDate.Length == 0)
        {
            return AuthResult.Fail(AuthFailure.IncompleteSignature, "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
        }
        int? expires = null;
        if (expiresText.Length > 0)
        {
            var parsed = int.TryParse(expiresText, NumberStyles.None, CultureInfo.InvariantCulture, out var e);
            if (!parsed || e is < 1 or > 604800)
            {
                // S3's wording for a URL valid longer than SigV4 allows (seven days).
                var tooLong = expiresText.All(char.IsAsciiDigit) && (!parsed || e > 604800);
                return AuthResult.Fail(AuthFailure.IncompleteSignature, tooLong
                    ? "X-Amz-Expires must be less than a week (in seconds) that is 604800"
                    : "X-Amz-Expires must be between 1 and 604800 seconds.");
            }
            expires = e;
        }
        // S3 refuses x-amz-* headers a presigned URL did not sign (x-amz-content-sha256 names the payload instead).
        var signedNames = SignedHeaderNames(signedHeaders);
        List<string>? unsigned = null;
        foreach (var name in request.Headers.Keys)
        {
            if (name.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase) && !name.Equals("x-amz-content-sha256", StringComparison.OrdinalIgnoreCase)
                && !signedNames.Contains(name.ToLowerInvariant()))
            {
                (unsigned ??= []).Add(name.ToLowerInvariant());
            }
        }
        if (unsigned is not null)
        {
            unsigned.Sort(StringComparer.Ordinal);
            return AuthResult.Fail(AuthFailure.HeadersNotSigned, "There were headers present in the request which were not signed") with
            {
                Details = [new("HeadersNotSigned", string.Join(", ", unsigned))],
            };
        }
        // Presigned URLs sign the payload as UNSIGNED-PAYLOAD unless the client put a hash header in.
        var payload = request.Headers["x-amz-content-sha256"].ToString() is { Length: > 0 } h ? h : "UNSIGNED-PAYLOAD";
        return Check(request, credential, signedHeaders, signature, amzDate, payload, presigned: true, expires);
    }

    private AuthResult Check(HttpRequest request, string credential, string signedHeaders, string signature, string amzDate, string payloadHash, bool presigned, int? expires)
    {
        var scope = CredentialParts(credential);
        if (scope.Length != 5 || scope[4] != "aws4_request")
        {
            return AuthResult.Fail(AuthFailure.IncompleteSignature, presigned
                ? "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\"."
                : $"Credential should be scoped to a valid region. Credential={credential}");
        }
        var identity = identities.Find(scope[0]);
        if (identity is null)
        {
            return AuthResult.Fail(AuthFailure.UnknownAccessKey, "The security token included in the request is invalid.");
        }
        if (!TryParseAmzDate(amzDate, out var signedAt))
        {
            return AuthResult.Fail(AuthFailure.IncompleteSignature, $"Date must be in ISO-8601 'basic format'. Got '{amzDate}'.");
        }
        if (!amzDate.StartsWith(scope[1], StringComparison.Ordinal))
        {
            return AuthResult.Fail(AuthFailure.SignatureMismatch, $"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scope[1]}' != '{amzDate[..8]}'");
        }
        var now = time.GetUtcNow();
        if (presigned)
        {
            if (signedAt > now + MaxSkew)
            {
                return AuthResult.Fail(AuthFailure.RequestExpired, "Request is not valid yet");
            }
            if (expires is { } e && now > signedAt.AddSeconds(e))
            {
                return AuthResult.Fail(AuthFailure.PresignedExpired, "Request has expired") with
                {
                    Details = [new("X-Amz-Expires", e.ToString(CultureInfo.InvariantCulture)), new("Expires", IsoSeconds(signedAt.AddSeconds(e))), new("ServerTime", IsoSeconds(now))],
                };
            }
        }
        else if ((now - signedAt).Duration() > MaxSkew)
        {
            var fmt = "yyyyMMdd'T'HHmmss'Z'";
            return AuthResult.Fail(AuthFailure.RequestExpired,
                $"Signature expired: {amzDate} is now earlier than {(now - MaxSkew).UtcDateTime.ToString(fmt, CultureInfo.InvariantCulture)} ({now.UtcDateTime.ToString(fmt, CultureInfo.InvariantCulture)} - 15 min.)");
        }

        var builder = _builder ??= new StringBuilder(512);
        builder.Clear();
        AppendCanonicalRequest(builder, request, signedHeaders, payloadHash, presigned, scope[3]);
        Span<byte> canonicalHash = stackalloc byte[32];
        Sha256Utf8(builder, canonicalHash);
        builder.Clear();
        builder.Append(Algorithm).Append('\n').Append(amzDate).Append('\n').Append(scope[1]).Append('/').Append(scope[2]).Append('/').Append(scope[3])
            .Append("/aws4_request\n");
        Span<char> hashHex = stackalloc char[64];
        Convert.TryToHexStringLower(canonicalHash, hashHex, out _);
        builder.Append(hashHex);
        var key = SigningKey(identity.SecretAccessKey, scope[1], scope[2], scope[3]);
        Span<byte> expected = stackalloc byte[32];
        HmacUtf8(key, builder, expected);
        Span<byte> provided = stackalloc byte[32];
        if (signature.Length != 64 || Convert.FromHexString(signature, provided, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32
            || !CryptographicOperations.FixedTimeEquals(expected, provided))
        {
            // Only the failure path pays for the canonical request a second time, for S3's diagnostic members.
            var stringToSign = builder.ToString();
            var canonical = CanonicalRequest(request, signedHeaders, payloadHash, presigned, scope[3]);
            return AuthResult.Fail(AuthFailure.SignatureMismatch,
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.") with
            {
                Details = [new("AWSAccessKeyId", scope[0]), new("StringToSign", stringToSign), new("SignatureProvided", signature),
                    new("StringToSignBytes", SpacedHex(stringToSign)), new("CanonicalRequest", canonical), new("CanonicalRequestBytes", SpacedHex(canonical))],
            };
        }
        return new AuthResult(AuthFailure.None, "", new SigV4Request(identity, scope[1], scope[2], scope[3], signedHeaders, signature, amzDate, presigned) { SigningKey = key });
    }

    /// <summary>A time as S3 writes it in error members (2023-08-04T23:59:21Z).</summary>
    public static string IsoSeconds(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Text's UTF-8 bytes as S3 lists them in StringToSignBytes: two hex digits each, space-separated.</summary>
    public static string SpacedHex(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var sb = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if (sb.Length > 0)
            {
                sb.Append(' ');
            }
            sb.Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    public byte[] SigningKey(string secret, string date, string region, string service)
    {
        // A thread keeps asking for the same key (one identity, one day, one region, one service): checking the last
        // one it got is four short compares, where the dictionary hashes all four strings on every request.
        if (_lastKey is { } last && last.Verifier == this && last.Secret == secret && last.Date == date && last.Region == region && last.Service == service)
        {
            return last.Key;
        }
        var key = DeriveSigningKey(secret, date, region, service);
        _lastKey = new LastSigningKey(this, secret, date, region, service, key);
        return key;
    }

    private sealed record LastSigningKey(SigV4Verifier Verifier, string Secret, string Date, string Region, string Service, byte[] Key);

    [ThreadStatic]
    private static LastSigningKey? _lastKey;

    private byte[] DeriveSigningKey(string secret, string date, string region, string service) =>
        _signingKeys.GetOrAdd((secret, date, region, service), static k =>
        {
            var kDate = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + k.Secret), Encoding.UTF8.GetBytes(k.Date));
            var kRegion = HMACSHA256.HashData(kDate, Encoding.UTF8.GetBytes(k.Region));
            var kService = HMACSHA256.HashData(kRegion, Encoding.UTF8.GetBytes(k.Service));
            return HMACSHA256.HashData(kService, "aws4_request"u8);
        });

    public static string CanonicalRequest(HttpRequest request, string signedHeaders, string payloadHash, bool presigned, string service)
    {
        var sb = new StringBuilder(512);
        AppendCanonicalRequest(sb, request, signedHeaders, payloadHash, presigned, service);
        return sb.ToString();
    }

    // Check runs synchronously, so one builder per thread serves every request on it.
    [ThreadStatic]
    private static StringBuilder? _builder;

    [ThreadStatic]
    private static Encoder? _encoder;

    private static void Sha256Utf8(StringBuilder text, Span<byte> hash)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        SHA256.HashData(buffer.AsSpan(0, Utf8(text, buffer)), hash);
        System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
    }

    private static void HmacUtf8(byte[] key, StringBuilder text, Span<byte> mac)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        HMACSHA256.HashData(key, buffer.AsSpan(0, Utf8(text, buffer)), mac);
        System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
    }

    /// <summary>The builder's text as UTF-8, chunk by chunk (an encoder, so a pair split across chunks stays whole).</summary>
    private static int Utf8(StringBuilder text, byte[] destination)
    {
        var encoder = _encoder ??= Encoding.UTF8.GetEncoder();
        encoder.Reset();
        var written = 0;
        foreach (var chunk in text.GetChunks())
        {
            encoder.Convert(chunk.Span, destination.AsSpan(written), flush: false, out _, out var produced, out _);
            written += produced;
        }
        encoder.Convert([], destination.AsSpan(written), flush: true, out _, out var last, out _);
        return written + last;
    }

    /// <summary>The ISO-8601 basic form SigV4 signs (yyyyMMddTHHmmssZ), parsed without culture machinery.</summary>
    private static bool TryParseAmzDate(string text, out DateTimeOffset value)
    {
        value = default;
        if (text.Length != 16 || text[8] != 'T' || text[15] != 'Z')
        {
            return false;
        }
        if (!TryDigits(text, 0, 4, out var year) || !TryDigits(text, 4, 2, out var month) || !TryDigits(text, 6, 2, out var day)
            || !TryDigits(text, 9, 2, out var hour) || !TryDigits(text, 11, 2, out var minute) || !TryDigits(text, 13, 2, out var second))
        {
            return false;
        }
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }
        value = new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero);
        return true;
    }

    private static bool TryDigits(string text, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var c = text[i];
            if (c is < '0' or > '9')
            {
                return false;
            }
            value = value * 10 + (c - '0');
        }
        return true;
    }

    private static void AppendCanonicalRequest(StringBuilder sb, HttpRequest request, string signedHeaders, string payloadHash, bool presigned, string service)
    {
        var rawTarget = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (request.PathBase + request.Path + request.QueryString).ToString();
        var queryStart = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var rawPath = queryStart < 0 ? rawTarget : rawTarget[..queryStart];
        var rawQuery = queryStart < 0 ? "" : rawTarget[(queryStart + 1)..];
        if (rawPath.Length == 0)
        {
            rawPath = "/";
        }

        sb.Append(request.Method).Append('\n');
        if (rawPath == "/")
        {
            // The root (every KMS, CloudTrail and EC2 call) encodes to itself, once or twice.
            sb.Append('/');
        }
        else
        {
            // S3 signs the path encoded once; every other service double-encodes (SigV4 docs, "Create a canonical request").
            var path = UriEncodePath(Uri.UnescapeDataString(rawPath));
            sb.Append(service == "s3" ? path : UriEncodePath(path));
        }
        sb.Append('\n');
        sb.Append(CanonicalQuery(rawQuery, presigned)).Append('\n');
        foreach (var name in SignedHeaderNames(signedHeaders))
        {
            sb.Append(name).Append(':');
            AppendCanonicalHeaderValue(sb, request, name);
            sb.Append('\n');
        }
        sb.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);
    }

    [ThreadStatic]
    private static (string List, string[] Names) _lastSignedHeaders;

    [ThreadStatic]
    private static (string Credential, string[] Parts) _lastCredential;

    /// <summary>Credential split at '/', once per distinct credential a thread sees in a row (the parts are only read).</summary>
    private static string[] CredentialParts(string credential)
    {
        var last = _lastCredential;
        if (last.Parts is not null && string.Equals(last.Credential, credential, StringComparison.Ordinal))
        {
            return last.Parts;
        }
        var parts = credential.Split('/');
        _lastCredential = (credential, parts);
        return parts;
    }

    /// <summary>
    /// The names in SignedHeaders, split once per distinct list a thread sees in a row (a client signs the same
    /// headers on every request), since the header lookup needs each name as a string.
    /// </summary>
    private static string[] SignedHeaderNames(string signedHeaders)
    {
        var last = _lastSignedHeaders;
        if (last.Names is not null && string.Equals(last.List, signedHeaders, StringComparison.Ordinal))
        {
            return last.Names;
        }
        var names = signedHeaders.Split(';');
        _lastSignedHeaders = (signedHeaders, names);
        return names;
    }

    private static void AppendCanonicalHeaderValue(StringBuilder sb, HttpRequest request, string name)
    {
        if (name == "host")
        {
            sb.Append(request.Host.Value);
            return;
        }
        var values = request.Headers[name];
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }
            sb.Append(CollapseSpaces((values[i] ?? "").Trim()));
        }
    }

    private static string CollapseSpaces(string value)
    {
        if (!value.Contains("  ", StringComparison.Ordinal))
        {
            return value;
        }
        var sb = new StringBuilder(value.Length);
        var space = false;
        foreach (var c in value)
        {
            if (c == ' ')
            {
                if (!space)
                {
                    sb.Append(c);
                }
                space = true;
            }
            else
            {
                sb.Append(c);
                space = false;
            }
        }
        return sb.ToString();
    }

    private static string CanonicalQuery(string rawQuery, bool presigned)
    {
        if (rawQuery.Length == 0)
        {
            return "";
        }
        var pairs = new List<(string Key, string Value)>();
        foreach (var part in rawQuery.Split('&'))
        {
            if (part.Length == 0)
            {
                continue;
            }
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var k = Uri.UnescapeDataString((eq < 0 ? part : part[..eq]).Replace('+', ' '));
            var v = eq < 0 ? "" : Uri.UnescapeDataString(part[(eq + 1)..].Replace('+', ' '));
            if (presigned && k == "X-Amz-Signature")
            {
                continue;
            }
            pairs.Add((UriEncode(k), UriEncode(v)));
        }
        pairs.Sort((a, b) => a.Key != b.Key ? string.CompareOrdinal(a.Key, b.Key) : string.CompareOrdinal(a.Value, b.Value));
        return string.Join('&', pairs.Select(p => p.Key + "=" + p.Value));
    }

    /// <summary>RFC 3986 encoding as SigV4 wants it: unreserved characters kept, everything else %XX (upper hex).</summary>
    public static string UriEncode(string value, bool keepSlash = false)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        var sb = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            var c = (char)b;
            if (c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.' or '~' || (keepSlash && c == '/'))
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        return sb.ToString();
    }

    private static string UriEncodePath(string path) => UriEncode(path, keepSlash: true);

    private static string? ExtractField(string authorization, string name)
    {
        var start = authorization.IndexOf(name, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }
        start += name.Length;
        var end = authorization.IndexOf(',', start);
        var value = (end < 0 ? authorization[start..] : authorization[start..end]).Trim();
        return value.Length == 0 ? null : value;
    }

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}
