using System.Security;
using System.Security.Cryptography;
using SseSim.Core.Aws;
using SseSim.Server.Auth;
using SseSim.Server.Hosting;
using SseSim.Volumes;

namespace SseSim.Server.Ec2;

/// <summary>
/// The EC2 Query API: <c>Action=...</c> form requests, XML responses, and EC2's error shape
/// (<c>&lt;Response&gt;&lt;Errors&gt;&lt;Error&gt;&lt;Code&gt;</c>). Dispatch is an explicit table.
/// </summary>
public sealed class Ec2Endpoint(VolumeService volumes, SigV4Verifier verifier, ServerOptions options, Core.Audit.IAuditSink audit)
{
    private const int MaxForm = 1 << 20;

    private static readonly Dictionary<string, Func<Ec2Call, Task<string>>> Actions = new(StringComparer.Ordinal)
    {
        ["CreateVolume"] = CreateVolume.HandleAsync,
        ["DescribeVolumes"] = DescribeVolumes.HandleAsync,
        ["DescribeVolumeStatus"] = DescribeVolumeStatus.HandleAsync,
        ["DescribeVolumeAttribute"] = DescribeVolumeAttribute.HandleAsync,
        ["ModifyVolumeAttribute"] = ModifyVolumeAttribute.HandleAsync,
        ["EnableVolumeIO"] = EnableVolumeIO.HandleAsync,
        ["DeleteVolume"] = DeleteVolume.HandleAsync,
        ["CopyVolumes"] = CopyVolumes.HandleAsync,
        ["AttachVolume"] = AttachVolume.HandleAsync,
        ["DetachVolume"] = DetachVolume.HandleAsync,
        ["ModifyVolume"] = ModifyVolume.HandleAsync,
        ["DescribeVolumesModifications"] = DescribeVolumesModifications.HandleAsync,
        ["CreateSnapshot"] = CreateSnapshot.HandleAsync,
        ["CreateSnapshots"] = CreateSnapshots.HandleAsync,
        ["DescribeSnapshots"] = DescribeSnapshots.HandleAsync,
        ["DeleteSnapshot"] = DeleteSnapshot.HandleAsync,
        ["LockSnapshot"] = LockSnapshot.HandleAsync,
        ["UnlockSnapshot"] = UnlockSnapshot.HandleAsync,
        ["DescribeLockedSnapshots"] = DescribeLockedSnapshots.HandleAsync,
        ["CopySnapshot"] = CopySnapshot.HandleAsync,
        ["EnableFastSnapshotRestores"] = EnableFastSnapshotRestores.HandleAsync,
        ["DisableFastSnapshotRestores"] = DisableFastSnapshotRestores.HandleAsync,
        ["DescribeFastSnapshotRestores"] = DescribeFastSnapshotRestores.HandleAsync,
        ["ModifySnapshotAttribute"] = ModifySnapshotAttribute.HandleAsync,
        ["DescribeSnapshotAttribute"] = DescribeSnapshotAttribute.HandleAsync,
        ["ResetSnapshotAttribute"] = ResetSnapshotAttribute.HandleAsync,
        ["EnableSnapshotBlockPublicAccess"] = EnableSnapshotBlockPublicAccess.HandleAsync,
        ["DisableSnapshotBlockPublicAccess"] = DisableSnapshotBlockPublicAccess.HandleAsync,
        ["GetSnapshotBlockPublicAccessState"] = GetSnapshotBlockPublicAccessState.HandleAsync,
        ["EnableEbsEncryptionByDefault"] = EnableEbsEncryptionByDefault.HandleAsync,
        ["DisableEbsEncryptionByDefault"] = DisableEbsEncryptionByDefault.HandleAsync,
        ["GetEbsEncryptionByDefault"] = GetEbsEncryptionByDefault.HandleAsync,
        ["GetEbsDefaultKmsKeyId"] = GetEbsDefaultKmsKeyId.HandleAsync,
        ["ModifyEbsDefaultKmsKeyId"] = ModifyEbsDefaultKmsKeyId.HandleAsync,
        ["ResetEbsDefaultKmsKeyId"] = ResetEbsDefaultKmsKeyId.HandleAsync,
        ["RunInstances"] = RunInstances.HandleAsync,
        ["DescribeInstances"] = DescribeInstances.HandleAsync,
        ["DescribeInstanceStatus"] = DescribeInstanceStatus.HandleAsync,
        ["TerminateInstances"] = TerminateInstances.HandleAsync,
        ["StopInstances"] = StopInstances.HandleAsync,
        ["StartInstances"] = StartInstances.HandleAsync,
        ["RebootInstances"] = RebootInstances.HandleAsync,
        ["DescribeInstanceAttribute"] = DescribeInstanceAttribute.HandleAsync,
        ["ModifyInstanceAttribute"] = ModifyInstanceAttribute.HandleAsync,
        ["ResetInstanceAttribute"] = ResetInstanceAttribute.HandleAsync,
        ["DescribeAvailabilityZones"] = DescribeAvailabilityZones.HandleAsync,
        ["DescribeRegions"] = DescribeRegions.HandleAsync,
        ["CreateTags"] = CreateTags.HandleAsync,
        ["DeleteTags"] = DeleteTags.HandleAsync,
        ["DescribeTags"] = DescribeTags.HandleAsync,
    };

    /// <summary>True when the request is an EC2 Query call (urlencoded form body or query string with Action=); multipart forms are S3 POST uploads.</summary>
    public static bool Matches(HttpRequest request) =>
        (request.HasFormContentType && !S3.PostForm.IsForm(request) && SigV4Verifier.ScopeService(request) is null or "ec2") || (request.Query.ContainsKey("Action") && request.Query.ContainsKey("Version"));

    public async Task HandleAsync(HttpContext context)
    {
        // The body's requestId is the x-amzn-RequestId header's, as EC2 answers.
        var requestId = context.Response.Headers["x-amzn-RequestId"].ToString() is { Length: > 0 } id ? id : Guid.NewGuid().ToString();
        var request = context.Request;
        var body = await ReadBoundedAsync(request, context.RequestAborted);
        if (body is null)
        {
            await WriteErrorAsync(context, "InvalidParameterValue", "Request too large.", 400, requestId);
            return;
        }

        var auth = verifier.Verify(request, SigV4Verifier.Hex(SHA256.HashData(body)));
        if (!auth.Succeeded)
        {
            var (code, status) = auth.Failure switch
            {
                AuthFailure.MissingAuthentication => ("MissingAuthenticationToken", 401),
                AuthFailure.IncompleteSignature => ("IncompleteSignature", 400),
                AuthFailure.UnknownAccessKey => ("AuthFailure", 401),
                AuthFailure.RequestExpired or AuthFailure.PresignedExpired => ("RequestExpired", 400),
                _ => ("SignatureDoesNotMatch", 403),
            };
            var message = auth.Failure == AuthFailure.UnknownAccessKey ? "AWS was not able to validate the provided access credentials" : auth.Message;
            await WriteErrorAsync(context, code, message, status, requestId);
            return;
        }

        var parameters = Ec2Request.ParseParameters(request.Query, body);
        var action = parameters.GetValueOrDefault("Action") ?? "";
        if (!Actions.TryGetValue(action, out var handler))
        {
            await WriteErrorAsync(context, "InvalidAction", $"The action {action} is not valid for this web service.", 400, requestId);
            return;
        }
        Metrics.RequestMetrics.Tag(context, "ec2", action);

        var caller = new Caller(auth.Request!.Identity, options.Region, context.Connection.RemoteIpAddress?.ToString(), request.Headers.UserAgent.ToString());
        var call = new Ec2Call(caller, new Ec2Request(parameters), volumes, action, requestId, context.RequestAborted);
        string xml;
        try
        {
            xml = await handler(call);
        }
        catch (Ec2Exception e)
        {
            // Another account's volume or snapshot: audited in both accounts' trails; any other failure in the caller's.
            var status = e.Code == "DryRunOperation" ? 412 : e.HttpStatus;
            var owners = e.Code is "InvalidVolume.NotFound" or "InvalidSnapshot.NotFound"
                ? CrossAccountAudit.Owners(volumes, caller, call.Request.Parameters)
                : null;
            await FailAsync(e.Code, e.Message, status, owners);
            return;
        }
        catch (IOException) when (!context.RequestAborted.IsCancellationRequested)
        {
            // A storage fault (EIO, ENOSPC): EC2's retryable "temporary failure of the server" (docs/security.md#faulty-storage).
            await FailAsync("ServiceUnavailable", "The request has failed due to a temporary failure of the server.", 503);
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            await FailAsync("InternalError", "An internal error has occurred.", 500);
            return;
        }
        Ec2Audit.Record(audit, caller, action, parameters, xml, null, null, requestId);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/xml;charset=UTF-8";
        await context.Response.WriteAsync(xml, context.RequestAborted);

        // Every failed call is in the caller's trail (with EC2's Client./Server. prefix), and in the trail of the owner of
        // another account's volume or snapshot it named.
        async Task FailAsync(string code, string message, int status, IReadOnlyCollection<string>? owners = null)
        {
            Ec2Audit.Record(audit, caller, action, parameters, null, Ec2Audit.ErrorCode(code, status), message, requestId, owners);
            await WriteErrorAsync(context, code, message, status, requestId);
        }
    }

    /// <summary>The whole body, or null once it passes MaxForm (read no further: a hostile client cannot make us buffer more).</summary>
    private static async Task<byte[]?> ReadBoundedAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxForm)
        {
            return null;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxForm)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    public static async Task WriteErrorAsync(HttpContext context, string code, string message, int status, string requestId)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/xml;charset=UTF-8";
        await context.Response.WriteAsync(
            $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{SecurityElement.Escape(code)}</Code><Message>{SecurityElement.Escape(message)}</Message></Error></Errors><RequestID>{requestId}</RequestID></Response>");
    }
}
