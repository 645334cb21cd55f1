using System.Collections.Concurrent;
using SseSim.Core.Aws;

namespace SseSim.Server.Auth;

/// <summary>
/// Access keys the server accepts. With none configured exactly one exists, test/test in account
/// 000000000000, so LocalStack habits work. Admins (who may call /_ssesim/api/) are the access keys named as such;
/// with none named and no identities configured, the default test identity is the admin.
/// </summary>
public sealed class IdentityRegistry
{
    public static readonly Identity Default = new("test", "test", "000000000000", "root");

    private readonly ConcurrentDictionary<string, Identity> _byAccessKey = new(StringComparer.Ordinal);
    private readonly HashSet<string> _admins = new(StringComparer.Ordinal);

    public IdentityRegistry(IEnumerable<Identity> identities, IEnumerable<string>? adminAccessKeys = null)
    {
        foreach (var identity in identities)
        {
            _byAccessKey.TryAdd(identity.AccessKeyId, identity);
        }
        _admins.UnionWith(adminAccessKeys ?? []);
        if (_byAccessKey.IsEmpty)
        {
            _byAccessKey[Default.AccessKeyId] = Default;
            if (_admins.Count == 0)
            {
                _admins.Add(Default.AccessKeyId);
            }
        }
    }

    public bool IsAdmin(Identity identity) => _admins.Contains(identity.AccessKeyId) && Find(identity.AccessKeyId) == identity;

    public Identity? Find(string accessKeyId) => _byAccessKey.TryGetValue(accessKeyId, out var i) ? i : null;

    public IEnumerable<Identity> All => _byAccessKey.Values;
}
