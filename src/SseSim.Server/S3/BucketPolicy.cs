using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SseSim.Server.S3;

/// <summary>
/// Evaluates the Deny statements of a bucket policy (SseSim has no IAM, so the bucket owner's account is always
/// allowed and only an explicit Deny can refuse a request). Enough of the policy language for the SSE enforcement
/// patterns of reference/s3.md §1.3: Action/NotAction and Resource/NotResource globs, Principal, and the String*,
/// Null and Bool condition operators (with IfExists, and the ForAnyValue:/ForAllValues: set qualifiers). A statement using an unsupported operator never matches.
/// </summary>
internal sealed class BucketPolicy
{
    private static readonly ConcurrentDictionary<string, BucketPolicy> Cache = new(StringComparer.Ordinal);
    private readonly List<Statement> _denies;

    private BucketPolicy(List<Statement> denies) => _denies = denies;

    private sealed record Statement(
        string? Sid,
        List<string>? Principals,
        List<string>? Actions,
        List<string>? NotActions,
        List<string>? Resources,
        List<string>? NotResources,
        List<(string Operator, string Key, List<string> Values)> Conditions);

    public static BucketPolicy Parse(string json)
    {
        if (Cache.TryGetValue(json, out var cached))
        {
            return cached;
        }
        using var doc = JsonDocument.Parse(json);
        var statements = doc.RootElement.GetProperty("Statement");
        var denies = new List<Statement>();
        foreach (var s in statements.ValueKind == JsonValueKind.Array ? statements.EnumerateArray() : Enumerable.Repeat(statements, 1))
        {
            if (!s.TryGetProperty("Effect", out var effect) || effect.GetString() != "Deny")
            {
                continue;
            }
            var conditions = new List<(string, string, List<string>)>();
            if (s.TryGetProperty("Condition", out var condition) && condition.ValueKind == JsonValueKind.Object)
            {
                foreach (var op in condition.EnumerateObject())
                {
                    foreach (var key in op.Value.EnumerateObject())
                    {
                        conditions.Add((op.Name, key.Name, Strings(key.Value) ?? []));
                    }
                }
            }
            denies.Add(new Statement(
                s.TryGetProperty("Sid", out var sid) ? sid.GetString() : null,
                s.TryGetProperty("Principal", out var principal) ? Principals(principal) : null,
                Strings(s, "Action"),
                Strings(s, "NotAction"),
                Strings(s, "Resource"),
                Strings(s, "NotResource"),
                conditions));
        }
        var policy = new BucketPolicy(denies);
        if (Cache.Count < 1024)
        {
            Cache[json] = policy;
        }
        return policy;
    }

    /// <summary>
    /// Whether the policy is public by S3's rules ("The meaning of public" in the S3 User Guide), which BlockPublicPolicy
    /// refuses and GetBucketPolicyStatus reports: some Allow statement is for every principal ("*" or {"AWS": "*"}) and
    /// none of its conditions pins it down. A condition pins it down when it limits aws:SourceIp to CIDR blocks narrower
    /// than the whole address space, or compares one of <see cref="FixedValueKeys"/> for equality with fixed values (no
    /// wildcard, no policy variable). Conditions that only apply when the key is present (…IfExists) or that exclude
    /// values (…Not…) pin nothing down.
    /// </summary>
    public static bool IsPublic(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var statements = doc.RootElement.GetProperty("Statement");
        return (statements.ValueKind == JsonValueKind.Array ? statements.EnumerateArray() : Enumerable.Repeat(statements, 1)).Any(s =>
            s.TryGetProperty("Effect", out var effect) && effect.ValueKind == JsonValueKind.String && effect.GetString() == "Allow"
            && s.TryGetProperty("Principal", out var principal) && Principals(principal)?.Contains("*") == true
            && !(s.TryGetProperty("Condition", out var condition) && condition.ValueKind == JsonValueKind.Object
                && condition.EnumerateObject().Any(op => op.Value.ValueKind == JsonValueKind.Object
                    && op.Value.EnumerateObject().Any(key => PinsDown(op.Name, key.Name, Strings(key.Value) ?? [])))));
    }

    /// <summary>
    /// The condition keys S3 lists as making an Allow for "*" non-public when fixed (S3 User Guide, "The meaning of
    /// public"; the organization and principal keys name the caller as firmly as a fixed principal does).
    /// </summary>
    private static readonly HashSet<string> FixedValueKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "aws:SourceArn", "aws:SourceVpc", "aws:SourceVpce", "aws:SourceOwner", "aws:SourceAccount", "aws:userid",
        "s3:x-amz-server-side-encryption-aws-kms-key-id", "aws:PrincipalOrgID", "aws:PrincipalAccount", "aws:PrincipalArn",
        "aws:SourceOrgID",
    };

    private static readonly HashSet<string> EqualityOperators = new(StringComparer.Ordinal)
    {
        "StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike",
    };

    private static bool PinsDown(string op, string key, List<string> values)
    {
        var bare = op.StartsWith("ForAnyValue:", StringComparison.Ordinal) ? op["ForAnyValue:".Length..]
            : op.StartsWith("ForAllValues:", StringComparison.Ordinal) ? op["ForAllValues:".Length..]
            : op;
        if (values.Count == 0)
        {
            return false;
        }
        if (key.Equals("aws:SourceIp", StringComparison.OrdinalIgnoreCase))
        {
            return bare == "IpAddress" && values.All(v => !v.EndsWith("/0", StringComparison.Ordinal));
        }
        return EqualityOperators.Contains(bare) && FixedValueKeys.Contains(key)
            && values.All(v => v.Length > 0 && v.IndexOfAny(['*', '?']) < 0 && !v.Contains("${", StringComparison.Ordinal));
    }

    /// <summary>True when an explicit Deny applies to <paramref name="action"/> on <paramref name="resource"/> for this request context.</summary>
    /// <param name="multiValued">Multivalued condition keys (s3:RequestObjectTagKeys), matched only through ForAnyValue:/ForAllValues:.</param>
    public bool Denies(string action, string resource, string principalArn, IReadOnlyDictionary<string, string> context,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? multiValued = null)
    {
        foreach (var s in _denies)
        {
            if (s.Principals is { } p && !p.Any(x => x == "*" || x == principalArn || principalArn.StartsWith(x.Replace(":root", ":", StringComparison.Ordinal), StringComparison.Ordinal)))
            {
                continue;
            }
            if (s.Actions is { } actions && !actions.Any(a => Glob(a, action, ignoreCase: true)))
            {
                continue;
            }
            if (s.NotActions is { } notActions && notActions.Any(a => Glob(a, action, ignoreCase: true)))
            {
                continue;
            }
            if (s.Resources is { } resources && !resources.Any(r => Glob(r, resource, ignoreCase: false)))
            {
                continue;
            }
            if (s.NotResources is { } notResources && notResources.Any(r => Glob(r, resource, ignoreCase: false)))
            {
                continue;
            }
            if (s.Conditions.All(c => ConditionHolds(c.Operator, c.Key, c.Values, context, multiValued)))
            {
                return true;
            }
        }
        return false;
    }

    private const string ForAnyValue = "ForAnyValue:";
    private const string ForAllValues = "ForAllValues:";

    private static bool ConditionHolds(string op, string key, List<string> expected, IReadOnlyDictionary<string, string> context,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? multiValued)
    {
        var qualifier = op.StartsWith(ForAnyValue, StringComparison.Ordinal) ? ForAnyValue
            : op.StartsWith(ForAllValues, StringComparison.Ordinal) ? ForAllValues : null;
        var unqualified = qualifier is null ? op : op[qualifier.Length..];
        var ifExists = unqualified.EndsWith("IfExists", StringComparison.Ordinal);
        var baseOp = ifExists ? unqualified[..^"IfExists".Length] : unqualified;
        var name = key.ToLowerInvariant();
        IReadOnlyList<string>? actual = multiValued?.TryGetValue(name, out var many) == true ? many
            : context.TryGetValue(name, out var one) ? [one] : null;
        var present = actual is { Count: > 0 };
        if (baseOp == "Null")
        {
            var wantAbsent = expected.Any(v => v.Equals("true", StringComparison.OrdinalIgnoreCase));
            return wantAbsent ? !present : present;
        }
        if (qualifier is null)
        {
            if (multiValued?.ContainsKey(name) == true)
            {
                return false; // a multivalued key needs a set operator; without one the statement does not match
            }
            // AWS: a missing key fails positive operators and satisfies negated ones; IfExists makes it pass.
            return present ? Compare(baseOp, actual![0], expected) : ifExists || baseOp.Contains("Not", StringComparison.Ordinal);
        }
        if (!present)
        {
            // An empty or missing set: ForAllValues holds vacuously, ForAnyValue has no value that could match.
            return qualifier == ForAllValues || ifExists;
        }
        return qualifier == ForAnyValue
            ? actual!.Any(v => Compare(baseOp, v, expected))
            : actual!.All(v => Compare(baseOp, v, expected));
    }

    /// <summary>One request value against the statement's values (any of them for positive operators, none for negated ones).</summary>
    private static bool Compare(string baseOp, string actual, List<string> expected) => baseOp switch
    {
        "StringEquals" => expected.Any(v => v == actual),
        "StringNotEquals" => expected.All(v => v != actual),
        "StringEqualsIgnoreCase" => expected.Any(v => v.Equals(actual, StringComparison.OrdinalIgnoreCase)),
        "StringNotEqualsIgnoreCase" => expected.All(v => !v.Equals(actual, StringComparison.OrdinalIgnoreCase)),
        "StringLike" => expected.Any(v => Glob(v, actual, ignoreCase: false)),
        "StringNotLike" => expected.All(v => !Glob(v, actual, ignoreCase: false)),
        "Bool" => expected.Any(v => v.Equals(actual, StringComparison.OrdinalIgnoreCase)),
        _ => false,
    };

    private static bool Glob(string pattern, string value, bool ignoreCase)
    {
        if (pattern == "*")
        {
            return true;
        }
        var regex = "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$";
        return Regex.IsMatch(value, regex, (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None) | RegexOptions.Singleline | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
    }

    private static List<string>? Strings(JsonElement statement, string name) =>
        statement.TryGetProperty(name, out var value) ? Strings(value) : null;

    private static List<string>? Strings(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => [value.GetString()!],
        JsonValueKind.Array => value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText()).ToList(),
        JsonValueKind.True => ["true"],
        JsonValueKind.False => ["false"],
        JsonValueKind.Number => [value.GetRawText()],
        _ => null,
    };

    private static List<string>? Principals(JsonElement principal) => principal.ValueKind switch
    {
        JsonValueKind.String => [principal.GetString()!],
        JsonValueKind.Object when principal.TryGetProperty("AWS", out var aws) => Strings(aws),
        _ => null,
    };
}
