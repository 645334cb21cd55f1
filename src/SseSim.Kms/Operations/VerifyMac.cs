using System.Security.Cryptography;

namespace SseSim.Kms.Operations;

public sealed record VerifyMacRequest
{
    public byte[]? Message { get; init; }
    public string? KeyId { get; init; }
    public string? MacAlgorithm { get; init; }
    public byte[]? Mac { get; init; }
    public IReadOnlyList<string>? GrantTokens { get; init; }
    public bool? DryRun { get; init; }
}

public sealed record VerifyMacResponse(string KeyId, bool MacValid, string MacAlgorithm);

public static class VerifyMac
{
    public static async ValueTask<VerifyMacResponse> ExecuteAsync(KmsCall call, VerifyMacRequest request)
    {
        var message = CryptoSupport.RequireBlob(request.Message, "message", CryptoSupport.MaxPlaintext);
        var algorithm = CryptoSupport.RequireString(request.MacAlgorithm, "macAlgorithm");
        Validate.OneOf(algorithm, "macAlgorithm", CryptoSupport.MacAlgorithmEnum);
        var mac = CryptoSupport.RequireBlob(request.Mac, "mac", CryptoSupport.MaxCiphertext);
        CryptoSupport.CheckGrantTokens(request.GrantTokens);
        var key = await CryptoSupport.UseAsync(call, CryptoSupport.RequireString(request.KeyId, "keyId"), null, null, request.GrantTokens);
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
