namespace SseSim.Server.S3;

/// <summary>GET /bucket/key?acl: the bucket owner owns every object and holds FULL_CONTROL (<see cref="BucketOwnerEnforced"/>).</summary>
internal static class GetObjectAcl
{
    public static async Task HandleAsync(S3Call call)
    {
        VersionIds.RequireCurrent(call.Query("versionId"));
        var owner = await call.Store.GetObjectOwnerAsync(call.Caller, call.BucketName, call.ObjectKey, call.Aborted);
        await BucketOwnerEnforced.WriteAclAsync(call, owner);
    }
}
