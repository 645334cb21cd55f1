using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace SseSim.Core.Crypto;

/// <summary>
/// HMAC-SHA256 under one key, keyed once and reused for many short messages (the KMS blob's message-key KDF). Not
/// thread-safe, like the <see cref="IncrementalHash"/> it replaces. On Linux with OpenSSL 3 it holds one libcrypto
/// HMAC context and resets it to the keyed state per message: IncrementalHash clears OpenSSL's error queue around
/// each of its native calls and copies digest contexts, about half of a 100-byte HMAC's cost. Elsewhere, or if
/// libcrypto fails RFC 4231's test case 2 at load, it is IncrementalHash. Dispose frees (and OpenSSL cleanses) the
/// keyed state.
/// </summary>
public sealed unsafe class KeyedHmacSha256 : IDisposable
{
    public const int MacSize = 32;

    private static readonly Native? Lib = LibCrypto.Bind(lib => new Native(lib), native => native.SelfTest());

    private readonly Context? _native;
    private readonly IncrementalHash? _fallback;

    public KeyedHmacSha256(ReadOnlySpan<byte> key)
    {
        if (Lib is not null)
        {
            _native = new Context(Lib, key);
        }
        else
        {
            _fallback = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        }
    }

    /// <summary>Whether the MAC is computed by libcrypto directly (false: through IncrementalHash).</summary>
    public static bool UsesNativeContext => Lib is not null;

    public void Compute(ReadOnlySpan<byte> data, Span<byte> mac)
    {
        if (mac.Length != MacSize)
        {
            throw new ArgumentException($"The MAC is {MacSize} bytes.", nameof(mac));
        }
        if (_fallback is not null)
        {
            _fallback.AppendData(data);
            _fallback.GetHashAndReset(mac);
            return;
        }
        if (!Lib!.Compute(_native!, data, mac))
        {
            CryptographicOperations.ZeroMemory(mac);
            throw new CryptographicException("HMAC-SHA256 failed.");
        }
    }

    public void Dispose()
    {
        _native?.Dispose();
        _fallback?.Dispose();
    }

    /// <summary>libcrypto's HMAC entry points (deprecated in OpenSSL 3 in favour of EVP_MAC, still exported and stable).</summary>
    private sealed class Native
    {
        private readonly delegate* unmanaged<nint> _new;
        private readonly delegate* unmanaged<nint, void> _free;
        private readonly delegate* unmanaged<nint> _sha256;
        private readonly delegate* unmanaged<nint, byte*, int, nint, nint, int> _init;
        private readonly delegate* unmanaged<nint, byte*, nuint, int> _update;
        private readonly delegate* unmanaged<nint, byte*, uint*, int> _final;
        private readonly delegate* unmanaged<void> _clearErrors;

        public Native(nint lib)
        {
            _new = (delegate* unmanaged<nint>)NativeLibrary.GetExport(lib, "HMAC_CTX_new");
            _free = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(lib, "HMAC_CTX_free");
            _sha256 = (delegate* unmanaged<nint>)NativeLibrary.GetExport(lib, "EVP_sha256");
            _init = (delegate* unmanaged<nint, byte*, int, nint, nint, int>)NativeLibrary.GetExport(lib, "HMAC_Init_ex");
            _update = (delegate* unmanaged<nint, byte*, nuint, int>)NativeLibrary.GetExport(lib, "HMAC_Update");
            _final = (delegate* unmanaged<nint, byte*, uint*, int>)NativeLibrary.GetExport(lib, "HMAC_Final");
            _clearErrors = (delegate* unmanaged<void>)NativeLibrary.GetExport(lib, "ERR_clear_error");
        }

        // RFC 4231 test case 2, twice through one context (the second after the keyed reset).
        public bool SelfTest()
        {
            using var context = new Context(this, "Jefe"u8);
            Span<byte> mac = stackalloc byte[MacSize];
            for (var i = 0; i < 2; i++)
            {
                if (!Compute(context, "what do ya want for nothing?"u8, mac)
                    || Convert.ToHexStringLower(mac) != "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
                {
                    return false;
                }
            }
            return true;
        }

        public nint NewKeyed(ReadOnlySpan<byte> key)
        {
            var ctx = _new();
            // A null key pointer means "the previous key" to HMAC_Init_ex, so an empty key still gets a real pointer.
            byte empty = 0;
            fixed (byte* k = key)
            {
                if (ctx != 0 && _init(ctx, key.IsEmpty ? &empty : k, key.Length, _sha256(), 0) == 1)
                {
                    return ctx;
                }
            }
            if (ctx != 0)
            {
                _free(ctx);
            }
            _clearErrors();
            throw new CryptographicException("Could not key an HMAC-SHA256 context.");
        }

        public void Free(nint ctx) => _free(ctx);

        public bool Compute(Context context, ReadOnlySpan<byte> data, Span<byte> mac)
        {
            var ok = false;
            var added = false;
            context.DangerousAddRef(ref added);
            try
            {
                var ctx = context.DangerousGetHandle();
                fixed (byte* d = data, m = mac)
                {
                    uint length;
                    // A null key with a null digest resets to the keyed state (the pads computed at construction).
                    ok = _init(ctx, null, 0, 0, 0) == 1
                        && (data.Length == 0 || _update(ctx, d, (nuint)data.Length) == 1)
                        && _final(ctx, m, &length) == 1
                        && length == MacSize;
                }
            }
            finally
            {
                if (added)
                {
                    context.DangerousRelease();
                }
                if (!ok)
                {
                    _clearErrors();
                }
            }
            return ok;
        }
    }

    private sealed class Context : SafeHandle
    {
        private readonly Native _native;

        public Context(Native native, ReadOnlySpan<byte> key) : base(0, ownsHandle: true)
        {
            _native = native;
            SetHandle(native.NewKeyed(key));
        }

        public override bool IsInvalid => handle == 0;

        protected override bool ReleaseHandle()
        {
            _native.Free(handle);
            return true;
        }
    }
}
