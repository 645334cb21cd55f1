using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SseSim.Server.Tests.Durability;

/// <summary>
/// SigV4-signed AWS JSON 1.1 calls for services without an SDK package here (CloudTrail LookupEvents), so the
/// harness reads the audit through the same wire API a user would.
/// </summary>
public static class SignedJson
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromMinutes(2) };

    public static async Task<(int Status, JsonElement Body)> PostAsync(string endpoint, string service, string target, string json,
        CancellationToken cancellationToken = default, string accessKey = "test", string secretKey = "test")
    {
        const string ContentType = "application/x-amz-json-1.1";
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint + "/")) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(json)) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
        return await SendSignedAsync(request, service, Encoding.UTF8.GetBytes(json), new() { ["content-type"] = ContentType, ["x-amz-target"] = target },
            accessKey, secretKey, cancellationToken);
    }

    /// <summary>A signed GET of a REST JSON API (the EBS direct APIs); <paramref name="pathAndQuery"/> is already encoded.</summary>
    public static async Task<(int Status, JsonElement Body)> GetAsync(string endpoint, string service, string pathAndQuery,
        string accessKey = "test", string secretKey = "test", CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(endpoint + pathAndQuery));
        return await SendSignedAsync(request, service, [], [], accessKey, secretKey, cancellationToken);
    }

    private static async Task<(int Status, JsonElement Body)> SendSignedAsync(HttpRequestMessage request, string service, byte[] body,
        SortedDictionary<string, string> headers, string accessKey, string secretKey, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        var amzDate = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var scope = $"{amzDate[..8]}/us-east-1/{service}/aws4_request";
        var payloadHash = Hex(SHA256.HashData(body));
        headers["host"] = uri.Authority;
        headers["x-amz-date"] = amzDate;
        var canonicalHeaders = string.Concat(headers.Select(h => $"{h.Key}:{h.Value}\n"));
        var signedHeaders = string.Join(';', headers.Keys);
        // Query parameters here are single, already sorted and encoded (tests only).
        var canonical = $"{request.Method}\n{uri.AbsolutePath}\n{uri.Query.TrimStart('?')}\n{canonicalHeaders}\n{signedHeaders}\n{payloadHash}";
        var toSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = Encoding.UTF8.GetBytes("AWS4" + secretKey);
        foreach (var part in new[] { amzDate[..8], "us-east-1", service, "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }
        var signature = Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(toSign)));
        foreach (var (name, value) in headers)
        {
            if (name is not ("host" or "content-type"))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }
        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential={accessKey}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
        using var response = await Http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        using var doc = JsonDocument.Parse(text.Length == 0 ? "{}" : text);
        return ((int)response.StatusCode, doc.RootElement.Clone());
    }

    /// <summary>Every CloudTrail event (parsed CloudTrailEvent JSON) with the given EventName, following NextToken.</summary>
    public static async Task<List<JsonElement>> LookupEventsAsync(string endpoint, string eventName)
    {
        var events = new List<JsonElement>();
        string? next = null;
        do
        {
            var query = new Dictionary<string, object>
            {
                ["LookupAttributes"] = new[] { new Dictionary<string, string> { ["AttributeKey"] = "EventName", ["AttributeValue"] = eventName } },
                ["MaxResults"] = 50,
            };
            if (next is not null)
            {
                query["NextToken"] = next;
            }
            var (status, body) = await PostAsync(endpoint, "cloudtrail", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents",
                JsonSerializer.Serialize(query));
            if (status != 200)
            {
                throw new InvalidOperationException($"LookupEvents answered {status}: {body}");
            }
            foreach (var e in body.GetProperty("Events").EnumerateArray())
            {
                using var detail = JsonDocument.Parse(e.GetProperty("CloudTrailEvent").GetString()!);
                events.Add(detail.RootElement.Clone());
            }
            next = body.TryGetProperty("NextToken", out var t) ? t.GetString() : null;
        }
        while (next is not null);
        return events;
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
