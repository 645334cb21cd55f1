namespace SseSim.Server.Ec2;

/// <summary>The tags of the caller's volumes, snapshots and instances (filters key, value, resource-id, resource-type, tag:KEY).</summary>
public static class DescribeTags
{
    public static Task<string> HandleAsync(Ec2Call call)
    {
        var filters = call.Request.Filters();
        call.ThrowIfDryRun();
        var tags = call.Volumes.DescribeTags(call.Caller, filters);
        var (page, next) = call.Page(tags, t => t.ResourceId + "\n" + t.Key, "ResourceId", idsGiven: false, max: 1000);
        using var xml = call.Response();
        return Task.FromResult(xml.Items("tagSet", page, (x, t) => x
                .Element("resourceId", t.ResourceId)
                .Element("resourceType", t.ResourceType)
                .Element("key", t.Key)
                .Element("value", t.Value))
            .Element("nextToken", next).ToString());
    }
}
