using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>GET /bucket?list-type=2: prefix, delimiter, continuation-token, start-after, max-keys, fetch-owner, encoding-type.</summary>
internal static class ListObjectsV2
{
    public static async Task HandleAsync(S3Call call)
    {
        if (call.Query("list-type") != "2")
        {
            throw S3Errors.InvalidArgument("Invalid List Type specified in Request", "list-type", call.Query("list-type"));
        }
        var encode = ListObjects.Encoding(call);
        var maxKeys = ListObjects.MaxKeys(call);
        var prefix = call.Query("prefix");
        var delimiter = call.Query("delimiter");
        var token = call.Query("continuation-token");
        if (token is "")
        {
            throw S3Errors.InvalidArgument("The continuation token provided is incorrect", "continuation-token");
        }
        var startAfter = call.Query("start-after");
        var result = await call.Store.ListObjectsAsync(call.Caller, new ListObjectsRequest(call.BucketName)
        {
            Prefix = prefix,
            Delimiter = delimiter,
            MaxKeys = maxKeys,
            ContinuationToken = token,
            StartAfter = startAfter,
        }, call.Aborted);
        var fetchOwner = call.Query("fetch-owner") is { } f && f.Equals("true", StringComparison.OrdinalIgnoreCase);
        await S3Xml.WriteAsync(call.Response, "ListBucketResult", w =>
        {
            w.WriteElementString("Name", call.BucketName);
            w.WriteElementString("Prefix", encode(prefix ?? ""));
            w.WriteElementString("MaxKeys", S3Xml.Int(maxKeys));
            w.WriteElementString("KeyCount", S3Xml.Int(result.KeyCount));
            w.WriteElementString("IsTruncated", S3Xml.Bool(result.IsTruncated));
            w.Optional("Delimiter", string.IsNullOrEmpty(delimiter) ? null : encode(delimiter));
            w.Optional("ContinuationToken", token);
            w.Optional("NextContinuationToken", result.NextContinuationToken);
            // S3 echoes start-after only on a first page: with a continuation token it is left out (AWS recordings).
            w.Optional("StartAfter", startAfter is null || token is not null ? null : encode(startAfter));
            w.Optional("EncodingType", call.Query("encoding-type") is "url" ? "url" : null);
            ListObjects.WriteEntries(w, result, encode, fetchOwner, ListObjects.RestoreStatusRequested(call));
        });
    }
}
