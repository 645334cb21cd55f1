using System.Globalization;
using System.Net;
using System.Text.Json;

namespace SseSim.Cli.Commands;

/// <summary>
/// `ssesim explain s3://bucket/key | vol-... | trace-...`: prints the recorded steps of an object's last GET or PUT,
/// a volume's create/attach/detach, or one traced request, with timings and the KMS audit event ids they match.
/// Reads the server's dashboard API; off loopback it signs in with the identity's keys from the environment.
/// </summary>
public sealed class ExplainCommand : ICliCommand
{
    public const string Usage = """
        usage: ssesim explain <s3://bucket/key | vol-ID | trace-ID> [--endpoint-url URL] [--json]

          s3://bucket/key   the object's last GET or PUT: S3 front end, KMS call with its encryption context, data key
                            in memory, segments verified, key zeroed (or the Bucket Key cache hit that skipped KMS)
          vol-ID            the volume's key flow: GenerateDataKeyWithoutPlaintext at create, CreateGrant and Decrypt at
                            attach, key zeroed at detach
          trace-ID          a request sent with the header x-ssesim-trace: 1 (its id is in x-ssesim-trace-id)

          --endpoint-url    the server (default: $AWS_ENDPOINT_URL, else http://127.0.0.1:4566)
          --json            print the flow as the API returns it

        When the server listens off loopback, the dashboard API needs a sign-in: AWS_ACCESS_KEY_ID and
        AWS_SECRET_ACCESS_KEY (or --access-key/--secret-key) are used for it.
        """;

    public string Name => "explain";

    public string Summary => "how was this object or volume decrypted? the recorded key steps with timings and KMS event ids";

    public async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        string? target = null;
        var endpoint = Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL") is { Length: > 0 } e ? e : "http://127.0.0.1:4566";
        var json = false;
        var accessKey = Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID");
        var secretKey = Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY");
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--help" or "-h":
                    await output.WriteLineAsync(Usage);
                    return 0;
                case "--endpoint-url" when i + 1 < args.Length:
                    endpoint = args[++i];
                    break;
                case "--access-key" when i + 1 < args.Length:
                    accessKey = args[++i];
                    break;
                case "--secret-key" when i + 1 < args.Length:
                    secretKey = args[++i];
                    break;
                case "--json":
                    json = true;
                    break;
                default:
                    if (target is not null || args[i].StartsWith('-'))
                    {
                        await Console.Error.WriteLineAsync($"ssesim explain: unexpected argument '{args[i]}'\n{Usage}");
                        return 2;
                    }
                    target = args[i];
                    break;
            }
        }
        if (target is null || ApiPath(target) is not { } path)
        {
            await Console.Error.WriteLineAsync($"ssesim explain: give s3://bucket/key, vol-ID or trace-ID\n{Usage}");
            return 2;
        }

        var cookies = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(endpoint.TrimEnd('/') + "/"),
        };
        try
        {
            var response = await http.GetAsync(path, cancellationToken);
            if (response.StatusCode == HttpStatusCode.Unauthorized && accessKey is not null && secretKey is not null)
            {
                response.Dispose();
                using var login = await http.PostAsync("_ssesim/login", new FormUrlEncodedContent(
                    new Dictionary<string, string> { ["accessKeyId"] = accessKey, ["secretAccessKey"] = secretKey }), cancellationToken);
                response = await http.GetAsync(path, cancellationToken);
            }
            using (response)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    await Console.Error.WriteLineAsync($"ssesim explain: nothing recorded for {target} since the server started (flows are kept in memory)");
                    return 1;
                }
                if (!response.IsSuccessStatusCode)
                {
                    await Console.Error.WriteLineAsync($"ssesim explain: {endpoint} answered {(int)response.StatusCode}: {body}");
                    return 1;
                }
                if (json)
                {
                    await output.WriteLineAsync(body);
                    return 0;
                }
                using var doc = JsonDocument.Parse(body);
                var root = doc.RootElement;
                var flows = root.TryGetProperty("flows", out var list) ? list.EnumerateArray().ToArray() : [root];
                foreach (var flow in flows)
                {
                    await WriteFlowAsync(output, flow);
                }
                return 0;
            }
        }
        catch (HttpRequestException ex)
        {
            await Console.Error.WriteLineAsync($"ssesim explain: cannot reach {endpoint}: {ex.Message}");
            return 1;
        }
    }

    /// <summary>The dashboard API path for a target, or null when it is none of the accepted forms.</summary>
    public static string? ApiPath(string target)
    {
        if (target.StartsWith("s3://", StringComparison.Ordinal))
        {
            var rest = target["s3://".Length..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 || slash == rest.Length - 1)
            {
                return null;
            }
            var key = string.Join('/', rest[(slash + 1)..].Split('/').Select(Uri.EscapeDataString));
            return $"_ssesim/api/objects/{Uri.EscapeDataString(rest[..slash])}/{key}/flow";
        }
        if (target.StartsWith("vol-", StringComparison.Ordinal))
        {
            return $"_ssesim/api/volumes/{Uri.EscapeDataString(target)}/flow";
        }
        return target.StartsWith("trace-", StringComparison.Ordinal) ? $"_ssesim/api/traces/{Uri.EscapeDataString(target)}" : null;
    }

    private static async Task WriteFlowAsync(TextWriter output, JsonElement flow)
    {
        var total = flow.TryGetProperty("totalMs", out var t) && t.ValueKind == JsonValueKind.Number ? $", {Ms(t)} ms" : "";
        await output.WriteLineAsync($"{Text(flow, "subject")}: {Text(flow, "operation")} by {Text(flow, "identity")} at {Text(flow, "started")} ({Text(flow, "id")}{total})");
        if (flow.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
        {
            await output.WriteLineAsync($"  failed: {error.GetString()}");
        }
        foreach (var step in flow.GetProperty("steps").EnumerateArray())
        {
            var took = step.TryGetProperty("durationMs", out var d) && d.ValueKind == JsonValueKind.Number ? $"took {Ms(d)} ms" : "";
            var eventId = step.TryGetProperty("kmsEventId", out var ev) && ev.ValueKind == JsonValueKind.String ? $"  [KMS event {ev.GetString()}]" : "";
            await output.WriteLineAsync($"  +{Ms(step.GetProperty("offsetMs")),10} ms  {Text(step, "name"),-38} {took,-16}{eventId}");
            await output.WriteLineAsync($"      {Text(step, "detail")}");
            if (step.TryGetProperty("fields", out var fields) && fields.ValueKind == JsonValueKind.Object)
            {
                foreach (var name in new[] { "encryptionContext", "keyMaterialId", "viaService", "errorCode", "segments" })
                {
                    if (fields.TryGetProperty(name, out var value))
                    {
                        await output.WriteLineAsync($"      {name}: {value.GetString()}");
                    }
                }
            }
        }
        await output.WriteLineAsync();
    }

    private static string Ms(JsonElement number) => number.GetDouble().ToString("0.000", CultureInfo.InvariantCulture);

    private static string Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "-";
}
