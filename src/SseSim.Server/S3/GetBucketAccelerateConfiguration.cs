namespace SseSim.Server.S3;

/// <summary>GET /bucket?accelerate: Transfer Acceleration was never set, so the document is empty.</summary>
internal static class GetBucketAccelerateConfiguration
{
    public static Task HandleAsync(S3Call call) =>
        BucketWithoutConfiguration.DefaultAsync(call, "AccelerateConfiguration");
}
