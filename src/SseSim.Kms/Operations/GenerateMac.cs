namespace SseSim.Kms.Operations;

public sealed record GenerateMacRequest
{
    public byte[]? Message { get; init; }
    public string? KeyId { get; init; }
    public string? MacAlgorithm { get; init; }
    public IReadOnlyList<string>? GrantTokens { get; init; }
    public bool? DryRun { get; init; }
}

public sealed record GenerateMacResponse(byte[] Mac, string MacAlgorithm, string KeyId);

public static class GenerateMac
{
    public static async ValueTask<GenerateMacResponse> ExecuteAsync(KmsCall call, GenerateMacRequest request)
    {
        var message = CryptoSupport.RequireBlob(request.Message, "message", CryptoSupport.MaxPlaintext);
        var algorithm = CryptoSupport.RequireString(request.MacAlgorithm, "macAlgorithm");
        Validate.OneOf(algorithm, "macAlgorithm", CryptoSupport.MacAlgorithmEnum);
        CryptoSupport.CheckGrantTokens(request.GrantTokens);
        var key = await CryptoSupport.UseAsync(call, CryptoSupport.RequireString(request.KeyId, "keyId"), null, null, request.GrantTokens);
        CryptoSupport.CheckMac(key, "GenerateMac", algorithm);
        CryptoSupport.ThrowIfDryRun(request.DryRun);
        var secret = call.Kms.OpenMaterial(key, CryptoSupport.CurrentMaterial(key));
        return new GenerateMacResponse(CryptoSupport.Mac(algorithm, secret.UnsafeExpose(), message), algorithm, key.Arn);
    }
}
