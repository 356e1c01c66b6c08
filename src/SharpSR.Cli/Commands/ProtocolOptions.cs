using System.CommandLine;
using SharpSR.Imaging.Metrics;

namespace SharpSR.Cli.Commands;

/// <summary>The evaluation-protocol options `eval` and `metrics` share: one Y formula and grey policy for every row.</summary>
public sealed class ProtocolOptions
{
    public Option<bool> RoundY { get; } = new("--round-y")
    {
        Description = "round Y to 8 bits before the metrics (MATLAB rgb2ycbcr on uint8 images)",
    };

    public Option<string> Grey { get; } = new("--grey")
    {
        Description = "greyscale images: y = scored on their grey levels (default; G-IDRN's rows, Set14 x4 bicubic 26.00), " +
                      "rgb = widened to RGB, then Y (PyTorch test scripts; s-LWSR's Set14 x4 bicubic 26.10)",
        DefaultValueFactory = _ => "y",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(RoundY);
        command.Options.Add(Grey);
    }

    public EvalProtocol Read(ParseResult r) => new()
    {
        Y = r.GetValue(RoundY) ? YVariant.Rounded : YVariant.Exact,
        Grey = EvalProtocol.ParseGrey(r.GetValue(Grey)!),
    };
}
