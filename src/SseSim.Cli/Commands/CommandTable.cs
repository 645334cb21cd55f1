namespace SseSim.Cli.Commands;

/// <summary>The explicit table of `ssesim` verbs. Add a command by adding one line here.</summary>
public static class CommandTable
{
    public static IReadOnlyList<ICliCommand> All { get; } =
    [
        new BenchCommand(),
        new ExplainCommand(),
        new FaultsCommand(),
    ];

    public static ICliCommand? Find(string name) =>
        All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    public static void WriteHelp(TextWriter output)
    {
        output.WriteLine("usage: ssesim <command> [options]");
        output.WriteLine();
        foreach (var command in All)
        {
            output.WriteLine($"  {command.Name,-10} {command.Summary}");
        }
        output.WriteLine();
        output.WriteLine("Run `ssesim <command> --help` for a command's options.");
    }
}
