using System.Text;
using System.Text.Json;
using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>PUT /bucket?policy with the policy JSON as the body; its Deny statements are enforced (<see cref="BucketPolicy"/>).</summary>
internal static class PutBucketPolicy
{
    private const int MaxPolicy = 20 * 1024;

    public static async Task HandleAsync(S3Call call)
    {
        // Checked as text only after Content-MD5 / x-amz-checksum-* have been verified over the bytes.
        var json = Encoding.UTF8.GetString(await S3Body.ReadAllAsync(call, MaxPolicy, integrityRequired: false)).TrimStart('\uFEFF');
        Validate(json);
        if (BucketPolicy.IsPublic(json) && await BlocksPublicPolicyAsync(call))
        {
            throw S3Errors.Error(S3ErrorCode.AccessDenied,
                $"User: {call.Caller.Identity.Arn} is not authorized to perform: s3:PutBucketPolicy on resource: \"arn:aws:s3:::{call.BucketName}\" because public policies are blocked by the BlockPublicPolicy block public access setting.", 403);
        }
        await call.Store.PutBucketPolicyAsync(call.Caller, call.BucketName, json, call.Aborted);
        call.Response.StatusCode = 204;
    }

    private static async Task<bool> BlocksPublicPolicyAsync(S3Call call)
    {
        try
        {
            return (await call.Store.GetPublicAccessBlockAsync(call.Caller, call.BucketName, call.Aborted)).BlockPublicPolicy;
        }
        catch (S3Exception e) when (e.Code == "NoSuchPublicAccessBlockConfiguration")
        {
            return false;
        }
    }

    /// <summary>
    /// Parses the policy as enforcement will; any problem is MalformedPolicy, with AWS's messages for text that is not a
    /// JSON object and for a missing Statement.
    /// </summary>
    public static void Validate(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new S3Exception(S3ErrorCode.MalformedPolicy, "Policies must be valid JSON and the first byte must be '{'", 400);
            }
            if (!doc.RootElement.TryGetProperty("Statement", out _))
            {
                throw new S3Exception(S3ErrorCode.MalformedPolicy, "Missing required field Statement", 400);
            }
        }
        catch (JsonException e)
        {
            throw new S3Exception(S3ErrorCode.MalformedPolicy, "Policies must be valid JSON and the first byte must be '{'", 400, e);
        }
        try
        {
            BucketPolicy.Parse(json);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new S3Exception(S3ErrorCode.MalformedPolicy, "Policies must be valid JSON and contain a Statement.", 400, e);
        }
    }
}
