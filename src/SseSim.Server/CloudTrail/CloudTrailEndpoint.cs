using System.Text.Json;
using System.Text.Json.Nodes;
using SseSim.Core.Aws;
using SseSim.Kms.Audit;
using SseSim.Server.Kms;

namespace SseSim.Server.CloudTrail;

/// <summary>
/// CloudTrail's JSON 1.1 API. SseSim keeps the event history (LookupEvents) and no trails: the trail operations answer
/// what CloudTrail answers an account that has none, so scripts that look for trails before reading the history work,
/// and CreateTrail is refused because nothing would deliver its log files.
/// </summary>
public sealed class CloudTrailEndpoint(LookupEventsEndpoint lookupEvents)
{
    private delegate Task<JsonObject> TrailOperation(JsonObject request, Caller caller);

    // Every operation on a named trail finds none; GetTrail names it as given, the others by ARN.
    private static readonly Dictionary<string, TrailOperation> Operations = new(StringComparer.Ordinal)
    {
        ["DescribeTrails"] = DescribeTrails.ExecuteAsync,
        ["ListTrails"] = ListTrails.ExecuteAsync,
        ["GetTrail"] = GetTrail.ExecuteAsync,
        ["GetTrailStatus"] = GetTrailStatus.ExecuteAsync,
        ["CreateTrail"] = CreateTrail.ExecuteAsync,
        ["UpdateTrail"] = (r, c) => throw Trails.NotFound(r, "Name", c),
        ["DeleteTrail"] = (r, c) => throw Trails.NotFound(r, "Name", c),
        ["StartLogging"] = (r, c) => throw Trails.NotFound(r, "Name", c),
        ["StopLogging"] = (r, c) => throw Trails.NotFound(r, "Name", c),
        ["GetEventSelectors"] = (r, c) => throw Trails.NotFound(r, "TrailName", c),
        ["PutEventSelectors"] = (r, c) => throw Trails.NotFound(r, "TrailName", c),
        ["GetInsightSelectors"] = (r, c) => throw Trails.NotFound(r, "TrailName", c),
        ["PutInsightSelectors"] = (r, c) => throw Trails.NotFound(r, "TrailName", c),
    };

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
                $"{operation} is not supported by SseSim, which keeps CloudTrail's event history (LookupEvents) and no trails.");
            return;
        }
        Metrics.RequestMetrics.Tag(context, "cloudtrail", operation);
        try
        {
            var request = body.Length == 0 ? [] : JsonNode.Parse(body) as JsonObject ?? throw new JsonException();
            var response = await handler(request, caller);
            context.Response.ContentType = "application/x-amz-json-1.1";
            await context.Response.WriteAsync(response.ToJsonString());
        }
        catch (CloudTrailException e)
        {
            await KmsEndpoint.WriteErrorAsync(context, e.ErrorType, e.Message);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            await KmsEndpoint.WriteErrorAsync(context, "SerializationException", $"The request body is not a valid {operation} request.");
        }
    }
}
