namespace SseSim.Server.S3;

/// <summary>GET /bucket?ownershipControls: ACLs are disabled on every bucket (BucketOwnerEnforced, AWS's default since 2023).</summary>
internal static class GetBucketOwnershipControls
{
    public static Task HandleAsync(S3Call call) =>
        BucketWithoutConfiguration.DefaultAsync(call, "OwnershipControls", x => { x.WriteStartElement("Rule", S3Xml.Namespace); x.WriteElementString("ObjectOwnership", S3Xml.Namespace, "BucketOwnerEnforced"); x.WriteEndElement(); });
}
