using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using SseSim.Core.Secrets;
using SseSim.Server.Auth;
using SseSim.Server.Hosting;

namespace SseSim.Server.Dashboard;

/// <summary>
/// Who may read the dashboard. On a loopback listener it is open (only this machine can reach it). On any other
/// address the user signs in with an identity's access key id and secret; the server answers with a session cookie
/// HMAC-signed under a per-process key, so sessions end when the server restarts.
/// </summary>
public sealed class DashboardAuth : IDisposable
{
    public const string CookieName = "ssesim_session";
    private static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(8);

    private readonly IdentityRegistry _identities;
    private readonly TimeProvider _time;
    private readonly SecretBytes _sessionKey = SecretBytes.Random(32);

    public DashboardAuth(ServerOptions options, IdentityRegistry identities, TimeProvider time)
    {
        _identities = identities;
        _time = time;
        Open = IsLoopback(options.Host);
    }

    /// <summary>True when the server listens on loopback only, so no sign-in is needed.</summary>
    public bool Open { get; }

    public static bool IsLoopback(string host) =>
        host == "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    /// <summary>The signed-in access key id, "loopback" when open, or null.</summary>
    public string? Authenticate(HttpContext context)
    {
        if (Open)
        {
            return "loopback";
        }
        var cookie = context.Request.Cookies[CookieName];
        if (cookie is null)
        {
            return null;
        }
        var parts = cookie.Split('.');
        if (parts.Length != 3 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || expires < _time.GetUtcNow().ToUnixTimeSeconds())
        {
            return null;
        }
        string accessKeyId;
        try
        {
            accessKeyId = Encoding.UTF8.GetString(Convert.FromBase64String(parts[0]));
        }
        catch (FormatException)
        {
            return null;
        }
        var expected = Sign(accessKeyId, expires);
        var matches = CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(parts[2]), Encoding.ASCII.GetBytes(expected));
        return matches && _identities.Find(accessKeyId) is not null ? accessKeyId : null;
    }

    /// <summary>Checks the pair against the identities; on success returns the cookie value to set.</summary>
    public string? SignIn(string? accessKeyId, string? secretAccessKey)
    {
        if (string.IsNullOrEmpty(accessKeyId) || string.IsNullOrEmpty(secretAccessKey) || _identities.Find(accessKeyId) is not { } identity)
        {
            return null;
        }
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secretAccessKey), Encoding.UTF8.GetBytes(identity.SecretAccessKey)))
        {
            return null;
        }
        var expires = _time.GetUtcNow().Add(SessionLifetime).ToUnixTimeSeconds();
        return $"{Convert.ToBase64String(Encoding.UTF8.GetBytes(accessKeyId))}.{expires.ToString(CultureInfo.InvariantCulture)}.{Sign(accessKeyId, expires)}";
    }

    private string Sign(string accessKeyId, long expires) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_sessionKey.UnsafeExpose(), Encoding.UTF8.GetBytes(accessKeyId + "\n" + expires.ToString(CultureInfo.InvariantCulture))));

    public void Dispose() => _sessionKey.Dispose();
}
