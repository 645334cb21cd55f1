using System.Diagnostics.CodeAnalysis;

namespace SseSim.Kms;

/// <summary>A KMS client error: <see cref="ErrorType"/> is the AWS <c>__type</c>. All are HTTP 400 except server faults.</summary>
public sealed class KmsException(string errorType, string message) : Exception(message)
{
    public string ErrorType { get; } = errorType;

    /// <summary>True when fault injection raised it (metrics tell injected throttles from quota throttles).</summary>
    public bool Injected { get; init; }

    public bool IsServerFault => ErrorType is "KMSInternalException" or "DependencyTimeoutException" or "KeyUnavailableException";

    [DoesNotReturn]
    public static void Throw(string errorType, string message) => throw new KmsException(errorType, message);

    public static KmsException NotFound(string message) => new("NotFoundException", message);
    public static KmsException Disabled(string keyArn) => new("DisabledException", $"{keyArn} is disabled.");
    public static KmsException InvalidState(string message) => new("KMSInvalidStateException", message);
    public static KmsException Validation(string message) => new("ValidationException", message);
    public static KmsException Unsupported(string message) => new("UnsupportedOperationException", message);
    public static KmsException InvalidArn(string message) => new("InvalidArnException", message);
    public static KmsException InvalidCiphertext() => new("InvalidCiphertextException", "");
    public static KmsException IncorrectKey() =>
        new("IncorrectKeyException", "The key ID in the request does not identify a CMK that can perform this operation.");
    public static KmsException InvalidKeyUsage(string message) => new("InvalidKeyUsageException", message);
    public static KmsException AccessDenied(string message) => new("AccessDeniedException", message);
    public static KmsException LimitExceeded(string message) => new("LimitExceededException", message);
    public static KmsException InvalidMarker() => new("InvalidMarkerException", "Invalid marker.");
    public static KmsException DryRun() =>
        new("DryRunOperationException", "The request would have succeeded, but the DryRun option is set.");

    /// <summary>AWS's front-door wording for a failed member constraint.</summary>
    public static KmsException ConstraintViolation(string value, string member, string constraint) =>
        Validation($"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: Member must {constraint}");
}
