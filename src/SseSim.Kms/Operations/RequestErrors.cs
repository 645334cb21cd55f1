using System.Text;
using System.Text.RegularExpressions;

namespace SseSim.Kms.Operations;

/// <summary>
/// A request that states its API-model constraints (botocore kms/2014-11-01 service-2.json: required members,
/// length and value ranges, patterns, enums). <see cref="KmsService"/> checks them all before the handler runs,
/// as AWS's front door does, so every violation is reported at once: "2 validation errors detected: ...; ...".
/// </summary>
public interface IValidatedRequest
{
    /// <summary>Records each violated constraint, in model member order.</summary>
    void Validate(ref RequestErrors errors);
}

/// <summary>
/// Collects constraint violations in AWS's wording. Allocation-free while nothing fails: the list exists only once
/// there is something to report.
/// </summary>
public struct RequestErrors
{
    private List<string>? _errors;

    public readonly bool Any => _errors is not null;

    public readonly int Count => _errors?.Count ?? 0;

    /// <summary>Checks a request against its model constraints; throws one ValidationException naming every violation.</summary>
    public static void Check(object request)
    {
        if (request is IValidatedRequest validated)
        {
            var errors = default(RequestErrors);
            validated.Validate(ref errors);
            errors.ThrowIfAny();
        }
    }

    public readonly void ThrowIfAny()
    {
        if (_errors is { } errors)
        {
            throw KmsException.Validation(Format(errors));
        }
    }

    /// <summary>AWS's front-door message: "1 validation error detected: X" or "N validation errors detected: X; Y".</summary>
    public static string Format(IReadOnlyList<string> errors) =>
        $"{errors.Count} validation error{(errors.Count == 1 ? "" : "s")} detected: {string.Join("; ", errors)}";

    public bool Required(object? value, string member)
    {
        if (value is null)
        {
            Add($"Value null at '{member}' failed to satisfy constraint: Member must not be null");
            return false;
        }
        return true;
    }

    /// <summary>A sensitive member's value is never echoed: AWS prints a placeholder in its place.</summary>
    public void String(string? value, string member, int min, int max, bool required = false, ModelPattern? pattern = null, bool sensitive = false)
    {
        if (value is null)
        {
            if (required)
            {
                Required(value, member);
            }
            return;
        }
        var shown = sensitive ? "*** Sensitive Data Redacted ***" : value;
        if (LengthViolation(value.Length, min, max) is { } length)
        {
            Violation(shown, member, length);
        }
        if (pattern is not null && !pattern.IsMatch(value))
        {
            Violation(shown, member, pattern.Constraint);
        }
    }

    /// <summary>AWS prints no value for blob members.</summary>
    public void Blob(byte[]? value, string member, int min, int max, bool required = false)
    {
        if (value is null)
        {
            if (required)
            {
                Required(value, member);
            }
            return;
        }
        if (LengthViolation(value.Length, min, max) is { } length)
        {
            Add($"Value at '{member}' failed to satisfy constraint: Member must {length}");
        }
    }

    public void Range(int? value, string member, int min, int max, bool required = false)
    {
        if (value is not { } v)
        {
            if (required)
            {
                Required(value, member);
            }
            return;
        }
        if (v < min || v > max)
        {
            Violation(v.ToString(System.Globalization.CultureInfo.InvariantCulture), member,
                v < min ? $"have value greater than or equal to {min}" : $"have value less than or equal to {max}");
        }
    }

    public void Enum(string? value, string member, string[] allowed, bool required = false)
    {
        if (value is null)
        {
            if (required)
            {
                Required(value, member);
            }
            return;
        }
        if (Array.IndexOf(allowed, value) < 0)
        {
            Violation(value, member, EnumConstraint(allowed));
        }
    }

    /// <summary>A list of strings: its own length, then each member's constraints, reported for the whole list as AWS does.</summary>
    public void StringList(IReadOnlyList<string>? value, string member, int listMin, int listMax, int itemMin, int itemMax, bool required = false)
    {
        if (value is null)
        {
            if (required)
            {
                Required(value, member);
            }
            return;
        }
        if (LengthViolation(value.Count, listMin, listMax) is { } length)
        {
            Violation(ListText(value), member, length);
        }
        List<string>? failed = null;
        for (var i = 0; i < value.Count; i++)
        {
            var item = value[i];
            if (item is null)
            {
                (failed ??= []).Add("Member must not be null");
            }
            else if (LengthViolation(item.Length, itemMin, itemMax) is { } itemLength)
            {
                (failed ??= []).Add("Member must " + itemLength);
            }
        }
        if (failed is not null)
        {
            Violation(ListText(value), member, $"satisfy constraint: [{string.Join(", ", failed.Distinct())}]");
        }
    }

    public void EnumList(IReadOnlyList<string>? value, string member, string[] allowed, bool required = false)
    {
        if (value is null)
        {
            if (required)
            {
                Required(value, member);
            }
            return;
        }
        for (var i = 0; i < value.Count; i++)
        {
            if (value[i] is not { } item || Array.IndexOf(allowed, item) < 0)
            {
                Violation(ListText(value), member, $"satisfy constraint: [Member must {EnumConstraint(allowed)}]");
                return;
            }
        }
    }

    /// <summary>The TagList shape: each Tag's required TagKey (1..128) and TagValue (0..256), addressed "tags.N.member.tagKey".</summary>
    public void Tags(IReadOnlyList<Tag>? value, string member, bool required = false)
    {
        if (value is null)
        {
            if (required)
            {
                Required(value, member);
            }
            return;
        }
        for (var i = 0; i < value.Count; i++)
        {
            var prefix = $"{member}.{i + 1}.member";
            if (value[i] is not { } tag)
            {
                Required(null, prefix);
                continue;
            }
            String(tag.TagKey, prefix + ".tagKey", 1, 128, required: true);
            String(tag.TagValue, prefix + ".tagValue", 0, 256, required: true);
        }
    }

    public void Add(string error) => (_errors ??= []).Add(error);

    private void Violation(string value, string member, string constraint) =>
        Add($"Value '{value}' at '{member}' failed to satisfy constraint: Member must {constraint}");

    private static string? LengthViolation(int length, int min, int max) =>
        length < min ? $"have length greater than or equal to {min}"
        : length > max ? $"have length less than or equal to {max}"
        : null;

    private static string EnumConstraint(string[] allowed) => $"satisfy enum value set: [{string.Join(", ", allowed)}]";

    private static string ListText(IReadOnlyList<string> value)
    {
        var text = new StringBuilder("[");
        for (var i = 0; i < value.Count; i++)
        {
            text.Append(i == 0 ? "" : ", ").Append(value[i] ?? "null");
        }
        return text.Append(']').ToString();
    }
}

/// <summary>
/// A model pattern, matched as AWS matches it: against the whole value (Java's <c>matches</c>), with Java's ASCII-only
/// <c>\w</c>, <c>\d</c> and <c>\s</c> (ECMAScript mode).
/// </summary>
public sealed class ModelPattern(string pattern)
{
    private readonly Regex _regex = new($"^(?:{pattern})$", RegexOptions.ECMAScript);

    public string Constraint { get; } = "satisfy regular expression pattern: " + pattern;

    public bool IsMatch(string value) => _regex.IsMatch(value);
}
