using System.Diagnostics;

namespace SseSim.Server.Tests.Ec2;

/// <summary>Runs a command-line tool (qemu-io, nbdinfo, a sample script) and captures its output.</summary>
public static class Tool
{
    public static bool Exists(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, name)));

    public static Task<(int ExitCode, string Output)> RunAsync(string file, params string[] args) => RunAsync(StartInfo(file, args));

    public static ProcessStartInfo StartInfo(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        return psi;
    }

    /// <summary>Runs to completion (at most four minutes) and returns stdout followed by stderr.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(ProcessStartInfo psi)
    {
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await p.WaitForExitAsync(timeout.Token);
        return (p.ExitCode, await stdout + await stderr);
    }
}
