using System.Security.Cryptography;
using SseSim.Core.Aws;
using SseSim.Server.Auth;
using SseSim.Server.CloudTrail;
using SseSim.Server.Dashboard;
using SseSim.Server.Ebs;
using SseSim.Server.Ec2;
using SseSim.Server.Kms;
using SseSim.Server.S3;

namespace SseSim.Server.Hosting;

/// <summary>
/// One port, every API, routed the way a LocalStack user expects: by X-Amz-Target (KMS, CloudTrail),
/// then by the SigV4 credential scope's service, then by path.
/// </summary>
public sealed class ApiRouter(SigV4Verifier verifier, KmsEndpoint kms, CloudTrailEndpoint cloudTrail, ServerOptions options, S3Endpoint s3, Ec2Endpoint ec2, EbsEndpoint ebs,
    DashboardEndpoint dashboard)
{
    private const string KmsTargetPrefix = "TrentService.";
    private const string CloudTrailTargetPrefix = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.";
    private const int MaxJsonBody = 1 << 20;

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        context.Response.Headers["x-amzn-RequestId"] = Core.Crypto.RandomPool.NewUuid().ToString();
        if (Admin.FaultsEndpoint.Matches(request))
        {
            await context.RequestServices.GetRequiredService<Admin.FaultsEndpoint>().HandleAsync(context);
            return;
        }
        if (Admin.TrailDeliveryEndpoint.Matches(request))
        {
            await context.RequestServices.GetRequiredService<Admin.TrailDeliveryEndpoint>().HandleAsync(context);
            return;
        }
        if (request.Path.Equals("/_ssesim/health", StringComparison.Ordinal))
        {
            await context.Response.WriteAsJsonAsync(new { status = "ok", region = options.Region, services = new[] { "kms", "cloudtrail", "s3", "ec2", "ebs" } });
            return;
        }
        if (DashboardEndpoint.Matches(request.Path))
        {
            await dashboard.HandleAsync(context);
            return;
        }

        var target = request.Headers["X-Amz-Target"].ToString();
        if (target.StartsWith(KmsTargetPrefix, StringComparison.Ordinal))
        {
            await HandleJsonAsync(context, target[KmsTargetPrefix.Length..], kms.HandleAsync);
            return;
        }
        if (target.StartsWith(CloudTrailTargetPrefix, StringComparison.Ordinal))
        {
            await HandleJsonAsync(context, target[CloudTrailTargetPrefix.Length..], cloudTrail.HandleAsync);
            return;
        }

        if (Ec2Endpoint.Matches(request))
        {
            await dashboard.TracedAsync(context, ec2.HandleAsync);
            return;
        }
        if (EbsEndpoint.Matches(request))
        {
            await dashboard.TracedAsync(context, ebs.HandleAsync);
            return;
        }

        // Everything else is S3 (path-style or virtual-hosted), as on LocalStack.
        await dashboard.TracedAsync(context, s3.HandleAsync);
    }

    private async Task HandleJsonAsync(HttpContext context, string operation, Func<HttpContext, string, Caller, byte[], Task> handler)
    {
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method))
        {
            await KmsEndpoint.WriteErrorAsync(context, "UnknownOperationException", "Only POST is supported.", 405);
            return;
        }
        if (request.ContentLength > MaxJsonBody)
        {
            await KmsEndpoint.WriteErrorAsync(context, "ValidationException", "Request body too large.", 413);
            return;
        }
        var body = await ReadBodyAsync(request, context.RequestAborted);
        if (body is null)
        {
            await KmsEndpoint.WriteErrorAsync(context, "ValidationException", "Request body too large.", 413);
            return;
        }
        var auth = verifier.Verify(request, SigV4Verifier.Hex(SHA256.HashData(body)));
        if (!auth.Succeeded)
        {
            var type = auth.Failure switch
            {
                AuthFailure.MissingAuthentication => "MissingAuthenticationTokenException",
                AuthFailure.IncompleteSignature => "IncompleteSignatureException",
                AuthFailure.UnknownAccessKey => "UnrecognizedClientException",
                _ => "InvalidSignatureException",
            };
            await KmsEndpoint.WriteErrorAsync(context, type, auth.Message);
            return;
        }
        // The Region the request was signed for: KMS serves each multi-Region copy in its own Region (README).
        var region = string.IsNullOrEmpty(auth.Request!.Region) ? options.Region : auth.Request.Region;
        var caller = new Caller(auth.Request.Identity, region, context.Connection.RemoteIpAddress?.ToString(), request.Headers.UserAgent.ToString())
        {
            RequestId = context.Response.Headers["x-amzn-RequestId"].ToString(),
        };
        await handler(context, operation, caller, body);
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } length and <= MaxJsonBody)
        {
            // The usual case: read straight into an array of the announced size, no intermediate copies.
            var exact = new byte[length];
            var filled = 0;
            int n;
            while (filled < exact.Length && (n = await request.Body.ReadAsync(exact.AsMemory(filled), cancellationToken)) > 0)
            {
                filled += n;
            }
            if (filled < exact.Length)
            {
                // Kestrel ends a short body with an error before this; keep what arrived rather than trailing zeros.
                return exact[..filled];
            }
            return exact;
        }
        using var buffer = new MemoryStream(1024);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxJsonBody)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
