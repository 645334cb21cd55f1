using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace SseSim.Core.Crypto;

/// <summary>OpenSSL 3's libcrypto, loaded once, for the types that call it directly (Linux only).</summary>
internal static class LibCrypto
{
    private static readonly nint Handle = OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libcrypto.so.3", out var lib) ? lib : 0;

    /// <summary><paramref name="bind"/>(library) if libcrypto is here, exports what it needs and passes <paramref name="selfTest"/>; else null.</summary>
    public static T? Bind<T>(Func<nint, T> bind, Func<T, bool> selfTest)
        where T : class
    {
        if (Handle == 0)
        {
            return null;
        }
        try
        {
            var bound = bind(Handle);
            return selfTest(bound) ? bound : null;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or CryptographicException)
        {
            return null;
        }
    }
}
