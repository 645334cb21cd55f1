using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using SseSim.Core.Audit;
using SseSim.Core.Aws;

namespace SseSim.Server.Ec2;

/// <summary>
/// Every EC2 call is a CloudTrail management event (read-only for Describe* and Get*), audited whether it succeeds or
/// fails. The request's Query parameters and the response's XML become requestParameters and responseElements on the
/// audit writer (<see cref="AuditRecord.Complete"/>), off the request's path, in the shape of AWS's recorded EC2
/// events: members in camelCase, lists as <c>{"xxxSet": {"items": [...]}}</c>, per-operation names where AWS has its
/// own (CreateVolume's <c>zone</c>, RunInstances' <c>instancesSet</c>), numbers and booleans typed, times as epoch
/// milliseconds, <c>return</c> as <c>_return</c>. Read-only calls log no responseElements, as CloudTrail does for them.
/// AWS's EC2 events have no <c>resources</c> member (the KMS developer guide's EC2 entries beside KMS entries that
/// have one, and every recorded EC2 event we found); LookupEvents derives them from the ids the event names
/// (<see cref="SseSim.Kms.Audit.AuditEvent"/>), as the event history does.
/// </summary>
internal static class Ec2Audit
{
    public const string EventSource = "ec2.amazonaws.com";

    private static readonly Dictionary<string, string> EmptyParameters = [];

    public static bool IsReadOnly(string action) =>
        action.StartsWith("Describe", StringComparison.Ordinal) || action.StartsWith("Get", StringComparison.Ordinal);

    /// <summary>EC2's CloudTrail errorCode: the API error code with its fault's prefix (Client.InvalidVolume.NotFound).</summary>
    public static string ErrorCode(string code, int httpStatus) => (httpStatus >= 500 ? "Server." : "Client.") + code;

    /// <param name="owners">
    /// The accounts whose volume or snapshot the call named (another account's): each gets a copy of the event, with
    /// one sharedEventID, as CloudTrail delivers a cross-account call to both accounts (docs/security.md#cross-account).
    /// </param>
    public static void Record(IAuditSink audit, Caller caller, string action, IReadOnlyDictionary<string, string> parameters, string? responseXml,
        string? errorCode, string? errorMessage, string requestId, IReadOnlyCollection<string>? owners = null)
    {
        var readOnly = IsReadOnly(action);
        var record = new AuditRecord(EventSource, action, caller, errorCode, errorMessage, EmptyParameters, [], readOnly, DataEvent: false)
        {
            RequestId = requestId,
            Complete = r => r with
            {
                RequestObject = RequestParameters(action, parameters),
                ResponseElements = readOnly || responseXml is null ? null : ResponseElements(action, responseXml),
            },
        };
        if (owners is not { Count: > 0 })
        {
            audit.Record(record);
            return;
        }
        var shared = record with { SharedEventId = Guid.NewGuid().ToString() };
        audit.Record(shared);
        foreach (var owner in owners)
        {
            audit.Record(shared with { RecipientAccountId = owner });
        }
    }

    /// <summary>The Query parameters as CloudTrail's nested requestParameters (Action, Version and a query signature left out).</summary>
    internal static JsonObject RequestParameters(string action, IReadOnlyDictionary<string, string> parameters)
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
        TagSpecificationTags(root);
        switch (action)
        {
            case "CreateVolume":
                CreateVolumeShape(root);
                break;
            case "AttachVolume":
                // AWS's recorded AttachVolume events carry deleteOnTermination (false), which the call has no parameter for.
                root["deleteOnTermination"] ??= false;
                break;
            case "RunInstances":
                // The launch's image and counts are the instancesSet's item, and blockDeviceMapping is there even when
                // empty (the KMS developer guide's RunInstances entry; a recorded console launch in Panther's test data).
                var item = new JsonObject();
                foreach (var member in new[] { "imageId", "minCount", "maxCount" })
                {
                    if (root[member] is { } node)
                    {
                        root.Remove(member);
                        item[member] = node;
                    }
                }
                root["instancesSet"] = new JsonObject { ["items"] = new JsonArray(item) };
                root["blockDeviceMapping"] ??= new JsonObject();
                break;
            case "ModifySnapshotAttribute":
                // attributeType CREATE_VOLUME_PERMISSION, as in AWS's recorded snapshot-sharing events.
                if (root["attribute"] is JsonValue attribute && attribute.ToString() == "createVolumePermission")
                {
                    root.Remove("attribute");
                    root["attributeType"] = "CREATE_VOLUME_PERMISSION";
                }
                break;
            case "DescribeVolumes":
                root["volumeSet"] ??= new JsonObject();
                root["filterSet"] ??= new JsonObject();
                break;
            case "DescribeInstances" or "DescribeInstanceStatus":
                // Recorded DescribeInstances and DescribeInstanceStatus events log the empty sets of a call that named none.
                root["instancesSet"] ??= new JsonObject();
                root["filterSet"] ??= new JsonObject();
                break;
        }
        return root;
    }

    // The KMS developer guide's CreateVolume entry, in its requestParameters and responseElements alike: the
    // Availability Zone as "zone", the size as a string.
    private static void CreateVolumeShape(JsonObject node)
    {
        Rename(node, "availabilityZone", "zone");
        if (node["size"] is JsonValue size)
        {
            node["size"] = size.ToString();
        }
    }

    private static void Rename(JsonObject node, string from, string to)
    {
        if (node[from] is { } value)
        {
            node.Remove(from);
            node[to] = value;
        }
    }

    // A TagSpecification's tags are a plain array of {key, value} (AWS's recorded RunInstances and CreateSnapshot
    // events), where a top-level Tag.N list is a tagSet.
    private static void TagSpecificationTags(JsonObject root)
    {
        if (root["tagSpecificationSet"]?["items"] is not JsonArray specifications)
        {
            return;
        }
        foreach (var specification in specifications.OfType<JsonObject>())
        {
            if (specification["tagSet"]?["items"] is JsonArray tags)
            {
                specification.Remove("tagSet");
                specification["tags"] = new JsonArray([.. tags.Select(t => t?.DeepClone())]);
            }
        }
    }

    private static void Insert(JsonObject node, string[] path, int at, string value)
    {
        var name = path[at];
        if (at == path.Length - 1)
        {
            node[Camel(name)] = Scalar(Camel(name), value);
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
                item[ItemName(name)] = Scalar(ItemName(name), value);
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

    /// <summary>
    /// The set a list parameter is logged under: VolumeId.N → volumeSet, Filter.N → filterSet, InstanceId.N →
    /// instancesSet, SecurityGroupId.N → groupSet, BlockDeviceMapping.N → blockDeviceMapping, a permission's
    /// Add.N/Remove.N → add/remove (AWS's recorded RunInstances and ModifySnapshotAttribute events).
    /// </summary>
    private static string SetName(string name) => name switch
    {
        "InstanceId" => "instancesSet",
        "ResourceId" => "resourcesSet",
        "SecurityGroupId" => "groupSet",
        "BlockDeviceMapping" or "Add" or "Remove" => Camel(name),
        _ when name.Length > 2 && name.EndsWith("Id", StringComparison.Ordinal) => Camel(name[..^2]) + "Set",
        _ => Camel(name) + "Set",
    };

    // The member a scalar list's item holds: SecurityGroupId.N → {"groupId": ...}, VolumeId.N → {"volumeId": ...}.
    private static string ItemName(string name) => name == "SecurityGroupId" ? "groupId" : Camel(name);

    private static string Camel(string name) => name.Length == 0 || char.IsLower(name[0]) ? name : char.ToLowerInvariant(name[0]) + name[1..];

    /// <summary>
    /// The members AWS types as numbers (the API model's integers among the EBS-related calls: RunInstances' counts and
    /// volumeSize, iops, state codes...); any other member stays a string whatever its text, as a description or tag
    /// value of digits does in AWS's events.
    /// </summary>
    private static readonly HashSet<string> NumericMembers = new(StringComparer.Ordinal)
    {
        "size", "iops", "throughput", "volumeSize", "minCount", "maxCount", "maxResults", "code", "amiLaunchIndex",
        "progress", "targetSize", "targetIops", "targetThroughput", "originalSize", "originalIops", "originalThroughput",
        "deviceIndex", "networkCardIndex", "coreCount", "threadsPerCore", "httpPutResponseHopLimit",
    };

    private static JsonNode? Scalar(string name, string value) => value switch
    {
        "true" => JsonValue.Create(true),
        "false" => JsonValue.Create(false),
        { Length: > 0 and < 10 } when NumericMembers.Contains(name) && (value == "0" || value[0] is >= '1' and <= '9') && value.All(char.IsAsciiDigit)
            => JsonValue.Create(int.Parse(value, CultureInfo.InvariantCulture)),
        _ => JsonValue.Create(value),
    };

    /// <summary>The response's XML as CloudTrail's responseElements: child elements as members, &lt;item&gt; lists as items.</summary>
    internal static JsonObject? ResponseElements(string action, string xml)
    {
        try
        {
            if (Convert(XDocument.Parse(xml).Root!) is not JsonObject response)
            {
                return null;
            }
            if (action == "CreateVolume")
            {
                CreateVolumeShape(response);
            }
            return response;
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }
    }

    private static JsonNode? Convert(XElement element)
    {
        var name = element.Name.LocalName;
        if (!element.HasElements)
        {
            return element.Value switch
            {
                "true" => JsonValue.Create(true),
                "false" => JsonValue.Create(false),
                // An empty list (<groupSet/>) is an empty object, as in AWS's RunInstances entries.
                "" when name.EndsWith("Set", StringComparison.Ordinal) || name is "blockDeviceMapping" or "productCodes" => new JsonObject(),
                var text => Typed(name, text),
            };
        }
        if (element.Elements().All(e => e.Name.LocalName == "item"))
        {
            return new JsonObject { ["items"] = new JsonArray([.. element.Elements().Select(Convert)]) };
        }
        var json = new JsonObject();
        foreach (var child in element.Elements())
        {
            // EC2's <return> is logged as "_return" (AWS's recorded DeleteVolume and ModifySnapshotAttribute events).
            json[child.Name.LocalName == "return" ? "_return" : child.Name.LocalName] = Convert(child);
        }
        return json;
    }

    /// <summary>
    /// Times as epoch milliseconds (createTime, attachTime, launchTime in AWS's entries) and counts as numbers (iops,
    /// code, amiLaunchIndex); everything else (ids, account numbers, descriptions) a string.
    /// </summary>
    private static JsonNode? Typed(string name, string text)
    {
        if (name.EndsWith("Time", StringComparison.Ordinal)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return JsonValue.Create(time.ToUnixTimeMilliseconds());
        }
        return Scalar(name, text);
    }
}
