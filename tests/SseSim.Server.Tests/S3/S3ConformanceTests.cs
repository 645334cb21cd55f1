using System.Diagnostics;
using System.Text.Json;

namespace SseSim.Server.Tests.S3;

/// <summary>
/// The ceph/s3-tests-style encryption checks (S3/Conformance/s3_encryption_conformance.py: SSE-C, SSE-KMS, SSE-S3,
/// bucket encryption and policies, copies, browser POST uploads) run by boto3 against the test server. Every check
/// reports one JSON line; any failed check fails this test with its assertion.
/// </summary>
[Collection("S3")]
public sealed class S3ConformanceTests(ServerFixture server)
{
    [Fact]
    public async Task Encryption_conformance_checks_pass()
    {
        if (!S3Clients.PythonBoto3Available)
        {
            return;
        }
        var script = Path.Combine(AppContext.BaseDirectory, "S3", "Conformance", "s3_encryption_conformance.py");
        var results = await RunAsync(script, await server.NewKmsKeyAsync(), await server.NewKmsKeyAsync());
        Assert.True(results.Count > 100, $"only {results.Count} checks ran");
        var failed = results.Where(r => !r.Ok).Select(r => $"{r.Name}: {r.Error}").ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} of {results.Count} checks failed:\n" + string.Join("\n", failed));
        // The POST upload checks are part of the run (a script that skipped them would pass vacuously).
        Assert.Contains(results, r => r.Name == "test_post_object_sigv4_presigned_post");
        Assert.Contains(results, r => r.Name == "test_encryption_sse_c_post_object_authenticated_request");
    }

    private sealed record Check(string Name, bool Ok, string? Error);

    private async Task<List<Check>> RunAsync(string script, params string[] args)
    {
        var (exitCode, stdout, stderr) = await server.RunPythonFileAsync(script, args);
        var checks = new List<Check>();
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            checks.Add(new Check(root.GetProperty("name").GetString()!, root.GetProperty("ok").GetBoolean(),
                root.TryGetProperty("error", out var error) ? error.GetString() : null));
        }
        Assert.True(exitCode is 0 or 1, $"python3 crashed ({exitCode}):\n{stderr}");
        Assert.Equal(exitCode == 1, checks.Any(c => !c.Ok));
        return checks;
    }
}
