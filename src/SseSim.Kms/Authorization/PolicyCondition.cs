using System.Globalization;
using System.Net;

namespace SseSim.Kms.Authorization;

internal enum ConditionOperator
{
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    ArnEquals,
    ArnNotEquals,
    ArnLike,
    ArnNotLike,
    Bool,
    Null,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    IpAddress,
    NotIpAddress,
}

internal enum SetQualifier
{
    None,
    ForAnyValue,
    ForAllValues,
}

internal enum ConditionKey
{
    Unknown,
    EncryptionContext,
    EncryptionContextKeys,
    CallerAccount,
    ViaService,
    GrantIsForAwsResource,
    GrantOperations,
    GranteePrincipal,
    RetiringPrincipal,
    GrantConstraintType,
    PrincipalArn,
    PrincipalAccount,
    KeySpec,
    KeyUsage,
    KeyOrigin,
    MultiRegion,
    MultiRegionKeyType,
    ReplicaRegion,
    PrimaryRegion,
    BypassPolicyLockoutSafetyCheck,
    SourceIp,
}

/// <summary>
/// One operator/key/values triple of a Condition block, resolved at parse time so evaluation is a switch and
/// string compares. Semantics follow the IAM reference: values of one key are ORed; a missing key fails positive
/// operators and satisfies negated ones; ...IfExists passes on a missing key; ForAllValues passes on an empty set.
/// </summary>
internal sealed class PolicyCondition
{
    private static readonly Dictionary<string, ConditionKey> Keys = new(StringComparer.OrdinalIgnoreCase)
    {
        ["kms:EncryptionContextKeys"] = ConditionKey.EncryptionContextKeys,
        ["kms:CallerAccount"] = ConditionKey.CallerAccount,
        ["kms:ViaService"] = ConditionKey.ViaService,
        ["kms:GrantIsForAWSResource"] = ConditionKey.GrantIsForAwsResource,
        ["kms:GrantOperations"] = ConditionKey.GrantOperations,
        ["kms:GranteePrincipal"] = ConditionKey.GranteePrincipal,
        ["kms:RetiringPrincipal"] = ConditionKey.RetiringPrincipal,
        ["kms:GrantConstraintType"] = ConditionKey.GrantConstraintType,
        ["aws:PrincipalArn"] = ConditionKey.PrincipalArn,
        ["aws:PrincipalAccount"] = ConditionKey.PrincipalAccount,
        ["kms:KeySpec"] = ConditionKey.KeySpec,
        ["kms:CustomerMasterKeySpec"] = ConditionKey.KeySpec,
        ["kms:KeyUsage"] = ConditionKey.KeyUsage,
        ["kms:CustomerMasterKeyUsage"] = ConditionKey.KeyUsage,
        ["kms:KeyOrigin"] = ConditionKey.KeyOrigin,
        ["kms:MultiRegion"] = ConditionKey.MultiRegion,
        ["kms:MultiRegionKeyType"] = ConditionKey.MultiRegionKeyType,
        ["kms:ReplicaRegion"] = ConditionKey.ReplicaRegion,
        ["kms:PrimaryRegion"] = ConditionKey.PrimaryRegion,
        ["kms:BypassPolicyLockoutSafetyCheck"] = ConditionKey.BypassPolicyLockoutSafetyCheck,
        ["aws:SourceIp"] = ConditionKey.SourceIp,
    };

    private const string ContextPrefix = "kms:EncryptionContext:";

    private readonly ConditionOperator _operator;
    private readonly SetQualifier _qualifier;
    private readonly bool _ifExists;
    private readonly bool _negated;
    private readonly ConditionKey _key;
    private readonly string? _contextKey;
    private readonly string[] _values;
    private readonly IPNetwork[]? _networks;

    private PolicyCondition(ConditionOperator op, SetQualifier qualifier, bool ifExists, ConditionKey key, string? contextKey, string[] values, IPNetwork[]? networks)
    {
        _operator = op;
        _qualifier = qualifier;
        _ifExists = ifExists;
        _negated = op is ConditionOperator.StringNotEquals or ConditionOperator.StringNotEqualsIgnoreCase or ConditionOperator.StringNotLike
            or ConditionOperator.ArnNotEquals or ConditionOperator.ArnNotLike or ConditionOperator.NumericNotEquals or ConditionOperator.NotIpAddress;
        _key = key;
        _contextKey = contextKey;
        _values = values;
        _networks = networks;
    }

    /// <summary>Parses "ForAnyValue:StringLikeIfExists" and a key name; null when the operator is not one IAM knows.</summary>
    public static PolicyCondition? Create(string operatorName, string keyName, string[] values)
    {
        var qualifier = SetQualifier.None;
        var name = operatorName;
        if (name.StartsWith("ForAnyValue:", StringComparison.Ordinal))
        {
            qualifier = SetQualifier.ForAnyValue;
            name = name["ForAnyValue:".Length..];
        }
        else if (name.StartsWith("ForAllValues:", StringComparison.Ordinal))
        {
            qualifier = SetQualifier.ForAllValues;
            name = name["ForAllValues:".Length..];
        }
        var ifExists = name.EndsWith("IfExists", StringComparison.Ordinal) && name != "IfExists";
        if (ifExists)
        {
            name = name[..^"IfExists".Length];
        }
        if (!Enum.TryParse<ConditionOperator>(name, ignoreCase: false, out var op) || int.TryParse(name, out _)
            || (op == ConditionOperator.Null && (ifExists || qualifier != SetQualifier.None)))
        {
            return null;
        }

        ConditionKey key;
        string? contextKey = null;
        if (keyName.StartsWith(ContextPrefix, StringComparison.OrdinalIgnoreCase) && keyName.Length > ContextPrefix.Length)
        {
            key = ConditionKey.EncryptionContext;
            // The context key part stays case-sensitive, like the encryption context itself.
            contextKey = keyName[ContextPrefix.Length..];
        }
        else
        {
            key = Keys.GetValueOrDefault(keyName, ConditionKey.Unknown);
        }

        IPNetwork[]? networks = null;
        if (op is ConditionOperator.IpAddress or ConditionOperator.NotIpAddress)
        {
            networks = new IPNetwork[values.Length];
            for (var i = 0; i < values.Length; i++)
            {
                var text = values[i].Contains('/', StringComparison.Ordinal) ? values[i] : values[i] + (values[i].Contains(':', StringComparison.Ordinal) ? "/128" : "/32");
                if (!IPNetwork.TryParse(text, out networks[i]))
                {
                    return null;
                }
            }
        }
        return new PolicyCondition(op, qualifier, ifExists, key, contextKey, values, networks);
    }

    public bool IsSatisfied(in AuthorizationRequest r)
    {
        if (_operator == ConditionOperator.Null)
        {
            var present = IsPresent(r);
            foreach (var v in _values)
            {
                var wantAbsent = string.Equals(v, "true", StringComparison.OrdinalIgnoreCase);
                if (wantAbsent != present)
                {
                    return true;
                }
            }
            return false;
        }

        if (_qualifier == SetQualifier.None && !IsMultiValued(_key))
        {
            var value = Single(r);
            if (value is null)
            {
                return _ifExists || _negated;
            }
            return _negated ^ AnyPolicyValueMatches(value);
        }

        var values = Multi(r);
        if (values is null || values.Count == 0)
        {
            return _ifExists || _qualifier == SetQualifier.ForAllValues || (_qualifier == SetQualifier.None && _negated);
        }
        switch (_qualifier)
        {
            case SetQualifier.ForAllValues:
                foreach (var v in values)
                {
                    if (_negated == AnyPolicyValueMatches(v))
                    {
                        return false;
                    }
                }
                return true;
            case SetQualifier.ForAnyValue:
                foreach (var v in values)
                {
                    if (_negated != AnyPolicyValueMatches(v))
                    {
                        return true;
                    }
                }
                return false;
            default:
                foreach (var v in values)
                {
                    if (AnyPolicyValueMatches(v))
                    {
                        return !_negated;
                    }
                }
                return _negated;
        }
    }

    private static bool IsMultiValued(ConditionKey key) =>
        key is ConditionKey.EncryptionContextKeys or ConditionKey.GrantOperations or ConditionKey.GrantConstraintType;

    private bool AnyPolicyValueMatches(string actual)
    {
        for (var i = 0; i < _values.Length; i++)
        {
            if (Matches(i, actual))
            {
                return true;
            }
        }
        return false;
    }

    private bool Matches(int index, string actual)
    {
        var expected = _values[index];
        switch (_operator)
        {
            case ConditionOperator.StringEquals:
            case ConditionOperator.StringNotEquals:
            case ConditionOperator.ArnEquals:
            case ConditionOperator.ArnNotEquals:
                return string.Equals(expected, actual, StringComparison.Ordinal);
            case ConditionOperator.StringEqualsIgnoreCase:
            case ConditionOperator.StringNotEqualsIgnoreCase:
                return string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase);
            case ConditionOperator.StringLike:
            case ConditionOperator.StringNotLike:
            case ConditionOperator.ArnLike:
            case ConditionOperator.ArnNotLike:
                return Wildcard.Match(expected, actual, ignoreCase: false);
            case ConditionOperator.Bool:
                return string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase);
            case ConditionOperator.IpAddress:
            case ConditionOperator.NotIpAddress:
                return IPAddress.TryParse(actual, out var ip) && _networks![index].Contains(ip);
            default:
                if (!double.TryParse(expected, NumberStyles.Float, CultureInfo.InvariantCulture, out var e)
                    || !double.TryParse(actual, NumberStyles.Float, CultureInfo.InvariantCulture, out var a))
                {
                    return false;
                }
                return _operator switch
                {
                    ConditionOperator.NumericEquals or ConditionOperator.NumericNotEquals => a == e,
                    ConditionOperator.NumericLessThan => a < e,
                    ConditionOperator.NumericLessThanEquals => a <= e,
                    ConditionOperator.NumericGreaterThan => a > e,
                    _ => a >= e,
                };
        }
    }

    private bool IsPresent(in AuthorizationRequest r) =>
        IsMultiValued(_key) ? Multi(r) is { Count: > 0 } : Single(r) is not null;

    private string? Single(in AuthorizationRequest r) => _key switch
    {
        ConditionKey.EncryptionContext => r.Context is { } c && c.TryGetValue(_contextKey!, out var v) ? v : null,
        ConditionKey.CallerAccount => r.AccountId,
        ConditionKey.ViaService => r.ViaService,
        ConditionKey.GrantIsForAwsResource => IsGrantAction(r.Action) ? (r.ViaService is not null ? "true" : "false") : null,
        ConditionKey.GranteePrincipal => r.Grant?.GranteePrincipal,
        ConditionKey.RetiringPrincipal => r.Grant?.RetiringPrincipal,
        ConditionKey.PrincipalArn => r.PrincipalArn,
        ConditionKey.PrincipalAccount => r.AccountId,
        ConditionKey.KeySpec => r.Key?.KeySpec,
        ConditionKey.KeyUsage => r.Key?.KeyUsage,
        ConditionKey.KeyOrigin => r.Key?.Origin,
        ConditionKey.MultiRegion => r.Key is null ? null : r.Key.IsMultiRegion ? "true" : "false",
        // Present only for a multi-Region key (condition keys reference: "PRIMARY" or "REPLICA").
        ConditionKey.MultiRegionKeyType => r.Key is not { IsMultiRegion: true } k ? null : k.IsPrimary ? "PRIMARY" : "REPLICA",
        // Request values of ReplicateKey and UpdatePrimaryRegion only (condition keys reference).
        ConditionKey.ReplicaRegion => r.Action == "kms:ReplicateKey" ? r.RequestRegion : null,
        ConditionKey.PrimaryRegion => r.Action == "kms:UpdatePrimaryRegion" ? r.RequestRegion : null,
        ConditionKey.BypassPolicyLockoutSafetyCheck => r.BypassLockoutCheck is { } b ? (b ? "true" : "false") : null,
        ConditionKey.SourceIp => r.Caller.SourceIp,
        _ => null,
    };

    private IReadOnlyCollection<string>? Multi(in AuthorizationRequest r)
    {
        switch (_key)
        {
            case ConditionKey.EncryptionContextKeys:
                return r.Context is { Count: > 0 } c ? c.Keys.ToArray() : null;
            case ConditionKey.GrantOperations:
                return r.Grant?.Operations as IReadOnlyCollection<string> ?? r.Grant?.Operations.ToArray();
            case ConditionKey.GrantConstraintType:
                var types = new List<string>(2);
                if (r.Grant?.Constraints?.EncryptionContextEquals is not null)
                {
                    types.Add("EncryptionContextEquals");
                }
                if (r.Grant?.Constraints?.EncryptionContextSubset is not null)
                {
                    types.Add("EncryptionContextSubset");
                }
                return types;
            default:
                return Single(r) is { } single ? [single] : null;
        }
    }

    /// <summary>kms:GrantIsForAWSResource exists only in CreateGrant, ListGrants and RevokeGrant requests.</summary>
    private static bool IsGrantAction(string action) =>
        action is "kms:CreateGrant" or "kms:ListGrants" or "kms:RevokeGrant";
}
