using SseSim.Cli.Commands;

// `ssesim` is the user's tool beside the server: `dotnet run --project src/SseSim.Cli -- <command> ...`.

// `ssesim bench` runs its socket continuations on the socket engine's threads instead of handing each completion to a
// thread-pool worker: on 2 cores shared with the server under test, every hand-off was a futex wake and a context switch
// per call. Read once, when the first socket is created, so it is set before anything else runs; a value in the
// environment wins.
if (args is ["bench", ..] && Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
{
    CommandTable.WriteHelp(Console.Out);
    return args.Length == 0 ? 2 : 0;
}
var command = CommandTable.Find(args[0]);
if (command is null)
{
    Console.Error.WriteLine($"ssesim: unknown command '{args[0]}'");
    CommandTable.WriteHelp(Console.Error);
    return 2;
}
return await command.RunAsync(args[1..], Console.Out, cancel.Token);
