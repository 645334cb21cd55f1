using System.Diagnostics;

namespace SseSim.Server.Tests;

/// <summary>Runs the real <c>aws</c> CLI against the server, as a user would.</summary>
public static class AwsCli
{
    /// <summary>False only outside CI: .ci/run installs the aws CLI, so a CI run without it fails rather than skipping silently.</summary>
    public static bool Available => Which("aws") is not null || (Environment.GetEnvironmentVariable("CI") is null
        ? false : throw new InvalidOperationException("the aws CLI must be installed in CI (.ci/run installs it)"));

    /// <summary>Runs <c>aws --endpoint-url endpoint args</c> in <paramref name="workingDirectory"/> (in a <see cref="PythonHost"/> when it can).</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string endpoint, string workingDirectory, params string[] args)
    {
        string[] argv = ["--endpoint-url", endpoint, .. args];
        return await PythonHost.RunAwsAsync(workingDirectory, argv) ?? await RunProcessAsync(workingDirectory, argv);
    }

    /// <summary>Runs <c>aws args</c> as its own process.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunProcessAsync(string workingDirectory, IReadOnlyList<string> args)
    {
        var psi = new ProcessStartInfo("aws") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        UseTestCredentials(psi);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout, await stderr);
    }

    /// <summary>The default test/test identity, and no user config that could point elsewhere (aws CLI, boto3).</summary>
    public static void UseTestCredentials(ProcessStartInfo psi)
    {
        psi.Environment["AWS_ACCESS_KEY_ID"] = "test";
        psi.Environment["AWS_SECRET_ACCESS_KEY"] = "test";
        psi.Environment["AWS_DEFAULT_REGION"] = "us-east-1";
        psi.Environment["AWS_CONFIG_FILE"] = "/dev/null";
        psi.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
    }

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
