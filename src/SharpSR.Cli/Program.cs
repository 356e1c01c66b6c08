using System.CommandLine;
using SharpSR.Cli.Commands;

namespace SharpSR.Cli;

public static class Program
{
    public static int Main(string[] args) => Run(args);

    /// <summary>Entry point shared by the executable and the in-process CLI tests.</summary>
    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        OptionalCodecs.Register();
        var output = new CliOutput(stdout ?? System.Console.Out, stderr ?? System.Console.Error);
        var root = new RootCommand("SharpSR: lightweight single-image super-resolution in .NET");
        foreach (var command in CommandSet.All(output)) root.Subcommands.Add(command);
        var config = new InvocationConfiguration { Output = output.Out, Error = output.Error, EnableDefaultExceptionHandler = false };
        try
        {
            var parse = root.Parse(args);
            // Parse errors get the same one-line form as every other bad input (System.CommandLine would print
            // the help page and name .NET types); a bare `sharpsr` still shows the help.
            if (args.Length > 0 && parse.Action is not System.CommandLine.Help.HelpAction
                && CliErrors.DescribeParseProblem(parse) is { } problem)
            {
                output.Error.WriteLine("error: " + problem);
                return 1;
            }
            return parse.Invoke(config);
        }
        catch (Exception e) when (CliErrors.IsUserError(e))
        {
            output.Error.WriteLine("error: " + CliErrors.Describe(e));
            return 1;
        }
    }
}
