using System.Security.Cryptography;
using SseSim.Core.Secrets;
using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

public sealed record DeriveSharedSecretRequest : IValidatedRequest
{
    public string? KeyId { get; init; }
    public string? KeyAgreementAlgorithm { get; init; }
    public byte[]? PublicKey { get; init; }
    public IReadOnlyList<string>? GrantTokens { get; init; }
    public bool? DryRun { get; init; }
    public RecipientInfo? Recipient { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048, required: true);
        errors.Enum(KeyAgreementAlgorithm, "keyAgreementAlgorithm", ModelEnums.KeyAgreementAlgorithmSpec, required: true);
        errors.Blob(PublicKey, "publicKey", 1, 8192, required: true);
        errors.StringList(GrantTokens, "grantTokens", 0, 10, 1, 8192);
        RecipientInfo.Validate(Recipient, ref errors, "recipient");
    }
}

public sealed record DeriveSharedSecretResponse(string KeyId, SecretBytes SharedSecret, string KeyAgreementAlgorithm, string KeyOrigin) : IHoldsSecrets
{
    public void DisposeSecrets() => SharedSecret.Dispose();
}

/// <summary>
/// ECDH between the KMS key pair's private key (KeyUsage KEY_AGREEMENT, NIST curves) and the caller's public key. As
/// in AWS, the result is the raw shared secret (the x-coordinate, NIST SP 800-56A's Z), with no key derivation applied.
/// </summary>
public static class DeriveSharedSecret
{
    public static async ValueTask<DeriveSharedSecretResponse> ExecuteAsync(KmsCall call, DeriveSharedSecretRequest request)
    {
        var algorithm = request.KeyAgreementAlgorithm!;
        var publicKey = request.PublicKey!;
        CryptoSupport.RejectRecipient(request.Recipient);

        var key = await CryptoSupport.UseAsync(call, request.KeyId!, null, null, request.GrantTokens);
        CryptoSupport.RequireUsage(key, KeyUsages.KeyAgreement, "DeriveSharedSecret");
        CryptoSupport.RequireAlgorithm(key, algorithm, key.SpecInfo.KeyAgreementAlgorithms(key.KeyUsage));

        // The vault owns the opened material (it caches it); not disposed here.
        var privateKey = call.Kms.OpenMaterial(key, CryptoSupport.CurrentMaterial(key));
        using var ours = ECDiffieHellman.Create();
        ours.ImportPkcs8PrivateKey(privateKey.UnsafeExpose(), out _);
        using var peer = ImportPeer(publicKey, ours.ExportParameters(false).Curve.Oid.Value!, key);
        CryptoSupport.ThrowIfDryRun(request.DryRun);
        var secret = ours.DeriveRawSecretAgreement(peer.PublicKey);
        try
        {
            return new DeriveSharedSecretResponse(key.Arn, SecretBytes.CopyFrom(secret), algorithm, key.Origin);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>The caller's key must be a DER SubjectPublicKeyInfo on the KMS key's own curve.</summary>
    private static ECDiffieHellman ImportPeer(byte[] der, string curveOid, KmsKey key)
    {
        var peer = ECDiffieHellman.Create();
        try
        {
            peer.ImportSubjectPublicKeyInfo(der, out var read);
            if (read != der.Length)
            {
                throw new CryptographicException("trailing data");
            }
            if (peer.ExportParameters(false).Curve.Oid.Value != curveOid)
            {
                throw KmsException.Validation($"The public key's curve does not match the curve of {key.Arn} ({key.KeySpec}).");
            }
            return peer;
        }
        catch (CryptographicException)
        {
            peer.Dispose();
            // AWS says nothing more about a PublicKey that is not a DER SubjectPublicKeyInfo.
            throw KmsException.Validation("");
        }
        catch
        {
            peer.Dispose();
            throw;
        }
    }
}
