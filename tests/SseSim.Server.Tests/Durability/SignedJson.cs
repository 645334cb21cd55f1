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
        var uri = new Uri(endpoint + "/");
        var body = Encoding.UTF8.GetBytes(json);
        var amzDate = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var scope = $"{amzDate[..8]}/us-east-1/{service}/aws4_request";
        var payloadHash = Hex(SHA256.HashData(body));
        const string ContentType = "application/x-amz-json-1.1";
        var canonicalHeaders = $"content-type:{ContentType}\nhost:{uri.Authority}\nx-amz-date:{amzDate}\nx-amz-target:{target}\n";
        const string SignedHeaders = "content-type;host;x-amz-date;x-amz-target";
        var canonical = $"POST\n/\n\n{canonicalHeaders}\n{SignedHeaders}\n{payloadHash}";
        var toSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = Encoding.UTF8.GetBytes("AWS4" + secretKey);
        foreach (var part in new[] { amzDate[..8], "us-east-1", service, "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }
        var signature = Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(toSign)));
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential={accessKey}/{scope}, SignedHeaders={SignedHeaders}, Signature={signature}");
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
