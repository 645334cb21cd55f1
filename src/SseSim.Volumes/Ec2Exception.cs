using SseSim.Core.Keys;

namespace SseSim.Volumes;

/// <summary>An EC2 API error: <see cref="Code"/> is the EC2 error code the Query API returns.</summary>
public sealed class Ec2Exception(string code, string message) : Exception(message)
{
    public string Code { get; } = code;

    public static Ec2Exception VolumeNotFound(string id) => new("InvalidVolume.NotFound", $"The volume '{id}' does not exist.");
    public static Ec2Exception SnapshotNotFound(string id) => new("InvalidSnapshot.NotFound", $"The snapshot '{id}' does not exist.");
    public static Ec2Exception InstanceNotFound(string id) => new("InvalidInstanceID.NotFound", $"The instance ID '{id}' does not exist");
    public static Ec2Exception InvalidParameter(string message) => new("InvalidParameterValue", message);
    public static Ec2Exception Combination(string message) => new("InvalidParameterCombination", message);

    /// <summary>
    /// KMS failures as EC2 reports them. Disabled / pending deletion keys give InvalidKMSKey.InvalidState
    /// ("The KMS key provided is in an incorrect state"); the KMS code is kept in the message.
    /// </summary>
    public static Ec2Exception FromKms(KeyServiceException e) => e.ErrorCode switch
    {
        "DisabledException" or "KMSInvalidStateException" or "KeyUnavailableException" or "IncorrectKeyException" =>
            new("InvalidKMSKey.InvalidState", $"The KMS key provided is in an incorrect state ({e.ErrorCode}: {e.Message})"),
        "NotFoundException" or "InvalidArnException" or "InvalidKeyUsageException" =>
            new("InvalidKMSKey.Id", $"The KMS key provided is not valid ({e.ErrorCode}: {e.Message})"),
        _ => new("KMSKeyNotAccessibleFault", $"The KMS key is not accessible ({e.ErrorCode}: {e.Message})"),
    };
}

internal static class AwsIds
{
    /// <summary>AWS-style resource id: prefix, dash, 17 lowercase hex digits.</summary>
    public static string New(string prefix) =>
        $"{prefix}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(9))[..17]}";

    public static bool LooksLike(string id, string prefix) =>
        id.StartsWith(prefix + "-", StringComparison.Ordinal) && id.Length == prefix.Length + 18 && id.AsSpan(prefix.Length + 1).ContainsOnlyHex();
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
