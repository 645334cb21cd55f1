using System.Globalization;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using SseSim.Core.Aws;
using SseSim.Objects;
using SseSim.Server.Auth;
using SseSim.Server.Hosting;

namespace SseSim.Server.S3;

/// <summary>
/// POST /bucket with multipart/form-data: the browser-based upload (AWS PostObject). The form authenticates itself
/// (SigV4: x-amz-algorithm, x-amz-credential, x-amz-date, x-amz-signature over the base64 policy; or legacy SigV2:
/// AWSAccessKeyId + signature), the policy must hold for every field, the bucket policy is checked with the form's SSE
/// fields, and the file part streams into the store with the form's SSE-S3/SSE-KMS/SSE-C fields and metadata.
/// Answers per success_action_redirect / success_action_status (204 by default).
/// </summary>
internal static class PostObject
{
    internal sealed record Services(IdentityRegistry Identities, SigV4Verifier Verifier, TimeProvider Time, ObjectStore Store, ServerOptions Options);

    /// <summary>A POST to a bucket carrying a form and no Authorization header: the form itself is the credential.</summary>
    public static bool Applies(HttpRequest request, S3Target target) =>
        target == S3Target.Bucket && HttpMethods.IsPost(request.Method) && request.Headers.Authorization.Count == 0 && PostForm.IsForm(request);

    public static async Task HandleAsync(HttpContext context, string bucket, Services services, Action<Caller> authenticated)
    {
        var request = context.Request;
        var form = await PostForm.ReadAsync(request, context.RequestAborted);
        var auth = Authenticate(form, services);
        var caller = new Caller(auth.Identity, services.Options.Region, context.Connection.RemoteIpAddress?.ToString(), request.Headers.UserAgent.ToString());
        authenticated(caller);

        if (form.File is null)
        {
            throw S3Errors.InvalidArgument("POST requires exactly one file upload per request.", "file", "0");
        }
        var rawKey = form.Field("key");
        if (string.IsNullOrEmpty(rawKey))
        {
            throw S3Errors.InvalidArgument("Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.", "key");
        }
        var key = rawKey.Replace("${filename}", Path.GetFileName(form.FileName ?? ""), StringComparison.Ordinal);
        var policy = PostPolicy.Parse(form.Field("policy")!);
        policy.Check(form.Fields, bucket, rawKey, key, services.Time.GetUtcNow());
        RejectUnsimulated(form);

        var call = new S3Call
        {
            Http = context,
            Caller = caller,
            Auth = auth,
            Store = services.Store,
            Options = services.Options,
            Bucket = bucket,
            Key = key,
            PayloadHash = S3Body.Unsigned,
        };
        // The form's tagging field is a <Tagging> document, not the header's query form.
        var tags = form.Field("tagging") is { } tagging ? S3Tagging.ParseXml(S3Xml.Parse(Encoding.UTF8.GetBytes(tagging))) : null;
        S3Endpoint.Authorize(call, "s3:PutObject", form.Field, tags);
        S3Tagging.AuthorizeTagging(call, tags, form.Field);
        var (min, max) = policy.LengthRange ?? (0, S3Body.MaxSinglePut);
        var body = new PostForm.FileBody(form.File.Body, min, Math.Min(max, S3Body.MaxSinglePut));
        var result = await services.Store.PutObjectAsync(caller, new PutObjectRequest(bucket, key, PipeReader.Create(body, new StreamPipeReaderOptions(bufferSize: 64 * 1024)))
        {
            Headers = S3Headers.ObjectHeaders(form.Ordered, form.Field),
            Encryption = S3Headers.SseRequest(call, form.Field),
            Tags = tags,
            IsFormUpload = true,
        }, context.RequestAborted);
        await RespondAsync(call, form, result);
    }

    private static SigV4Request Authenticate(PostForm form, Services services)
    {
        // Any SigV4 field makes it a SigV4 POST, whose missing fields S3 then names in their canonical spelling.
        if (new[] { "x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-signature" }.Any(f => form.Field(f) is not null))
        {
            return AuthenticateV4(form, Required(form, "X-Amz-Algorithm"), services);
        }
        if (form.Field("policy") is null && form.Field("awsaccesskeyid") is null && form.Field("signature") is null)
        {
            // Anonymous POST: only a publicly writable bucket accepts it, and SseSim has no ACLs.
            throw S3Errors.Error(S3ErrorCode.AccessDenied, "Access Denied", 403);
        }
        var accessKey = Required(form, "AWSAccessKeyId");
        var signature = Required(form, "Signature");
        var policy = Required(form, "policy");
        var identity = services.Identities.Find(accessKey) ?? throw S3Errors.InvalidAccessKeyId();
        if (!SigV2Presigned.SignatureMatches(identity.SecretAccessKey, policy, signature.Trim()))
        {
            throw S3Errors.SignatureDoesNotMatch();
        }
        return new SigV4Request(identity, "", services.Options.Region, "s3", "", signature, "", Presigned: false);
    }

    private static SigV4Request AuthenticateV4(PostForm form, string algorithm, Services services)
    {
        if (algorithm != "AWS4-HMAC-SHA256")
        {
            throw S3Errors.InvalidArgument("Only AWS4-HMAC-SHA256 is supported for X-Amz-Algorithm.", "x-amz-algorithm", algorithm);
        }
        var credential = Required(form, "X-Amz-Credential");
        var amzDate = Required(form, "X-Amz-Date");
        var signature = Required(form, "X-Amz-Signature");
        var policy = Required(form, "policy");
        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[4] != "aws4_request" || scope[3] != "s3" || scope[1].Length != 8)
        {
            throw S3Errors.InvalidArgument("Invalid credential: expected <access key>/<yyyyMMdd>/<region>/s3/aws4_request.", "x-amz-credential", credential);
        }
        if (!amzDate.StartsWith(scope[1], StringComparison.Ordinal)
            || !DateTime.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            throw S3Errors.InvalidArgument("X-Amz-Date must be yyyyMMdd'T'HHmmss'Z' on the credential's date.", "x-amz-date", amzDate);
        }
        var identity = services.Identities.Find(scope[0]) ?? throw S3Errors.InvalidAccessKeyId();
        var signingKey = services.Verifier.SigningKey(identity.SecretAccessKey, scope[1], scope[2], scope[3]);
        var expected = Encoding.ASCII.GetBytes(SigV4Verifier.Hex(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(policy))));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature.Trim().ToLowerInvariant())))
        {
            throw S3Errors.SignatureDoesNotMatch();
        }
        return new SigV4Request(identity, scope[1], scope[2], scope[3], "", signature, amzDate, Presigned: false) { SigningKey = signingKey };
    }

    /// <summary>A required form field; S3 names a missing one as <paramref name="name"/> is spelled here, with an empty ArgumentValue.</summary>
    private static string Required(PostForm form, string name) =>
        form.Field(name) ?? throw S3Errors.InvalidArgument($"Bucket POST must contain a field named '{name}'.  If it is specified, please check the order of the fields.", name, "");

    /// <summary>ACLs are disabled as on a BucketOwnerEnforced bucket (only the owner-only canned ACLs pass).</summary>
    private static void RejectUnsimulated(PostForm form)
    {
        if (form.Field("acl") is { } acl && !BucketOwnerEnforced.IsOwnerOnly(acl))
        {
            throw BucketOwnerEnforced.NotSupported();
        }
    }

    private static async Task RespondAsync(S3Call call, PostForm form, PutObjectResult result)
    {
        var response = call.Response;
        var etag = S3Xml.Quote(result.ETag);
        var location = $"{call.Request.Scheme}://{call.Request.Host}/{SigV4Verifier.UriEncode(call.BucketName)}/{SigV4Verifier.UriEncode(call.ObjectKey, keepSlash: true)}";
        response.Headers.ETag = etag;
        response.Headers.Location = location;
        S3Headers.WriteEncryption(response, result.Encryption, includeContext: true);
        VersionIds.EchoWritten(call, result.VersionId);
        var redirect = form.Field("success_action_redirect") ?? form.Field("redirect");
        if (redirect is not null && Uri.TryCreate(redirect, UriKind.Absolute, out var target) && (target.Scheme == Uri.UriSchemeHttp || target.Scheme == Uri.UriSchemeHttps))
        {
            response.StatusCode = 303;
            response.Headers.Location = redirect + (redirect.Contains('?', StringComparison.Ordinal) ? '&' : '?')
                + $"bucket={Uri.EscapeDataString(call.BucketName)}&key={Uri.EscapeDataString(call.ObjectKey)}&etag={Uri.EscapeDataString(etag)}";
            return;
        }
        switch (form.Field("success_action_status"))
        {
            case "201":
                await S3Xml.WriteAsync(response, "PostResponse", w =>
                {
                    w.WriteElementString("Location", location);
                    w.WriteElementString("Bucket", call.BucketName);
                    w.WriteElementString("Key", call.ObjectKey);
                    w.WriteElementString("ETag", etag);
                }, status: 201, ns: null);
                break;
            case "200":
                response.StatusCode = 200;
                response.ContentLength = 0;
                break;
            default:
                response.StatusCode = 204;
                break;
        }
    }
}
