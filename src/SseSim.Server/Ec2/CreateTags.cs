using SseSim.Volumes;

namespace SseSim.Server.Ec2;

/// <summary>Tags volumes, snapshots and instances; every resource must exist before any is changed.</summary>
public static class CreateTags
{
    public static async Task<string> HandleAsync(Ec2Call call)
    {
        var resources = call.Request.List("ResourceId");
        if (resources.Count == 0)
        {
            throw new Ec2Exception("MissingParameter", "The request must contain the parameter resourceIdSet");
        }
        var tags = call.Request.TagList();
        if (tags.Count == 0)
        {
            throw new Ec2Exception("MissingParameter", "The request must contain the parameter tagSet");
        }
        call.ThrowIfDryRun();
        await call.Volumes.CreateTagsAsync(call.Caller, resources, [.. tags.Select(t => new Tag(t.Key, t.Value ?? ""))], call.CancellationToken);
        using var xml = call.Response();
        return xml.Element("return", true).ToString();
    }
}
