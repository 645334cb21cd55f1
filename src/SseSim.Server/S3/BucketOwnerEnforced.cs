using System.Xml.Linq;
using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>
/// S3 Object Ownership "bucket owner enforced", the default for new buckets since April 2023 and the only setting
/// SseSim simulates: ACLs are disabled and the bucket owner owns every object. Reading an ACL answers the owner's
/// FULL_CONTROL; a write may carry no ACL or one that grants only the bucket owner full control (the canned
/// <c>private</c> or <c>bucket-owner-full-control</c>); anything else fails with 400 AccessControlListNotSupported.
/// </summary>
internal static class BucketOwnerEnforced
{
    private const string XsiNamespace = "http://www.w3.org/2001/XMLSchema-instance";
    private static readonly string[] GrantHeaders =
        ["x-amz-grant-full-control", "x-amz-grant-read", "x-amz-grant-write", "x-amz-grant-read-acp", "x-amz-grant-write-acp"];

    public static S3Exception NotSupported() => S3Errors.Error("AccessControlListNotSupported", "The bucket does not allow ACLs", 400);

    /// <summary>PutObject, CopyObject, CreateMultipartUpload and PutObjectAcl: the ACL headers may only restate the owner's control.</summary>
    public static void CheckWrite(S3Call call)
    {
        if (!HeadersGrantOnlyOwner(call, () => call.Store.BucketOwner(call.BucketName)))
        {
            throw NotSupported();
        }
    }

    /// <summary>CreateBucket names its own error for an ACL that the enforced setting cannot hold.</summary>
    public static void CheckCreateBucket(S3Call call)
    {
        if (call.Header("x-amz-object-ownership") is { } ownership && ownership != "BucketOwnerEnforced")
        {
            if (ownership is "BucketOwnerPreferred" or "ObjectWriter")
            {
                throw S3Errors.Error(S3ErrorCode.NotImplemented, $"Object Ownership '{ownership}' is not implemented by SseSim: ACLs are not simulated, every bucket is BucketOwnerEnforced.", 501);
            }
            // AWS names the value in the message and sends no ArgumentValue.
            throw S3Errors.InvalidArgument($"Invalid x-amz-object-ownership header: {ownership}", "x-amz-object-ownership");
        }
        if (!HeadersGrantOnlyOwner(call, () => call.Caller.AccountId))
        {
            throw S3Errors.Error("InvalidBucketAclWithObjectOwnership", "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting", 400);
        }
    }

    /// <summary>PutBucketAcl and PutObjectAcl: a canned ACL header or an AccessControlPolicy body, granting the owner alone.</summary>
    public static async Task CheckPutAclAsync(S3Call call, string ownerAccount)
    {
        if (!HeadersGrantOnlyOwner(call, () => ownerAccount))
        {
            throw NotSupported();
        }
        var body = await S3Xml.ReadAsync(call);
        if (body is null)
        {
            if (call.Header("x-amz-acl") is null && !GrantHeaders.Any(h => call.Header(h) is not null))
            {
                throw S3Errors.Error("MissingSecurityHeader", "Your request was missing a required header", 400).With("MissingHeaderName", "x-amz-acl");
            }
            return;
        }
        if (body.Name.LocalName != "AccessControlPolicy")
        {
            throw MalformedAcl();
        }
        var owner = S3Xml.CanonicalId(ownerAccount);
        var grants = body.Elements().Where(e => e.Name.LocalName == "AccessControlList").SelectMany(l => l.Elements()).ToList();
        foreach (var grant in grants)
        {
            var grantee = grant.Elements().FirstOrDefault(e => e.Name.LocalName == "Grantee") ?? throw MalformedAcl();
            var permission = grant.ChildValue("Permission") ?? throw MalformedAcl();
            var type = (string?)grantee.Attribute(XName.Get("type", XsiNamespace));
            if (type != "CanonicalUser" || grantee.ChildValue("ID") != owner || permission != "FULL_CONTROL")
            {
                throw NotSupported();
            }
        }
    }

    /// <summary>GetBucketAcl and GetObjectAcl: the owner, holding FULL_CONTROL, is the whole list.</summary>
    public static Task WriteAclAsync(S3Call call, string ownerAccount) =>
        S3Xml.WriteAsync(call.Response, "AccessControlPolicy", w =>
        {
            w.Owner("Owner", ownerAccount);
            w.WriteStartElement("AccessControlList");
            w.WriteStartElement("Grant");
            w.WriteStartElement("Grantee");
            w.WriteAttributeString("xmlns", "xsi", null, XsiNamespace);
            w.WriteAttributeString("xsi", "type", XsiNamespace, "CanonicalUser");
            w.WriteElementString("ID", S3Xml.CanonicalId(ownerAccount));
            w.WriteEndElement();
            w.WriteElementString("Permission", "FULL_CONTROL");
            w.WriteEndElement();
            w.WriteEndElement();
        });

    private static S3Exception MalformedAcl() =>
        S3Errors.Error("MalformedACLError", "The XML you provided was not well-formed or did not validate against our published schema", 400);

    /// <summary>The canned ACLs that grant the owner alone full control (x-amz-acl, or a POST form's acl field).</summary>
    public static bool IsOwnerOnly(string cannedAcl) => cannedAcl is "private" or "bucket-owner-full-control";

    private static bool HeadersGrantOnlyOwner(S3Call call, Func<string?> owner)
    {
        if (call.Header("x-amz-acl") is { } canned && !IsOwnerOnly(canned))
        {
            return false;
        }
        string? ownerId = null;
        foreach (var name in GrantHeaders)
        {
            if (call.Header(name) is not { } value)
            {
                continue;
            }
            // x-amz-grant-full-control: id="<canonical id>" restates the owner's own control; any other grant is an ACL.
            ownerId ??= owner() is { } account ? S3Xml.CanonicalId(account) : null;
            if (name != "x-amz-grant-full-control" || ownerId is null
                || !value.Split(',').All(g => g.Trim().Replace("\"", "", StringComparison.Ordinal) == "id=" + ownerId))
            {
                return false;
            }
        }
        return true;
    }
}
