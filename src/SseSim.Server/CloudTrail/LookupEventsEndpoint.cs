using System.Text.Json;
using System.Text.Json.Nodes;
using SseSim.Core.Aws;
using SseSim.Kms;
using SseSim.Kms.Audit;
using SseSim.Server.Kms;

namespace SseSim.Server.CloudTrail;

/// <summary>CloudTrail's LookupEvents over the KMS audit trail, so <c>aws cloudtrail lookup-events</c> works.</summary>
public sealed class LookupEventsEndpoint(KmsService kms)
{
    private static readonly HashSet<string> AttributeKeys =
        ["EventId", "EventName", "ReadOnly", "Username", "ResourceType", "ResourceName", "EventSource", "AccessKeyId"];

    public async Task HandleAsync(HttpContext context, string operation, Caller caller, byte[] body)
    {
        if (operation != "LookupEvents")
        {
            await KmsEndpoint.WriteErrorAsync(context, "UnsupportedOperationException", $"{operation} is not supported by SseSim; only LookupEvents is.");
            return;
        }
        JsonNode? request;
        try
        {
            request = body.Length == 0 ? new JsonObject() : JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            await KmsEndpoint.WriteErrorAsync(context, "SerializationException", "Malformed JSON.");
            return;
        }

        string? key = null, value = null;
        if (request?["LookupAttributes"] is JsonArray attributes)
        {
            if (attributes.Count > 1)
            {
                await KmsEndpoint.WriteErrorAsync(context, "InvalidLookupAttributesException", "You cannot specify more than one lookup attribute.");
                return;
            }
            if (attributes.Count == 1)
            {
                key = attributes[0]?["AttributeKey"]?.GetValue<string>();
                value = attributes[0]?["AttributeValue"]?.GetValue<string>();
                if (key is null || !AttributeKeys.Contains(key) || string.IsNullOrEmpty(value))
                {
                    await KmsEndpoint.WriteErrorAsync(context, "InvalidLookupAttributesException", "Lookup attribute key or value is not valid.");
                    return;
                }
            }
        }
        var start = ReadTime(request?["StartTime"]);
        var end = ReadTime(request?["EndTime"]);
        if (start is not null && end is not null && start > end)
        {
            await KmsEndpoint.WriteErrorAsync(context, "InvalidTimeRangeException", "Start time must be before end time.");
            return;
        }
        var max = request?["MaxResults"]?.GetValue<int>() ?? 50;
        if (max is < 1 or > 50)
        {
            await KmsEndpoint.WriteErrorAsync(context, "InvalidMaxResultsException", "MaxResults must be between 1 and 50.");
            return;
        }
        var skip = 0;
        if (request?["NextToken"]?.GetValue<string>() is { } token && !int.TryParse(token, out skip))
        {
            await KmsEndpoint.WriteErrorAsync(context, "InvalidNextTokenException", "Invalid NextToken.");
            return;
        }

        await kms.Audit.FlushAsync();
        var matches = kms.Audit.Recent()
            .Where(e => e.Json.Contains($"\"recipientAccountId\":\"{caller.AccountId}\"", StringComparison.Ordinal))
            .Where(e => start is null || e.EventTime >= start)
            .Where(e => end is null || e.EventTime <= end)
            .Where(e => key is null || Matches(e, key, value!))
            .Skip(skip).Take(max + 1).ToList();
        var page = matches.Take(max).Select(e => new JsonObject
        {
            ["EventId"] = e.EventId,
            ["EventName"] = e.EventName,
            ["ReadOnly"] = e.ReadOnly ? "true" : "false",
            ["AccessKeyId"] = e.AccessKeyId,
            ["EventTime"] = e.EventTime.ToUnixTimeSeconds(),
            ["EventSource"] = e.EventSource,
            ["Username"] = e.Username,
            ["Resources"] = new JsonArray(e.ResourceArns.Select(a => (JsonNode)new JsonObject { ["ResourceType"] = "AWS::KMS::Key", ["ResourceName"] = a }).ToArray()),
            ["CloudTrailEvent"] = e.Json,
        });
        var response = new JsonObject { ["Events"] = new JsonArray(page.ToArray<JsonNode?>()) };
        if (matches.Count > max)
        {
            response["NextToken"] = (skip + max).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        context.Response.ContentType = "application/x-amz-json-1.1";
        await context.Response.WriteAsync(response.ToJsonString());
    }

    private static bool Matches(AuditEvent e, string key, string value) => key switch
    {
        "EventId" => e.EventId == value,
        "EventName" => e.EventName == value,
        "ReadOnly" => string.Equals(e.ReadOnly ? "true" : "false", value, StringComparison.OrdinalIgnoreCase),
        "Username" => e.Username == value,
        "ResourceType" => value == "AWS::KMS::Key" && e.ResourceArns.Count > 0,
        "ResourceName" => e.ResourceArns.Any(a => a == value || a.EndsWith("/" + value, StringComparison.Ordinal)),
        "EventSource" => e.EventSource == value,
        "AccessKeyId" => e.AccessKeyId == value,
        _ => false,
    };

    private static DateTimeOffset? ReadTime(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<double>(out var seconds) => DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000)),
        JsonValue v when v.TryGetValue<string>(out var text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture),
        _ => null,
    };
}
