namespace SseSim.Kms.Operations;

public sealed record DescribeCustomKeyStoresRequest : IValidatedRequest
{
    public string? CustomKeyStoreId { get; init; }
    public string? CustomKeyStoreName { get; init; }
    public int? Limit { get; init; }
    public string? Marker { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(CustomKeyStoreId, "customKeyStoreId", 1, 64);
        errors.String(CustomKeyStoreName, "customKeyStoreName", 1, 256);
        errors.Range(Limit, "limit", 1, 1000);
        errors.String(Marker, "marker", 1, 1024, pattern: ModelPatterns.MarkerType);
    }
}

/// <summary>The CustomKeyStoresListEntry shape is never filled: SseSim has no custom key stores.</summary>
public sealed record DescribeCustomKeyStoresResponse(IReadOnlyList<object> CustomKeyStores, bool Truncated);

/// <summary>An empty list, as AWS answers an account without custom key stores; a named store does not exist.</summary>
public static class DescribeCustomKeyStores
{
    public static ValueTask<DescribeCustomKeyStoresResponse> ExecuteAsync(KmsCall call, DescribeCustomKeyStoresRequest request)
    {
        if (request.CustomKeyStoreId is not null || request.CustomKeyStoreName is not null)
        {
            throw CustomKeyStores.NotFound(request.CustomKeyStoreId ?? request.CustomKeyStoreName);
        }
        if (request.Marker is not null)
        {
            // No page was ever handed out, so no marker can be one of ours.
            throw KmsException.InvalidMarker();
        }
        return ValueTask.FromResult(new DescribeCustomKeyStoresResponse([], false));
    }
}
