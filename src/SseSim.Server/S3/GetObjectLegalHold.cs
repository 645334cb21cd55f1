namespace SseSim.Server.S3;

/// <summary>GET /bucket/key?legal-hold[&amp;versionId]: Status ON or OFF; NoSuchObjectLockConfiguration (404) when never set.</summary>
internal static class GetObjectLegalHold
{
    public static async Task HandleAsync(S3Call call)
    {
        var on = await call.Store.GetObjectLegalHoldAsync(call.Caller, call.BucketName, call.ObjectKey, VersionIds.Query(call), call.Aborted);
        await S3Xml.WriteAsync(call.Response, "LegalHold", w => w.WriteElementString("Status", on ? "ON" : "OFF"));
    }
}
