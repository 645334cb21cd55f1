using System.Net;
using System.Text;
using System.Text.Json;
using SseSim.Core.Aws;
using SseSim.Kms;

namespace SseSim.Server.Tests.Faults;

/// <summary>Signed calls to /_ssesim/api/faults and unsigned scrapes of /metrics, as the CLI and Prometheus make them.</summary>
public static class AdminApi
{
    private static readonly HttpClient Http = new();

    public static async Task<(HttpStatusCode Status, JsonDocument Body)> FaultsAsync(this ServerFixture server, HttpMethod method, string? json = null,
        string accessKey = "test", string secretKey = "test")
    {
        var body = json is null ? [] : Encoding.UTF8.GetBytes(json);
        using var request = new HttpRequestMessage(method, server.Endpoint + "/_ssesim/api/faults");
        if (json is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }
        new SigV4Signer(accessKey, secretKey, "us-east-1").Sign(request, "ssesim", SigV4Signer.Sha256Hex(body));
        using var response = await Http.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()));
    }

    public static async Task SetFaultsAsync(this ServerFixture server, string json)
    {
        var (status, body) = await server.FaultsAsync(HttpMethod.Put, json);
        Assert.True(status == HttpStatusCode.OK, body.RootElement.ToString());
    }

    public static async Task<string> ScrapeAsync(this ServerFixture server) => await Http.GetStringAsync(server.Endpoint + "/metrics");

    /// <summary>The value of one Prometheus sample line (0 when absent): name plus exact label set as exported.</summary>
    public static double Sample(string exposition, string name, params (string Label, string Value)[] labels)
    {
        foreach (var line in exposition.Split('\n'))
        {
            if (!line.StartsWith(name + "{", StringComparison.Ordinal) && !line.StartsWith(name + " ", StringComparison.Ordinal))
            {
                continue;
            }
            var space = line.LastIndexOf(' ');
            var head = line[..space];
            if (labels.All(l => head.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal)))
            {
                return double.Parse(line[(space + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return 0;
    }

    /// <summary>KMS audit events of one name, oldest first (after the background writer has caught up).</summary>
    public static async Task<IReadOnlyList<SseSim.Kms.Audit.AuditEvent>> AuditAsync(this ServerFixture server, string eventName)
    {
        var kms = server.Services.GetRequiredService<KmsService>();
        await kms.Audit.FlushAsync();
        return [.. kms.Audit.Recent().Where(e => e.EventName == eventName).Reverse()];
    }
}
