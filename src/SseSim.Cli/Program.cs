using SseSim.Cli.Commands;

// `ssesim` is the user's tool beside the server: `dotnet run --project src/SseSim.Cli -- <command> ...`.
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
