namespace SseSim.Server.S3;

/// <summary>HEAD /bucket/key: GET's headers without a body or a KMS call.</summary>
internal static class HeadObject
{
    public static async Task HandleAsync(S3Call call)
    {
        var result = await call.Store.HeadObjectAsync(call.Caller, GetObject.ReadRequest(call), call.Aborted);
        GetObject.WriteHeaders(call, result.Object, result.ContentLength, result.Range);
    }
}
