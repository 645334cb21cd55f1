namespace SseSim.Cli.Commands;

/// <summary>One `ssesim VERB` command. Commands are listed in <see cref="CommandTable"/>, never found by reflection.</summary>
public interface ICliCommand
{
    string Name { get; }

    /// <summary>One line for `ssesim help`.</summary>
    string Summary { get; }

    /// <summary>Runs the command with the arguments after the verb; returns the process exit code.</summary>
    Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken);
}
