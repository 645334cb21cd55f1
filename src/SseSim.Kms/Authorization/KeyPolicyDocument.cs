using System.Text.Json;
using System.Text.RegularExpressions;

namespace SseSim.Kms.Authorization;

public enum PolicyDecision
{
    /// <summary>No statement applies: the caller needs a grant.</summary>
    NotApplicable,
    Allow,
    Deny,
}

/// <summary>
/// A key policy parsed once into matchers (IAM JSON policy grammar as key policies use it). Evaluation walks the
/// statements with the request and allocates nothing for the usual principal/action/resource/condition shapes.
/// </summary>
public sealed partial class KeyPolicyDocument
{
    private static readonly HashSet<string> TopLevel = ["Version", "Id", "Statement"];
    private static readonly HashSet<string> StatementElements =
        ["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"];

    private readonly PolicyStatement[] _statements;

    private KeyPolicyDocument(PolicyStatement[] statements) => _statements = statements;

    /// <summary>A policy that allows nothing, for a stored policy that can no longer be read.</summary>
    public static KeyPolicyDocument Empty { get; } = new([]);

    public int StatementCount => _statements.Length;

    public PolicyDecision Evaluate(in AuthorizationRequest request)
    {
        var allowed = false;
        foreach (var s in _statements)
        {
            if ((!allowed || !s.Allow) && s.Applies(request))
            {
                if (!s.Allow)
                {
                    return PolicyDecision.Deny;
                }
                allowed = true;
            }
        }
        return allowed ? PolicyDecision.Allow : PolicyDecision.NotApplicable;
    }

    [GeneratedRegex(@"^(\d{12}|arn:aws[a-z-]*:iam::\d{12}:(root|user/.+|role/.+|group/.+)|arn:aws[a-z-]*:sts::\d{12}:(assumed-role|federated-user)/.+)$")]
    private static partial Regex AwsPrincipalPattern();

    [GeneratedRegex(@"^arn:aws[a-z-]*:iam::(\d{12}):root$")]
    private static partial Regex RootArnPattern();

    /// <summary>Parses and checks the grammar; throws MalformedPolicyDocumentException with the reason.</summary>
    public static KeyPolicyDocument Parse(string policy)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(policy, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException)
        {
            throw Malformed("The policy is not valid JSON.");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Malformed("The policy must be a JSON object.");
            }
            JsonElement? statementElement = null;
            foreach (var p in root.EnumerateObject())
            {
                if (!TopLevel.Contains(p.Name))
                {
                    throw Malformed($"Policy contains an unsupported element: {p.Name}.");
                }
                if (p.Name == "Version" && (p.Value.ValueKind != JsonValueKind.String || p.Value.GetString() is not ("2012-10-17" or "2008-10-17")))
                {
                    throw Malformed("The policy document has an invalid Version; use \"2012-10-17\".");
                }
                if (p.Name == "Id" && p.Value.ValueKind != JsonValueKind.String)
                {
                    throw Malformed("The policy Id must be a string.");
                }
                if (p.Name == "Statement")
                {
                    statementElement = p.Value;
                }
            }
            if (statementElement is not { } statements)
            {
                throw Malformed("The policy is missing the required Statement element.");
            }
            var parsed = new List<PolicyStatement>();
            if (statements.ValueKind == JsonValueKind.Object)
            {
                parsed.Add(ParseStatement(statements));
            }
            else if (statements.ValueKind == JsonValueKind.Array && statements.GetArrayLength() > 0)
            {
                foreach (var s in statements.EnumerateArray())
                {
                    parsed.Add(ParseStatement(s));
                }
            }
            else
            {
                throw Malformed("The policy Statement must be an object or a non-empty array of objects.");
            }
            return new KeyPolicyDocument(parsed.ToArray());
        }
    }

    private static PolicyStatement ParseStatement(JsonElement s)
    {
        if (s.ValueKind != JsonValueKind.Object)
        {
            throw Malformed("Each policy statement must be a JSON object.");
        }
        string? effect = null;
        JsonElement? principal = null, actions = null, resources = null, condition = null;
        bool notPrincipal = false, notAction = false, notResource = false;
        foreach (var p in s.EnumerateObject())
        {
            if (!StatementElements.Contains(p.Name))
            {
                throw Malformed($"Policy contains a statement with an unsupported element: {p.Name}.");
            }
            switch (p.Name)
            {
                case "Sid":
                    if (p.Value.ValueKind != JsonValueKind.String)
                    {
                        throw Malformed("The statement Sid must be a string.");
                    }
                    break;
                case "Effect":
                    effect = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : null;
                    break;
                case "Principal" or "NotPrincipal":
                    if (principal is not null)
                    {
                        throw Malformed("A statement cannot have both Principal and NotPrincipal.");
                    }
                    principal = p.Value;
                    notPrincipal = p.Name == "NotPrincipal";
                    break;
                case "Action" or "NotAction":
                    if (actions is not null)
                    {
                        throw Malformed("A statement cannot have both Action and NotAction.");
                    }
                    actions = p.Value;
                    notAction = p.Name == "NotAction";
                    break;
                case "Resource" or "NotResource":
                    if (resources is not null)
                    {
                        throw Malformed("A statement cannot have both Resource and NotResource.");
                    }
                    resources = p.Value;
                    notResource = p.Name == "NotResource";
                    break;
                case "Condition":
                    condition = p.Value;
                    break;
            }
        }
        if (effect is not ("Allow" or "Deny"))
        {
            throw Malformed("Policy contains a statement with an invalid Effect; it must be \"Allow\" or \"Deny\".");
        }
        if (principal is null)
        {
            throw Malformed("Policy contains a statement with no principal.");
        }

        return new PolicyStatement(
            effect == "Allow",
            ParsePrincipal(principal.Value),
            notPrincipal,
            // A statement without Action or Resource is accepted but has no effect (PutKeyPolicy model doc).
            actions is null ? null : StringList(actions.Value, "Action"),
            notAction,
            resources is null ? null : StringList(resources.Value, "Resource"),
            notResource,
            condition is null ? [] : ParseConditions(condition.Value));
    }

    private static PrincipalSet ParsePrincipal(JsonElement e)
    {
        var set = new PrincipalSet();
        if (e.ValueKind == JsonValueKind.String)
        {
            if (e.GetString() != "*")
            {
                throw InvalidPrincipals();
            }
            set.Any = true;
            return set;
        }
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw InvalidPrincipals();
        }
        foreach (var p in e.EnumerateObject())
        {
            var values = StringList(p.Value, "Principal");
            switch (p.Name)
            {
                case "AWS":
                    foreach (var v in values)
                    {
                        if (v == "*")
                        {
                            set.Any = true;
                        }
                        else if (!AwsPrincipalPattern().IsMatch(v))
                        {
                            throw InvalidPrincipals();
                        }
                        else if (v.Length == 12)
                        {
                            set.Accounts.Add(v);
                        }
                        else if (RootArnPattern().Match(v) is { Success: true } m)
                        {
                            set.Accounts.Add(m.Groups[1].Value);
                        }
                        else
                        {
                            set.Arns.Add(v);
                        }
                    }
                    break;
                case "Service":
                case "Federated":
                case "CanonicalUser":
                    // Accepted but never matched: SseSim callers are always IAM identities of an account.
                    if (values.Any(string.IsNullOrWhiteSpace))
                    {
                        throw InvalidPrincipals();
                    }
                    break;
                default:
                    throw InvalidPrincipals();
            }
        }
        return set;
    }

    private static PolicyCondition[] ParseConditions(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw Malformed("The statement Condition must be a JSON object.");
        }
        var result = new List<PolicyCondition>();
        foreach (var op in e.EnumerateObject())
        {
            if (op.Value.ValueKind != JsonValueKind.Object)
            {
                throw Malformed($"The condition operator {op.Name} must map condition keys to values.");
            }
            foreach (var key in op.Value.EnumerateObject())
            {
                var values = StringList(key.Value, "Condition");
                result.Add(PolicyCondition.Create(op.Name, key.Name, values)
                    ?? throw Malformed($"Policy contains an invalid condition operator: {op.Name}."));
            }
        }
        return result.ToArray();
    }

    /// <summary>A string or an array of strings; condition values may also be booleans or numbers (IAM reads them as strings).</summary>
    private static string[] StringList(JsonElement e, string element)
    {
        static string? Scalar(JsonElement v) => v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        };
        var allowScalars = element == "Condition";
        if (e.ValueKind == JsonValueKind.Array)
        {
            var list = new List<string>();
            foreach (var item in e.EnumerateArray())
            {
                var s = (allowScalars ? Scalar(item) : item.ValueKind == JsonValueKind.String ? item.GetString() : null)
                    ?? throw Malformed($"The {element} element must contain only strings.");
                list.Add(s);
            }
            if (list.Count == 0)
            {
                throw Malformed($"The {element} element must not be empty.");
            }
            return list.ToArray();
        }
        var single = (allowScalars ? Scalar(e) : e.ValueKind == JsonValueKind.String ? e.GetString() : null)
            ?? throw Malformed($"The {element} element must be a string or an array of strings.");
        return [single];
    }

    private static KmsException InvalidPrincipals() => Malformed("Policy contains a statement with one or more invalid principals.");

    internal static KmsException Malformed(string message) => new("MalformedPolicyDocumentException", message);

    private sealed class PrincipalSet
    {
        public bool Any;
        /// <summary>Accounts named as "111122223333" or "arn:aws:iam::111122223333:root".</summary>
        public readonly HashSet<string> Accounts = new(StringComparer.Ordinal);
        public readonly HashSet<string> Arns = new(StringComparer.Ordinal);

        /// <summary>
        /// Naming an account (its root) in a key policy delegates to that account's IAM policies. SseSim has no IAM
        /// policies, so every identity of a named account counts as IAM-allowed: a deliberate, documented divergence.
        /// </summary>
        public bool Matches(in AuthorizationRequest r) =>
            Any || (Accounts.Count > 0 && Accounts.Contains(r.AccountId)) || (Arns.Count > 0 && Arns.Contains(r.PrincipalArn));
    }

    private sealed class PolicyStatement(
        bool allow, PrincipalSet principal, bool notPrincipal, string[]? actions, bool notAction, string[]? resources, bool notResource,
        PolicyCondition[] conditions)
    {
        private readonly bool _anyAction = actions is not null && actions.Any(a => a is "*" || string.Equals(a, "kms:*", StringComparison.OrdinalIgnoreCase));
        private readonly bool _anyResource = resources is not null && resources.Contains("*");

        public bool Allow { get; } = allow;

        public bool Applies(in AuthorizationRequest r)
        {
            if (actions is null || resources is null)
            {
                return false;
            }
            if (principal.Matches(r) == notPrincipal)
            {
                return false;
            }
            if (MatchesAction(r.Action) == notAction)
            {
                return false;
            }
            if (MatchesResource(r) == notResource)
            {
                return false;
            }
            foreach (var c in conditions)
            {
                if (!c.IsSatisfied(r))
                {
                    return false;
                }
            }
            return true;
        }

        private bool MatchesAction(string action)
        {
            if (_anyAction)
            {
                return true;
            }
            foreach (var a in actions!)
            {
                if (Wildcard.Match(a, action, ignoreCase: true))
                {
                    return true;
                }
            }
            return false;
        }

        private bool MatchesResource(in AuthorizationRequest r)
        {
            // In a key policy "*" means "this key"; before the key exists (CreateKey) every resource names it.
            if (_anyResource || r.Key is null)
            {
                return true;
            }
            foreach (var res in resources!)
            {
                if (Wildcard.Match(res, r.Key.Arn, ignoreCase: false))
                {
                    return true;
                }
            }
            return false;
        }
    }
}
