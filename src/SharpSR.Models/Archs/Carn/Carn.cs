using SharpSR.Models.Blocks;

namespace SharpSR.Models.Archs;

/// <summary>
/// Options of CARN (docs/networks/carn.md). Defaults give the authors' multi-scale network: 64 features,
/// heads for x2, x3 and x4 in one network (1,591,963 numbers with the MeanShift, the paper's 1,592K).
/// </summary>
public sealed record CarnOptions
{
    public int Features { get; init; } = 64;

    /// <summary>The scale the forward pass produces (2, 3 or 4).</summary>
    public int Scale { get; init; } = 4;

    /// <summary>True: heads up2/up3/up4 all registered (the authors' multi-scale network); false: one head, key upsample.up.</summary>
    public bool MultiScale { get; init; } = true;
}

/// <summary>
/// CARN, the cascading residual network (Ahn, Kang, Sohn, ECCV 2018): the family's network
/// (<see cref="CascadingNetwork"/>) whose cascading blocks hold three residual units each, with plain
/// (ungrouped) 3x3 convs in the blocks and the heads. CARN-M (<see cref="CarnM"/>) is its mobile variant.
/// </summary>
public sealed class Carn : CascadingNetwork
{
    private readonly CarnOptions _options;

    public Carn(CarnOptions? options = null)
        : base("CARN", Checked(options ??= new CarnOptions()).Features, options.Scale, headGroups: 1, options.MultiScale,
               () => new CascadingBlock(options.Features)) =>
        _options = options;

    private static CarnOptions Checked(CarnOptions o) =>
        o.Features < 1 ? throw new ArgumentException($"CARN: {o.Features} features; at least one is needed.") : o;

    public override string Arch => "carn";
    public override int Scale => _options.Scale;
    public override object Options => _options;
    public CarnOptions Settings => _options;

    /// <summary>21 LR pixels at every scale, as CARN-M (two 3x3 convs per unit in both), checked by tracing a pixel (CarnTests).</summary>
    protected override int BlockReceptiveFieldRadius => CascadingBlock.ReceptiveFieldRadius;
}
