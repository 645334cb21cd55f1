namespace SseSim.Kms.Operations;

/// <summary>
/// SseSim simulates no CloudHSM clusters and no external key store proxies, so no custom key store can exist: every
/// custom key store id names a missing store, and the custom key store operations answer as AWS does for one.
/// </summary>
public static class CustomKeyStores
{
    public static KmsException NotFound(string? idOrName) =>
        new("CustomKeyStoreNotFoundException", $"Custom key store '{idOrName}' does not exist.");

    /// <summary>For CreateKey and GenerateRandom, which accept an optional CustomKeyStoreId.</summary>
    public static void ThrowIfNamed(string? customKeyStoreId)
    {
        if (customKeyStoreId is not null)
        {
            throw NotFound(customKeyStoreId);
        }
    }
}

/// <summary>The XksProxyAuthenticationCredentialType shape. Both members are secrets; the audit leaves them out.</summary>
public sealed record XksProxyAuthenticationCredential
{
    public string? AccessKeyId { get; init; }
    public string? RawSecretAccessKey { get; init; }

    /// <summary>Both members are required and sensitive: a violation names the member but never echoes the value.</summary>
    public static void Validate(XksProxyAuthenticationCredential? credential, ref RequestErrors errors, string member)
    {
        if (credential is null)
        {
            return;
        }
        errors.String(credential.AccessKeyId, member + ".accessKeyId", 20, 30, required: true,
            pattern: ModelPatterns.XksProxyAuthenticationAccessKeyIdType, sensitive: true);
        errors.String(credential.RawSecretAccessKey, member + ".rawSecretAccessKey", 43, 64, required: true,
            pattern: ModelPatterns.XksProxyAuthenticationRawSecretAccessKeyType, sensitive: true);
    }
}

/// <summary>The external key store proxy members CreateCustomKeyStore and UpdateCustomKeyStore share, last in both shapes.</summary>
public abstract record XksProxySettings
{
    public string? XksProxyUriEndpoint { get; init; }
    public string? XksProxyUriPath { get; init; }
    public string? XksProxyVpcEndpointServiceName { get; init; }
    public string? XksProxyVpcEndpointServiceOwner { get; init; }
    public XksProxyAuthenticationCredential? XksProxyAuthenticationCredential { get; init; }
    public string? XksProxyConnectivity { get; init; }

    protected void ValidateXksProxy(ref RequestErrors errors)
    {
        errors.String(XksProxyUriEndpoint, "xksProxyUriEndpoint", 10, 128, pattern: ModelPatterns.XksProxyUriEndpointType);
        errors.String(XksProxyUriPath, "xksProxyUriPath", 10, 128, pattern: ModelPatterns.XksProxyUriPathType);
        errors.String(XksProxyVpcEndpointServiceName, "xksProxyVpcEndpointServiceName", 20, 64, pattern: ModelPatterns.XksProxyVpcEndpointServiceNameType);
        errors.String(XksProxyVpcEndpointServiceOwner, "xksProxyVpcEndpointServiceOwner", 12, 12, pattern: ModelPatterns.AccountIdType);
        XksProxyAuthenticationCredential.Validate(XksProxyAuthenticationCredential, ref errors, "xksProxyAuthenticationCredential");
        errors.Enum(XksProxyConnectivity, "xksProxyConnectivity", ModelEnums.XksProxyConnectivityType);
    }
}
