namespace SseSim.Server.S3;

/// <summary>
/// PUT /bucket?ownershipControls: BucketOwnerEnforced is what every SseSim bucket is (ACLs disabled,
/// <see cref="BucketOwnerEnforced"/>), so that rule is accepted; BucketOwnerPreferred and ObjectWriter need ACLs and
/// are NotImplemented.
/// </summary>
internal static class PutBucketOwnershipControls
{
    public static Task HandleAsync(S3Call call) =>
        BucketDefaultConfiguration.AcceptDefaultAsync(call, "OwnershipControls", body =>
        {
            var rules = body.Children("Rule").ToList();
            if (rules.Count != 1 || body.Elements().Count() != 1 || rules[0].Elements().Count() != 1)
            {
                return null;
            }
            return rules[0].ChildValue("ObjectOwnership")?.Trim() switch
            {
                "BucketOwnerEnforced" => true,
                "BucketOwnerPreferred" or "ObjectWriter" => false,
                _ => null,
            };
        }, "Object Ownership other than BucketOwnerEnforced");
}
