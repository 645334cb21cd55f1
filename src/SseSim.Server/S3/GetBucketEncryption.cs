namespace SseSim.Server.S3;

/// <summary>GET /bucket?encryption: the rule, or the implicit AES256 rule every bucket has.</summary>
internal static class GetBucketEncryption
{
    public static async Task HandleAsync(S3Call call)
    {
        var rule = await call.Store.GetBucketEncryptionAsync(call.Caller, call.BucketName, call.Aborted);
        await S3Xml.WriteAsync(call.Response, "ServerSideEncryptionConfiguration", w =>
        {
            w.WriteStartElement("Rule");
            w.WriteStartElement("ApplyServerSideEncryptionByDefault");
            w.WriteElementString("SSEAlgorithm", rule.SseAlgorithm);
            w.Optional("KMSMasterKeyID", rule.KmsMasterKeyId);
            w.WriteEndElement();
            w.WriteElementString("BucketKeyEnabled", S3Xml.Bool(rule.BucketKeyEnabled));
            if (rule.BlockedEncryptionTypes is { Count: > 0 } blocked)
            {
                w.WriteStartElement("BlockedEncryptionTypes");
                foreach (var type in blocked)
                {
                    w.WriteElementString("EncryptionType", type);
                }
                w.WriteEndElement();
            }
            w.WriteEndElement();
        });
    }
}
