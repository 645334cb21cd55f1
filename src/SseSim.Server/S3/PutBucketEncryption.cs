using System.Xml.Linq;
using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>PUT /bucket?encryption with a ServerSideEncryptionConfiguration of exactly one Rule (reference/s3.md §1.4).</summary>
internal static class PutBucketEncryption
{
    public static async Task HandleAsync(S3Call call)
    {
        // AWS looks the bucket up before it reads the document: a missing bucket is NoSuchBucket even with a bad one.
        await call.Store.HeadBucketAsync(call.Caller, call.BucketName, call.Aborted);
        var rule = ParseRule(await S3Xml.ReadAsync(call));
        await call.Store.PutBucketEncryptionAsync(call.Caller, call.BucketName, rule, call.Aborted);
        call.Response.StatusCode = 200;
    }

    /// <summary>The one Rule of a ServerSideEncryptionConfiguration; none, several or anything else is MalformedXML.</summary>
    public static BucketEncryptionRule ParseRule(XElement? body)
    {
        var rules = body?.Name.LocalName == "ServerSideEncryptionConfiguration" ? body.Children("Rule").ToList() : [];
        var rule = rules.Count == 1 ? rules[0] : null;
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
