using System.Security.Cryptography;
using System.Text.Json;
using SseSim.Core.Aws;
using SseSim.Server.Auth;
using SseSim.Server.Ec2;
using SseSim.Server.Hosting;
using SseSim.Volumes;
using SseSim.Volumes.Direct;

namespace SseSim.Server.Ebs;

/// <summary>
/// The EBS direct APIs (REST JSON, signing name "ebs") under /snapshots. Routes are an explicit table of
/// (method, path pattern) → handler; errors carry x-amzn-ErrorType and {"Message", "Reason"}.
/// </summary>
public sealed class EbsEndpoint(EbsDirectService ebs, VolumeService volumes, SigV4Verifier verifier, ServerOptions options, Core.Audit.IAuditSink audit)
{
    private const int MaxBody = 1 << 20; // one 512 KiB block plus headroom

    private sealed record RouteEntry(string Operation, string Method, string[] Segments, Func<EbsCall, Task> Handler);

    private static readonly RouteEntry[] Routes =
    [
        new("StartSnapshot", "POST", ["snapshots"], StartSnapshot.HandleAsync),
        new("PutSnapshotBlock", "PUT", ["snapshots", "{snapshotId}", "blocks", "{blockIndex}"], PutSnapshotBlock.HandleAsync),
        new("CompleteSnapshot", "POST", ["snapshots", "completion", "{snapshotId}"], CompleteSnapshot.HandleAsync),
        new("GetSnapshotBlock", "GET", ["snapshots", "{snapshotId}", "blocks", "{blockIndex}"], GetSnapshotBlock.HandleAsync),
        new("ListSnapshotBlocks", "GET", ["snapshots", "{snapshotId}", "blocks"], ListSnapshotBlocks.HandleAsync),
        new("ListChangedBlocks", "GET", ["snapshots", "{secondSnapshotId}", "changedblocks"], ListChangedBlocks.HandleAsync),
    ];

    /// <summary>EBS direct requests are signed for service "ebs" and live under /snapshots.</summary>
    public static bool Matches(HttpRequest request) =>
        request.Path.StartsWithSegments("/snapshots", StringComparison.Ordinal) && SigV4Verifier.ScopeService(request) == "ebs";

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var segments = (request.Path.Value ?? "").Trim('/').Split('/');
        Dictionary<string, string>? values = null;
        RouteEntry? route = null;
        foreach (var candidate in Routes)
        {
            if (candidate.Method == request.Method && TryMatch(candidate.Segments, segments, out values))
            {
                route = candidate;
                break;
            }
        }
        if (route is null)
        {
            await WriteErrorAsync(context, "ValidationException", 400, null, $"No EBS direct API operation matches {request.Method} {request.Path}.");
            return;
        }

        Metrics.RequestMetrics.Tag(context, "ebs", route.Operation);
        var body = await ReadBodyAsync(request, context.RequestAborted);
        if (body is null)
        {
            await WriteErrorAsync(context, "ValidationException", 400, "INVALID_BLOCK", "Request body too large.");
            return;
        }
        // PutSnapshotBlock is signed with an unsigned body (authtype v4-unsigned-body).
        var payload = request.Headers["x-amz-content-sha256"].ToString() is { Length: > 0 } claimed ? claimed : SigV4Verifier.Hex(SHA256.HashData(body));
        if (payload != "UNSIGNED-PAYLOAD" && payload != SigV4Verifier.Hex(SHA256.HashData(body)))
        {
            await WriteErrorAsync(context, "ValidationException", 400, null, "The provided x-amz-content-sha256 does not match the body.");
            return;
        }
        var auth = verifier.Verify(request, payload);
        if (!auth.Succeeded)
        {
            var (type, status) = auth.Failure switch
            {
                AuthFailure.UnknownAccessKey => ("UnrecognizedClientException", 403),
                AuthFailure.MissingAuthentication => ("MissingAuthenticationTokenException", 403),
                AuthFailure.IncompleteSignature => ("IncompleteSignatureException", 403),
                _ => ("InvalidSignatureException", 403),
            };
            await WriteErrorAsync(context, type, status, null, auth.Message);
            return;
        }
        var caller = new Caller(auth.Request!.Identity, options.Region, context.Connection.RemoteIpAddress?.ToString(), request.Headers.UserAgent.ToString());
        if (SnapshotIdErrors(values!, request.Query) is { } invalid)
        {
            await WriteErrorAsync(context, "ValidationException", 400, "INVALID_SNAPSHOT_ID", invalid);
            return;
        }
        var call = new EbsCall(context, caller, ebs, values!, body);
        var management = EbsAudit.IsManagementEvent(route.Operation);
        try
        {
            await route.Handler(call);
            if (management)
            {
                EbsAudit.Record(audit, call, route.Operation, null, null);
            }
        }
        catch (EbsApiException e)
        {
            AuditIfAnotherAccounts(e.ErrorType, e.Message);
            await WriteErrorAsync(context, e.ErrorType, e.HttpStatus, e.Reason, e.Message);
        }
        catch (Ec2Exception e)
        {
            // The ebs model's errors: the EC2-side cause keeps its message, the type follows the status.
            var (type, status) = e.Code.EndsWith(".NotFound", StringComparison.Ordinal) ? ("ResourceNotFoundException", 404)
                : e.HttpStatus switch
                {
                    403 => ("AccessDeniedException", 403),
                    503 when e.Code == "RequestLimitExceeded" => ("RequestThrottledException", 400),
                    >= 500 => ("InternalServerException", 500),
                    _ => ("ValidationException", 400),
                };
            AuditIfAnotherAccounts(type, e.Message);
            await WriteErrorAsync(context, type, status, null, e.Message);
        }
        catch (JsonException)
        {
            await WriteErrorAsync(context, "ValidationException", 400, null, "The request body is not valid JSON.");
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            // The EBS direct APIs' one server fault, for a storage fault and a block failing authentication alike.
            await WriteErrorAsync(context, "InternalServerException", 500, null, "An internal error has occurred.");
        }

        // A snapshot of another account is NotFound to the caller; the attempt goes to both accounts' trails. Any other
        // failure of a management call goes to the caller's.
        void AuditIfAnotherAccounts(string errorType, string message)
        {
            var named = values!.Concat(request.Query.Select(q => KeyValuePair.Create(q.Key, q.Value.ToString())));
            if ((errorType != "ResourceNotFoundException"
                || !CrossAccountAudit.Record(audit, volumes, EbsAudit.EventSource, route.Operation, caller, errorType, message, named,
                    readOnly: request.Method == "GET", dataEvent: !management))
                && management)
            {
                EbsAudit.Record(audit, call, route.Operation, errorType, message);
            }
        }
    }

    /// <summary>
    /// The model's SnapshotId constraint (1-64 characters, ^snap-[0-9a-f]+$) on every snapshot id of the request,
    /// checked before the handler as AWS's front door does: a malformed id is a ValidationException, not "not found".
    /// </summary>
    private static string? SnapshotIdErrors(Dictionary<string, string> routeValues, IQueryCollection query)
    {
        List<string>? errors = null;
        foreach (var (member, value) in routeValues.Where(v => v.Key is "snapshotId" or "secondSnapshotId")
            .Concat(query.TryGetValue("firstSnapshotId", out var first) ? [KeyValuePair.Create("firstSnapshotId", first.ToString())] : []))
        {
            if (value.Length is < 1 or > 64)
            {
                (errors ??= []).Add($"Value '{value}' at '{member}' failed to satisfy constraint: Member must have length {(value.Length < 1 ? "greater than or equal to 1" : "less than or equal to 64")}");
            }
            else if (!ValidSnapshotId(value))
            {
                (errors ??= []).Add($"Value '{value}' at '{member}' failed to satisfy constraint: Member must satisfy regular expression pattern: ^snap-[0-9a-f]+$");
            }
        }
        return errors is null ? null
            : $"{errors.Count} validation error{(errors.Count == 1 ? "" : "s")} detected: {string.Join("; ", errors)}";

        static bool ValidSnapshotId(string id) =>
            id.Length > 5 && id.StartsWith("snap-", StringComparison.Ordinal) && id.AsSpan(5).IndexOfAnyExcept("0123456789abcdef") < 0;
    }

    private static bool TryMatch(string[] pattern, string[] segments, out Dictionary<string, string> values)
    {
        values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (pattern.Length != segments.Length)
        {
            return false;
        }
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i].StartsWith('{'))
            {
                values[pattern[i][1..^1]] = Uri.UnescapeDataString(segments[i]);
            }
            else if (pattern[i] != segments[i])
            {
                return false;
            }
        }
        return true;
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBody)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static async Task WriteErrorAsync(HttpContext context, string type, int status, string? reason, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.Headers["x-amzn-ErrorType"] = type;
        var body = new Dictionary<string, string> { ["Message"] = message };
        if (reason is not null)
        {
            body["Reason"] = reason;
        }
        await context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}
