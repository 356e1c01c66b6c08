using System.CommandLine;

namespace SharpSR.Cli;

public static class Program
{
    public static int Main(string[] args) => Run(args);

    /// <summary>Entry point shared by the executable and the in-process CLI tests.</summary>
    public static int Run(string[] args)
    {
        var root = new RootCommand("SharpSR: lightweight single-image super-resolution in .NET");
        return root.Parse(args).Invoke();
    }
}
