namespace SseSim.Objects.Envelope;

public enum EnvelopeErrorKind
{
    Malformed,
    LengthMismatch,
    Truncated,
    AuthenticationFailed,
}

/// <summary>
/// Stored ciphertext failed to parse or authenticate (docs/formats/object-envelope.md#errors). Deliberately not an
/// S3Exception: once response headers are out, the HTTP layer must abort the connection instead of sending an error.
/// </summary>
public sealed class EnvelopeException(EnvelopeErrorKind kind, string message) : Exception(message)
{
    public EnvelopeErrorKind Kind { get; } = kind;
}
