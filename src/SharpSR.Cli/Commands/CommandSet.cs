using System.CommandLine;

namespace SharpSR.Cli.Commands;

/// <summary>Every sub-command, in the order `sharpsr --help` lists them.</summary>
public static class CommandSet
{
    public static IEnumerable<Command> All(CliOutput output) =>
    [
        UpscaleCommand.Create(output),
        EvalCommand.Create(output),
        TrainCommand.Create(output),
        AblateCommand.Create(output),
        InfoCommand.Create(output),
        ModelsCommand.Create(output),
        TorchImport.Create(output),
        ExportCommand.Create(output),
        BenchCommand.Create(output),
        ImageToolCommands.Resize(output),
        ImageToolCommands.Metrics(output),
        ServeCommand.Create(output),
    ];
}
