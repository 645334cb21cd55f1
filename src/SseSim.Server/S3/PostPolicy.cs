using System.Globalization;
using System.Text;
using System.Text.Json;
using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>
/// The policy document of a browser-based POST upload (AWS "Creating a POST policy"): base64 JSON with an
/// "expiration" (ISO 8601 UTC) and "conditions" — {"field": "value"} (exact), ["eq", "$field", "value"],
/// ["starts-with", "$field", "prefix"] and ["content-length-range", min, max]. Condition operators and field names
/// are case-insensitive; values are not. A malformed document is 400 InvalidPolicyDocument; a request that does not
/// satisfy it is 403 AccessDenied "Invalid according to Policy: …".
/// </summary>
internal sealed class PostPolicy
{
    private readonly List<(string Operator, string Field, string Value, string Text)> _conditions = [];

    private PostPolicy(DateTimeOffset expiration) => Expiration = expiration;

    public DateTimeOffset Expiration { get; }

    /// <summary>content-length-range bounds on the file size, when the policy has one.</summary>
    public (long Min, long Max)? LengthRange { get; private set; }

    public static PostPolicy Parse(string base64)
    {
        byte[] json;
        try
        {
            json = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            throw Invalid("Invalid Policy: Invalid Base64 encoding.");
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            throw Invalid("Invalid Policy: Invalid JSON.");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("Invalid Policy: Invalid JSON.");
            }
            // Both names are case-sensitive: "EXPIRATION" is not an expiration.
            if (!root.TryGetProperty("expiration", out var expiration))
            {
                throw Invalid("Invalid Policy: Policy missing expiration.");
            }
            if (expiration.ValueKind != JsonValueKind.String
                || !DateTimeOffset.TryParseExact(expiration.GetString(), ["yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'"],
                    CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var expires))
            {
                throw Invalid($"Invalid Policy: Invalid 'expiration' value: '{(expiration.ValueKind == JsonValueKind.String ? expiration.GetString() : expiration.GetRawText())}'");
            }
            if (!root.TryGetProperty("conditions", out var conditions) || conditions.ValueKind != JsonValueKind.Array)
            {
                throw Invalid("Invalid Policy: Policy missing conditions.");
            }
            var policy = new PostPolicy(expires);
            foreach (var condition in conditions.EnumerateArray())
            {
                policy.Add(condition);
            }
            return policy;
        }
    }

    private void Add(JsonElement condition)
    {
        var text = condition.GetRawText();
        if (condition.ValueKind == JsonValueKind.Object)
        {
            var count = 0;
            foreach (var property in condition.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.String)
                {
                    throw Invalid($"Invalid Policy: Invalid Simple-Condition: value must be a string: {text}");
                }
                _conditions.Add(("eq", property.Name.ToLowerInvariant(), property.Value.GetString()!, text));
                count++;
            }
            if (count != 1)
            {
                throw Invalid("Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.");
            }
            return;
        }
        if (condition.ValueKind != JsonValueKind.Array || condition.GetArrayLength() == 0 || condition[0].ValueKind != JsonValueKind.String)
        {
            throw Invalid($"Invalid Policy: Invalid Condition: {text}");
        }
        var op = condition[0].GetString()!.ToLowerInvariant();
        if (op == "content-length-range")
        {
            if (condition.GetArrayLength() != 3)
            {
                throw Invalid($"Invalid Policy: Invalid content-length-range Condition: {text}");
            }
            if (!Length(condition[1], out var min) || !Length(condition[2], out var max))
            {
                // A negative bound makes the document invalid (ceph/s3-tests); a bound that is no number at all only
                // fails the condition, once the policy is otherwise checked (recorded from AWS).
                if (Numeric(condition[1]) && Numeric(condition[2]))
                {
                    throw Invalid($"Invalid Policy: Invalid content-length-range Condition: {text}");
                }
                _conditions.Add((NeverHolds, "", "", text));
                return;
            }
            LengthRange = (min, max);
            return;
        }
        if (op is not ("eq" or "starts-with") || condition.GetArrayLength() != 3
            || condition[1].ValueKind != JsonValueKind.String || condition[2].ValueKind != JsonValueKind.String)
        {
            throw Invalid($"Invalid Policy: Invalid Condition: {text}");
        }
        var field = condition[1].GetString()!;
        if (!field.StartsWith('$'))
        {
            // S3 evaluates such a condition and fails it (recorded from AWS), rather than rejecting the document.
            _conditions.Add((NeverHolds, "", "", text));
            return;
        }
        _conditions.Add((op, field[1..].ToLowerInvariant(), condition[2].GetString()!, text));
    }

    private static bool Numeric(JsonElement value) => value.ValueKind == JsonValueKind.Number
        || (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _));

    private static bool Length(JsonElement value, out long length)
    {
        length = -1;
        var ok = value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetInt64(out length),
            JsonValueKind.String => long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out length),
            _ => false,
        };
        return ok && length >= 0;
    }

    /// <summary>Throws AccessDenied unless the policy is unexpired, every condition holds and covers every form field.</summary>
    /// <param name="fields">Form fields by lower-case name (the key with ${filename} already substituted in <paramref name="key"/>).</param>
    public void Check(IReadOnlyDictionary<string, string> fields, string bucket, string rawKey, string key, DateTimeOffset now)
    {
        if (now >= Expiration)
        {
            throw Denied("Invalid according to Policy: Policy expired.");
        }
        var covered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (op, field, expected, text) in _conditions)
        {
            covered.Add(field);
            var holds = field switch
            {
                "bucket" => Holds(op, bucket, expected, field),
                "key" => Holds(op, rawKey, expected, field) || Holds(op, key, expected, field),
                _ => fields.TryGetValue(field, out var actual) && Holds(op, actual, expected, field),
            };
            if (!holds)
            {
                throw Denied($"Invalid according to Policy: Policy Condition failed: {text}");
            }
        }
        var extra = fields.Keys.Where(f => !covered.Contains(f) && !Exempt(f)).Order(StringComparer.Ordinal).ToList();
        if (extra.Count > 0)
        {
            throw Denied("Invalid according to Policy: Extra input fields: " + string.Join(", ", extra));
        }
    }

    // Fields that never need a condition: the signature itself, the policy, the file and x-ignore-* (AWS), and
    // success_action_status, which s3-tests (validated against AWS) sends without one.
    private static bool Exempt(string field) =>
        field is "policy" or "file" or "signature" or "awsaccesskeyid" or "x-amz-signature" or "success_action_status"
        || field.StartsWith("x-ignore-", StringComparison.Ordinal);

    /// <summary>The operator of a condition S3 accepts in the document but fails when checking the form.</summary>
    private const string NeverHolds = "never";

    private static bool Holds(string op, string actual, string expected, string field)
    {
        if (op == NeverHolds)
        {
            return false;
        }
        if (op == "eq")
        {
            return string.Equals(actual, expected, StringComparison.Ordinal);
        }
        // Content-Type may list several types, each of which must match (AWS).
        return field == "content-type"
            ? actual.Split(',').All(v => v.Trim().StartsWith(expected, StringComparison.Ordinal))
            : actual.StartsWith(expected, StringComparison.Ordinal);
    }

    private static S3Exception Invalid(string message) => new("InvalidPolicyDocument", message, 400);

    private static S3Exception Denied(string message) => new(S3ErrorCode.AccessDenied, message, 403);
}
