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
        var (reader, _, _) = S3Body.Open(call, MaxPolicy);
        var text = new StringBuilder();
        try
        {
            using var stream = reader.AsStream(leaveOpen: true);
            using var sr = new StreamReader(stream, Encoding.UTF8);
            var buffer = new char[4096];
            int n;
            while ((n = await sr.ReadAsync(buffer, call.Aborted)) > 0)
            {
                text.Append(buffer, 0, n);
            }
        }
        finally
        {
            await reader.CompleteAsync();
        }
        var json = text.ToString();
        Validate(json);
        await call.Store.PutBucketPolicyAsync(call.Caller, call.BucketName, json, call.Aborted);
        call.Response.StatusCode = 204;
    }

    /// <summary>Parses the policy as enforcement will; any grammar problem is MalformedPolicy.</summary>
    public static void Validate(string json)
    {
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
