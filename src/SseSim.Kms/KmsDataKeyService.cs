using SseSim.Core.Aws;
using SseSim.Core.Crypto;
using SseSim.Core.Keys;
using SseSim.Core.Secrets;
using SseSim.Kms.Model;
using SseSim.Kms.Operations;

namespace SseSim.Kms;

/// <summary>
/// <see cref="IDataKeyService"/> for the S3 and EBS domains. Every method runs the real KMS operation through
/// <see cref="KmsService.InvokeAsync{TRequest,TResponse}"/>, so the caller's policies, grants, key states, quotas and
/// the audit apply exactly as for an <c>aws kms</c> call; failures surface as <see cref="KeyServiceException"/>.
/// </summary>
public sealed class KmsDataKeyService(KmsService kms) : IDataKeyService
{
    public async Task<string> ResolveKeyArnAsync(Caller caller, string keyId, CancellationToken cancellationToken = default)
    {
        // Services resolve keys with DescribeKey, which also creates alias/aws/* keys on first use.
        var response = await Run(caller, "DescribeKey", new DescribeKeyRequest { KeyId = keyId }, DescribeKey.ExecuteAsync, cancellationToken);
        return response.KeyMetadata.Arn!;
    }

    public async Task<DataKey> GenerateDataKeyAsync(Caller caller, string keyId, EncryptionContext context, int numberOfBytes = 32, CancellationToken cancellationToken = default)
    {
        var request = new GenerateDataKeyRequest { KeyId = keyId, EncryptionContext = context, NumberOfBytes = numberOfBytes };
        var response = await Run(caller, "GenerateDataKey", request, GenerateDataKey.ExecuteAsync, cancellationToken);
        return new DataKey(response.Plaintext, response.CiphertextBlob, response.KeyId);
    }

    public async Task<(byte[] CiphertextBlob, string KeyArn)> GenerateDataKeyWithoutPlaintextAsync(Caller caller, string keyId, EncryptionContext context,
        int numberOfBytes = 32, CancellationToken cancellationToken = default)
    {
        var request = new GenerateDataKeyWithoutPlaintextRequest { KeyId = keyId, EncryptionContext = context, NumberOfBytes = numberOfBytes };
        var response = await Run(caller, "GenerateDataKeyWithoutPlaintext", request, GenerateDataKeyWithoutPlaintext.ExecuteAsync, cancellationToken);
        return (response.CiphertextBlob, response.KeyId);
    }

    public async Task<SecretBytes> DecryptAsync(Caller caller, byte[] ciphertextBlob, EncryptionContext context, string? keyId = null,
        IReadOnlyList<string>? grantTokens = null, CancellationToken cancellationToken = default)
    {
        var request = new DecryptRequest { CiphertextBlob = ciphertextBlob, EncryptionContext = context, KeyId = keyId, GrantTokens = grantTokens };
        var response = await Run(caller, "Decrypt", request, Decrypt.ExecuteAsync, cancellationToken);
        return response.Plaintext;
    }

    public async Task<(byte[] CiphertextBlob, string KeyArn)> ReEncryptAsync(Caller caller, byte[] ciphertextBlob, EncryptionContext sourceContext,
        string destinationKeyId, EncryptionContext destinationContext, CancellationToken cancellationToken = default)
    {
        var request = new ReEncryptRequest
        {
            CiphertextBlob = ciphertextBlob,
            SourceEncryptionContext = sourceContext,
            DestinationKeyId = destinationKeyId,
            DestinationEncryptionContext = destinationContext,
        };
        var response = await Run(caller, "ReEncrypt", request, ReEncrypt.ExecuteAsync, cancellationToken);
        return (response.CiphertextBlob, response.KeyId);
    }

    public async Task<(string GrantId, string GrantToken)> CreateGrantAsync(Caller caller, string keyId, string granteePrincipal, IReadOnlyList<string> operations,
        IReadOnlyDictionary<string, string>? encryptionContextSubset, string? retiringPrincipal = null, CancellationToken cancellationToken = default)
    {
        var request = new CreateGrantRequest
        {
            KeyId = keyId,
            GranteePrincipal = granteePrincipal,
            RetiringPrincipal = retiringPrincipal,
            Operations = operations,
            Constraints = encryptionContextSubset is null ? null
                : new GrantConstraints { EncryptionContextSubset = new Dictionary<string, string>(encryptionContextSubset, StringComparer.Ordinal) },
        };
        var response = await Run(caller, "CreateGrant", request, CreateGrant.ExecuteAsync, cancellationToken);
        return (response.GrantId, response.GrantToken);
    }

    public async Task RetireGrantAsync(Caller caller, string keyId, string grantId, CancellationToken cancellationToken = default)
    {
        await Run(caller, "RetireGrant", new RetireGrantRequest { KeyId = keyId, GrantId = grantId }, RetireGrant.ExecuteAsync, cancellationToken);
    }

    private async Task<TResponse> Run<TRequest, TResponse>(Caller caller, string operation, TRequest request,
        Func<KmsCall, TRequest, ValueTask<TResponse>> handler, CancellationToken cancellationToken)
        where TRequest : class
    {
        try
        {
            return await kms.InvokeAsync(caller, operation, request, handler, cancellationToken);
        }
        catch (KmsException e)
        {
            throw new KeyServiceException(e.ErrorType, e.Message);
        }
    }
}
