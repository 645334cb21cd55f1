using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Features;
using SseSim.Core.Aws;
using SseSim.Objects;
using SseSim.Server.Auth;
using SseSim.Server.Hosting;

namespace SseSim.Server.S3;

/// <summary>
/// The S3 REST API: addressing (path-style and virtual-hosted), SigV4 (header or presigned) with S3's error codes,
/// bucket-policy Deny checks, then the operation from <see cref="S3Dispatch"/>. S3Exceptions become the &lt;Error&gt;
/// XML; a failure after the response started aborts the connection rather than send a short 200.
/// </summary>
public sealed partial class S3Endpoint(SigV4Verifier verifier, IdentityRegistry identities, TimeProvider time, ObjectStore store, ServerOptions options, Core.Audit.IAuditSink audit,
    CloudTrail.TrailStore trails)
{
    private PostObject.Services? _post;

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var requestId = context.Response.Headers["x-amzn-RequestId"].ToString() is { Length: > 0 } id ? id : Guid.NewGuid().ToString();
        context.Response.Headers["x-amz-request-id"] = requestId;
        context.Response.Headers["x-amz-id-2"] = requestId;
        var (bucket, key) = Address(request);
        Caller? caller = null;
        var operation = "";
        S3Route? route = null;
        try
        {
            CheckHeaderSection(request);
            var target = key is not null ? S3Target.Object : bucket is not null ? S3Target.Bucket : S3Target.Service;
            if (PostObject.Applies(request, target))
            {
                operation = "PostObject";
                Metrics.RequestMetrics.Tag(context, "s3", operation);
                await PostObject.HandleAsync(context, bucket!, _post ??= new(identities, verifier, time, store, options), c => caller = c);
                return;
            }
            var (auth, payloadHash) = Authenticate(request);
            route = S3Dispatch.Find(request, target);
            operation = route.Operation;
            Metrics.RequestMetrics.Tag(context, "s3", route.Operation);
            caller = new Caller(auth.Identity, options.Region, context.Connection.RemoteIpAddress?.ToString(), request.Headers.UserAgent.ToString())
            {
                SignatureV2 = auth.SignatureV2,
            };
            var call = new S3Call
            {
                Http = context,
                Caller = caller,
                Auth = auth,
                Store = store,
                Options = options,
                Bucket = bucket,
                Key = key,
                PayloadHash = payloadHash,
                VersionId = key is null ? null : request.Query["versionId"].FirstOrDefault(),
            };
            if (route.PolicyAction is { } action && bucket is not null)
            {
                Authorize(call, VersionAction(call, action));
            }
            await route.Handler(call);
            // Object calls are data events (not in the event history): recorded only for an account (the caller's or
            // the bucket owner's) with a logging trail that selects them, so the object path otherwise pays nothing.
            if (!DataEvent())
            {
                Audit(audit, store, context, caller, operation, bucket, key, null, requestId, dataEvent: false);
            }
            else if (bucket is not null && trails.AnyWantS3DataEvents
                && (trails.WantsS3DataEvents(caller.AccountId) || trails.WantsS3DataEvents(store.BucketOwner(bucket))))
            {
                Audit(audit, store, context, caller, operation, bucket, key, null, requestId, dataEvent: true);
            }
        }
        catch (S3Exception e)
        {
            await FailAuditedAsync(e);
        }
        catch (IOException e) when (e is not BadHttpRequestException && !context.RequestAborted.IsCancellationRequested)
        {
            // The data dir failed (EIO, ENOSPC, a torn write): transient from the client's side, and SDKs retry a 503.
            // Stored data that fails authentication is an EnvelopeException, not an IOException, and stays a 500.
            await FailAuditedAsync(new S3Exception(StorageUnavailable, "Service is unable to handle request.", 503, e));
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            await FailAuditedAsync(new S3Exception(S3ErrorCode.InternalError, "We encountered an internal error. Please try again.", 500, e));
        }

        // Every failed management call is audited, a server fault too; a data call only when refused (AccessDenied).
        async Task FailAuditedAsync(S3Exception error)
        {
            try
            {
                await FailAsync(context, error, requestId);
            }
            finally
            {
                // After the answer, so the event counts its bytes (additionalEventData.bytesTransferredOut).
                if (caller is not null && (!DataEvent() || error.Code == S3ErrorCode.AccessDenied))
                {
                    Audit(audit, store, context, caller, operation, bucket, key, error, requestId, DataEvent());
                }
            }
        }

        // A call addressed to an object, a data operation (S3Endpoint.DataEvents) or a POST upload (no route): not in the
        // event history, only audited when refused.
        bool DataEvent() => key is not null || route is not { ManagementEvent: true };
    }

    /// <summary>S3's 503 for a storage fault (docs/security.md#faulty-storage).</summary>
    internal const string StorageUnavailable = "ServiceUnavailable";

    /// <summary>S3 caps a request's header section at 8 KB ("The PUT request header is limited to 8 KB in size").</summary>
    internal const int MaxHeaderSection = 8 * 1024;

    private static void CheckHeaderSection(HttpRequest request)
    {
        var size = 0;
        foreach (var (name, values) in request.Headers)
        {
            foreach (var value in values)
            {
                size += name.Length + (value?.Length ?? 0) + 4; // "name: value\r\n"
            }
        }
        if (size > MaxHeaderSection)
        {
            throw S3Errors.Error("RequestHeaderSectionTooLarge", "Your request header section exceeds the maximum allowed size.", 400);
        }
    }

    private static async Task FailAsync(HttpContext context, S3Exception error, string requestId)
    {
        if (context.Response.HasStarted)
        {
            // Headers (and maybe part of the body) are out: only a broken connection tells the client the body is bad.
            context.Abort();
            return;
        }
        context.Response.Headers.Remove("Content-Length");
        if (context.Request.Headers.Expect.ToString().Contains("100-continue", StringComparison.OrdinalIgnoreCase))
        {
            // An error before the body was read means no "100 Continue" went out, so the client (botocore, curl) never
            // sends the body; Kestrel would otherwise read the next request on this connection as that body.
            context.Response.Headers.Connection = "close";
        }
        await S3Errors.WriteAsync(context, error, requestId);
    }

    private (SigV4Request Auth, string PayloadHash) Authenticate(HttpRequest request)
    {
        var payloadHash = S3Body.Unsigned;
        if (SigV2Presigned.Applies(request))
        {
            return (SigV2Presigned.Verify(request, identities, time, options.Region, VirtualHostBucket(request.Host.Host)), payloadHash);
        }
        if (request.Headers.Authorization.Count > 0)
        {
            payloadHash = request.Headers["x-amz-content-sha256"].ToString();
            if (payloadHash.Length == 0)
            {
                throw S3Errors.Error(S3ErrorCode.InvalidRequest, "Missing required header for this request: x-amz-content-sha256", 400);
            }
            if (!S3Body.IsKnownPayloadHash(payloadHash))
            {
                throw S3Errors.Error("InvalidArgument", "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.", 400);
            }
        }
        else if (request.Headers["x-amz-content-sha256"].ToString() is { Length: > 0 } presignedHash)
        {
            payloadHash = presignedHash;
        }
        var result = verifier.Verify(request, payloadHash);
        if (result.Succeeded)
        {
            return (result.Request!, payloadHash);
        }
        var presigned = request.Headers.Authorization.Count == 0;
        var error = result.Failure switch
        {
            AuthFailure.MissingAuthentication => S3Errors.Error(S3ErrorCode.AccessDenied, "Access Denied", 403),
            AuthFailure.UnknownAccessKey => S3Errors.InvalidAccessKeyId(),
            AuthFailure.RequestExpired when presigned => S3Errors.Error(S3ErrorCode.AccessDenied, result.Message, 403),
            AuthFailure.RequestExpired => S3Errors.Error("RequestTimeTooSkewed", "The difference between the request time and the current time is too large.", 403),
            AuthFailure.PresignedExpired => S3Errors.Error(S3ErrorCode.AccessDenied, "Request has expired", 403),
            AuthFailure.HeadersNotSigned => S3Errors.Error(S3ErrorCode.AccessDenied, result.Message, 403),
            AuthFailure.IncompleteSignature when presigned => S3Errors.Error("AuthorizationQueryParametersError", result.Message, 400),
            AuthFailure.IncompleteSignature => S3Errors.Error("AuthorizationHeaderMalformed", result.Message, 400),
            _ => S3Errors.SignatureDoesNotMatch(),
        };
        foreach (var (name, value) in result.Details)
        {
            error.With(name, value);
        }
        throw error;
    }

    private static void Authorize(S3Call call, string action) => Authorize(call, action, call.Header);

    // A request naming a version is checked against the action's Version form, as on AWS (a Deny of s3:GetObject does
    // not cover s3:GetObjectVersion).
    private static readonly Dictionary<string, string> VersionActions = new(StringComparer.Ordinal)
    {
        ["s3:GetObject"] = "s3:GetObjectVersion",
        ["s3:DeleteObject"] = "s3:DeleteObjectVersion",
        ["s3:GetObjectTagging"] = "s3:GetObjectVersionTagging",
        ["s3:PutObjectTagging"] = "s3:PutObjectVersionTagging",
        ["s3:DeleteObjectTagging"] = "s3:DeleteObjectVersionTagging",
        ["s3:GetObjectAttributes"] = "s3:GetObjectVersionAttributes",
    };

    /// <summary>The IAM action of an object request: its Version form when the request has a versionId.</summary>
    internal static string VersionAction(S3Call call, string action) =>
        call.Query("versionId") is not null && VersionActions.TryGetValue(action, out var versioned) ? versioned : action;

    /// <summary>
    /// Explicit Deny statements of the bucket policy, with the request's SSE headers (or POST form fields) and tags as
    /// condition keys. <paramref name="requestTags"/>: the tags the request sets, when they are not an x-amz-tagging field.
    /// </summary>
    internal static void Authorize(S3Call call, string action, Func<string, string?> field, IReadOnlyList<S3Tag>? requestTags = null)
    {
        if (Denies(call, action, field, requestTags))
        {
            throw S3Errors.Error(S3ErrorCode.AccessDenied, "Access Denied", 403);
        }
    }

    /// <summary>
    /// A copy reads its source: s3:GetObject on the source object under the source bucket's policy, and
    /// s3:GetObjectTagging too when the copy takes the source's tags (x-amz-tagging-directive COPY, the default).
    /// </summary>
    internal static void AuthorizeCopySource(S3Call call, string bucket, string key, bool copiesTags, string? versionId = null)
    {
        var source = call.For(bucket, key, versionId);
        Authorize(source, versionId is null ? "s3:GetObject" : "s3:GetObjectVersion");
        if (copiesTags && call.Store.FindObjectTags(call.Caller, bucket, key, versionId).Count > 0)
        {
            Authorize(source, versionId is null ? "s3:GetObjectTagging" : "s3:GetObjectVersionTagging");
        }
    }

    /// <summary>Whether an explicit Deny of the bucket policy applies (for answers that leave out what the caller may not read).</summary>
    internal static bool Denies(S3Call call, string action, Func<string, string?> field, IReadOnlyList<S3Tag>? requestTags = null)
    {
        if (call.Store.FindBucketPolicy(call.Caller, call.BucketName) is not { } policyJson)
        {
            return false; // no bucket or no policy: the operation itself reports NoSuchBucket
        }
        var policy = BucketPolicy.Parse(policyJson);
        var resource = call.Key is null ? $"arn:aws:s3:::{call.Bucket}" : $"arn:aws:s3:::{call.Bucket}/{call.Key}";
        var context = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["aws:securetransport"] = call.Request.IsHttps ? "true" : "false",
            ["aws:principalaccount"] = call.Caller.AccountId,
            ["aws:principalarn"] = call.Caller.Identity.Arn,
            ["aws:username"] = call.Caller.Identity.UserName,
        };
        if (field("x-amz-server-side-encryption") is { } sse)
        {
            context["s3:x-amz-server-side-encryption"] = sse.Trim();
        }
        if (field("x-amz-server-side-encryption-aws-kms-key-id") is { } keyId)
        {
            context["s3:x-amz-server-side-encryption-aws-kms-key-id"] = KeyArn(keyId.Trim(), call);
        }
        if (field("x-amz-server-side-encryption-customer-algorithm") is { } customer)
        {
            context["s3:x-amz-server-side-encryption-customer-algorithm"] = customer.Trim();
        }
        if (call.Query("prefix") is { } prefix)
        {
            context["s3:prefix"] = prefix;
        }
        var tagKeys = AddTagConditions(call, policyJson, field, requestTags, context);
        return policy.Denies(action, resource, call.Caller.Identity.Arn, context, tagKeys);
    }

    /// <summary>
    /// s3:ExistingObjectTag/&lt;key&gt; (the addressed object's tags), s3:RequestObjectTag/&lt;key&gt; (the tags the
    /// request sets) and, returned as the one multivalued key, s3:RequestObjectTagKeys (their keys), read only when the
    /// policy names them: the object's record is otherwise not needed here. A header that does not parse sets no keys;
    /// the operation then refuses it. Tag keys and values keep their case: String operators compare them as written.
    /// </summary>
    private static Dictionary<string, IReadOnlyList<string>>? AddTagConditions(S3Call call, string policyJson, Func<string, string?> field, IReadOnlyList<S3Tag>? requestTags, Dictionary<string, string> context)
    {
        if (call.Key is not null && policyJson.Contains("ExistingObjectTag/", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var tag in call.Store.FindObjectTags(call.Caller, call.BucketName, call.Key, call.VersionId))
            {
                context["s3:existingobjecttag/" + tag.Key.ToLowerInvariant()] = tag.Value;
            }
        }
        if (!policyJson.Contains("RequestObjectTag", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        if (requestTags is null && field(S3Tagging.Header) is { } header)
        {
            try
            {
                requestTags = S3Tagging.ParseHeader(header);
            }
            catch (S3Exception)
            {
            }
        }
        if (requestTags is null)
        {
            return null;
        }
        foreach (var tag in requestTags)
        {
            context["s3:requestobjecttag/" + tag.Key.ToLowerInvariant()] = tag.Value;
        }
        return new(StringComparer.Ordinal) { ["s3:requestobjecttagkeys"] = [.. requestTags.Select(t => t.Key)] };
    }

    /// <summary>Policies pin keys by ARN; a bare key id in the request is read as a key of the caller's account and region.</summary>
    private static string KeyArn(string keyId, S3Call call) =>
        Guid.TryParse(keyId, out _) ? $"arn:aws:kms:{call.Caller.Region}:{call.Caller.AccountId}:key/{keyId}" : keyId;

    /// <summary>
    /// Bucket and key from the Host header (virtual-hosted: bucket.localhost, bucket.s3.localhost,
    /// bucket.s3[.region].amazonaws.com) or the first path segment. The raw path is decoded once, as UTF-8.
    /// </summary>
    internal static (string? Bucket, string? Key) Address(HttpRequest request)
    {
        var raw = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (request.PathBase + request.Path).ToString();
        var q = raw.IndexOf('?', StringComparison.Ordinal);
        var path = Uri.UnescapeDataString(q < 0 ? raw : raw[..q]);
        if (path.StartsWith('/'))
        {
            path = path[1..];
        }
        if (VirtualHostBucket(request.Host.Host) is { } hostBucket)
        {
            return (hostBucket, path.Length == 0 ? null : path);
        }
        if (path.Length == 0)
        {
            return (null, null);
        }
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return (path, null);
        }
        var key = path[(slash + 1)..];
        return (path[..slash], key.Length == 0 ? null : key);
    }

    private static readonly string[] LocalSuffixes = [".s3.localhost.localstack.cloud", ".localhost.localstack.cloud", ".s3.localhost", ".localhost"];

    internal static string? VirtualHostBucket(string host)
    {
        if (host.Length == 0 || IPAddress.TryParse(host, out _))
        {
            return null;
        }
        host = host.ToLowerInvariant();
        foreach (var suffix in LocalSuffixes)
        {
            if (host.EndsWith(suffix, StringComparison.Ordinal) && host.Length > suffix.Length)
            {
                var bucket = host[..^suffix.Length];
                return bucket == "s3" ? null : bucket;
            }
        }
        var aws = AwsHost().Match(host);
        return aws.Success ? aws.Groups[1].Value : null;
    }

    [GeneratedRegex(@"^(.+)\.s3([.-][a-z0-9-]+)?\.amazonaws\.com$", RegexOptions.CultureInvariant)]
    private static partial Regex AwsHost();
}
