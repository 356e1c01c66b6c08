using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace SharpSR.Cli;

/// <summary>Turns the exceptions bad input causes into the one-line messages a user sees.</summary>
public static partial class CliErrors
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

    /// <summary>
    /// The first problem with the command line in the user's terms, or null. An option the command does not
    /// have would otherwise be taken as an input file name (and reported as a missing file).
    /// </summary>
    public static string? DescribeParseProblem(ParseResult parse)
    {
        foreach (var token in parse.Tokens)
            if (token.Type == TokenType.Argument && LooksLikeOption(token.Value))
                return $"unknown option '{token.Value}' for '{parse.CommandResult.Command.Name}' (see sharpsr {parse.CommandResult.Command.Name} --help)";
        if (parse.Errors.Count == 0) return null;
        string message = parse.Errors[0].Message;
        if (CannotParse().Match(message) is { Success: true } m)
            return $"{m.Groups[2].Value}: '{m.Groups[1].Value}' is not {SharpSR.Core.Serialization.StrictJson.DescribeType(m.Groups[3].Value)}";
        return message.TrimEnd('.');
    }

    private static bool LooksLikeOption(string value) =>
        value.Length > 1 && value[0] == '-' && (value[1] == '-' || char.IsLetter(value[1]));

    [GeneratedRegex("Cannot parse argument '(.*)' for (?:option|command|argument) '(.*)' as expected type '(.*)'")]
    private static partial Regex CannotParse();

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
