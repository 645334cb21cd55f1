namespace SseSim.Kms.Operations;

public sealed record GenerateMacRequest : IValidatedRequest
{
    public byte[]? Message { get; init; }
    public string? KeyId { get; init; }
    public string? MacAlgorithm { get; init; }
    public IReadOnlyList<string>? GrantTokens { get; init; }
    public bool? DryRun { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.Blob(Message, "message", 1, 4096, required: true);
        errors.String(KeyId, "keyId", 1, 2048, required: true);
        errors.Enum(MacAlgorithm, "macAlgorithm", ModelEnums.MacAlgorithmSpec, required: true);
        errors.StringList(GrantTokens, "grantTokens", 0, 10, 1, 8192);
    }
}

public sealed record GenerateMacResponse(byte[] Mac, string MacAlgorithm, string KeyId);

public static class GenerateMac
{
    public static async ValueTask<GenerateMacResponse> ExecuteAsync(KmsCall call, GenerateMacRequest request)
    {
        var message = request.Message!;
        var algorithm = request.MacAlgorithm!;
        var key = await CryptoSupport.UseAsync(call, request.KeyId!, null, null, request.GrantTokens);
        CryptoSupport.CheckMac(key, "GenerateMac", algorithm);
        CryptoSupport.ThrowIfDryRun(request.DryRun);
        var secret = call.Kms.OpenMaterial(key, CryptoSupport.CurrentMaterial(key));
        return new GenerateMacResponse(CryptoSupport.Mac(algorithm, secret.UnsafeExpose(), message), algorithm, key.Arn);
    }
}
