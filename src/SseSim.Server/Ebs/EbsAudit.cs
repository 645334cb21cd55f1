using System.Globalization;
using System.Text.Json.Nodes;
using SseSim.Core.Audit;
using SseSim.Core.Aws;

namespace SseSim.Server.Ebs;

/// <summary>
/// The EBS direct APIs' CloudTrail events (eventSource ebs.amazonaws.com). StartSnapshot and CompleteSnapshot are
/// management events, audited whether they succeed or fail, in the shape of the EBS user guide's log entries (which,
/// like EC2's, have no resources member);
/// PutSnapshotBlock, GetSnapshotBlock, ListSnapshotBlocks and ListChangedBlocks are data events, never in the event
/// history, so only their cross-account refusals are recorded (CrossAccountAudit).
/// </summary>
internal static class EbsAudit
{
    public const string EventSource = "ebs.amazonaws.com";

    // What the EBS guide's StartSnapshot entry shows in place of the key's ARN.
    private const string Hidden = "HIDDEN_DUE_TO_SECURITY_REASONS";

    private static readonly Dictionary<string, string> EmptyParameters = [];

    public static bool IsManagementEvent(string operation) => operation is "StartSnapshot" or "CompleteSnapshot";

    public static void Record(IAuditSink audit, EbsCall call, string operation, string? errorCode, string? errorMessage)
    {
        var caller = call.Caller;
        var answer = call.Answer;
        var body = call.Body;
        var snapshotId = operation == "CompleteSnapshot" ? call.Route("snapshotId") : null;
        var changedBlocks = call.Header("x-amz-ChangedBlocksCount");
        audit.Record(new AuditRecord(EventSource, operation, caller, errorCode, errorMessage, EmptyParameters, [], ReadOnly: false, DataEvent: false)
        {
            RequestId = call.Context.Response.Headers["x-amzn-RequestId"].ToString() is { Length: > 0 } id ? id : null,
            Complete = r =>
            {
                var request = operation == "StartSnapshot" ? StartRequest(body) : CompleteRequest(snapshotId!, changedBlocks);
                var response = answer is null ? null : operation == "StartSnapshot" ? StartResponse(answer) : new JsonObject { ["status"] = answer["Status"]?.DeepClone() };
                // No resources member, as the guide's entries have none: LookupEvents derives the snapshot from its id.
                return r with { RequestObject = request, ResponseElements = response };
            },
        });
    }

    /// <summary>The request body's members in camelCase (volumeSize, clientToken, encrypted...), the key's ARN hidden.</summary>
    private static JsonObject StartRequest(byte[] body)
    {
        var parameters = new JsonObject();
        if (body.Length == 0)
        {
            return parameters;
        }
        try
        {
            if (JsonNode.Parse(body) is JsonObject json)
            {
                foreach (var (name, value) in json)
                {
                    parameters[Camel(name)] = name == "KmsKeyArn" ? Hidden : value?.DeepClone();
                }
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // A body that is not JSON was refused; its event has no parameters.
        }
        return parameters;
    }

    private static JsonObject CompleteRequest(string snapshotId, string? changedBlocks)
    {
        var parameters = new JsonObject { ["snapshotId"] = snapshotId };
        if (int.TryParse(changedBlocks, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            parameters["changedBlocksCount"] = count;
        }
        return parameters;
    }

    /// <summary>The members of the guide's StartSnapshot entry, startTime as CloudTrail writes it ("Jul 3, 2020 11:27:26 PM").</summary>
    private static JsonObject StartResponse(JsonObject answer)
    {
        var response = new JsonObject
        {
            ["snapshotId"] = answer["SnapshotId"]?.DeepClone(),
            ["ownerId"] = answer["OwnerId"]?.DeepClone(),
            ["status"] = answer["Status"]?.DeepClone(),
        };
        if (answer["StartTime"] is JsonValue start && start.TryGetValue<double>(out var seconds))
        {
            response["startTime"] = DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000)).UtcDateTime
                .ToString("MMM d, yyyy h:mm:ss tt", CultureInfo.InvariantCulture);
        }
        response["volumeSize"] = answer["VolumeSize"]?.DeepClone();
        response["blockSize"] = answer["BlockSize"]?.DeepClone();
        if (answer["KmsKeyArn"] is not null)
        {
            response["kmsKeyArn"] = Hidden;
        }
        return response;
    }

    private static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];
}
