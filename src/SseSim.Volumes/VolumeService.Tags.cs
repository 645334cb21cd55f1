using SseSim.Core.Aws;
using SseSim.Core.Storage;

namespace SseSim.Volumes;

public sealed partial class VolumeService
{
    /// <summary>EC2's limit on tags per resource.</summary>
    public const int MaxTagsPerResource = 50;

    /// <summary>
    /// EC2's tag rules, for CreateTags and TagSpecifications alike: keys of 1-128 characters outside the reserved
    /// aws: prefix, values of at most 256 characters.
    /// </summary>
    public static void ValidateTags(IEnumerable<Tag> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key.Length == 0)
            {
                throw Ec2Exception.InvalidParameter("Tag keys must not be empty");
            }
            if (tag.Key.Length > 128)
            {
                throw Ec2Exception.InvalidParameter($"Tag key exceeds the maximum length of 128 characters");
            }
            if (tag.Value.Length > 256)
            {
                throw Ec2Exception.InvalidParameter($"Tag value exceeds the maximum length of 256 characters");
            }
            if (tag.Key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
            {
                throw Ec2Exception.InvalidParameter("Tag keys starting with 'aws:' are reserved for internal use");
            }
        }
    }

    /// <summary>CreateTags for vol-, snap- and i- resources: all resources must exist, then every tag is set (overwriting values).</summary>
    public Task CreateTagsAsync(Caller caller, IReadOnlyList<string> resourceIds, IReadOnlyList<Tag> tags, CancellationToken cancellationToken = default)
    {
        ValidateTags(tags);
        return EditTagsAsync(caller, resourceIds, list =>
        {
            foreach (var tag in tags)
            {
                list.RemoveAll(t => t.Key == tag.Key);
                list.Add(tag);
            }
            if (list.Count > MaxTagsPerResource)
            {
                throw Ec2Exception.TagLimitExceeded();
            }
        }, cancellationToken);
    }

    /// <summary>DescribeTags: every tag of the caller's volumes, snapshots and instances, filtered as EC2 filters them.</summary>
    public IReadOnlyList<TagDescription> DescribeTags(Caller caller, Filters? filters)
    {
        var all = DescribeVolumes(caller).SelectMany(v => v.Tags.Select(t => new TagDescription(v.VolumeId, "volume", t.Key, t.Value)))
            .Concat(DescribeSnapshots(caller).SelectMany(s => s.Tags.Select(t => new TagDescription(s.SnapshotId, "snapshot", t.Key, t.Value))))
            .Concat(DescribeInstances(caller).SelectMany(i => i.Tags.Select(t => new TagDescription(i.InstanceId, "instance", t.Key, t.Value))));
        return [.. all.Where(d => FilterMatch.All(filters, name => name switch
        {
            "key" => [d.Key],
            "value" => [d.Value],
            "resource-id" => [d.ResourceId],
            "resource-type" => [d.ResourceType],
            _ when name.StartsWith("tag:", StringComparison.Ordinal) => name[4..] == d.Key ? [d.Value] : [],
            _ => throw Ec2Exception.InvalidFilter(name),
        }))];
    }

    /// <summary>
    /// DeleteTags: a tag with a null value removes the key whatever its value; with a value, only on a match; no tags
    /// at all removes every tag of the resources.
    /// </summary>
    public Task DeleteTagsAsync(Caller caller, IReadOnlyList<string> resourceIds, IReadOnlyList<(string Key, string? Value)> tags, CancellationToken cancellationToken = default) =>
        EditTagsAsync(caller, resourceIds, list =>
        {
            if (tags.Count == 0)
            {
                list.Clear();
            }
            foreach (var (key, value) in tags)
            {
                list.RemoveAll(t => t.Key == key && (value is null || t.Value == value));
            }
        }, cancellationToken);

    private async Task EditTagsAsync(Caller caller, IReadOnlyList<string> resourceIds, Action<List<Tag>> edit, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var batch = new List<KvMutation>();
            foreach (var id in resourceIds)
            {
                if (id.StartsWith("vol-", StringComparison.Ordinal))
                {
                    var v = LoadVolume(caller, id);
                    edit(v.Tags);
                    batch.Add(new KvMutation(Keys.Volume(id), Json.Encode(v)));
                }
                else if (id.StartsWith("snap-", StringComparison.Ordinal))
                {
                    var s = LoadSnapshot(caller, id);
                    edit(s.Tags);
                    batch.Add(new KvMutation(Keys.Snapshot(id), Json.Encode(s)));
                }
                else if (id.StartsWith("i-", StringComparison.Ordinal))
                {
                    var i = LoadInstance(caller, id);
                    edit(i.Tags);
                    batch.Add(new KvMutation(Keys.Instance(id), Json.Encode(i)));
                }
                else
                {
                    throw new Ec2Exception("InvalidID", $"The ID '{id}' is not valid");
                }
            }
            await _kv.ApplyAsync(batch, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }
}
