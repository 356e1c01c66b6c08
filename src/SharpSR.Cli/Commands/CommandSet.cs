using System.CommandLine;

namespace SharpSR.Cli.Commands;

/// <summary>Every sub-command, in the order `sharpsr --help` lists them.</summary>
public static class CommandSet
{
    public static IEnumerable<Command> All(CliOutput output) =>
    [
        InfoCommand.Create(output),
    ];
}
