using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SseSim.Core.Aws;
using SseSim.Volumes.Direct;

namespace SseSim.Server.Ebs;

/// <summary>One EBS direct API request (REST JSON): caller, route values, and response helpers.</summary>
public sealed class EbsCall(HttpContext context, Caller caller, EbsDirectService ebs, IReadOnlyDictionary<string, string> route, byte[] body)
{
    public HttpContext Context { get; } = context;
    public Caller Caller { get; } = caller;
    public EbsDirectService Ebs { get; } = ebs;
    public byte[] Body { get; } = body;
    public CancellationToken CancellationToken => Context.RequestAborted;

    public string Route(string name) => route[name];

    public int RouteInt(string name) => int.TryParse(route[name], NumberStyles.None, CultureInfo.InvariantCulture, out var v)
        ? v
        : throw EbsApiException.Validation("INVALID_BLOCK", $"{name} must be a non-negative integer.");

    public string? Query(string name) => Context.Request.Query.TryGetValue(name, out var v) ? v.ToString() : null;

    public int? QueryInt(string name) => Query(name) is { } v
        ? int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : throw EbsApiException.Validation("INVALID_PARAMETER_VALUE", $"{name} must be an integer.")
        : null;

    public string? Header(string name) => Context.Request.Headers.TryGetValue(name, out var v) ? v.ToString() : null;

    public JsonNode? Json() => Body.Length == 0 ? null : JsonNode.Parse(Body);

    /// <summary>The JSON answer written (StartSnapshot's, CompleteSnapshot's), for the audit's responseElements.</summary>
    public JsonObject? Answer { get; private set; }

    public static double Epoch(DateTimeOffset t) => Math.Round(t.ToUnixTimeMilliseconds() / 1000.0, 3);

    /// <summary>Writes <paramref name="json"/> without its null members: AWS leaves absent members out rather than sending null.</summary>
    public async Task WriteJsonAsync(int status, JsonObject json)
    {
        foreach (var name in json.Where(m => m.Value is null).Select(m => m.Key).ToList())
        {
            json.Remove(name);
        }
        Answer = json;
        Context.Response.StatusCode = status;
        Context.Response.ContentType = "application/json";
        await Context.Response.WriteAsync(json.ToJsonString(), CancellationToken);
    }

    public static JsonArray TagsJson(IEnumerable<Volumes.Tag> tags) =>
        new(tags.Select(t => (JsonNode)new JsonObject { ["Key"] = t.Key, ["Value"] = t.Value }).ToArray());
}
