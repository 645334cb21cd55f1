namespace SseSim.Server.S3;

/// <summary>GET /bucket?requestPayment: the bucket owner pays, always.</summary>
internal static class GetBucketRequestPayment
{
    public static Task HandleAsync(S3Call call) =>
        BucketWithoutConfiguration.DefaultAsync(call, "RequestPaymentConfiguration", x => x.WriteElementString("Payer", S3Xml.Namespace, "BucketOwner"));
}
