using SseSim.Core.Aws;
using SseSim.Core.Storage;

namespace SseSim.Volumes;

public sealed partial class VolumeService
{
    /// <summary>CreateTags for vol-, snap- and i- resources: all resources must exist, then every tag is set (overwriting values).</summary>
    public Task CreateTagsAsync(Caller caller, IReadOnlyList<string> resourceIds, IReadOnlyList<Tag> tags, CancellationToken cancellationToken = default) =>
        EditTagsAsync(caller, resourceIds, list =>
        {
            foreach (var tag in tags)
            {
                list.RemoveAll(t => t.Key == tag.Key);
                list.Add(tag);
            }
        }, cancellationToken);

    /// <summary>DeleteTags: a tag with a null value removes the key whatever its value; with a value, only on a match.</summary>
    public Task DeleteTagsAsync(Caller caller, IReadOnlyList<string> resourceIds, IReadOnlyList<(string Key, string? Value)> tags, CancellationToken cancellationToken = default) =>
        EditTagsAsync(caller, resourceIds, list =>
        {
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
