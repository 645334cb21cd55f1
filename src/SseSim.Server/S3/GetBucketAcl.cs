namespace SseSim.Server.S3;

/// <summary>GET /bucket?acl: with ACLs disabled (<see cref="BucketOwnerEnforced"/>) the owner's FULL_CONTROL is the whole ACL.</summary>
internal static class GetBucketAcl
{
    public static async Task HandleAsync(S3Call call)
    {
        var bucket = await call.Store.HeadBucketAsync(call.Caller, call.BucketName, call.Aborted);
        await BucketOwnerEnforced.WriteAclAsync(call, bucket.OwnerAccountId);
    }
}
