using System.CommandLine;
using SharpSR.Cli.Commands;
using SharpSR.Inference;

namespace SharpSR.Cli;

public static class Program
{
    public static int Main(string[] args) => Run(args);

    /// <summary>Entry point shared by the executable and the in-process CLI tests.</summary>
    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        ModelCatalog.ResourceAssembly = typeof(Program).Assembly;
        var output = new CliOutput(stdout ?? System.Console.Out, stderr ?? System.Console.Error);
        var root = new RootCommand("SharpSR: lightweight single-image super-resolution in .NET");
        foreach (var command in CommandSet.All(output)) root.Subcommands.Add(command);
        var config = new InvocationConfiguration { Output = output.Out, Error = output.Error, EnableDefaultExceptionHandler = false };
        try
        {
            return root.Parse(args).Invoke(config);
        }
        catch (Exception e) when (CliErrors.IsUserError(e))
        {
            output.Error.WriteLine("error: " + CliErrors.Describe(e));
            return 1;
        }
    }
}
