using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using SseSim.Core.Aws;
using SseSim.Core.Faults;

namespace SseSim.Cli.Commands;

/// <summary>
/// <c>ssesim faults show|set|clear</c>: reads and changes the running server's injected faults through the signed
/// admin API (<c>/_ssesim/api/faults</c>). <c>set</c> reads the current settings first and changes only what its
/// options name, so faults for different operations add up.
/// </summary>
public sealed class FaultsCommand(HttpMessageHandler? handler = null) : ICliCommand
{
    public string Name => "faults";

    public string Summary => "show, set or clear injected faults (KMS latency, errors, outages, quotas, volume latency)";

    private const string Usage = """
        usage: ssesim faults show|set|clear [connection options] [set options]

        connection: --endpoint-url URL (default $SSESIM_ENDPOINT or http://127.0.0.1:4566)
                    --access-key ID --secret-key SECRET (default $AWS_ACCESS_KEY_ID/$AWS_SECRET_ACCESS_KEY or test/test)
                    --region REGION (default us-east-1); the identity must be an SseSim admin
        set:  --operation OP                 KMS operation the latency or error applies to (default: all)
              --kms-latency 20ms [--jitter 5ms]   added KMS latency (0 removes it)
              --kms-error-rate 0.1 [--error-code ThrottlingException|KMSInternalException|DependencyTimeoutException]
              --outage 30s [--outage-error KMSInternalException|DependencyTimeoutException]   every KMS call fails (0 ends it)
              --quota-symmetric N --quota-rsa N --quota-ecc N   KMS requests per second per account
              --quotas on|off                enforce KMS request quotas
              --volume-latency 2ms [--volume-jitter 1ms]   added latency on every volume read and write
        durations: 250us, 20ms, 1.5s, 2m; a bare number is milliseconds (seconds for --outage)
        """;

    public async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            output.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        Dictionary<string, string> options;
        try
        {
            options = ParseOptions(args[1..]);
        }
        catch (ArgumentException e)
        {
            output.WriteLine($"ssesim faults: {e.Message}");
            return 2;
        }
        var endpoint = options.GetValueOrDefault("endpoint-url") ?? Environment.GetEnvironmentVariable("SSESIM_ENDPOINT") ?? "http://127.0.0.1:4566";
        var signer = new SigV4Signer(
            options.GetValueOrDefault("access-key") ?? Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") ?? "test",
            options.GetValueOrDefault("secret-key") ?? Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") ?? "test",
            options.GetValueOrDefault("region") ?? "us-east-1");
        using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        var client = new Client(http, new Uri(new Uri(endpoint.TrimEnd('/') + "/"), "_ssesim/api/faults"), signer);
        try
        {
            string result;
            switch (args[0])
            {
                case "show":
                    result = await client.SendAsync(HttpMethod.Get, null, cancellationToken);
                    break;
                case "clear":
                    result = await client.SendAsync(HttpMethod.Delete, null, cancellationToken);
                    break;
                case "set":
                    var current = JsonSerializer.Deserialize<FaultsDocument>(await client.SendAsync(HttpMethod.Get, null, cancellationToken), FaultsDocument.Json)!;
                    var update = BuildUpdate(current, options);
                    result = await client.SendAsync(HttpMethod.Put, JsonSerializer.Serialize(update, FaultsDocument.Json), cancellationToken);
                    break;
                default:
                    output.WriteLine($"ssesim faults: unknown action '{args[0]}'");
                    output.WriteLine(Usage);
                    return 2;
            }
            output.WriteLine(result);
            return 0;
        }
        catch (ArgumentException e)
        {
            output.WriteLine($"ssesim faults: {e.Message}");
            return 2;
        }
        catch (AdminApiException e)
        {
            output.WriteLine($"ssesim faults: the server answered {e.Status}: {e.Message}");
            return 1;
        }
        catch (HttpRequestException e)
        {
            output.WriteLine($"ssesim faults: cannot reach {endpoint}: {e.Message}");
            return 1;
        }
    }

    /// <summary>Turns set options into a PUT body: only the sections an option names are sent.</summary>
    internal static FaultsDocument BuildUpdate(FaultsDocument current, IReadOnlyDictionary<string, string> o)
    {
        var operation = o.GetValueOrDefault("operation");
        var kms = current.Kms ?? new KmsFaultsDocument();
        KmsFaultsDocument? kmsUpdate = null;
        if (o.TryGetValue("kms-latency", out var latency))
        {
            var ms = Milliseconds(latency, "kms-latency");
            var jitter = o.TryGetValue("jitter", out var j) ? Milliseconds(j, "jitter") : 0;
            var rest = (kms.Latency ?? []).Where(l => !SameOperation(l.Operation, operation));
            kmsUpdate = new KmsFaultsDocument { Latency = ms == 0 && jitter == 0 ? [.. rest] : [.. rest, new LatencyDocument(operation, ms, jitter)] };
        }
        if (o.TryGetValue("kms-error-rate", out var rateText))
        {
            if (!double.TryParse(rateText, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate))
            {
                throw new ArgumentException($"--kms-error-rate '{rateText}' is not a number between 0 and 1.");
            }
            var code = o.GetValueOrDefault("error-code") ?? "ThrottlingException";
            var rest = (kms.Errors ?? []).Where(e => !SameOperation(e.Operation, operation));
            kmsUpdate = (kmsUpdate ?? new KmsFaultsDocument()) with { Errors = rate == 0 ? [.. rest] : [.. rest, new ErrorDocument(operation, rate, code)] };
        }
        if (o.TryGetValue("outage", out var outage))
        {
            var seconds = Milliseconds(outage, "outage", bareUnit: "s") / 1000;
            kmsUpdate = (kmsUpdate ?? new KmsFaultsDocument()) with
            {
                Outage = new OutageDocument { DurationSeconds = seconds, ErrorCode = o.GetValueOrDefault("outage-error") },
            };
        }
        QuotasDocument? quotas = null;
        if (o.ContainsKey("quota-symmetric") || o.ContainsKey("quota-rsa") || o.ContainsKey("quota-ecc") || o.ContainsKey("quotas"))
        {
            quotas = new QuotasDocument
            {
                SymmetricRps = Rate(o, "quota-symmetric"),
                RsaRps = Rate(o, "quota-rsa"),
                EccRps = Rate(o, "quota-ecc"),
                Enabled = o.GetValueOrDefault("quotas") switch
                {
                    null => null,
                    "on" or "true" => true,
                    "off" or "false" => false,
                    var v => throw new ArgumentException($"--quotas '{v}' must be on or off."),
                },
            };
        }
        VolumeFaultsDocument? volumes = null;
        if (o.TryGetValue("volume-latency", out var volumeLatency))
        {
            volumes = new VolumeFaultsDocument(Milliseconds(volumeLatency, "volume-latency"),
                o.TryGetValue("volume-jitter", out var vj) ? Milliseconds(vj, "volume-jitter") : 0);
        }
        if (kmsUpdate is null && quotas is null && volumes is null)
        {
            throw new ArgumentException("set needs at least one of --kms-latency, --kms-error-rate, --outage, --quota-*, --quotas, --volume-latency.");
        }
        return new FaultsDocument { Kms = kmsUpdate, Quotas = quotas, Volumes = volumes };
    }

    internal static Dictionary<string, string> ParseOptions(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || args[i].Length == 2)
            {
                throw new ArgumentException($"unexpected argument '{args[i]}'.");
            }
            var name = args[i][2..];
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                options[name[..eq]] = name[(eq + 1)..];
            }
            else if (i + 1 < args.Length)
            {
                options[name] = args[++i];
            }
            else
            {
                throw new ArgumentException($"--{name} needs a value.");
            }
        }
        return options;
    }

    /// <summary>"250us", "20ms", "1.5s", "2m"; a bare number is in <paramref name="bareUnit"/>.</summary>
    internal static double Milliseconds(string text, string option, string bareUnit = "ms")
    {
        var unitStart = text.Length;
        while (unitStart > 0 && char.IsLetter(text[unitStart - 1]))
        {
            unitStart--;
        }
        var unit = unitStart == text.Length ? bareUnit : text[unitStart..];
        if (!double.TryParse(text[..unitStart], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0 || !double.IsFinite(value))
        {
            throw new ArgumentException($"--{option} '{text}' is not a duration (e.g. 20ms, 1.5s).");
        }
        return unit switch
        {
            "us" => value / 1000,
            "ms" => value,
            "s" => value * 1000,
            "m" => value * 60_000,
            "h" => value * 3_600_000,
            _ => throw new ArgumentException($"--{option} '{text}': unknown unit '{unit}' (us, ms, s, m, h)."),
        };
    }

    private static double? Rate(IReadOnlyDictionary<string, string> o, string name) =>
        !o.TryGetValue(name, out var text) ? null
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
        : throw new ArgumentException($"--{name} '{text}' is not a number of requests per second.");

    private static bool SameOperation(string? a, string? b) => string.Equals(a ?? "*", b ?? "*", StringComparison.Ordinal);

    private sealed class AdminApiException(int status, string message) : Exception(message)
    {
        public int Status { get; } = status;
    }

    private sealed class Client(HttpClient http, Uri uri, SigV4Signer signer)
    {
        public async Task<string> SendAsync(HttpMethod method, string? json, CancellationToken cancellationToken)
        {
            var body = json is null ? [] : Encoding.UTF8.GetBytes(json);
            using var request = new HttpRequestMessage(method, uri);
            if (json is not null)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            }
            signer.Sign(request, "ssesim", SigV4Signer.Sha256Hex(body));
            using var response = await http.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var message = text;
                try
                {
                    using var doc = JsonDocument.Parse(text);
                    message = $"{doc.RootElement.GetProperty("__type").GetString()}: {doc.RootElement.GetProperty("message").GetString()}";
                }
                catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
                {
                }
                throw new AdminApiException((int)response.StatusCode, message);
            }
            return text;
        }
    }
}
