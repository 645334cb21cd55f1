namespace SseSim.Server.S3;

/// <summary>GET / → ListAllMyBucketsResult (the caller's account's buckets).</summary>
internal static class ListBuckets
{
    public static async Task HandleAsync(S3Call call)
    {
        var buckets = await call.Store.ListBucketsAsync(call.Caller, call.Aborted);
        await S3Xml.WriteAsync(call.Response, "ListAllMyBucketsResult", w =>
        {
            w.Owner("Owner", call.Caller.AccountId);
            w.WriteStartElement("Buckets");
            foreach (var b in buckets.OrderBy(b => b.Name, StringComparer.Ordinal))
            {
                w.WriteStartElement("Bucket");
                w.WriteElementString("Name", b.Name);
                w.WriteElementString("CreationDate", S3Xml.SecondsTimestamp(b.CreationDate));
                w.WriteElementString("BucketRegion", b.Region);
                w.WriteEndElement();
            }
            w.WriteEndElement();
        });
    }
}
