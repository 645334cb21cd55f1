using SseSim.Server.Hosting;

namespace SseSim.Server.Tests.Hosting;

public sealed class SocketSchedulingTests
{
    [Fact]
    public void Only_the_server_process_with_embedded_storage_runs_inline_unless_the_environment_says_otherwise()
    {
        var embedded = new ServerOptions();
        Assert.True(SocketScheduling.Decide(embedded, ownsProcess: true, existing: null));
        Assert.False(SocketScheduling.Decide(embedded, ownsProcess: false, existing: null));
        Assert.False(SocketScheduling.Decide(embedded, ownsProcess: false, existing: "1"));
        Assert.False(SocketScheduling.Decide(new ServerOptions { InlineSocketCompletions = false }, ownsProcess: true, existing: null));
        Assert.False(SocketScheduling.Decide(new ServerOptions { ObjectBackend = "s3" }, ownsProcess: true, existing: null));
        Assert.False(SocketScheduling.Decide(embedded, ownsProcess: true, existing: "0"));
        Assert.True(SocketScheduling.Decide(new ServerOptions { InlineSocketCompletions = false }, ownsProcess: true, existing: "1"));
    }

    /// <summary>
    /// The setting only works if no socket exists before the host decides, so check its effect on a real server
    /// process: inline, .NET runs one socket engine thread per core instead of one per 30 cores that hands off to workers.
    /// </summary>
    [Fact]
    public async Task The_server_process_serves_on_one_socket_engine_thread_per_core_when_inline_and_one_when_not()
    {
        if (!OperatingSystem.IsLinux() || Environment.ProcessorCount < 2)
        {
            return; // thread names from /proc, and with one core both modes run one engine
        }
        Assert.Equal(Environment.ProcessorCount, await EngineThreadsAsync([]));
        Assert.True(await EngineThreadsAsync(["--inline-socket-completions", "false"]) < Environment.ProcessorCount); // 1 per 30 cores
    }

    private static async Task<int> EngineThreadsAsync(string[] arguments)
    {
        await using var server = new ServerProcess { Arguments = arguments };
        await server.StartAsync();
        var pid = server.ProcessId!.Value;
        return Directory.GetDirectories($"/proc/{pid}/task")
            .Count(t => File.ReadAllText(Path.Combine(t, "comm")).Trim() == ".NET Sockets");
    }
}
