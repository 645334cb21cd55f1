namespace SseSim.Server.S3;

/// <summary>PUT /bucket?acl: only an ACL granting the owner alone full control is accepted (<see cref="BucketOwnerEnforced"/>).</summary>
internal static class PutBucketAcl
{
    public static async Task HandleAsync(S3Call call)
    {
        var bucket = await call.Store.HeadBucketAsync(call.Caller, call.BucketName, call.Aborted);
        await BucketOwnerEnforced.CheckPutAclAsync(call, bucket.OwnerAccountId);
        call.Response.StatusCode = 200;
    }
}
