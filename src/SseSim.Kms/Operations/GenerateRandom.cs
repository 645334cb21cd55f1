using SseSim.Core.Secrets;

namespace SseSim.Kms.Operations;

public sealed record GenerateRandomRequest : IValidatedRequest
{
    public int? NumberOfBytes { get; init; }
    public string? CustomKeyStoreId { get; init; }
    public RecipientInfo? Recipient { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.Range(NumberOfBytes, "numberOfBytes", 1, 1024);
        errors.String(CustomKeyStoreId, "customKeyStoreId", 1, 64);
        RecipientInfo.Validate(Recipient, ref errors, "recipient");
    }
}

public sealed record GenerateRandomResponse(SecretBytes Plaintext) : IHoldsSecrets
{
    public void DisposeSecrets() => Plaintext.Dispose();
}

public static class GenerateRandom
{
    public static ValueTask<GenerateRandomResponse> ExecuteAsync(KmsCall call, GenerateRandomRequest request)
    {
        if (request.NumberOfBytes is not { } length)
        {
            throw KmsException.Validation("NumberOfBytes is required.");
        }
        CustomKeyStores.ThrowIfNamed(request.CustomKeyStoreId);
        CryptoSupport.RejectRecipient(request.Recipient);
        // No key is involved: authorization is IAM-only, but the request still counts against the quota.
        call.Kms.Quotas.Charge(call.Caller.AccountId, call.Operation, null);
        return ValueTask.FromResult(new GenerateRandomResponse(SecretBytes.Random(length)));
    }
}
