using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>
/// PUT /bucket?publicAccessBlock with &lt;PublicAccessBlockConfiguration&gt; → 200. Stored and returned; anonymous
/// requests are refused here whatever it says, and BlockPublicPolicy refuses public bucket policies (PutBucketPolicy).
/// </summary>
internal static class PutPublicAccessBlock
{
    private static readonly string[] Members = ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"];

    public static async Task HandleAsync(S3Call call)
    {
        var body = await S3Xml.ReadAsync(call);
        if (body is null || body.Name.LocalName != "PublicAccessBlockConfiguration" || body.Elements().Any(e => !Members.Contains(e.Name.LocalName)))
        {
            throw S3Errors.MalformedXml();
        }
        if (!body.HasElements)
        {
            throw S3Errors.Error(S3ErrorCode.InvalidRequest, "Must specify at least one configuration.", 400);
        }
        var configuration = new PublicAccessBlock(Flag(body, "BlockPublicAcls"), Flag(body, "IgnorePublicAcls"), Flag(body, "BlockPublicPolicy"), Flag(body, "RestrictPublicBuckets"));
        await call.Store.PutPublicAccessBlockAsync(call.Caller, call.BucketName, configuration, call.Aborted);
        call.Response.StatusCode = 200;
    }

    private static bool Flag(System.Xml.Linq.XElement body, string name) => body.ChildValue(name)?.Trim() switch
    {
        null or "false" => false,
        "true" => true,
        _ => throw S3Errors.MalformedXml(),
    };
}
