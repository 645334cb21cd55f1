using System.Text.Json.Nodes;
using SseSim.Core.Aws;
using SseSim.Kms.Audit;

namespace SseSim.Server.CloudTrail;

/// <summary>
/// Refused after the name check: SseSim writes no log files to S3, and a trail that reports logging while delivering
/// nothing would mislead. The event history (LookupEvents) holds every management event.
/// </summary>
public static class CreateTrail
{
    public static Task<JsonObject> ExecuteAsync(JsonObject request, Caller caller)
    {
        Trails.RequiredName(request, "Name");
        throw new CloudTrailException("UnsupportedOperationException",
            "SseSim does not deliver trail log files; read management events with LookupEvents (aws cloudtrail lookup-events).");
    }
}
