using System.Xml.Linq;
using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>PUT /bucket?encryption with a ServerSideEncryptionConfiguration (first Rule wins; reference/s3.md §1.4).</summary>
internal static class PutBucketEncryption
{
    public static async Task HandleAsync(S3Call call)
    {
        var rule = ParseRule(await S3Xml.ReadAsync(call));
        await call.Store.PutBucketEncryptionAsync(call.Caller, call.BucketName, rule, call.Aborted);
        call.Response.StatusCode = 200;
    }

    /// <summary>The first Rule of a ServerSideEncryptionConfiguration; anything else is MalformedXML.</summary>
    public static BucketEncryptionRule ParseRule(XElement? body)
    {
        var rule = body?.Name.LocalName == "ServerSideEncryptionConfiguration" ? body.Child("Rule") : null;
        var byDefault = rule?.Child("ApplyServerSideEncryptionByDefault");
        var algorithm = byDefault?.ChildValue("SSEAlgorithm");
        if (rule is null || byDefault is null || algorithm is null)
        {
            throw S3Errors.MalformedXml();
        }
        var bucketKey = rule.ChildValue("BucketKeyEnabled")?.Trim().Equals("true", StringComparison.OrdinalIgnoreCase) == true;
        var blocked = rule.Child("BlockedEncryptionTypes")?.Children("EncryptionType").Select(e => e.Value.Trim()).ToList();
        var keyId = byDefault.ChildValue("KMSMasterKeyID")?.Trim();
        return new BucketEncryptionRule(algorithm.Trim(), string.IsNullOrEmpty(keyId) ? null : keyId, bucketKey, blocked);
    }
}
