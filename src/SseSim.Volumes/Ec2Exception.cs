using SseSim.Core.Keys;

namespace SseSim.Volumes;

/// <summary>An EC2 API error: <see cref="Code"/> is the EC2 error code the Query API returns.</summary>
public sealed class Ec2Exception(string code, string message, int httpStatus = 400) : Exception(message)
{
    public string Code { get; } = code;

    /// <summary>EC2 answers client errors with 400, UnauthorizedOperation with 403, and its own faults with 500/503.</summary>
    public int HttpStatus { get; } = httpStatus;

    public static Ec2Exception VolumeNotFound(string id) => new("InvalidVolume.NotFound", $"The volume '{id}' does not exist.");
    public static Ec2Exception SnapshotNotFound(string id) => new("InvalidSnapshot.NotFound", $"The snapshot '{id}' does not exist.");
    public static Ec2Exception InstanceNotFound(string id) => new("InvalidInstanceID.NotFound", $"The instance ID '{id}' does not exist");
    public static Ec2Exception InvalidParameter(string message) => new("InvalidParameterValue", message);
    public static Ec2Exception Combination(string message) => new("InvalidParameterCombination", message);
    public static Ec2Exception InvalidFilter(string name) => InvalidParameter($"The filter '{name}' is invalid");
    public static Ec2Exception TagLimitExceeded() => new("TagLimitExceeded", "The maximum number of Tags for a resource has been reached.");

    /// <summary>
    /// KMS failures as EC2 reports them, the KMS code kept in the message. Disabled or pending-deletion keys give
    /// InvalidKMSKey.InvalidState ("The KMS key provided is in an incorrect state"), as launches and volume
    /// creations do on AWS; a refused key use is UnauthorizedOperation (403); KMS throttling is EC2's own
    /// throttle, RequestLimitExceeded (503, retried by the SDKs); KMS faults are EC2 server errors.
    /// </summary>
    public static Ec2Exception FromKms(KeyServiceException e) => e.ErrorCode switch
    {
        "DisabledException" or "KMSInvalidStateException" or "KeyUnavailableException" or "IncorrectKeyException" =>
            new("InvalidKMSKey.InvalidState", $"The KMS key provided is in an incorrect state ({e.ErrorCode}: {e.Message})"),
        "NotFoundException" or "InvalidArnException" or "InvalidKeyUsageException" =>
            new("InvalidKMSKey.Id", $"The KMS key provided is not valid ({e.ErrorCode}: {e.Message})"),
        "AccessDeniedException" =>
            new("UnauthorizedOperation", $"You are not authorized to use the KMS key ({e.ErrorCode}: {e.Message})", 403),
        "ThrottlingException" or "LimitExceededException" =>
            new("RequestLimitExceeded", $"Request limit exceeded ({e.ErrorCode}: {e.Message})", 503),
        "DependencyTimeoutException" =>
            new("Unavailable", $"The service is unavailable. Please try again shortly ({e.ErrorCode}: {e.Message})", 503),
        _ => new("InternalError", $"An internal error has occurred ({e.ErrorCode}: {e.Message})", 500),
    };
}

internal static class AwsIds
{
    /// <summary>AWS-style resource id: prefix, dash, 17 lowercase hex digits.</summary>
    public static string New(string prefix) =>
        $"{prefix}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(9))[..17]}";

    /// <summary>EC2 ids have 17 hex digits since 2016 and 8 before; both forms are well formed.</summary>
    public static bool LooksLike(string id, string prefix) =>
        id.StartsWith(prefix + "-", StringComparison.Ordinal) && id.Length - prefix.Length - 1 is 8 or 17 && id.AsSpan(prefix.Length + 1).ContainsOnlyHex();

    /// <summary>
    /// EC2 refuses an id that cannot be one before looking anything up ("InvalidVolumeID.Malformed" and friends); the
    /// message names the expected prefix when the id lacks it.
    /// </summary>
    public static void RequireWellFormed(string id, string prefix, string code)
    {
        if (!LooksLike(id, prefix))
        {
            throw new Ec2Exception(code, id.StartsWith(prefix + "-", StringComparison.Ordinal)
                ? $"Invalid id: \"{id}\""
                : $"Invalid id: \"{id}\" (expecting \"{prefix}-...\")");
        }
    }

    public static void RequireVolumeId(string id) => RequireWellFormed(id, "vol", "InvalidVolumeID.Malformed");

    public static void RequireSnapshotId(string id) => RequireWellFormed(id, "snap", "InvalidSnapshotID.Malformed");

    public static void RequireInstanceId(string id) => RequireWellFormed(id, "i", "InvalidInstanceID.Malformed");
}

file static class HexExtensions
{
    public static bool ContainsOnlyHex(this ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return true;
    }
}
