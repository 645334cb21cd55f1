using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace SseSim.Core.Crypto;

/// <summary>
/// AES-256-GCM with a key used for one message (or a few): KMS message keys, SSE-S3 key wraps, small envelopes.
/// <see cref="AesGcm"/> creates and frees an OpenSSL cipher context per key, and each of its ~8 native calls clears
/// OpenSSL's error queue first; for a 32-byte data key that was ~4 µs of a ~15 µs GenerateDataKey. On Linux with
/// OpenSSL 3 this calls the same libcrypto through one cipher context per thread, re-keyed per message (the key
/// schedule is overwritten with a zero key after each call, so no message key outlives its call in native memory).
/// Elsewhere, or if libcrypto's answer to a known-answer test differs at load, it falls back to <see cref="AesGcm"/>.
/// Both paths take a 32-byte key, a 12-byte nonce and a 16-byte tag, and fail as AesGcm does.
/// </summary>
public static unsafe class AesGcmOneShot
{
    public const int KeySize = 32;
    public const int NonceSize = 12;
    public const int TagSize = 16;

    private static readonly Native? Lib = LibCrypto.Bind(lib => new Native(lib), native => native.SelfTest());

    /// <summary>Whether calls go to libcrypto directly (false: through <see cref="AesGcm"/>).</summary>
    public static bool UsesNativeContext => Lib is not null;

    public static void Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext,
        Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData = default)
    {
        CheckSizes(key, nonce, tag, plaintext.Length, ciphertext.Length, nameof(ciphertext));
        if (!UsesNativeContext)
        {
            using var gcm = new AesGcm(key, TagSize);
            gcm.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);
            return;
        }
        if (!Lib!.Run(key, nonce, plaintext, ciphertext, tag, associatedData, encrypt: true))
        {
            CryptographicOperations.ZeroMemory(ciphertext);
            throw new CryptographicException("AES-GCM encryption failed.");
        }
    }

    /// <summary>Decrypts and verifies; on a bad tag the plaintext buffer is zeroed and AuthenticationTagMismatchException thrown.</summary>
    public static void Decrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext,
        ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData = default)
    {
        CheckSizes(key, nonce, tag, ciphertext.Length, plaintext.Length, nameof(plaintext));
        if (!UsesNativeContext)
        {
            using var gcm = new AesGcm(key, TagSize);
            gcm.Decrypt(nonce, ciphertext, tag, plaintext, associatedData);
            return;
        }
        // Tag is read-only for us but OpenSSL's ctrl takes a mutable pointer; it only copies from it.
        Span<byte> expected = stackalloc byte[TagSize];
        tag.CopyTo(expected);
        if (!Lib!.Run(key, nonce, ciphertext, plaintext, expected, associatedData, encrypt: false))
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw new AuthenticationTagMismatchException();
        }
    }

    private static void CheckSizes(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> tag, int inputLength, int outputLength, string outputName)
    {
        if (outputLength != inputLength)
        {
            throw new ArgumentException("Ciphertext and plaintext lengths differ.", outputName);
        }
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"The key must be {KeySize} bytes.", nameof(key));
        }
        if (nonce.Length != NonceSize)
        {
            throw new ArgumentException($"The nonce must be {NonceSize} bytes.", nameof(nonce));
        }
        if (tag.Length != TagSize)
        {
            throw new ArgumentException($"The tag must be {TagSize} bytes.", nameof(tag));
        }
    }

    /// <summary>libcrypto's EVP entry points (OpenSSL 3 keeps these stable) and the per-thread context.</summary>
    private sealed class Native
    {
        private const int CtrlGcmGetTag = 0x10;
        private const int CtrlGcmSetTag = 0x11;
        private static readonly byte[] ZeroKey = new byte[KeySize];

        [ThreadStatic]
        private static Context? _threadContext;

        private readonly delegate* unmanaged<nint> _ctxNew;
        private readonly delegate* unmanaged<nint, void> _ctxFree;
        private readonly delegate* unmanaged<nint> _aes256Gcm;
        private readonly delegate* unmanaged<nint, nint, nint, byte*, byte*, int, int> _cipherInit;
        private readonly delegate* unmanaged<nint, byte*, int*, byte*, int, int> _cipherUpdate;
        private readonly delegate* unmanaged<nint, byte*, int*, int> _cipherFinal;
        private readonly delegate* unmanaged<nint, int, int, byte*, int> _ctrl;
        private readonly delegate* unmanaged<void> _clearErrors;

        public Native(nint lib)
        {
            _ctxNew = (delegate* unmanaged<nint>)NativeLibrary.GetExport(lib, "EVP_CIPHER_CTX_new");
            _ctxFree = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(lib, "EVP_CIPHER_CTX_free");
            _aes256Gcm = (delegate* unmanaged<nint>)NativeLibrary.GetExport(lib, "EVP_aes_256_gcm");
            _cipherInit = (delegate* unmanaged<nint, nint, nint, byte*, byte*, int, int>)NativeLibrary.GetExport(lib, "EVP_CipherInit_ex");
            _cipherUpdate = (delegate* unmanaged<nint, byte*, int*, byte*, int, int>)NativeLibrary.GetExport(lib, "EVP_CipherUpdate");
            _cipherFinal = (delegate* unmanaged<nint, byte*, int*, int>)NativeLibrary.GetExport(lib, "EVP_CipherFinal_ex");
            _ctrl = (delegate* unmanaged<nint, int, int, byte*, int>)NativeLibrary.GetExport(lib, "EVP_CIPHER_CTX_ctrl");
            _clearErrors = (delegate* unmanaged<void>)NativeLibrary.GetExport(lib, "ERR_clear_error");
        }

        // NIST GCM spec test case 14 (AES-256, zero key, zero nonce, one zero block), then a round trip with AAD.
        public bool SelfTest()
        {
            Span<byte> ciphertext = stackalloc byte[16];
            Span<byte> tag = stackalloc byte[16];
            if (!Run(ZeroKey, new byte[NonceSize], new byte[16], ciphertext, tag, default, encrypt: true)
                || Convert.ToHexStringLower(ciphertext) != "cea7403d4d606b6e074ec5d3baf39d18"
                || Convert.ToHexStringLower(tag) != "d0d1c8a799996bf0265b98b5d48ab919")
            {
                return false;
            }
            Span<byte> plaintext = stackalloc byte[16];
            var wrongAadRefused = !Run(ZeroKey, new byte[NonceSize], ciphertext, plaintext, tag, "aad"u8, encrypt: false);
            return wrongAadRefused
                && Run(ZeroKey, new byte[NonceSize], ciphertext, plaintext, tag, default, encrypt: false)
                && plaintext.IndexOfAnyExcept((byte)0) < 0;
        }

        /// <summary>One message; on decrypt <paramref name="tag"/> is the expected tag. False on any failure.</summary>
        public bool Run(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> input, Span<byte> output,
            Span<byte> tag, ReadOnlySpan<byte> aad, bool encrypt)
        {
            var context = _threadContext ??= new Context(this);
            var ctx = context.Handle;
            var ok = false;
            try
            {
                fixed (byte* k = key, n = nonce, i = input, o = output, t = tag, a = aad)
                {
                    int length;
                    ok = _cipherInit(ctx, 0, 0, k, n, encrypt ? 1 : 0) == 1
                        && (aad.Length == 0 || _cipherUpdate(ctx, null, &length, a, aad.Length) == 1)
                        && (input.Length == 0 || _cipherUpdate(ctx, o, &length, i, input.Length) == 1)
                        && (encrypt || _ctrl(ctx, CtrlGcmSetTag, TagSize, t) == 1);
                    if (ok)
                    {
                        // GCM's final writes no bytes; the scratch keeps OpenSSL away from a zero-length span's pointer.
                        byte scratch;
                        ok = _cipherFinal(ctx, &scratch, &length) == 1
                            && (!encrypt || _ctrl(ctx, CtrlGcmGetTag, TagSize, t) == 1);
                    }
                }
            }
            finally
            {
                // Overwrite the message key's schedule; a failed call may have left errors on this thread's queue.
                fixed (byte* zero = ZeroKey)
                {
                    ok &= _cipherInit(ctx, 0, 0, zero, null, encrypt ? 1 : 0) == 1;
                }
                if (!ok)
                {
                    _clearErrors();
                }
            }
            return ok;
        }

        public nint NewContext()
        {
            var ctx = _ctxNew();
            if (ctx == 0 || _cipherInit(ctx, _aes256Gcm(), 0, null, null, 1) != 1)
            {
                if (ctx != 0)
                {
                    _ctxFree(ctx);
                }
                _clearErrors();
                throw new CryptographicException("Could not create an AES-GCM context.");
            }
            return ctx;
        }

        public void FreeContext(nint ctx) => _ctxFree(ctx);
    }

    /// <summary>One thread's cipher context; freed (and cleansed by OpenSSL) when the thread's reference is collected.</summary>
    private sealed class Context : SafeHandle
    {
        private readonly Native _native;

        public Context(Native native) : base(0, ownsHandle: true)
        {
            _native = native;
            SetHandle(native.NewContext());
        }

        public nint Handle => handle;

        public override bool IsInvalid => handle == 0;

        protected override bool ReleaseHandle()
        {
            _native.FreeContext(handle);
            return true;
        }
    }
}
