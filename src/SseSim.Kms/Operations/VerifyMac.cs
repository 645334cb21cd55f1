using System.Security.Cryptography;

namespace SseSim.Kms.Operations;

public sealed record VerifyMacRequest : IValidatedRequest
{
    public byte[]? Message { get; init; }
    public string? KeyId { get; init; }
    public string? MacAlgorithm { get; init; }
    public byte[]? Mac { get; init; }
    public IReadOnlyList<string>? GrantTokens { get; init; }
    public bool? DryRun { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.Blob(Message, "message", 1, 4096, required: true);
        errors.String(KeyId, "keyId", 1, 2048, required: true);
        errors.Enum(MacAlgorithm, "macAlgorithm", ModelEnums.MacAlgorithmSpec, required: true);
        errors.Blob(Mac, "mac", 1, 6144, required: true);
        errors.StringList(GrantTokens, "grantTokens", 0, 10, 1, 8192);
    }
}

public sealed record VerifyMacResponse(string KeyId, bool MacValid, string MacAlgorithm);

public static class VerifyMac
{
    public static async ValueTask<VerifyMacResponse> ExecuteAsync(KmsCall call, VerifyMacRequest request)
    {
        var message = request.Message!;
        var algorithm = request.MacAlgorithm!;
        var mac = request.Mac!;
        var key = await CryptoSupport.UseAsync(call, request.KeyId!, null, null, request.GrantTokens);
        CryptoSupport.CheckMac(key, "VerifyMac", algorithm);
        CryptoSupport.ThrowIfDryRun(request.DryRun);
        var secret = call.Kms.OpenMaterial(key, CryptoSupport.CurrentMaterial(key));
        var expected = CryptoSupport.Mac(algorithm, secret.UnsafeExpose(), message);
        if (!CryptographicOperations.FixedTimeEquals(expected, mac))
        {
            // Like Verify: a mismatch is an error with an empty message, not MacValid=false.
            throw new KmsException("KMSInvalidMacException", "");
        }
        return new VerifyMacResponse(key.Arn, true, algorithm);
    }
}
