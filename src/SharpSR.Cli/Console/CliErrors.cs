namespace SharpSR.Cli;

/// <summary>Turns the exceptions bad input causes into the one-line messages a user sees.</summary>
public static class CliErrors
{
    public static bool IsUserError(Exception e) => e is ArgumentException or InvalidDataException or IOException
        or KeyNotFoundException or UnauthorizedAccessException or NotSupportedException or InvalidOperationException or OperationCanceledException;

    public static string Describe(Exception e) => e switch
    {
        OperationCanceledException => "cancelled",
        FileNotFoundException f when f.FileName is not null && !f.Message.Contains(f.FileName) => $"{f.Message} ({f.FileName})",
        KeyNotFoundException k => k.Message.Trim('\''),
        _ => e.Message,
    };

    /// <summary>Runs a command body: user errors become "error: …" on stderr and exit code 1.</summary>
    public static int Guard(CliOutput output, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (IsUserError(e))
        {
            output.Error.WriteLine("error: " + Describe(e));
            return 1;
        }
    }
}
