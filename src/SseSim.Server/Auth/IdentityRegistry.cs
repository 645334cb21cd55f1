using System.Collections.Concurrent;
using SseSim.Core.Aws;

namespace SseSim.Server.Auth;

/// <summary>
/// Access keys the server accepts. With none configured exactly one exists, test/test in account
/// 000000000000, so LocalStack habits work.
/// </summary>
public sealed class IdentityRegistry
{
    public static readonly Identity Default = new("test", "test", "000000000000", "root");

    private readonly ConcurrentDictionary<string, Identity> _byAccessKey = new(StringComparer.Ordinal);

    public IdentityRegistry(IEnumerable<Identity> identities)
    {
        foreach (var identity in identities)
        {
            _byAccessKey.TryAdd(identity.AccessKeyId, identity);
        }
        if (_byAccessKey.IsEmpty)
        {
            _byAccessKey[Default.AccessKeyId] = Default;
        }
    }

    public Identity? Find(string accessKeyId) => _byAccessKey.TryGetValue(accessKeyId, out var i) ? i : null;

    public IEnumerable<Identity> All => _byAccessKey.Values;
}
