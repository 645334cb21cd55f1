namespace SseSim.Server.S3;

/// <summary>PUT /bucket/key?acl: only an ACL granting the bucket owner alone full control is accepted (<see cref="BucketOwnerEnforced"/>).</summary>
internal static class PutObjectAcl
{
    public static async Task HandleAsync(S3Call call)
    {
        var owner = await call.Store.GetObjectOwnerAsync(call.Caller, call.BucketName, call.ObjectKey, call.Aborted, VersionIds.Query(call), forPut: true);
        await BucketOwnerEnforced.CheckPutAclAsync(call, owner);
        call.Response.StatusCode = 200;
    }
}
