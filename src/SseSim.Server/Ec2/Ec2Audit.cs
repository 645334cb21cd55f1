using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using SseSim.Core.Audit;
using SseSim.Core.Aws;

namespace SseSim.Server.Ec2;

/// <summary>
/// Every EC2 call is a CloudTrail management event (read-only for Describe* and Get*), audited whether it succeeds or
/// fails. The request's Query parameters and the response's XML become requestParameters and responseElements on the
/// audit writer (<see cref="AuditRecord.Complete"/>), off the request's path: members in camelCase, lists as
/// <c>{"xxxSet": {"items": [...]}}</c> as CloudTrail writes EC2's. Read-only calls log no responseElements, as
/// CloudTrail does for them.
/// </summary>
internal static class Ec2Audit
{
    public const string EventSource = "ec2.amazonaws.com";

    private static readonly Dictionary<string, string> EmptyParameters = [];

    public static bool IsReadOnly(string action) =>
        action.StartsWith("Describe", StringComparison.Ordinal) || action.StartsWith("Get", StringComparison.Ordinal);

    /// <summary>EC2's CloudTrail errorCode: the API error code with its fault's prefix (Client.InvalidVolume.NotFound).</summary>
    public static string ErrorCode(string code, int httpStatus) => (httpStatus >= 500 ? "Server." : "Client.") + code;

    public static void Record(IAuditSink audit, Caller caller, string action, IReadOnlyDictionary<string, string> parameters, string? responseXml,
        string? errorCode, string? errorMessage, string requestId)
    {
        var readOnly = IsReadOnly(action);
        audit.Record(new AuditRecord(EventSource, action, caller, errorCode, errorMessage, EmptyParameters, [], readOnly, DataEvent: false)
        {
            RequestId = requestId,
            Complete = r =>
            {
                var response = readOnly || responseXml is null ? null : ResponseElements(responseXml);
                return r with
                {
                    RequestObject = RequestParameters(parameters),
                    ResponseElements = response,
                    Resources = Resources(caller, parameters, response),
                };
            },
        });
    }

    /// <summary>The Query parameters as CloudTrail's nested requestParameters (Action, Version and a query signature left out).</summary>
    internal static JsonObject RequestParameters(IReadOnlyDictionary<string, string> parameters)
    {
        var root = new JsonObject();
        foreach (var (name, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (name is "Action" or "Version" || name.StartsWith("X-Amz-", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            Insert(root, name.Split('.'), 0, value);
        }
        return root;
    }

    private static void Insert(JsonObject node, string[] path, int at, string value)
    {
        var name = path[at];
        if (at == path.Length - 1)
        {
            node[Camel(name)] = Scalar(value);
            return;
        }
        if (int.TryParse(path[at + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index >= 1)
        {
            // Name.N... : the Nth item of the list's set.
            var setName = SetName(name);
            if (node[setName] is not JsonObject set)
            {
                node[setName] = set = new JsonObject { ["items"] = new JsonArray() };
            }
            var items = (JsonArray)set["items"]!;
            while (items.Count < Math.Min(index, 1000))
            {
                items.Add(new JsonObject());
            }
            var item = (JsonObject)items[Math.Min(index, 1000) - 1]!;
            if (at + 1 == path.Length - 1)
            {
                item[Camel(name)] = Scalar(value);
            }
            else
            {
                Insert(item, path, at + 2, value);
            }
            return;
        }
        if (node[Camel(name)] is not JsonObject child)
        {
            node[Camel(name)] = child = new JsonObject();
        }
        Insert(child, path, at + 1, value);
    }

    /// <summary>The set a list parameter is logged under: VolumeId.N → volumeSet, Filter.N → filterSet, InstanceId.N → instancesSet.</summary>
    private static string SetName(string name) => name switch
    {
        "InstanceId" => "instancesSet",
        "ResourceId" => "resourcesSet",
        _ when name.Length > 2 && name.EndsWith("Id", StringComparison.Ordinal) => Camel(name[..^2]) + "Set",
        _ => Camel(name) + "Set",
    };

    private static string Camel(string name) => name.Length == 0 || char.IsLower(name[0]) ? name : char.ToLowerInvariant(name[0]) + name[1..];

    private static JsonNode? Scalar(string value) => value switch
    {
        "true" => JsonValue.Create(true),
        "false" => JsonValue.Create(false),
        { Length: > 0 and < 10 } when value[0] is >= '1' and <= '9' && value.All(char.IsAsciiDigit)
            => JsonValue.Create(int.Parse(value, CultureInfo.InvariantCulture)),
        _ => JsonValue.Create(value),
    };

    /// <summary>The response's XML as CloudTrail's responseElements: child elements as members, &lt;item&gt; lists as items.</summary>
    internal static JsonObject? ResponseElements(string xml)
    {
        try
        {
            return Convert(XDocument.Parse(xml).Root!) as JsonObject;
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }
    }

    private static JsonNode? Convert(XElement element)
    {
        if (!element.HasElements)
        {
            return element.Value switch
            {
                "true" => JsonValue.Create(true),
                "false" => JsonValue.Create(false),
                var text => JsonValue.Create(text),
            };
        }
        if (element.Elements().All(e => e.Name.LocalName == "item"))
        {
            return new JsonObject { ["items"] = new JsonArray([.. element.Elements().Select(Convert)]) };
        }
        var json = new JsonObject();
        foreach (var child in element.Elements())
        {
            json[child.Name.LocalName] = Convert(child);
        }
        return json;
    }

    /// <summary>
    /// The volumes, snapshots and instances the call names (request ids, and for a mutation the ids in its answer), so
    /// LookupEvents finds the event by them (ResourceName, ResourceType).
    /// </summary>
    private static List<AuditResource> Resources(Caller caller, IReadOnlyDictionary<string, string> parameters, JsonObject? response)
    {
        var ids = new List<string>();
        foreach (var (name, value) in parameters)
        {
            var member = name.Split('.') is [var first, ..] ? first : name;
            if (member.EndsWith("Id", StringComparison.Ordinal))
            {
                ids.Add(value);
            }
        }
        if (response is not null)
        {
            CollectIds(response, ids);
        }
        var resources = new List<AuditResource>();
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            if (ResourceOf(caller, id) is { } resource)
            {
                resources.Add(resource);
            }
        }
        return resources;
    }

    private static void CollectIds(JsonNode node, List<string> ids)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, value) in o)
                {
                    if (name is "volumeId" or "snapshotId" or "instanceId" && value is JsonValue v && v.TryGetValue<string>(out var id))
                    {
                        ids.Add(id);
                    }
                    else if (value is not null)
                    {
                        CollectIds(value, ids);
                    }
                }
                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    if (item is not null)
                    {
                        CollectIds(item, ids);
                    }
                }
                break;
        }
    }

    private static bool IsId(string id, string prefix) =>
        id.Length > prefix.Length + 1 && id.StartsWith(prefix + "-", StringComparison.Ordinal) && id.AsSpan(prefix.Length + 1).IndexOfAnyExcept("0123456789abcdef") < 0;

    private static AuditResource? ResourceOf(Caller caller, string id)
    {
        if (IsId(id, "vol"))
        {
            return new AuditResource("AWS::EC2::Volume", $"arn:aws:ec2:{caller.Region}:{caller.AccountId}:volume/{id}", caller.AccountId);
        }
        if (IsId(id, "snap"))
        {
            // Snapshot ARNs carry no account, as in EC2.
            return new AuditResource("AWS::EC2::Snapshot", $"arn:aws:ec2:{caller.Region}::snapshot/{id}");
        }
        if (IsId(id, "i"))
        {
            return new AuditResource("AWS::EC2::Instance", $"arn:aws:ec2:{caller.Region}:{caller.AccountId}:instance/{id}", caller.AccountId);
        }
        return null;
    }
}
