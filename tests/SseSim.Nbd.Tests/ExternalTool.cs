using System.Diagnostics;
using Xunit.Abstractions;

namespace SseSim.Nbd.Tests;

/// <summary>Runs real NBD clients (qemu-io, nbdinfo, nbdcopy). CI installs them (qemu-utils, libnbd-bin).</summary>
public static class ExternalTool
{
    public static string? Find(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/bin"))
        {
            var path = Path.Combine(dir, name);
            if (File.Exists(path))
            {
                return path;
            }
        }
        return null;
    }

    /// <summary>True, with a message in the test output, when a client binary is missing (the test then returns early).</summary>
    public static bool Missing(ITestOutputHelper output, params string[] names)
    {
        var missing = names.Where(n => Find(n) is null).ToArray();
        if (missing.Length > 0)
        {
            // CI installs the clients, so a missing one there is a failure, never a silent pass.
            Assert.True(Environment.GetEnvironmentVariable("CI") is null, $"{string.Join(", ", missing)} not installed; .ci/run installs qemu-utils and libnbd-bin");
            output.WriteLine($"SKIPPED: {string.Join(", ", missing)} not installed (apt-get install -y qemu-utils libnbd-bin).");
            return true;
        }
        return false;
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(string name, IEnumerable<string> args, byte[]? stdin = null, int timeoutSeconds = 60)
    {
        var psi = new ProcessStartInfo(Find(name) ?? name)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.BaseStream.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{name} {string.Join(' ', args)} timed out");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
