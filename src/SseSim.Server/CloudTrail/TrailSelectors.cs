using System.Text.Json;
using System.Text.Json.Nodes;
using SseSim.Kms.Audit;

namespace SseSim.Server.CloudTrail;

/// <summary>
/// Event selectors (CloudTrail user guide, "Logging data events" and "Logging management events"; API reference,
/// EventSelector and AdvancedFieldSelector): their validation at PutEventSelectors and which events they let a trail
/// deliver.
/// </summary>
internal static class TrailSelectors
{
    private static readonly string[] ReadWriteTypes = ["ReadOnly", "WriteOnly", "All"];
    private static readonly string[] DataResourceTypes = ["AWS::S3::Object", "AWS::Lambda::Function", "AWS::DynamoDB::Table"];
    private static readonly string[] ExcludableSources = ["kms.amazonaws.com", "rdsdata.amazonaws.com"];
    private static readonly string[] Fields =
        ["eventCategory", "eventSource", "eventName", "eventType", "readOnly", "resources.type", "resources.ARN", "errorCode",
         "userIdentity.arn", "sessionCredentialFromConsole", "vpcEndpointId"];
    private static readonly string[] ManagementFields = ["eventCategory", "readOnly", "eventSource"];
    private static readonly string[] Operators = ["Equals", "StartsWith", "EndsWith", "NotEquals", "NotStartsWith", "NotEndsWith"];

    /// <summary>What a trail without custom selectors answers (GetEventSelectors of a new trail).</summary>
    public static JsonArray Default() =>
    [
        new JsonObject
        {
            ["ReadWriteType"] = "All",
            ["IncludeManagementEvents"] = true,
            ["DataResources"] = new JsonArray(),
            ["ExcludeManagementEventSources"] = new JsonArray(),
        },
    ];

    private static CloudTrailException Invalid(string message) => new("InvalidEventSelectorsException", message);

    /// <summary>Basic selectors, checked and with their defaults filled in as GetEventSelectors answers them.</summary>
    public static JsonArray Basic(JsonArray selectors)
    {
        if (selectors.Count is < 1 or > 5)
        {
            throw Invalid("You can specify from 1 to 5 event selectors per trail.");
        }
        var result = new JsonArray();
        var values = 0;
        foreach (var node in selectors)
        {
            var s = node as JsonObject ?? throw new FormatException();
            var readWrite = s["ReadWriteType"]?.GetValue<string>() ?? "All";
            if (!ReadWriteTypes.Contains(readWrite))
            {
                throw Invalid($"Invalid ReadWriteType {readWrite}. Valid values: ReadOnly, WriteOnly, All.");
            }
            var resources = new JsonArray();
            foreach (var r in s["DataResources"] as JsonArray ?? [])
            {
                var type = r?["Type"]?.GetValue<string>() ?? "";
                if (!DataResourceTypes.Contains(type))
                {
                    throw Invalid($"Invalid data resource type {type}. Use advanced event selectors for other resource types.");
                }
                var list = new JsonArray();
                foreach (var v in r?["Values"] as JsonArray ?? [])
                {
                    var value = v?.GetValue<string>() ?? "";
                    if (type == "AWS::S3::Object" && value != "arn:aws:s3" && !(value.StartsWith("arn:aws:s3:::", StringComparison.Ordinal) && value.Length > 13 && value.Contains('/', StringComparison.Ordinal)))
                    {
                        throw Invalid($"Value {value} for the data resource type AWS::S3::Object is not valid: use arn:aws:s3 for all buckets, or arn:aws:s3:::bucket/ or arn:aws:s3:::bucket/prefix.");
                    }
                    list.Add(value);
                    values++;
                }
                resources.Add(new JsonObject { ["Type"] = type, ["Values"] = list });
            }
            var excluded = new JsonArray();
            foreach (var e in s["ExcludeManagementEventSources"] as JsonArray ?? [])
            {
                var source = e?.GetValue<string>() ?? "";
                if (!ExcludableSources.Contains(source))
                {
                    throw Invalid($"Invalid ExcludeManagementEventSources value {source}. Valid values: kms.amazonaws.com, rdsdata.amazonaws.com.");
                }
                excluded.Add(source);
            }
            result.Add(new JsonObject
            {
                ["ReadWriteType"] = readWrite,
                ["IncludeManagementEvents"] = s["IncludeManagementEvents"]?.GetValue<bool>() ?? true,
                ["DataResources"] = resources,
                ["ExcludeManagementEventSources"] = excluded,
            });
        }
        if (values > 250)
        {
            throw Invalid("A trail can have at most 250 data resource values across all event selectors.");
        }
        return result;
    }

    /// <summary>Advanced selectors, checked as CloudTrail checks them for a trail.</summary>
    public static JsonArray Advanced(JsonArray selectors)
    {
        if (selectors.Count is < 1 or > 500)
        {
            throw Invalid("You can specify from 1 to 500 advanced event selectors per trail.");
        }
        var result = new JsonArray();
        var values = 0;
        foreach (var node in selectors)
        {
            var s = node as JsonObject ?? throw new FormatException();
            var name = s["Name"]?.GetValue<string>();
            if (name is { Length: > 1000 })
            {
                throw Invalid("The advanced event selector name is longer than 1000 characters.");
            }
            var fields = s["FieldSelectors"] as JsonArray;
            if (fields is null || fields.Count == 0)
            {
                throw Invalid("Each advanced event selector must have at least one field selector.");
            }
            var outFields = new JsonArray();
            string? category = null;
            var hasResourceType = false;
            foreach (var f in fields)
            {
                var field = f?["Field"]?.GetValue<string>() ?? "";
                if (!Fields.Contains(field))
                {
                    throw Invalid($"Invalid field name {field}.");
                }
                var outField = new JsonObject { ["Field"] = field };
                var any = false;
                foreach (var op in Operators)
                {
                    if (f![op] is JsonArray list)
                    {
                        if (list.Count == 0)
                        {
                            throw Invalid($"The {op} operator of field {field} must have at least one value.");
                        }
                        outField[op] = new JsonArray([.. list.Select(v => (JsonNode?)JsonValue.Create(v?.GetValue<string>() ?? ""))]);
                        values += list.Count;
                        any = true;
                    }
                }
                if (!any)
                {
                    throw Invalid($"Field {field} must have at least one operator.");
                }
                if (field == "eventCategory")
                {
                    if (f!["Equals"] is not JsonArray { Count: 1 } eq || eq[0]?.GetValue<string>() is not ("Management" or "Data"))
                    {
                        throw Invalid("The eventCategory field selector must use Equals with one value: Management or Data.");
                    }
                    category = eq[0]!.GetValue<string>();
                }
                if (field == "resources.type")
                {
                    hasResourceType = f!["Equals"] is JsonArray { Count: 1 };
                }
                outFields.Add(outField);
            }
            if (category is null)
            {
                throw Invalid("Each advanced event selector must have an eventCategory field selector.");
            }
            if (category == "Data" && !hasResourceType)
            {
                throw Invalid("A data event selector must have a resources.type field selector with Equals and one value.");
            }
            if (category == "Management")
            {
                var bad = outFields.Select(x => x!["Field"]!.GetValue<string>()).FirstOrDefault(x => !ManagementFields.Contains(x));
                if (bad is not null)
                {
                    throw Invalid($"Field {bad} is not supported for management events; use eventCategory, readOnly and eventSource.");
                }
            }
            var outSelector = new JsonObject();
            if (name is not null)
            {
                outSelector["Name"] = name;
            }
            outSelector["FieldSelectors"] = outFields;
            result.Add(outSelector);
        }
        if (values > 500)
        {
            throw Invalid("A trail's advanced event selectors can have at most 500 values in total.");
        }
        return result;
    }

    /// <summary>Whether any of the trail's selectors can select an S3 object data event.</summary>
    public static bool SelectsS3Data(TrailRecord trail)
    {
        if (trail.AdvancedEventSelectors is { } advanced)
        {
            return JsonNode.Parse(advanced)!.AsArray().Any(s => s!["FieldSelectors"]!.AsArray().Any(f =>
                f!["Field"]!.GetValue<string>() == "resources.type" && f["Equals"] is JsonArray eq && eq.Any(v => v!.GetValue<string>() == "AWS::S3::Object")));
        }
        return trail.EventSelectors is { } basic && JsonNode.Parse(basic)!.AsArray().Any(s =>
            s!["DataResources"]!.AsArray().Any(r => r!["Type"]!.GetValue<string>() == "AWS::S3::Object"));
    }

    /// <summary>Whether the trail delivers the event (its JSON as stored).</summary>
    public static bool Selects(TrailRecord trail, JsonElement e)
    {
        if (trail.AdvancedEventSelectors is { } advanced)
        {
            return JsonNode.Parse(advanced)!.AsArray().Any(s => MatchesAdvanced(s!.AsObject(), e));
        }
        var basic = trail.EventSelectors is { } text ? JsonNode.Parse(text)!.AsArray() : Default();
        return basic.Any(s => MatchesBasic(s!.AsObject(), e));
    }

    private static bool MatchesBasic(JsonObject s, JsonElement e)
    {
        var readOnly = e.TryGetProperty("readOnly", out var ro) && ro.ValueKind == JsonValueKind.True;
        var readWrite = s["ReadWriteType"]!.GetValue<string>();
        if (readWrite == "ReadOnly" && !readOnly || readWrite == "WriteOnly" && readOnly)
        {
            return false;
        }
        if (Category(e) == "Management")
        {
            return s["IncludeManagementEvents"]!.GetValue<bool>()
                && !s["ExcludeManagementEventSources"]!.AsArray().Any(x => x!.GetValue<string>() == Str(e, "eventSource"));
        }
        // S3 object data events: a value names all buckets (arn:aws:s3), a bucket (arn:aws:s3:::b/) or a key prefix.
        var arns = Resources(e).Where(r => r.Type == "AWS::S3::Object").Select(r => r.Arn).ToList();
        return s["DataResources"]!.AsArray().Any(r => r!["Type"]!.GetValue<string>() == "AWS::S3::Object"
            && r["Values"]!.AsArray().Any(v => v!.GetValue<string>() is var value
                && (value == "arn:aws:s3" ? arns.Count > 0 : arns.Any(a => a.StartsWith(value, StringComparison.Ordinal)))));
    }

    private static bool MatchesAdvanced(JsonObject s, JsonElement e)
    {
        foreach (var f in s["FieldSelectors"]!.AsArray())
        {
            var field = f!["Field"]!.GetValue<string>();
            var values = field switch
            {
                "eventCategory" => [Category(e)],
                "readOnly" => [e.TryGetProperty("readOnly", out var ro) && ro.ValueKind == JsonValueKind.True ? "true" : "false"],
                "resources.type" => Resources(e).Select(r => r.Type).ToList(),
                "resources.ARN" => Resources(e).Select(r => r.Arn).ToList(),
                "userIdentity.arn" => e.TryGetProperty("userIdentity", out var u) ? [Str(u, "arn")] : [""],
                _ => [Str(e, field)],
            };
            if (!values.Any(v => FieldMatches(f.AsObject(), v)))
            {
                return false;
            }
        }
        return true;
    }

    private static bool FieldMatches(JsonObject f, string value)
    {
        bool All(string op, Func<string, bool> test) => f[op] is not JsonArray list || list.All(x => test(x!.GetValue<string>()));
        bool Any(string op, Func<string, bool> test) => f[op] is not JsonArray list || list.Any(x => test(x!.GetValue<string>()));
        return Any("Equals", x => value == x)
            && Any("StartsWith", x => value.StartsWith(x, StringComparison.Ordinal))
            && Any("EndsWith", x => value.EndsWith(x, StringComparison.Ordinal))
            && All("NotEquals", x => value != x)
            && All("NotStartsWith", x => !value.StartsWith(x, StringComparison.Ordinal))
            && All("NotEndsWith", x => !value.EndsWith(x, StringComparison.Ordinal));
    }

    private static string Category(JsonElement e) => Str(e, "eventCategory") is { Length: > 0 } c ? c : "Management";

    private static string Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    private static IEnumerable<(string Type, string Arn)> Resources(JsonElement e) =>
        e.TryGetProperty("resources", out var r) && r.ValueKind == JsonValueKind.Array
            ? r.EnumerateArray().Select(x => (Str(x, "type"), Str(x, "ARN")))
            : [];
}
