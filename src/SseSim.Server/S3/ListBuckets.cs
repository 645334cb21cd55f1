using System.Text;
using SseSim.Core.Aws;

namespace SseSim.Server.S3;

/// <summary>
/// GET / → ListAllMyBucketsResult (the caller's account's buckets, by name): prefix, bucket-region, max-buckets,
/// continuation-token. Each entry carries BucketArn, as S3 now sends it for general purpose buckets too (SDK tools read
/// it from ListBuckets against AWS; LocalStack's May 2025 recordings predate it), though botocore's model documents it
/// for directory buckets only; CreateBucket and HeadBucket answer the same ARN.
/// </summary>
internal static class ListBuckets
{
    public static async Task HandleAsync(S3Call call)
    {
        var prefix = call.Query("prefix");
        var region = call.Query("bucket-region");
        if (region is not null && !AwsRegions.All.Contains(region))
        {
            // AWS's answer names the argument but echoes no ArgumentValue (LocalStack test_s3_list_operations.py
            // TestS3ListBuckets::test_list_buckets_region_validation, recorded from AWS).
            throw S3Errors.InvalidArgument($"Argument value {region} is not a valid AWS Region", "bucket-region");
        }
        var maxBuckets = S3Headers.IntQuery(call, "max-buckets", 1, 10000);
        // An empty continuation token is the first page (AWS recording test_list_buckets_when_continuation_token_is_empty).
        var after = call.Query("continuation-token") is { Length: > 0 } token ? DecodeToken(token) : null;
        var buckets = (await call.Store.ListBucketsAsync(call.Caller, call.Aborted))
            .Where(b => (prefix is null || b.Name.StartsWith(prefix, StringComparison.Ordinal))
                && (region is null || b.Region == region)
                && (after is null || string.CompareOrdinal(b.Name, after) > 0))
            .OrderBy(b => b.Name, StringComparer.Ordinal)
            .ToList();
        var page = maxBuckets is { } max ? buckets.Take(max).ToList() : buckets;
        await S3Xml.WriteAsync(call.Response, "ListAllMyBucketsResult", w =>
        {
            w.Owner("Owner", call.Caller.AccountId);
            w.WriteStartElement("Buckets");
            foreach (var b in page)
            {
                w.WriteStartElement("Bucket");
                w.WriteElementString("Name", b.Name);
                w.WriteElementString("CreationDate", S3Xml.SecondsTimestamp(b.CreationDate));
                w.WriteElementString("BucketRegion", b.Region);
                w.WriteElementString("BucketArn", Objects.ObjectStore.BucketArn(b.Name));
                w.WriteEndElement();
            }
            w.WriteEndElement();
            // The token for the next page, present only while buckets remain; Prefix echoed when sent.
            w.Optional("ContinuationToken", page.Count < buckets.Count ? Convert.ToBase64String(Encoding.UTF8.GetBytes(page[^1].Name)) : null);
            w.Optional("Prefix", prefix);
        });
    }

    private static string DecodeToken(string token)
    {
        var bytes = new byte[token.Length];
        return Convert.TryFromBase64String(token, bytes, out var n)
            ? Encoding.UTF8.GetString(bytes, 0, n)
            : throw S3Errors.InvalidArgument("The continuation token provided is incorrect", "continuation-token");
    }
}
