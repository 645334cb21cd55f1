using System.Text.Json;
using System.Text.Json.Nodes;
using SseSim.Core.Audit;
using SseSim.Core.Aws;
using SseSim.Kms.Audit;
using SseSim.Server.Kms;

namespace SseSim.Server.CloudTrail;

/// <summary>
/// CloudTrail's JSON 1.1 API: the event history (LookupEvents) and trails, which deliver log files to S3
/// (<see cref="TrailDelivery"/>). Each trail call is itself a CloudTrail management event (eventSource
/// cloudtrail.amazonaws.com), success or failure, as CloudTrail logs its own API.
/// </summary>
public sealed class CloudTrailEndpoint(LookupEventsEndpoint lookupEvents, TrailContext trails, IAuditSink audit)
{
    private delegate Task<JsonObject> TrailOperation(TrailContext context, JsonObject request, Caller caller);

    private static readonly Dictionary<string, TrailOperation> Operations = new(StringComparer.Ordinal)
    {
        ["CreateTrail"] = CreateTrail.ExecuteAsync,
        ["UpdateTrail"] = UpdateTrail.ExecuteAsync,
        ["DeleteTrail"] = DeleteTrail.ExecuteAsync,
        ["GetTrail"] = GetTrail.ExecuteAsync,
        ["DescribeTrails"] = DescribeTrails.ExecuteAsync,
        ["ListTrails"] = ListTrails.ExecuteAsync,
        ["GetTrailStatus"] = GetTrailStatus.ExecuteAsync,
        ["StartLogging"] = StartLogging.ExecuteAsync,
        ["StopLogging"] = StopLogging.ExecuteAsync,
        ["AddTags"] = AddTags.ExecuteAsync,
        ["RemoveTags"] = RemoveTags.ExecuteAsync,
        ["ListTags"] = ListTags.ExecuteAsync,
        ["PutEventSelectors"] = PutEventSelectors.ExecuteAsync,
        ["GetEventSelectors"] = GetEventSelectors.ExecuteAsync,
        ["PutInsightSelectors"] = PutInsightSelectors.ExecuteAsync,
        ["GetInsightSelectors"] = GetInsightSelectors.ExecuteAsync,
    };

    private static bool IsReadOnly(string operation) =>
        operation.StartsWith("Get", StringComparison.Ordinal) || operation.StartsWith("Describe", StringComparison.Ordinal)
        || operation.StartsWith("List", StringComparison.Ordinal);

    public async Task HandleAsync(HttpContext context, string operation, Caller caller, byte[] body)
    {
        if (operation == "LookupEvents")
        {
            await lookupEvents.HandleAsync(context, operation, caller, body);
            return;
        }
        if (!Operations.TryGetValue(operation, out var handler))
        {
            await KmsEndpoint.WriteErrorAsync(context, "UnsupportedOperationException",
                $"{operation} is not supported by SseSim, which simulates CloudTrail's event history (LookupEvents) and trails.");
            return;
        }
        Metrics.RequestMetrics.Tag(context, "cloudtrail", operation);
        JsonObject request = [];
        try
        {
            request = body.Length == 0 ? [] : JsonNode.Parse(body) as JsonObject ?? throw new JsonException();
            var response = await handler(trails, request, caller);
            Audit(operation, caller, request, response, null);
            context.Response.ContentType = "application/x-amz-json-1.1";
            await context.Response.WriteAsync(response.ToJsonString());
        }
        catch (CloudTrailException e)
        {
            Audit(operation, caller, request, null, e);
            await KmsEndpoint.WriteErrorAsync(context, e.ErrorType, e.Message);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            await KmsEndpoint.WriteErrorAsync(context, "SerializationException", $"The request body is not a valid {operation} request.");
        }
    }

    /// <summary>
    /// The call's event: requestParameters and (for changes) responseElements are the request and response with
    /// camelCase member names, as CloudTrail's own events write them (CloudTrail user guide, "CloudTrail log file examples").
    /// </summary>
    private void Audit(string operation, Caller caller, JsonObject request, JsonObject? response, CloudTrailException? error)
    {
        var readOnly = IsReadOnly(operation);
        audit.Record(new AuditRecord("cloudtrail.amazonaws.com", operation, caller, error?.ErrorType, error?.Message,
            new Dictionary<string, string>(), [], readOnly, DataEvent: false)
        {
            RequestObject = Camel(request),
            ResponseElements = readOnly || response is null ? null : Camel(response),
            RequestId = caller.RequestId,
        });
    }

    private static JsonObject Camel(JsonObject o)
    {
        var result = new JsonObject();
        foreach (var (name, value) in o)
        {
            result[name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..]] = value switch
            {
                JsonObject child => Camel(child),
                JsonArray list => new JsonArray([.. list.Select(x => x is JsonObject c ? Camel(c) : x?.DeepClone())]),
                _ => value?.DeepClone(),
            };
        }
        return result;
    }
}
