using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SseSim.Core.Aws;
using SseSim.Core.Crypto;
using SseSim.Core.Keys;
using SseSim.Core.Secrets;
using SseSim.Core.Tracing;
using SseSim.Kms.Crypto;
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
        var response = await Run(caller, "DescribeKey", new DescribeKeyRequest { KeyId = keyId }, DescribeKey.ExecuteAsync, null, r => (r.KeyMetadata.Arn, null), cancellationToken);
        return response.KeyMetadata.Arn!;
    }

    public async Task<DataKey> GenerateDataKeyAsync(Caller caller, string keyId, EncryptionContext context, int numberOfBytes = 32, CancellationToken cancellationToken = default)
    {
        var request = new GenerateDataKeyRequest { KeyId = keyId, EncryptionContext = context, NumberOfBytes = numberOfBytes };
        var response = await Run(caller, "GenerateDataKey", request, GenerateDataKey.ExecuteAsync, context, r => (r.KeyId, r.CiphertextBlob), cancellationToken);
        return new DataKey(response.Plaintext, response.CiphertextBlob, response.KeyId);
    }

    public async Task<(byte[] CiphertextBlob, string KeyArn)> GenerateDataKeyWithoutPlaintextAsync(Caller caller, string keyId, EncryptionContext context,
        int numberOfBytes = 32, CancellationToken cancellationToken = default)
    {
        var request = new GenerateDataKeyWithoutPlaintextRequest { KeyId = keyId, EncryptionContext = context, NumberOfBytes = numberOfBytes };
        var response = await Run(caller, "GenerateDataKeyWithoutPlaintext", request, GenerateDataKeyWithoutPlaintext.ExecuteAsync, context, r => (r.KeyId, r.CiphertextBlob), cancellationToken);
        return (response.CiphertextBlob, response.KeyId);
    }

    public async Task<SecretBytes> DecryptAsync(Caller caller, byte[] ciphertextBlob, EncryptionContext context, string? keyId = null,
        IReadOnlyList<string>? grantTokens = null, CancellationToken cancellationToken = default)
    {
        var request = new DecryptRequest { CiphertextBlob = ciphertextBlob, EncryptionContext = context, KeyId = keyId, GrantTokens = grantTokens };
        var response = await Run(caller, "Decrypt", request, Decrypt.ExecuteAsync, context, r => (r.KeyId, ciphertextBlob), cancellationToken);
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
        var response = await Run(caller, "ReEncrypt", request, ReEncrypt.ExecuteAsync, destinationContext, r => (r.KeyId, r.CiphertextBlob), cancellationToken);
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
        var response = await Run(caller, "CreateGrant", request, CreateGrant.ExecuteAsync,
            encryptionContextSubset is null ? null : EncryptionContext.From(encryptionContextSubset), _ => (keyId, null), cancellationToken,
            $"grantee {granteePrincipal}, operations {string.Join(",", operations)}");
        return (response.GrantId, response.GrantToken);
    }

    public async Task RetireGrantAsync(Caller caller, string keyId, string grantId, CancellationToken cancellationToken = default)
    {
        await Run(caller, "RetireGrant", new RetireGrantRequest { KeyId = keyId, GrantId = grantId }, RetireGrant.ExecuteAsync, null, _ => (keyId, null), cancellationToken,
            $"grant {grantId}");
    }

    /// <summary>
    /// Runs the operation and, when a trace is active, records one step citing the audit event: the key ARN, the
    /// encryption context and the key-material version named in the wrapped key's header. Never the key bytes.
    /// </summary>
    private async Task<TResponse> Run<TRequest, TResponse>(Caller caller, string operation, TRequest request,
        Func<KmsCall, TRequest, ValueTask<TResponse>> handler, EncryptionContext? context, Func<TResponse, (string? KeyArn, byte[]? Blob)> describe,
        CancellationToken cancellationToken, string? note = null)
        where TRequest : class
    {
        var trace = Tracer.Current;
        var call = new KmsCall(kms, caller, operation, cancellationToken);
        var started = trace is null ? 0 : Stopwatch.GetTimestamp();
        try
        {
            var response = await kms.InvokeAsync(call, request, handler);
            if (trace is not null)
            {
                var (keyArn, blob) = describe(response);
                RecordStep(trace, call, operation, context, keyArn, blob, started, null, note);
            }
            return response;
        }
        catch (KmsException e)
        {
            if (trace is not null)
            {
                RecordStep(trace, call, operation, context, call.TouchedKeys.Count > 0 ? call.TouchedKeys[0].Arn : null, null, started, e.ErrorType, note);
            }
            throw new KeyServiceException(e.ErrorType, e.Message);
        }
    }

    private static void RecordStep(FlowTrace trace, KmsCall call, string operation, EncryptionContext? context, string? keyArn, byte[]? blob,
        long started, string? error, string? note)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal) { ["operation"] = operation };
        if (keyArn is not null)
        {
            fields["keyArn"] = keyArn;
        }
        if (context is { Count: > 0 })
        {
            fields["encryptionContext"] = JsonSerializer.Serialize(context.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));
        }
        if (blob is not null && CiphertextBlob.TryParseHeader(blob, out _, out var materialId))
        {
            fields["keyMaterialId"] = materialId;
            fields["wrappedKeyBytes"] = blob.Length.ToString(CultureInfo.InvariantCulture);
        }
        if (call.ViaService is { } via)
        {
            fields["viaService"] = via;
        }
        if (error is not null)
        {
            fields["errorCode"] = error;
        }
        var detail = error is null
            ? $"KMS {operation}{(keyArn is null ? "" : " with " + keyArn)}{(note is null ? "" : "; " + note)}"
            : $"KMS {operation} refused: {error}";
        trace.Add("kms:" + operation, detail, call.AuditEventId, Stopwatch.GetElapsedTime(started), fields);
    }
}
