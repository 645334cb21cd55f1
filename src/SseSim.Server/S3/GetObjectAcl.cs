namespace SseSim.Server.S3;

/// <summary>GET /bucket/key?acl: the bucket owner owns every object and holds FULL_CONTROL (<see cref="BucketOwnerEnforced"/>).</summary>
internal static class GetObjectAcl
{
    public static async Task HandleAsync(S3Call call)
    {
        var owner = await call.Store.GetObjectOwnerAsync(call.Caller, call.BucketName, call.ObjectKey, call.Aborted, VersionIds.Query(call));
        await BucketOwnerEnforced.WriteAclAsync(call, owner);
    }
}
