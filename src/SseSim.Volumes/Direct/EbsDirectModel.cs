namespace SseSim.Volumes.Direct;

/// <summary>An EBS direct API error: <see cref="ErrorType"/> is the error shape (HTTP status in <see cref="HttpStatus"/>), <see cref="Reason"/> its Reason field.</summary>
public sealed class EbsApiException(string errorType, int httpStatus, string? reason, string message) : Exception(message)
{
    public string ErrorType { get; } = errorType;
    public int HttpStatus { get; } = httpStatus;
    public string? Reason { get; } = reason;

    public static EbsApiException Validation(string reason, string message) => new("ValidationException", 400, reason, message);
    public static EbsApiException NotFound(string message) => new("ResourceNotFoundException", 404, "SNAPSHOT_NOT_FOUND", message);
    public static EbsApiException Conflict(string message) => new("ConflictException", 409, null, message);
    public static EbsApiException AccessDenied(string reason, string message) => new("AccessDeniedException", 403, reason, message);
}

public sealed record StartSnapshotRequest
{
    public required long VolumeSize { get; init; }
    public string? ParentSnapshotId { get; init; }
    public bool? Encrypted { get; init; }
    public string? KmsKeyArn { get; init; }
    public int? Timeout { get; init; }
    public string? ClientToken { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<Tag>? Tags { get; init; }
}

public sealed record StartSnapshotResult(
    string SnapshotId, string OwnerId, string Status, DateTimeOffset StartTime, long VolumeSize, int BlockSize,
    string? Description, string? ParentSnapshotId, string? KmsKeyArn, string SseType, IReadOnlyList<Tag> Tags);

public sealed record SnapshotBlockData(byte[] BlockData, int DataLength, string Checksum, string ChecksumAlgorithm);

public sealed record SnapshotBlock(int BlockIndex, string BlockToken);

public sealed record ListSnapshotBlocksResult(IReadOnlyList<SnapshotBlock> Blocks, DateTimeOffset ExpiryTime, long VolumeSize, int BlockSize, string? NextToken);

public sealed record ChangedBlock(int BlockIndex, string? FirstBlockToken, string? SecondBlockToken);

public sealed record ListChangedBlocksResult(IReadOnlyList<ChangedBlock> ChangedBlocks, DateTimeOffset ExpiryTime, long VolumeSize, int BlockSize, string? NextToken);
