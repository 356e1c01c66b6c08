using SharpSR.Core;
using SharpSR.Core.Nn;
using SharpSR.Models.Blocks;

namespace SharpSR.Models.Archs;

/// <summary>
/// Options of CARN-M (docs/networks/carn-m.md). Defaults give the authors' released multi-scale network:
/// 64 features, group-4 convolutions, heads for x2, x3 and x4 in one file.
/// </summary>
public sealed record CarnMOptions
{
    public int Features { get; init; } = 64;

    /// <summary>Groups of the 3x3 convs in the efficient residual blocks and the upsampling heads.</summary>
    public int Groups { get; init; } = 4;

    /// <summary>The scale the forward pass produces (2, 3 or 4).</summary>
    public int Scale { get; init; } = 4;

    /// <summary>True: heads up2/up3/up4 all registered (the released file); false: one head, key upsample.up.</summary>
    public bool MultiScale { get; init; } = true;
}

/// <summary>
/// CARN-M, the mobile CARN (Ahn, Kang, Sohn, ECCV 2018): the family's network (<see cref="CascadingNetwork"/>)
/// whose cascading blocks run ONE efficient residual block three times, with grouped 3x3 convs in the blocks
/// and the heads.
/// </summary>
public sealed class CarnM : CascadingNetwork
{
    private readonly CarnMOptions _options;

    public CarnM(CarnMOptions? options = null)
        : base("CARN-M", Checked(options ??= new CarnMOptions()).Features, options.Scale, options.Groups, options.MultiScale,
               () => new EfficientCascadingBlock(options.Features, options.Groups)) =>
        _options = options;

    private static CarnMOptions Checked(CarnMOptions o) =>
        o.Features < 1 || o.Groups < 1 || o.Features % o.Groups != 0
            ? throw new ArgumentException($"CARN-M: {o.Features} features are not divisible into {o.Groups} groups.")
            : o;

    public override string Arch => "carn-m";
    public override int Scale => _options.Scale;
    public override object Options => _options;
    public CarnMOptions Settings => _options;

    /// <summary>21 LR pixels at every scale, checked exactly by tracing one pixel through the network (CarnMTests).</summary>
    protected override int BlockReceptiveFieldRadius => EfficientCascadingBlock.ReceptiveFieldRadius;
}
