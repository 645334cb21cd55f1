namespace SseSim.Server.S3;

/// <summary>GET /bucket?cors: the stored CORSConfiguration (NoSuchCORSConfiguration 404 when none).</summary>
internal static class GetBucketCors
{
    public static async Task HandleAsync(S3Call call) =>
        await S3Xml.WriteCanonicalAsync(call.Response, await call.Store.GetBucketCorsAsync(call.Caller, call.BucketName, call.Aborted));
}
