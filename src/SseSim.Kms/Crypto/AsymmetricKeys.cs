using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using SseSim.Core.Secrets;
using SseSim.Kms.Model;

namespace SseSim.Kms.Crypto;

/// <summary>
/// Asymmetric key pairs as PKCS#8 (private) and SubjectPublicKeyInfo (public) DER, for every asymmetric key spec
/// (docs/formats/kms-key-material.md). RSA and ECDSA use .NET; Ed25519 and ML-DSA use BouncyCastle, because the
/// machine's OpenSSL 3.0 gives .NET neither.
/// </summary>
public static class AsymmetricKeys
{
    /// <summary>A new private key of <paramref name="keySpec"/> as PKCS#8 DER, with its SPKI public key.</summary>
    public static SecretBytes Generate(string keySpec, out byte[] publicKey)
    {
        var info = KeySpecInfo.All[keySpec];
        switch (info.Family)
        {
            case KeySpecInfo.Rsa:
                return Export(RSA.Create(info.Bits), out publicKey);
            case KeySpecInfo.Ecc:
                return Export(ECDsa.Create(CurveFor(keySpec)), out publicKey);
            case KeySpecInfo.Ed25519:
                {
                    var generator = new Ed25519KeyPairGenerator();
                    generator.Init(new Ed25519KeyGenerationParameters(new SecureRandom()));
                    return Export(generator.GenerateKeyPair(), out publicKey);
                }
            case KeySpecInfo.MlDsa:
                {
                    var generator = new MLDsaKeyPairGenerator();
                    generator.Init(new MLDsaKeyGenerationParameters(new SecureRandom(), MlDsaParameters(keySpec)));
                    var pair = generator.GenerateKeyPair();
                    // The 32-byte seed form (FIPS 204 ξ): the expanded key is derived again on use.
                    var seedOnly = ((MLDsaPrivateKeyParameters)pair.Private).WithPreferredFormat(MLDsaPrivateKeyParameters.Format.SeedOnly);
                    return Export(new AsymmetricCipherKeyPair(pair.Public, seedOnly), out publicKey);
                }
            default:
                throw new ArgumentOutOfRangeException(nameof(keySpec), keySpec, "Not an asymmetric key spec.");
        }
    }

    /// <summary>
    /// The SPKI public key of a PKCS#8 private key; throws <see cref="CryptographicException"/> when the bytes are not
    /// a private key of exactly <paramref name="keySpec"/> (curve, size or parameter set).
    /// </summary>
    public static byte[] PublicKeyOf(string keySpec, SecretBytes pkcs8)
    {
        var info = KeySpecInfo.All[keySpec];
        switch (info.Family)
        {
            case KeySpecInfo.Rsa:
                {
                    using var rsa = RSA.Create();
                    rsa.ImportPkcs8PrivateKey(pkcs8.UnsafeExpose(), out _);
                    return rsa.KeySize == info.Bits ? rsa.ExportSubjectPublicKeyInfo()
                        : throw new CryptographicException($"The RSA key is {rsa.KeySize} bits, but the key spec is {keySpec}.");
                }
            case KeySpecInfo.Ecc:
                {
                    using var ec = ECDsa.Create();
                    ec.ImportPkcs8PrivateKey(pkcs8.UnsafeExpose(), out _);
                    return ec.ExportParameters(false).Curve.Oid.Value == CurveOid(keySpec) ? ec.ExportSubjectPublicKeyInfo()
                        : throw new CryptographicException($"The EC key is not on the curve of key spec {keySpec}.");
                }
            case KeySpecInfo.Ed25519:
                return Spki(LoadEd25519(pkcs8).GeneratePublicKey());
            case KeySpecInfo.MlDsa:
                return Spki(LoadMlDsa(keySpec, pkcs8).GetPublicKey());
            default:
                throw new ArgumentOutOfRangeException(nameof(keySpec), keySpec, "Not an asymmetric key spec.");
        }
    }

    public static ECCurve CurveFor(string keySpec) => keySpec switch
    {
        "ECC_NIST_P256" => ECCurve.NamedCurves.nistP256,
        "ECC_NIST_P384" => ECCurve.NamedCurves.nistP384,
        "ECC_NIST_P521" => ECCurve.NamedCurves.nistP521,
        "ECC_SECG_P256K1" => ECCurve.CreateFromFriendlyName("secp256k1"),
        _ => throw new ArgumentOutOfRangeException(nameof(keySpec)),
    };

    private static string CurveOid(string keySpec) => keySpec switch
    {
        "ECC_NIST_P256" => "1.2.840.10045.3.1.7",
        "ECC_NIST_P384" => "1.3.132.0.34",
        "ECC_NIST_P521" => "1.3.132.0.35",
        _ => "1.3.132.0.10",
    };

    // ---- Ed25519 (RFC 8032) ----

    /// <summary>
    /// Ed25519 of the message, or Ed25519ph (empty context) whose prehash is SHA-512 of <paramref name="message"/>:
    /// for ED25519_PH_SHA_512 KMS takes a SHA-512 digest as the message and still prehashes it (Sign, MessageType).
    /// </summary>
    public static byte[] SignEd25519(SecretBytes pkcs8, bool preHash, byte[] message)
    {
        var signer = Ed25519Signer(preHash);
        signer.Init(true, LoadEd25519(pkcs8));
        signer.BlockUpdate(message, 0, message.Length);
        return signer.GenerateSignature();
    }

    public static bool VerifyEd25519(byte[] spki, bool preHash, byte[] message, byte[] signature)
    {
        var signer = Ed25519Signer(preHash);
        signer.Init(false, PublicKeyFactory.CreateKey(spki));
        signer.BlockUpdate(message, 0, message.Length);
        return signer.VerifySignature(signature);
    }

    private static ISigner Ed25519Signer(bool preHash) => preHash ? new Ed25519phSigner([]) : new Ed25519Signer();

    private static Ed25519PrivateKeyParameters LoadEd25519(SecretBytes pkcs8) =>
        ParsePrivate(pkcs8) as Ed25519PrivateKeyParameters ?? throw new CryptographicException("Not an Ed25519 private key.");

    // ---- ML-DSA (FIPS 204) ----

    /// <summary>
    /// ML-DSA of the message with an empty context (FIPS 204 algorithm 2), or of an external μ (section 6.2, the 64
    /// bytes SHAKE256(SHAKE256(pk, 64) ‖ 0 ‖ 0 ‖ M, 64)). Deterministic (rnd = 0³²), so a signature from an external
    /// μ is byte for byte the RAW one, as the KMS developer guide says of its own.
    /// </summary>
    public static byte[] SignMlDsa(string keySpec, SecretBytes pkcs8, byte[] message, bool externalMu)
    {
        var signer = new MLDsaSigner(MlDsaParameters(keySpec), deterministic: true);
        signer.Init(true, LoadMlDsa(keySpec, pkcs8));
        Feed(signer, message, externalMu);
        return signer.GenerateSignature();
    }

    public static bool VerifyMlDsa(string keySpec, byte[] spki, byte[] message, bool externalMu, byte[] signature)
    {
        var signer = new MLDsaSigner(MlDsaParameters(keySpec), deterministic: false);
        var publicKey = PublicKeyFactory.CreateKey(spki) as MLDsaPublicKeyParameters ?? throw new CryptographicException("Not an ML-DSA public key.");
        signer.Init(false, publicKey);
        Feed(signer, message, externalMu);
        return signer.VerifySignature(signature);
    }

    /// <summary>
    /// The signer hashes tr ‖ 0 ‖ 0 ‖ M into μ as it is fed. BouncyCastle 2.7 has no public external-μ entry, so for
    /// EXTERNAL_MU its μ digest is swapped for one whose first output is the given μ; everything after (ρ', the
    /// challenge) is hashed as usual. SignTests prove the result equals the RAW signature.
    /// </summary>
    private static void Feed(MLDsaSigner signer, byte[] message, bool externalMu)
    {
        if (externalMu)
        {
            MuDigestOf(signer) = new GivenMuDigest(message);
        }
        else
        {
            signer.BlockUpdate(message, 0, message.Length);
        }
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "m_msgRepDigest")]
    private static extern ref ShakeDigest MuDigestOf(MLDsaSigner signer);

    /// <summary>A SHAKE256 whose first finalization yields a fixed μ; it then works as a fresh SHAKE256.</summary>
    private sealed class GivenMuDigest(byte[] mu) : ShakeDigest(256)
    {
        private bool _given;

        private bool TakeMu(Span<byte> output)
        {
            if (_given || output.Length != mu.Length)
            {
                return false;
            }
            _given = true;
            mu.CopyTo(output);
            Reset();
            return true;
        }

        public override int DoFinal(byte[] output, int outOff) => DoFinal(output.AsSpan(outOff));

        public override int DoFinal(Span<byte> output) => OutputFinal(output[..GetDigestSize()]);

        public override int OutputFinal(byte[] output, int outOff, int outLen) => OutputFinal(output.AsSpan(outOff, outLen));

        public override int OutputFinal(Span<byte> output) => TakeMu(output) ? output.Length : base.OutputFinal(output);
    }

    public static MLDsaParameters MlDsaParameters(string keySpec) => keySpec switch
    {
        "ML_DSA_44" => Org.BouncyCastle.Crypto.Parameters.MLDsaParameters.ml_dsa_44,
        "ML_DSA_65" => Org.BouncyCastle.Crypto.Parameters.MLDsaParameters.ml_dsa_65,
        "ML_DSA_87" => Org.BouncyCastle.Crypto.Parameters.MLDsaParameters.ml_dsa_87,
        _ => throw new ArgumentOutOfRangeException(nameof(keySpec)),
    };

    private static MLDsaPrivateKeyParameters LoadMlDsa(string keySpec, SecretBytes pkcs8) =>
        ParsePrivate(pkcs8) is MLDsaPrivateKeyParameters key && key.Parameters == MlDsaParameters(keySpec)
            ? key
            : throw new CryptographicException($"Not an ML-DSA private key of key spec {keySpec}.");

    // ---- encodings ----

    /// <summary>
    /// BouncyCastle takes an array (zeroed here once parsed; its key object is garbage collected unzeroed) and reports
    /// malformed DER with several exception types, which callers see as one.
    /// </summary>
    private static AsymmetricKeyParameter ParsePrivate(SecretBytes pkcs8)
    {
        var der = pkcs8.UnsafeExpose().ToArray();
        try
        {
            return PrivateKeyFactory.CreateKey(der);
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or IOException or InvalidOperationException or SecurityUtilityException)
        {
            throw new CryptographicException("Not a PKCS#8 private key.", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
        }
    }

    private static SecretBytes Export(AsymmetricAlgorithm algorithm, out byte[] publicKey)
    {
        using (algorithm)
        {
            publicKey = algorithm.ExportSubjectPublicKeyInfo();
            return SecretBytes.TakeFrom(algorithm.ExportPkcs8PrivateKey());
        }
    }

    private static SecretBytes Export(AsymmetricCipherKeyPair pair, out byte[] publicKey)
    {
        publicKey = Spki(pair.Public);
        return SecretBytes.TakeFrom(PrivateKeyInfoFactory.CreatePrivateKeyInfo(pair.Private).GetDerEncoded());
    }

    private static byte[] Spki(AsymmetricKeyParameter publicKey) => SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(publicKey).GetDerEncoded();
}
