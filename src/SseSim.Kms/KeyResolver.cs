using System.Text.RegularExpressions;
using SseSim.Core.Aws;
using SseSim.Kms.Model;

namespace SseSim.Kms;

/// <summary>Which identifier forms a parameter accepts (reference kms.md §2.2).</summary>
public enum KeyIdForms
{
    /// <summary>Key id or key ARN (management operations, grants).</summary>
    KeyOnly,
    /// <summary>Key id, key ARN, alias name or alias ARN (cryptographic operations, DescribeKey).</summary>
    KeyOrAlias,
}

/// <summary>Turns the identifier a caller sent into a key, with AWS's NotFound wording.</summary>
public sealed partial class KeyResolver(KmsStore store, KmsOptions options, AwsManagedKeys managedKeys)
{
    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    private static partial Regex KeyIdPattern();

    [GeneratedRegex("^arn:aws[a-z-]*:kms:([a-z0-9-]+):([0-9]{12}):(key|alias)/(.+)$")]
    private static partial Regex ArnPattern();

    public static bool IsKeyId(string value) => KeyIdPattern().IsMatch(value);

    /// <summary>
    /// The Region a request is served in: the one it was signed for. Multi-Region copies are Regional, as in AWS;
    /// single-Region keys are served in every Region (README, "One Region, one partition").
    /// </summary>
    public string RegionOf(Caller caller) => string.IsNullOrEmpty(caller.Region) ? options.Region : caller.Region;

    public async ValueTask<KmsKey> ResolveAsync(Caller caller, string? identifier, KeyIdForms forms, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(identifier))
        {
            throw KmsException.ConstraintViolation("", "keyId", "have length greater than or equal to 1");
        }
        if (identifier.Length > 2048)
        {
            throw KmsException.ConstraintViolation(identifier, "keyId", "have length less than or equal to 2048");
        }

        var account = caller.AccountId;
        var region = RegionOf(caller);
        string? aliasName = null;
        string keyId;
        if (identifier.StartsWith("arn:", StringComparison.Ordinal))
        {
            var m = ArnPattern().Match(identifier);
            if (!m.Success)
            {
                throw KmsException.NotFound($"Invalid arn {identifier}");
            }
            // A multi-Region copy is addressed in its own Region only; everything else lives in the server's Region,
            // which a caller of any Region may name.
            var arnRegion = m.Groups[1].Value;
            var regional = m.Groups[3].Value == "key" && KmsKey.IsMultiRegionId(m.Groups[4].Value);
            if (regional ? arnRegion != region : arnRegion != options.Region && (m.Groups[3].Value == "key" || arnRegion != region))
            {
                throw KmsException.NotFound($"Invalid arn {arnRegion}");
            }
            account = m.Groups[2].Value;
            if (m.Groups[3].Value == "alias")
            {
                if (forms == KeyIdForms.KeyOnly)
                {
                    throw KmsException.InvalidArn("Key Aliases are not supported for this operation");
                }
                aliasName = "alias/" + m.Groups[4].Value;
                keyId = "";
            }
            else
            {
                keyId = m.Groups[4].Value;
            }
        }
        else if (identifier.StartsWith("alias/", StringComparison.Ordinal))
        {
            if (forms == KeyIdForms.KeyOnly)
            {
                throw KmsException.NotFound($"Invalid keyId '{identifier}'");
            }
            aliasName = identifier;
            keyId = "";
        }
        else
        {
            keyId = identifier;
        }

        if (aliasName is not null)
        {
            var alias = store.FindAlias(account, aliasName, region);
            if (alias is null && AwsManagedKeys.IsManagedAlias(aliasName))
            {
                return await managedKeys.GetOrCreateAsync(account, aliasName, cancellationToken);
            }
            if (alias is null || store.FindKey(alias.TargetKeyId, alias.Region) is not { } aliased)
            {
                throw KmsException.NotFound($"Alias arn:aws:kms:{options.Region}:{account}:{aliasName} is not found.");
            }
            return aliased;
        }

        var multiRegion = KmsKey.IsMultiRegionId(keyId);
        if (!multiRegion && !IsKeyId(keyId))
        {
            throw KmsException.NotFound($"Invalid keyId '{identifier}'");
        }
        // An mrk- id names the copy in the caller's Region; with none there, AWS's "does not exist" names that Region.
        var key = store.FindKey(keyId, region);
        if (key is null || key.AccountId != account)
        {
            throw KmsException.NotFound($"Key 'arn:aws:kms:{(multiRegion ? region : options.Region)}:{account}:key/{keyId}' does not exist");
        }
        return key;
    }
}
