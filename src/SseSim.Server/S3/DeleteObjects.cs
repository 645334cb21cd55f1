using System.Xml.Linq;

namespace SseSim.Server.S3;

/// <summary>POST /bucket?delete: &lt;Delete&gt;&lt;Quiet/&gt;&lt;Object&gt;&lt;Key/&gt;… → DeleteResult (Quiet lists errors only).</summary>
internal static class DeleteObjects
{
    public static async Task HandleAsync(S3Call call)
    {
        var (quiet, keys) = Parse(await S3Xml.ReadAsync(call));
        var results = await call.Store.DeleteObjectsAsync(call.Caller, call.BucketName, keys, call.Aborted);
        await S3Xml.WriteAsync(call.Response, "DeleteResult", w =>
        {
            foreach (var entry in results)
            {
                if (entry.Deleted)
                {
                    if (!quiet)
                    {
                        w.WriteStartElement("Deleted");
                        w.WriteElementString("Key", entry.Key);
                        w.WriteEndElement();
                    }
                    continue;
                }
                w.WriteStartElement("Error");
                w.WriteElementString("Key", entry.Key);
                w.WriteElementString("Code", entry.ErrorCode);
                w.WriteElementString("Message", entry.ErrorMessage);
                w.WriteEndElement();
            }
        });
    }

    /// <summary>Quiet and the object keys of a &lt;Delete&gt; body; anything else is MalformedXML.</summary>
    public static (bool Quiet, List<string> Keys) Parse(XElement? body)
    {
        if (body is null || body.Name.LocalName != "Delete")
        {
            throw S3Errors.MalformedXml();
        }
        var quiet = body.ChildValue("Quiet")?.Trim().Equals("true", StringComparison.OrdinalIgnoreCase) == true;
        var keys = body.Children("Object").Select(o => o.ChildValue("Key") ?? throw S3Errors.MalformedXml()).ToList();
        // S3 takes at most 1,000 keys per request and answers MalformedXML beyond that.
        if (keys.Count is 0 or > 1000)
        {
            throw S3Errors.MalformedXml();
        }
        return (quiet, keys);
    }
}
