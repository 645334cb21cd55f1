namespace SseSim.Server.S3;

/// <summary>PUT /bucket?requestPayment: the bucket owner pays, always; Requester Pays is NotImplemented.</summary>
internal static class PutBucketRequestPayment
{
    public static Task HandleAsync(S3Call call) =>
        BucketDefaultConfiguration.AcceptDefaultAsync(call, "RequestPaymentConfiguration", body =>
            body.Elements().Count() != 1 ? null : body.ChildValue("Payer")?.Trim() switch
            {
                "BucketOwner" => true,
                "Requester" => false,
                _ => null,
            }, "Requester Pays");
}
