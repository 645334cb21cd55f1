using System.Security.Cryptography;
using System.Text;
using SseSim.Core.Secrets;
using SseSim.Kms.Model;

namespace SseSim.Kms;

/// <summary>A key declared in a seed file (README, "Seed file").</summary>
public sealed record SeedKey
{
    public required string KeyId { get; init; }
    public string? AccountId { get; init; }
    public string? Description { get; init; }
    public string? KeySpec { get; init; }
    public string? KeyUsage { get; init; }
    public IReadOnlyList<string>? Aliases { get; init; }
    public bool? Enabled { get; init; }
    public string? Policy { get; init; }
    /// <summary>Base64: 32 bytes for SYMMETRIC_DEFAULT, the key length for HMAC, PKCS#8 DER for the asymmetric specs.</summary>
    public string? KeyMaterial { get; init; }
}

/// <summary>Applies seed keys. Never overwrites: an existing key id or alias name is left as it is.</summary>
public static class KmsSeeding
{
    public static async Task ApplyAsync(KmsService kms, IEnumerable<SeedKey> keys, string defaultAccountId, CancellationToken cancellationToken = default)
    {
        foreach (var seed in keys)
        {
            var account = seed.AccountId ?? defaultAccountId;
            if (!KeyResolver.IsKeyId(seed.KeyId))
            {
                throw new InvalidDataException($"Seed key id '{seed.KeyId}' is not a KMS key id (a lowercase UUID).");
            }
            var spec = seed.KeySpec ?? "SYMMETRIC_DEFAULT";
            if (!KeySpecInfo.All.TryGetValue(spec, out var info))
            {
                throw new InvalidDataException($"Seed key {seed.KeyId}: unknown KeySpec {spec}.");
            }
            var usage = seed.KeyUsage ?? info.Usages[0];
            if (!info.Usages.Contains(usage))
            {
                throw new InvalidDataException($"Seed key {seed.KeyId}: KeyUsage {usage} does not fit {spec}.");
            }
            if (kms.Store.FindKey(seed.KeyId) is null)
            {
                KeyMaterial material;
                if (seed.KeyMaterial is { } base64)
                {
                    using var clear = SecretBytes.TakeFrom(Convert.FromBase64String(base64));
                    // A material id derived from the key id and material keeps seeded ciphertext reproducible.
                    var materialId = Convert.ToHexStringLower(SHA256.HashData([.. Encoding.UTF8.GetBytes(seed.KeyId), .. clear.UnsafeExpose()]));
                    try
                    {
                        material = kms.Vault.Seal(seed.KeyId, spec, materialId, clear);
                    }
                    catch (CryptographicException)
                    {
                        throw new InvalidDataException($"Seed key {seed.KeyId}: keyMaterial is not a PKCS#8 private key of KeySpec {spec}.");
                    }
                }
                else
                {
                    material = kms.Vault.Generate(seed.KeyId, spec);
                }
                await kms.Store.PutKeyAsync(new KmsKey
                {
                    KeyId = seed.KeyId,
                    AccountId = account,
                    Region = kms.Options.Region,
                    CreationDate = kms.Time.GetUtcNow(),
                    Description = seed.Description ?? "",
                    KeySpec = spec,
                    KeyUsage = usage,
                    KeyState = seed.Enabled == false ? KeyStates.Disabled : KeyStates.Enabled,
                    Policy = seed.Policy ?? KeyPolicies.Default(account),
                    Materials = [material],
                }, cancellationToken);
            }
            foreach (var alias in seed.Aliases ?? [])
            {
                var name = alias.StartsWith("alias/", StringComparison.Ordinal) ? alias : "alias/" + alias;
                if (kms.Store.FindAlias(account, name) is null)
                {
                    var now = kms.Time.GetUtcNow();
                    await kms.Store.PutAliasAsync(new KmsAlias { AliasName = name, AccountId = account, Region = kms.Options.Region, TargetKeyId = seed.KeyId, CreationDate = now, LastUpdatedDate = now }, cancellationToken);
                }
            }
        }
    }
}
