using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace SseSim.Server.Tests;

/// <summary>
/// Long-lived python3 processes (PythonHost.py) that run aws CLI commands and python3 scripts one at a time, each as its
/// own process would (argv, working directory, environment, stdout, stderr, exit code). Starting python3 and importing
/// awscli or boto3 was about half the CPU of each of the suite's ~200 such calls. One host per concurrent caller.
/// <c>SSESIM_TEST_SUBPROCESSES=1</c> runs every call as its own process again.
/// </summary>
public sealed class PythonHost : IDisposable
{
    private static readonly ConcurrentBag<PythonHost> Idle = [];
    private static readonly bool Disabled = Environment.GetEnvironmentVariable("SSESIM_TEST_SUBPROCESSES") == "1";
    private static readonly Lazy<Task<bool>> AwsCliInHost = new(ProbeAwsCliAsync);

    private readonly Process _process;
    private readonly StringBuilder _log = new();

    static PythonHost()
    {
        // Killed and reaped at the end, so no host outlives the test run (one would also end at EOF on its stdin).
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            while (Idle.TryTake(out var host))
            {
                host.Dispose();
            }
        };
    }

    private PythonHost()
    {
        var psi = new ProcessStartInfo("python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "PythonHost.py"));
        AwsCli.UseTestCredentials(psi);
        _process = Process.Start(psi)!;
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_log)
            {
                if (e.Data is not null && _log.Length < 64 * 1024)
                {
                    _log.AppendLine(e.Data);
                }
            }
        };
        _process.BeginErrorReadLine();
    }

    /// <summary>Runs <c>aws args</c> in a host when the host's interpreter has the same aws CLI as PATH; null when it has not.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)?> RunAwsAsync(string workingDirectory, IReadOnlyList<string> args) =>
        !Disabled && await AwsCliInHost.Value ? await RunAsync("aws", args, workingDirectory, new Dictionary<string, string>()) : null;

    /// <summary>Runs <c>python3 file args</c> in a host with <paramref name="environment"/> added; null when hosts are disabled.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)?> RunScriptAsync(string file, IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment) =>
        Disabled ? null : await RunAsync("script", [file, .. args], Environment.CurrentDirectory, environment);

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string kind, IReadOnlyList<string> argv, string cwd, IReadOnlyDictionary<string, string> environment)
    {
        var host = Idle.TryTake(out var idle) ? idle : new PythonHost();
        var reply = await host.SendAsync(new Dictionary<string, object> { ["kind"] = kind, ["argv"] = argv, ["cwd"] = cwd, ["env"] = environment });
        Idle.Add(host);
        return (reply.GetProperty("code").GetInt32(), Text(reply, "stdout"), Text(reply, "stderr"));
    }

    /// <summary>The output as Process would read it: UTF-8, invalid bytes replaced.</summary>
    private static string Text(JsonElement reply, string stream) => new UTF8Encoding(false).GetString(reply.GetProperty(stream).GetBytesFromBase64());

    private async Task<JsonElement> SendAsync(object request)
    {
        try
        {
            await _process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(request));
            await _process.StandardInput.FlushAsync();
            var line = await _process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("the python host exited");
            return JsonDocument.Parse(line).RootElement.Clone();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or JsonException)
        {
            Dispose();
            string log;
            lock (_log)
            {
                log = _log.ToString();
            }
            throw new InvalidOperationException($"python host failed: {e.Message}\n{log}", e);
        }
    }

    /// <summary>
    /// True when the host's interpreter has an aws CLI script whose <c>aws --version</c> matches the <c>aws</c> on PATH
    /// (one process, once), so a host runs the very CLI a process would.
    /// </summary>
    private static async Task<bool> ProbeAwsCliAsync()
    {
        try
        {
            var host = new PythonHost();
            var hello = await host.SendAsync(new Dictionary<string, object> { ["kind"] = "hello" });
            Idle.Add(host);
            if (hello.GetProperty("aws").ValueKind != JsonValueKind.String)
            {
                return false;
            }
            var cwd = Path.GetTempPath();
            var inHost = await RunAsync("aws", ["--version"], cwd, new Dictionary<string, string>());
            var alone = await AwsCli.RunProcessAsync(cwd, ["--version"]);
            return inHost.ExitCode == 0 && alone.ExitCode == 0 && inHost.Stdout + inHost.Stderr == alone.Stdout + alone.Stderr;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no python3 or no aws on PATH: calls fail as processes, as they always did
        }
    }

    public void Dispose()
    {
        try
        {
            _process.Kill();
            _process.WaitForExit(TimeSpan.FromSeconds(5));
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
