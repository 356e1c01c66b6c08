using Spectre.Console;

namespace SharpSR.Cli;

/// <summary>Where commands write: plain writers (tests capture them) and a Spectre console for tables and bars.</summary>
public sealed class CliOutput
{
    public CliOutput(TextWriter output, TextWriter error)
    {
        Out = output;
        Error = error;
        // mpirun hands its ranks a terminal, but bars of several ranks would overwrite each other: ranks print lines.
        bool interactive = ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected && !Distributed.MpiLaunch.Detected;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!interactive) Console.Profile.Width = 160;
    }

    public TextWriter Out { get; }
    public TextWriter Error { get; }
    public IAnsiConsole Console { get; }

    /// <summary>True when progress bars can redraw in place (a terminal, not a pipe or a test).</summary>
    public bool IsInteractive => Console.Profile.Capabilities.Interactive;
}
