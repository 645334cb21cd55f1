using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using SseSim.Objects;
using SseSim.Server.Auth;

namespace SseSim.Server.S3;

/// <summary>
/// Legacy SigV2 query authentication (AWSAccessKeyId, Expires, Signature), which boto3's generate_presigned_url still
/// produces for S3 unless signature_version is set. Per the AWS "Signing and authenticating REST requests" (v2) page:
/// base64 HMAC-SHA1 over verb, Content-MD5, Content-Type, Expires, x-amz-* headers and the canonical resource.
/// </summary>
internal static class SigV2Presigned
{
    // botocore HmacV1Auth.QSAOfInterest: the query parameters that are part of the canonical resource.
    private static readonly HashSet<string> SignedSubresources = new(StringComparer.Ordinal)
    {
        "accelerate", "acl", "cors", "defaultObjectAcl", "location", "logging", "partNumber", "policy", "requestPayment",
        "torrent", "versioning", "versionId", "versions", "website", "uploads", "uploadId", "response-content-type",
        "response-content-language", "response-expires", "response-cache-control", "response-content-disposition",
        "response-content-encoding", "delete", "lifecycle", "tagging", "restore", "storageClass", "notification",
        "replication", "analytics", "metrics", "inventory", "select", "select-type", "object-lock",
    };

    /// <summary>A SigV2 signature (base64 HMAC-SHA1 of the string to sign), compared in constant time.</summary>
    public static bool SignatureMatches(string secret, string stringToSign, string providedBase64)
    {
        var expected = HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(stringToSign));
        var provided = new byte[20];
        return Convert.TryFromBase64String(providedBase64, provided, out var n) && n == 20 && CryptographicOperations.FixedTimeEquals(expected, provided);
    }

    public static bool Applies(HttpRequest request) =>
        request.Headers.Authorization.Count == 0 && request.Query.ContainsKey("AWSAccessKeyId") && request.Query.ContainsKey("Signature");

    public static SigV4Request Verify(HttpRequest request, IdentityRegistry identities, TimeProvider time, string region, string? virtualHostBucket)
    {
        var q = request.Query;
        var identity = identities.Find(q["AWSAccessKeyId"].ToString())
            ?? throw S3Errors.InvalidAccessKeyId();
        var expiresText = q["Expires"].ToString();
        if (!long.TryParse(expiresText, NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
        {
            throw S3Errors.Error(S3ErrorCode.AccessDenied, "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters", 403);
        }
        var now = time.GetUtcNow();
        if (now.ToUnixTimeSeconds() > expires)
        {
            throw S3Errors.Error(S3ErrorCode.AccessDenied, "Request has expired", 403)
                .With("Expires", SigV4Verifier.IsoSeconds(DateTimeOffset.FromUnixTimeSeconds(expires))).With("ServerTime", SigV4Verifier.IsoSeconds(now));
        }

        var raw = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (request.Path + request.QueryString).ToString();
        var queryStart = raw.IndexOf('?', StringComparison.Ordinal);
        var resource = new StringBuilder(virtualHostBucket is null ? "" : "/" + virtualHostBucket);
        var path = queryStart < 0 ? raw : raw[..queryStart];
        resource.Append(path);
        // botocore signs a path-style bucket request as /bucket/ while sending /bucket (S3's SigV2 resource for a
        // bucket ends with '/'); a signer that used the path as sent is accepted too.
        var bucketOnly = virtualHostBucket is null && path.Length > 1 && path.IndexOf('/', 1) < 0;
        var subresources = q.Keys.Where(SignedSubresources.Contains).Order(StringComparer.Ordinal).ToList();
        for (var i = 0; i < subresources.Count; i++)
        {
            resource.Append(i == 0 ? '?' : '&').Append(subresources[i]);
            if (q[subresources[i]].ToString() is { Length: > 0 } value)
            {
                resource.Append('=').Append(value);
            }
        }
        var amzHeaders = request.Headers
            .Where(h => h.Key.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase))
            .Select(h => (Name: h.Key.ToLowerInvariant(), Value: string.Join(',', h.Value.Select(v => v?.Trim()))))
            .OrderBy(h => h.Name, StringComparer.Ordinal)
            .Select(h => h.Name + ":" + h.Value + "\n");
        var head = $"{request.Method}\n{request.Headers["Content-MD5"]}\n{request.Headers.ContentType}\n{expiresText}\n{string.Concat(amzHeaders)}";
        var stringToSign = head + resource;
        var asBucket = bucketOnly ? head + resource.Insert(path.Length, '/') : null;
        if (asBucket is not null && SignatureMatches(identity.SecretAccessKey, asBucket, q["Signature"].ToString()))
        {
            stringToSign = asBucket;
        }
        else if (!SignatureMatches(identity.SecretAccessKey, stringToSign, q["Signature"].ToString()))
        {
            throw S3Errors.SignatureDoesNotMatch().With("AWSAccessKeyId", q["AWSAccessKeyId"].ToString()).With("StringToSign", stringToSign)
                .With("SignatureProvided", q["Signature"].ToString()).With("StringToSignBytes", SigV4Verifier.SpacedHex(stringToSign));
        }
        return new SigV4Request(identity, "", region, "s3", "", q["Signature"].ToString(), "", Presigned: true) { SignatureV2 = true };
    }
}
