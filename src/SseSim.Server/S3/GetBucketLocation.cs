namespace SseSim.Server.S3;

/// <summary>GET /bucket?location: us-east-1 is the empty LocationConstraint, as on AWS.</summary>
internal static class GetBucketLocation
{
    public static async Task HandleAsync(S3Call call)
    {
        var region = await call.Store.GetBucketLocationAsync(call.Caller, call.BucketName, call.Aborted);
        await S3Xml.WriteAsync(call.Response, "LocationConstraint", w =>
        {
            if (region != "us-east-1")
            {
                w.WriteString(region);
            }
        });
    }
}
