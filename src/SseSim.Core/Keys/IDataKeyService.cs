using SseSim.Core.Aws;
using SseSim.Core.Crypto;
using SseSim.Core.Secrets;

namespace SseSim.Core.Keys;

/// <summary>A plaintext data key and its KMS-wrapped copy. Dispose to zero the plaintext.</summary>
public sealed record DataKey(SecretBytes Plaintext, byte[] CiphertextBlob, string KeyArn) : IDisposable
{
    public void Dispose() => Plaintext.Dispose();
}

/// <summary>
/// The one small interface through which the object store and the volume driver use KMS keys.
/// Calls run with the end user's identity and <see cref="Caller.ViaService"/> set, so policies, grants,
/// key states, quotas and the audit all apply. Failures throw <see cref="KeyServiceException"/>.
/// </summary>
public interface IDataKeyService
{
    /// <summary>Resolves any accepted identifier (id, ARN, alias, alias ARN) to the key ARN, creating an AWS managed alias/aws/* key on first use.</summary>
    Task<string> ResolveKeyArnAsync(Caller caller, string keyId, CancellationToken cancellationToken = default);

    Task<DataKey> GenerateDataKeyAsync(Caller caller, string keyId, EncryptionContext context, int numberOfBytes = 32, CancellationToken cancellationToken = default);

    Task<(byte[] CiphertextBlob, string KeyArn)> GenerateDataKeyWithoutPlaintextAsync(Caller caller, string keyId, EncryptionContext context, int numberOfBytes = 32, CancellationToken cancellationToken = default);

    Task<SecretBytes> DecryptAsync(Caller caller, byte[] ciphertextBlob, EncryptionContext context, string? keyId = null, IReadOnlyList<string>? grantTokens = null, CancellationToken cancellationToken = default);

    /// <summary>Re-encrypts a wrapped key under another KMS key without exposing it (CopySnapshot, CopyObject).</summary>
    Task<(byte[] CiphertextBlob, string KeyArn)> ReEncryptAsync(Caller caller, byte[] ciphertextBlob, EncryptionContext sourceContext, string destinationKeyId, EncryptionContext destinationContext, CancellationToken cancellationToken = default);

    /// <summary>Creates a grant for <paramref name="granteePrincipal"/> limited to <paramref name="operations"/> and an EncryptionContextSubset constraint; returns (GrantId, GrantToken).</summary>
    Task<(string GrantId, string GrantToken)> CreateGrantAsync(Caller caller, string keyId, string granteePrincipal, IReadOnlyList<string> operations, IReadOnlyDictionary<string, string>? encryptionContextSubset, string? retiringPrincipal = null, CancellationToken cancellationToken = default);

    Task RetireGrantAsync(Caller caller, string keyId, string grantId, CancellationToken cancellationToken = default);
}

/// <summary>A KMS failure as the KMS API names it (<see cref="ErrorCode"/> is the __type, e.g. DisabledException).</summary>
public sealed class KeyServiceException(string errorCode, string message) : Exception(message)
{
    public string ErrorCode { get; } = errorCode;
}
