namespace SseSim.Server.S3;

/// <summary>GET /bucket?policy: the stored JSON as sent (NoSuchBucketPolicy 404 when none).</summary>
internal static class GetBucketPolicy
{
    public static async Task HandleAsync(S3Call call)
    {
        var policy = await call.Store.GetBucketPolicyAsync(call.Caller, call.BucketName, call.Aborted);
        call.Response.StatusCode = 200;
        call.Response.ContentType = "application/json";
        await call.Response.WriteAsync(policy, call.Aborted);
    }
}
