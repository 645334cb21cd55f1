namespace SseSim.Server.S3;

/// <summary>GET /bucket/key?uploadId=…: max-parts, part-number-marker → ListPartsResult.</summary>
internal static class ListParts
{
    public static async Task HandleAsync(S3Call call)
    {
        // S3 reads an empty max-parts or part-number-marker as absent.
        var maxParts = Math.Min(1000, (call.Query("max-parts") is "" ? null : S3Headers.IntQuery(call, "max-parts", 0, int.MaxValue)) ?? 1000);
        var marker = (call.Query("part-number-marker") is "" ? null : S3Headers.IntQuery(call, "part-number-marker", 0, int.MaxValue)) ?? 0;
        var result = await call.Store.ListPartsAsync(call.Caller, call.BucketName, call.ObjectKey, call.Query("uploadId")!, maxParts, marker, call.Aborted);
        await S3Xml.WriteAsync(call.Response, "ListPartsResult", w =>
        {
            w.WriteElementString("Bucket", result.Bucket);
            w.WriteElementString("Key", result.Key);
            w.WriteElementString("UploadId", result.UploadId);
            w.WriteElementString("PartNumberMarker", S3Xml.Int(marker));
            // Always present: 0 on a page that lists no part (recorded from AWS: LocalStack test_s3_list_operations.py
            // TestS3ListParts::test_list_parts_pagination, test_s3.py test_multipart_and_list_parts).
            w.WriteElementString("NextPartNumberMarker", S3Xml.Int(result.NextPartNumberMarker ?? 0));
            w.WriteElementString("MaxParts", S3Xml.Int(maxParts));
            w.WriteElementString("IsTruncated", S3Xml.Bool(result.IsTruncated));
            w.Owner("Initiator", result.OwnerAccountId);
            w.Owner("Owner", result.OwnerAccountId);
            w.WriteElementString("StorageClass", result.StorageClass);
            w.Optional("ChecksumAlgorithm", result.ChecksumAlgorithm);
            w.Optional("ChecksumType", result.ChecksumType);
            foreach (var p in result.Parts)
            {
                w.WriteStartElement("Part");
                w.WriteElementString("PartNumber", S3Xml.Int(p.PartNumber));
                w.WriteElementString("LastModified", S3Xml.SecondsTimestamp(p.LastModified));
                w.WriteElementString("ETag", S3Xml.Quote(p.ETag));
                w.WriteElementString("Size", S3Xml.Int(p.Size));
                S3Xml.Checksum(w, result.ChecksumAlgorithm, p.ChecksumValue);
                w.WriteEndElement();
            }
        });
    }
}
