using SseSim.Kms.Crypto;
using SseSim.Kms.Model;

namespace SseSim.Kms;

/// <summary>
/// AWS managed keys (alias/aws/s3, alias/aws/ebs): created on first use, KeyManager AWS, a policy that lets the
/// account use the key only through the owning service, rotated yearly, and never disabled or deleted by callers.
/// </summary>
public sealed class AwsManagedKeys(KmsStore store, KeyMaterialVault vault, KmsOptions options, TimeProvider time, Action<DateTimeOffset> scheduleMaintenance)
{
    private static readonly Dictionary<string, (string Service, string Description)> Known = new()
    {
        ["alias/aws/s3"] = ("s3", "Default key that protects my S3 objects when no other key is defined"),
        ["alias/aws/ebs"] = ("ec2", "Default key that protects my EBS volumes when no other key is defined"),
    };

    public static bool IsManagedAlias(string aliasName) => Known.ContainsKey(aliasName);

    /// <summary>The predefined alias names, which AWS lists before any key stands behind them.</summary>
    public static IEnumerable<string> ManagedAliasNames => Known.Keys;

    public async ValueTask<KmsKey> GetOrCreateAsync(string accountId, string aliasName, CancellationToken cancellationToken = default)
    {
        await store.WriteLock.WaitAsync(cancellationToken);
        try
        {
            if (store.FindAlias(accountId, aliasName) is { } existing && store.FindKey(existing.TargetKeyId) is { } key)
            {
                return key;
            }
            var (service, description) = Known[aliasName];
            var now = time.GetUtcNow();
            var keyId = Guid.NewGuid().ToString();
            var created = new KmsKey
            {
                KeyId = keyId,
                AccountId = accountId,
                Region = options.Region,
                CreationDate = now,
                Description = description,
                KeyManager = "AWS",
                Policy = KeyPolicies.AwsManaged(accountId, service, options.Region),
                RotationEnabled = true,
                RotationPeriodInDays = 365,
                NextRotationDate = now.AddDays(365),
                Materials = [vault.Generate(keyId, "SYMMETRIC_DEFAULT")],
            };
            await store.PutKeyAsync(created, cancellationToken);
            scheduleMaintenance(created.NextRotationDate!.Value);
            await store.PutAliasAsync(new KmsAlias
            {
                AliasName = aliasName,
                AccountId = accountId,
                Region = options.Region,
                TargetKeyId = keyId,
                CreationDate = now,
                LastUpdatedDate = now,
            }, cancellationToken);
            return created;
        }
        finally
        {
            store.WriteLock.Release();
        }
    }
}
