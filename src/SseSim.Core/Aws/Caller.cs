namespace SseSim.Core.Aws;

/// <summary>An authenticated identity, as configured (seed file) or the default test/test identity.</summary>
public sealed record Identity(string AccessKeyId, string SecretAccessKey, string AccountId, string UserName)
{
    public string Arn => UserName == "root" ? $"arn:aws:iam::{AccountId}:root" : $"arn:aws:iam::{AccountId}:user/{UserName}";

    /// <summary>
    /// CloudTrail's principalId: the account id for the root user; for an IAM user AWS's unique user id (AIDA…),
    /// derived here from account and user name so it is stable across restarts and never the access key.
    /// </summary>
    public string PrincipalId => UserName == "root" ? AccountId : UniqueUserId(AccountId, UserName);

    private static string UniqueUserId(string accountId, string userName)
    {
        const string base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(accountId + ":" + userName));
        var id = new char[21];
        "AIDA".CopyTo(id);
        for (var i = 4; i < id.Length; i++)
        {
            id[i] = base32[hash[i] & 31];
        }
        return new string(id);
    }

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

    /// <summary>Signed with legacy SigV2 (S3 only), which S3 refuses for anything that needs SSE-KMS.</summary>
    public bool SignatureV2 { get; init; }

    /// <summary>
    /// The request ID this caller's API call was answered with (<c>x-amzn-RequestId</c>): CloudTrail's <c>requestID</c>
    /// for a call made directly, so a caller can find its own call's event. A service calling on the caller's behalf
    /// makes a request of its own, so <see cref="Via"/> drops it.
    /// </summary>
    public string? RequestId { get; init; }

    public Caller Via(string service) => this with { ViaService = service, RequestId = null };
}
