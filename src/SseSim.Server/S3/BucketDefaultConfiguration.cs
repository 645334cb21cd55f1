using System.Xml.Linq;

namespace SseSim.Server.S3;

/// <summary>
/// Puts of a bucket configuration SseSim does not store, when the document asks for the state every SseSim bucket is
/// always in (what Terraform and setup scripts send): the bucket already is that way, so the put succeeds. Any other
/// setting would need behaviour SseSim does not simulate, and stays NotImplemented rather than being stored and ignored.
/// </summary>
internal static class BucketDefaultConfiguration
{
    /// <summary>Reads the document, requires its root element, and hands it to <paramref name="isDefault"/>.</summary>
    public static async Task AcceptDefaultAsync(S3Call call, string root, Func<XElement, bool?> isDefault, string what)
    {
        var body = await S3Xml.ReadAsync(call);
        if (body is null || body.Name.LocalName != root)
        {
            throw S3Errors.MalformedXml();
        }
        switch (isDefault(body))
        {
            case null:
                throw S3Errors.MalformedXml();
            case false:
                throw S3Errors.Error("NotImplemented", what + " is not implemented by SseSim.", 501);
        }
        await call.Store.HeadBucketAsync(call.Caller, call.BucketName, call.Aborted);
        call.Response.StatusCode = 200;
    }
}
