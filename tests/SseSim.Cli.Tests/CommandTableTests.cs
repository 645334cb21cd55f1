using SseSim.Cli.Commands;

namespace SseSim.Cli.Tests;

public class CommandTableTests
{
    [Fact]
    public void Names_are_unique_and_lookup_ignores_case()
    {
        var names = CommandTable.All.Select(c => c.Name.ToLowerInvariant()).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        foreach (var command in CommandTable.All)
        {
            Assert.Same(command, CommandTable.Find(command.Name.ToUpperInvariant()));
        }
        Assert.Null(CommandTable.Find("no-such-command"));
    }

    [Fact]
    public void Help_lists_every_command()
    {
        var output = new StringWriter();
        CommandTable.WriteHelp(output);
        foreach (var command in CommandTable.All)
        {
            Assert.Contains(command.Name, output.ToString());
        }
        Assert.StartsWith("usage: ssesim", output.ToString());
    }
}
