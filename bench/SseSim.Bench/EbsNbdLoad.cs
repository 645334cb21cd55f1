using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using SseSim.Server.Hosting;

namespace SseSim.Bench;

/// <summary>
/// <c>ebs-nbd [rounds] [count4k] [depth] [only]</c>: an encrypted and an unencrypted volume, created, attached and exported
/// by the in-process server, driven over NBD on loopback by <c>qemu-img bench</c>. First writes (which allocate) run
/// once; then each round runs every steady-state workload on both volumes back to back and the median is reported.
/// qemu-img 7.2's bench has no random mode, so "random" 4 KiB is a fixed odd stride of 104,729 blocks modulo the
/// volume size: every request lands on a different, far-apart block (a permutation of the blocks), and the read pass
/// revisits exactly the blocks the write pass wrote, so reads decrypt real data instead of returning holes.
/// </summary>
public static partial class EbsNbdLoad
{
    private const int VolumeGiB = 2;
    private const long ScatterStep = 104_729L * 4096;
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(3);

    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
        var count4k = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000;
        var depth = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 16;
        // Optional: run only the steady-state workloads whose name contains this (for profiling one of them).
        var only = args.Length > 3 ? args[3] : "";
        const int count1m = 512;

        var (app, endpoint, dataDir) = await BenchEnv.StartSseSimAsync();
        try
        {
            var nbdPort = ((System.Net.IPEndPoint)app.Services.GetRequiredService<NbdHost>().Server.LocalEndPoint).Port;
            using var ec2 = new Ec2Client(endpoint);
            var instance = Value(await ec2.CallAsync("RunInstances", ("ImageId", "ami-12345678"), ("MinCount", "1"), ("MaxCount", "1")), "instanceId");
            var volumes = new Dictionary<string, string>();
            foreach (var (name, encrypted, device) in new[] { ("encrypted", "true", "/dev/sdf"), ("unencrypted", "false", "/dev/sdg") })
            {
                var volumeId = Value(await ec2.CallAsync("CreateVolume", ("AvailabilityZone", "us-east-1a"), ("Size", VolumeGiB.ToString(CultureInfo.InvariantCulture)), ("VolumeType", "gp3"), ("Encrypted", encrypted)), "volumeId");
                await ec2.WaitForStateAsync(volumeId, "available");
                await ec2.CallAsync("AttachVolume", ("VolumeId", volumeId), ("InstanceId", instance), ("Device", device));
                await ec2.WaitForStateAsync(volumeId, "in-use");
                volumes[name] = $"nbd://127.0.0.1:{nbdPort}/{volumeId}";
            }

            var step = ScatterStep.ToString(CultureInfo.InvariantCulture);
            var d = depth.ToString(CultureInfo.InvariantCulture);
            var c4 = count4k.ToString(CultureInfo.InvariantCulture);
            var c1 = count1m.ToString(CultureInfo.InvariantCulture);
            // The first writes to a block also make its allocation bit durable (block-volume.md §3), so they are
            // measured once, on fresh volumes, apart from the steady-state overwrites of the same blocks.
            var firstWrites = new Workload[]
            {
                new("4 KiB scattered first write", "IOPS", ["-w", "-s", "4k", "-S", step, "-d", d, "-c", c4], count4k, 4096, depth),
                new("1 MiB sequential first write", "MiB/s", ["-w", "-s", "1M", "-S", "1M", "-d", "4", "-c", c1], count1m, 1 << 20, 4),
            };
            var workloads = new Workload[]
            {
                new("4 KiB scattered overwrite", "IOPS", ["-w", "-s", "4k", "-S", step, "-d", d, "-c", c4], count4k, 4096, depth),
                new("4 KiB scattered read", "IOPS", ["-s", "4k", "-S", step, "-d", d, "-c", c4], count4k, 4096, depth),
                new("1 MiB sequential overwrite", "MiB/s", ["-w", "-s", "1M", "-S", "1M", "-d", "4", "-c", c1], count1m, 1 << 20, 4),
                new("1 MiB sequential read", "MiB/s", ["-s", "1M", "-S", "1M", "-d", "4", "-c", c1], count1m, 1 << 20, 4),
            };
            var results = firstWrites.Concat(workloads).ToDictionary(w => w.Name, _ => volumes.Keys.ToDictionary(v => v, _ => new List<double>()));
            foreach (var w in firstWrites)
            {
                await RunOnBothAsync(w, 0, volumes, results);
            }
            for (var round = 0; round < rounds; round++)
            {
                foreach (var w in workloads.Where(w => w.Name.Contains(only, StringComparison.Ordinal)))
                {
                    await RunOnBothAsync(w, round, volumes, results);
                }
            }
            Console.WriteLine();
            foreach (var w in firstWrites.Concat(workloads).Where(w => results[w.Name]["encrypted"].Count > 0))
            {
                var enc = Median(results[w.Name]["encrypted"]);
                var plain = Median(results[w.Name]["unencrypted"]);
                Console.WriteLine($"{w.Name} (depth {w.Depth}, {results[w.Name]["encrypted"].Count} runs): encrypted {enc:F0} {w.Unit}, unencrypted {plain:F0} {w.Unit}, ratio {enc / plain:P0} (target >= 70%)");
            }
        }
        finally
        {
            await BenchEnv.StopSseSimAsync(app, dataDir);
        }
        return 0;
    }

    private sealed record Workload(string Name, string Unit, string[] Args, int Count, int Bytes, int Depth);

    private static async Task RunOnBothAsync(Workload w, int round, Dictionary<string, string> volumes, Dictionary<string, Dictionary<string, List<double>>> results)
    {
        // Alternate which volume goes first so drift in machine load does not favour one side.
        var order = round % 2 == 0 ? new[] { "encrypted", "unencrypted" } : ["unencrypted", "encrypted"];
        foreach (var v in order)
        {
            var seconds = await QemuImgBenchAsync(w.Args, volumes[v]);
            var rate = w.Unit == "IOPS" ? w.Count / seconds : w.Count * (double)w.Bytes / 1048576 / seconds;
            results[w.Name][v].Add(rate);
            Console.WriteLine($"  round {round + 1} {w.Name} {v}: {rate:F0} {w.Unit} ({seconds:F3} s)  [{BenchEnv.LoadAverage()}]");
        }
    }

    private static async Task<double> QemuImgBenchAsync(string[] args, string uri)
    {
        var psi = new ProcessStartInfo("qemu-img") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["bench", "-f", "raw", "-t", "none", .. args, uri])
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("qemu-img not found (apt-get install qemu-utils)");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ToolTimeout);
        try
        {
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill();
            throw new TimeoutException($"qemu-img bench {string.Join(' ', args)} took longer than {ToolTimeout}");
        }
        var output = await stdout + await stderr;
        var m = RunCompleted().Match(output);
        if (p.ExitCode != 0 || !m.Success)
        {
            throw new InvalidOperationException($"qemu-img bench {string.Join(' ', args)} failed ({p.ExitCode}): {output}");
        }
        return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Value(XDocument doc, string element) =>
        doc.Descendants().First(e => e.Name.LocalName == element).Value;

    [GeneratedRegex(@"Run completed in ([0-9.]+) seconds")]
    private static partial Regex RunCompleted();

    /// <summary>EC2 Query API over SigV4, form-encoded POST.</summary>
    private sealed class Ec2Client(string endpoint) : IDisposable
    {
        private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false });

        public async Task<XDocument> CallAsync(string action, params (string Name, string Value)[] parameters)
        {
            var form = new StringBuilder($"Action={action}&Version=2016-11-15");
            foreach (var (n, v) in parameters)
            {
                form.Append('&').Append(Uri.EscapeDataString(n)).Append('=').Append(Uri.EscapeDataString(v));
            }
            var body = Encoding.UTF8.GetBytes(form.ToString());
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.TrimEnd('/') + "/") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/x-www-form-urlencoded") { CharSet = "utf-8" };
            SigV4.Default.Sign(request, "ec2", SigV4.Sha256Hex(body));
            using var response = await _http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{action}: {(int)response.StatusCode} {text}");
            }
            return XDocument.Parse(text);
        }

        public async Task WaitForStateAsync(string volumeId, string state)
        {
            for (var i = 0; i < 100; i++)
            {
                var doc = await CallAsync("DescribeVolumes", ("VolumeId.1", volumeId));
                // The volume's own <status> (the attachment set has its own).
                var volume = doc.Descendants().First(e => e.Name.LocalName == "item");
                if (volume.Elements().FirstOrDefault(e => e.Name.LocalName == "status")?.Value == state)
                {
                    return;
                }
                await Task.Delay(100);
            }
            throw new TimeoutException($"{volumeId} did not reach {state}");
        }

        public void Dispose() => _http.Dispose();
    }
}
