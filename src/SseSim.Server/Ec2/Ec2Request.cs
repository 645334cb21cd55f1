using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using SseSim.Volumes;

namespace SseSim.Server.Ec2;

/// <summary>The flattened parameters of an EC2 Query request (form body or query string), with typed readers.</summary>
public sealed class Ec2Request(IReadOnlyDictionary<string, string> parameters)
{
    public IReadOnlyDictionary<string, string> Parameters { get; } = parameters;

    /// <summary>The query string's parameters, then the form body's (which win), as EC2 merges them.</summary>
    public static Dictionary<string, string> ParseParameters(IEnumerable<KeyValuePair<string, StringValues>> query, byte[] body)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in query)
        {
            parameters[k] = v.ToString();
        }
        if (body.Length > 0)
        {
            foreach (var (k, v) in QueryHelpers.ParseQuery(System.Text.Encoding.UTF8.GetString(body)))
            {
                parameters[k] = v.ToString();
            }
        }
        return parameters;
    }

    public string? String(string name) => Parameters.TryGetValue(name, out var v) ? v : null;

    public string Required(string name) =>
        String(name) is { Length: > 0 } v ? v : throw new Ec2Exception("MissingParameter", $"The request must contain the parameter {name}");

    public int? Int(string name)
    {
        var v = String(name);
        if (v is null)
        {
            return null;
        }
        return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i)
            ? i
            : throw new Ec2Exception("InvalidParameterValue", $"Value ({v}) for parameter {name} is invalid. Expected an integer.");
    }

    public bool? Bool(string name)
    {
        var v = String(name);
        if (v is null)
        {
            return null;
        }
        return bool.TryParse(v, out var b)
            ? b
            : throw new Ec2Exception("InvalidParameterValue", $"Value ({v}) for parameter {name} is invalid. Expected a boolean.");
    }

    /// <summary>A list member: Name.1, Name.2, ... in index order.</summary>
    public List<string> List(string name)
    {
        var result = new List<string>();
        for (var i = 1; Parameters.TryGetValue($"{name}.{i}", out var v); i++)
        {
            result.Add(v);
        }
        return result;
    }

    /// <summary>Filter.N.Name with Filter.N.Value.M.</summary>
    public Filters? Filters()
    {
        Filters? filters = null;
        for (var i = 1; Parameters.TryGetValue($"Filter.{i}.Name", out var name); i++)
        {
            filters ??= new Filters();
            filters[name] = List($"Filter.{i}.Value");
        }
        return filters;
    }

    /// <summary>TagSpecification.N.ResourceType with TagSpecification.N.Tag.M.Key/Value, for one resource type.</summary>
    public List<Tag> Tags(string resourceType)
    {
        var tags = new List<Tag>();
        for (var i = 1; Parameters.TryGetValue($"TagSpecification.{i}.ResourceType", out var type); i++)
        {
            if (type != resourceType)
            {
                continue;
            }
            for (var j = 1; Parameters.TryGetValue($"TagSpecification.{i}.Tag.{j}.Key", out var key); j++)
            {
                tags.Add(new Tag(key, String($"TagSpecification.{i}.Tag.{j}.Value") ?? ""));
            }
        }
        VolumeService.ValidateTags(tags);
        if (tags.Count > VolumeService.MaxTagsPerResource)
        {
            throw Ec2Exception.TagLimitExceeded();
        }
        return tags;
    }

    /// <summary>Tag.N.Key with Tag.N.Value (CreateTags, DeleteTags); a missing value is null.</summary>
    public List<(string Key, string? Value)> TagList()
    {
        var tags = new List<(string, string?)>();
        for (var i = 1; Parameters.TryGetValue($"Tag.{i}.Key", out var key); i++)
        {
            tags.Add((key, String($"Tag.{i}.Value")));
        }
        return tags;
    }
}
