using System.Text.Json;
using System.Text.Json.Nodes;
using SseSim.Core.Aws;
using SseSim.Kms;
using SseSim.Kms.Audit;
using SseSim.Server.Kms;

namespace SseSim.Server.CloudTrail;

/// <summary>CloudTrail's LookupEvents over the audit trail, so <c>aws cloudtrail lookup-events</c> works (reached through <see cref="CloudTrailEndpoint"/>).</summary>
public sealed class LookupEventsEndpoint(KmsService kms)
{
    public async Task HandleAsync(HttpContext context, string operation, Caller caller, byte[] body)
    {
        Metrics.RequestMetrics.Tag(context, "cloudtrail", operation);
        try
        {
            var request = body.Length == 0 ? new JsonObject() : JsonNode.Parse(body) as JsonObject ?? [];
            LookupAttribute? attribute = null;
            if (request["LookupAttributes"] is JsonArray attributes)
            {
                if (attributes.Count > 1)
                {
                    throw new CloudTrailException("InvalidLookupAttributesException", "You cannot specify more than one lookup attribute.");
                }
                if (attributes.Count == 1)
                {
                    attribute = new LookupAttribute(attributes[0]?["AttributeKey"]?.GetValue<string>() ?? "", attributes[0]?["AttributeValue"]?.GetValue<string>() ?? "");
                }
            }
            // EventCategory's only value (model enum) selects Insights events instead of management events, and SseSim
            // records no Insights events: the query is still checked, and answers no events.
            var category = request["EventCategory"]?.GetValue<string>();
            if (category is not null and not "insight")
            {
                throw new CloudTrailException("InvalidEventCategoryException", $"EventCategory '{category}' is not valid. Valid values: insight.");
            }
            // KMS applies deletions and automatic rotations that fell due at its next call; a lookup counts as one, so
            // their DeleteKey and RotateKey events are there without a KMS call first.
            await kms.PurgeExpiredKeysAsync(context.RequestAborted);
            // Events are written by a background writer; a lookup sees every call that returned before it.
            await kms.Audit.FlushAsync();
            var (events, next) = kms.Audit.LookupEvents(attribute, ReadTime(request["StartTime"]), ReadTime(request["EndTime"]),
                request["MaxResults"]?.GetValue<int>(), request["NextToken"]?.GetValue<string>(), caller.AccountId);
            if (category is not null)
            {
                (events, next) = ([], null);
            }
            var response = new JsonObject
            {
                ["Events"] = new JsonArray(events.Select(e => (JsonNode)new JsonObject
                {
                    ["EventId"] = e.EventId,
                    ["EventName"] = e.EventName,
                    ["ReadOnly"] = e.ReadOnly ? "true" : "false",
                    ["AccessKeyId"] = e.AccessKeyId,
                    ["EventTime"] = e.EventTime.ToUnixTimeSeconds(),
                    ["EventSource"] = e.EventSource,
                    ["Username"] = e.Username,
                    ["Resources"] = new JsonArray(e.ResourceArns.Select(a => (JsonNode)new JsonObject { ["ResourceType"] = AuditEvent.ResourceTypeOf(a), ["ResourceName"] = AuditEvent.ResourceNameOf(a) }).ToArray()),
                    ["CloudTrailEvent"] = e.Json,
                }).ToArray()),
            };
            if (next is not null)
            {
                response["NextToken"] = next;
            }
            context.Response.ContentType = "application/x-amz-json-1.1";
            await context.Response.WriteAsync(response.ToJsonString());
        }
        catch (CloudTrailException e)
        {
            await KmsEndpoint.WriteErrorAsync(context, e.ErrorType, e.Message);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            await KmsEndpoint.WriteErrorAsync(context, "SerializationException", "The request body is not a valid LookupEvents request.");
        }
    }

    private static DateTimeOffset? ReadTime(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<double>(out var seconds) => DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000)),
        JsonValue v when v.TryGetValue<string>(out var text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture),
        _ => null,
    };
}
