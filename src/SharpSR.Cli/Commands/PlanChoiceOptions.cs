using System.CommandLine;
using SharpSR.Core.Lowering;

namespace SharpSR.Cli.Commands;

/// <summary>`--conv` and `--precision`: how a network's plan computes its 3x3 convolutions (upscale, eval, bench).</summary>
internal sealed class PlanChoiceOptions
{
    private readonly Option<string?> _conv = new("--conv")
    {
        Description = "3x3 convolutions: winograd (the default: F(4x4,3x3), faster, ~20 float ulps of rounding), direct (exact to float rounding) or winograd2 (F(2x2,3x3))",
    };

    private readonly Option<string?> _precision = new("--precision")
    {
        Description = "number format: fp32 (the default and the only one built; bf16 and int8 are refused with the reason)",
    };

    public void AddTo(Command cmd)
    {
        cmd.Options.Add(_conv);
        cmd.Options.Add(_precision);
    }

    /// <summary>The options, refused in one line when SharpSR cannot run them; a fallback from an asked-for --conv is said on stderr.</summary>
    public PlanOptions Read(ParseResult r, CliOutput output)
    {
        string? conv = r.GetValue(_conv);
        var options = PlanOptions.Parse(conv, r.GetValue(_precision));
        if (options.Refusal() is { } refusal) throw new NotSupportedException(refusal);
        if (conv is not null && options.FallbackNote() is { } note) output.Error.WriteLine(note);
        return options;
    }
}
