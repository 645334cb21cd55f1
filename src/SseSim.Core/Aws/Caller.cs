namespace SseSim.Core.Aws;

/// <summary>An authenticated identity, as configured (seed file) or the default test/test identity.</summary>
public sealed record Identity(string AccessKeyId, string SecretAccessKey, string AccountId, string UserName)
{
    public string Arn => UserName == "root" ? $"arn:aws:iam::{AccountId}:root" : $"arn:aws:iam::{AccountId}:user/{UserName}";

    // The secret must never be printed, even by a record's generated ToString.
    public override string ToString() => $"Identity {{ AccessKeyId = {AccessKeyId}, AccountId = {AccountId}, UserName = {UserName} }}";
}

/// <summary>
/// Who is calling and through what. <see cref="ViaService"/> is set when S3 or EC2 call KMS on the
/// caller's behalf (kms:ViaService, CloudTrail invokedBy).
/// </summary>
public sealed record Caller(Identity Identity, string Region, string? SourceIp = null, string? UserAgent = null, string? ViaService = null)
{
    public string AccountId => Identity.AccountId;

    public Caller Via(string service) => this with { ViaService = service };
}
