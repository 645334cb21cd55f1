namespace SseSim.Kms.Operations;

public sealed record CreateCustomKeyStoreRequest : XksProxySettings, IValidatedRequest
{
    public string? CustomKeyStoreName { get; init; }
    public string? CloudHsmClusterId { get; init; }
    public string? TrustAnchorCertificate { get; init; }
    public string? KeyStorePassword { get; init; }
    public string? CustomKeyStoreType { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(CustomKeyStoreName, "customKeyStoreName", 1, 256, required: true);
        errors.String(CloudHsmClusterId, "cloudHsmClusterId", 19, 24, pattern: ModelPatterns.CloudHsmClusterIdType);
        errors.String(TrustAnchorCertificate, "trustAnchorCertificate", 1, 5000);
        errors.String(KeyStorePassword, "keyStorePassword", 7, 32, sensitive: true);
        errors.Enum(CustomKeyStoreType, "customKeyStoreType", ModelEnums.CustomKeyStoreType);
        ValidateXksProxy(ref errors);
    }
}

public sealed record CreateCustomKeyStoreResponse(string CustomKeyStoreId);

/// <summary>
/// SseSim reaches no CloudHSM cluster and no external key store proxy, so creation fails as AWS fails when it cannot
/// find the cluster (AWS_CLOUDHSM) or reach the proxy (EXTERNAL_KEY_STORE). Deliberate divergence, in README.md.
/// </summary>
public static class CreateCustomKeyStore
{
    public static ValueTask<CreateCustomKeyStoreResponse> ExecuteAsync(KmsCall call, CreateCustomKeyStoreRequest request)
    {
        RequireMembersOfType(request);
        if (request.CustomKeyStoreType == "EXTERNAL_KEY_STORE")
        {
            throw request.XksProxyConnectivity == "VPC_ENDPOINT_SERVICE"
                ? new KmsException("XksProxyVpcEndpointServiceNotFoundException",
                    $"KMS cannot find the VPC endpoint service '{request.XksProxyVpcEndpointServiceName}': SseSim does not connect to external key store proxies.")
                : new KmsException("XksProxyUriUnreachableException",
                    $"KMS cannot reach the external key store proxy at '{request.XksProxyUriEndpoint}': SseSim does not connect to external key store proxies.");
        }
        throw new KmsException("CloudHsmClusterNotFoundException",
            $"KMS cannot find the CloudHSM cluster '{request.CloudHsmClusterId}': SseSim simulates no CloudHSM clusters.");
    }

    /// <summary>
    /// The members the API reference marks required for the store's type (optional in the model, which serves both
    /// types): a request without them is refused before any cluster or proxy is looked for.
    /// </summary>
    private static void RequireMembersOfType(CreateCustomKeyStoreRequest request)
    {
        var type = request.CustomKeyStoreType ?? "AWS_CLOUDHSM";
        var members = type == "EXTERNAL_KEY_STORE"
            ? new (string Name, bool Present)[]
            {
                ("XksProxyConnectivity", request.XksProxyConnectivity is not null),
                ("XksProxyUriEndpoint", request.XksProxyUriEndpoint is not null),
                ("XksProxyUriPath", request.XksProxyUriPath is not null),
                ("XksProxyAuthenticationCredential", request.XksProxyAuthenticationCredential is not null),
                ("XksProxyVpcEndpointServiceName", request.XksProxyConnectivity != "VPC_ENDPOINT_SERVICE" || request.XksProxyVpcEndpointServiceName is not null),
            }
            : [
                ("CloudHsmClusterId", request.CloudHsmClusterId is not null),
                ("TrustAnchorCertificate", request.TrustAnchorCertificate is not null),
                ("KeyStorePassword", request.KeyStorePassword is not null),
            ];
        var missing = members.Where(m => !m.Present).Select(m => m.Name).ToList();
        if (missing.Count > 0)
        {
            var connectivity = type == "EXTERNAL_KEY_STORE" && request.XksProxyConnectivity is { } c ? $" with XksProxyConnectivity {c}" : "";
            throw KmsException.Validation($"A custom key store of type {type}{connectivity} requires {string.Join(", ", missing)}.");
        }
    }
}
