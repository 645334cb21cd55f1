namespace SseSim.Server.Ec2;

/// <summary>Removes tags: a tag given without a value goes whatever its value; with a value (even empty), only on a match; no tags at all removes every tag.</summary>
public static class DeleteTags
{
    public static async Task<string> HandleAsync(Ec2Call call)
    {
        var resources = call.Request.List("ResourceId");
        if (resources.Count == 0)
        {
            throw new Volumes.Ec2Exception("MissingParameter", "The request must contain the parameter resourceIdSet");
        }
        var tags = call.Request.TagList();
        call.ThrowIfDryRun();
        await call.Volumes.DeleteTagsAsync(call.Caller, resources, tags, call.CancellationToken);
        using var xml = call.Response();
        return xml.Element("return", true).ToString();
    }
}
