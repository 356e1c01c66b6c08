using SharpSR.Core.Nn;

namespace SharpSR.Models;

/// <summary>
/// How a Multi-Adds figure is counted: the LR input a network runs on (a function of its scale), whether conv
/// biases count, and whether every conv counts at that LR size or at its own output size. docs/multi-adds.md has
/// the candidates computed against each paper's figures.
/// </summary>
public sealed record MultiAddsConvention(string Name, string Description, Func<int, (int Width, int Height)> LrInput, bool CountBias, bool AtLrSize)
{
    /// <summary>
    /// SharpSR's (docs/networks/README.md § Conventions, the IMDN paper's): conv weight multiply-accumulates, each layer at its own
    /// output size, for a 1280x720 output.
    /// </summary>
    public static MultiAddsConvention SharpSR { get; } = new("sharpsr",
        "conv weight multiply-adds, each layer at its own output size, 1280x720 output", LrFor720p, CountBias: false, AtLrSize: false);

    /// <summary>
    /// s-LWSR Table II (8.3 / 32.9 / 131.1 G for s-LWSR16/32/64 x4): every conv's weights and biases once per LR
    /// pixel of a 1280x720 output, upsampler and tail included, i.e. parameters x LR pixels for an all-conv network.
    /// </summary>
    public static MultiAddsConvention SLwsrPaper { get; } = new("s-lwsr",
        "s-LWSR paper: conv weights + biases, every layer at the LR size of a 1280x720 output", LrFor720p, CountBias: true, AtLrSize: true);

    /// <summary>
    /// G-IDRN Table 5 "FLOPs" (Set14 x4; IMDN 46.60, CARN 103.58 G): closest found is thop's conv count, output
    /// elements x (Cin/groups·k² + 1 with bias), for a 256x256 LR input; IMDN x4 gives 46.64 G (not exact).
    /// </summary>
    public static MultiAddsConvention GIdrnPaper { get; } = new("g-idrn",
        "G-IDRN paper (closest found): conv weights + biases, each layer at its own output size, 256x256 LR input", _ => (256, 256), CountBias: true, AtLrSize: false);

    public static IReadOnlyList<MultiAddsConvention> All { get; } = [SharpSR, SLwsrPaper, GIdrnPaper];

    /// <summary>A convention by name; unknown names throw, listing the known ones.</summary>
    public static MultiAddsConvention Parse(string name) =>
        All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"invalid Multi-Adds convention '{name}' ({string.Join(", ", All.Select(c => c.Name))})");

    /// <summary>The LR input for an output of <paramref name="hrWidth"/>x<paramref name="hrHeight"/>: divided by the scale, rounded up.</summary>
    public static (int Width, int Height) LrFor(int hrWidth, int hrHeight, int scale) => ((hrWidth + scale - 1) / scale, (hrHeight + scale - 1) / scale);

    private static (int, int) LrFor720p(int scale) => LrFor(1280, 720, scale);

    /// <summary>What one conv call counts under this convention, for a pass on <paramref name="lrPixels"/> input pixels.</summary>
    public long Count(ConvCall call, long lrPixels) =>
        (call.Weights + (CountBias ? call.Biases : 0)) * (AtLrSize ? lrPixels : call.OutputPixels);
}
