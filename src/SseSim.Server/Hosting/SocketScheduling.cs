namespace SseSim.Server.Hosting;

/// <summary>
/// Where socket completions run. By default .NET hands every completed receive from the socket engine's epoll thread
/// to a thread-pool worker, and Kestrel then queues the request to a worker again. Each hand-off is a futex wake and a
/// context switch: on 2 cores shared with other busy processes, a quarter more GenerateDataKey calls per second inline
/// (no difference on a quiet machine; docs/benchmarks.md,
/// "Socket completions on the engine threads"). Inline, the engine threads (one per core) run the receive themselves
/// and Kestrel still queues the request to a worker, so a handler that blocks on the disk never holds an engine thread.
/// Kestrel's own UnsafePreferInlineScheduling (requests on the engine threads too) measured no better and would.
/// </summary>
internal static class SocketScheduling
{
    private const string InlineVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Whether the server runs inline. It must be decided before the process creates its first socket (System.Net.Sockets
    /// reads the variable once), so only the server's own process opts in; a host built inside a test process leaves
    /// that process's sockets alone. The "s3" object backend blocks on its own HTTP client's sockets in places
    /// (synchronous reads over its streams), which on an engine thread could wait on that same thread, so it never
    /// runs inline. A value already in the environment wins, as for any runtime setting.
    /// </summary>
    public static bool Apply(ServerOptions options, bool ownsProcess)
    {
        var existing = Environment.GetEnvironmentVariable(InlineVariable);
        var inline = Decide(options, ownsProcess, existing);
        if (inline && existing is null)
        {
            Environment.SetEnvironmentVariable(InlineVariable, "1");
        }
        return inline;
    }

    internal static bool Decide(ServerOptions options, bool ownsProcess, string? existing) =>
        ownsProcess && (existing is not null
            ? existing == "1"
            : options.InlineSocketCompletions && string.Equals(options.ObjectBackend, "embedded", StringComparison.OrdinalIgnoreCase));
}
