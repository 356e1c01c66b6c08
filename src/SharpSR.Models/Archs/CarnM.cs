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
/// CARN-M (Ahn, Kang, Sohn, ECCV 2018): entry conv, three cascading blocks joined by a network-level
/// cascade of 1x1 fusion convs, a sub-pixel head and an exit conv, all in [0,1] RGB with a mean shift.
/// There is no global residual. Module names are the authors' state-dict keys.
/// </summary>
public sealed class CarnM : SrNetwork
{
    private readonly Shifter _subMean, _addMean;
    private readonly Conv2d _entry, _exit;
    private readonly CascadingBlock[] _blocks;
    private readonly ConvReluBlock[] _fusions;
    private readonly CarnUpsampler _upsample;
    private readonly CarnMOptions _options;

    public CarnM(CarnMOptions? options = null)
    {
        var o = _options = options ?? new CarnMOptions();
        int n = o.Features;
        if (n < 1 || o.Groups < 1 || n % o.Groups != 0)
            throw new ArgumentException($"CARN-M: {n} features are not divisible into {o.Groups} groups.");
        if (o.Scale is not (2 or 3 or 4)) throw new ArgumentException($"CARN-M: scale {o.Scale} is not supported (2, 3 or 4).");

        _subMean = Register("sub_mean", new Shifter(-1));
        _addMean = Register("add_mean", new Shifter(+1));
        _entry = Register("entry", new Conv2d(3, n, 3));
        _blocks = Enumerable.Range(1, CascadingBlock.Depth).Select(i => Register($"b{i}", new CascadingBlock(n, o.Groups))).ToArray();
        _fusions = CascadingBlock.FusionConvs(n).Select((f, i) => Register($"c{i + 1}", f)).ToArray();
        _upsample = Register("upsample", new CarnUpsampler(n, o.Scale, o.Groups, o.MultiScale));
        _exit = Register("exit", new Conv2d(n, 3, 3));
    }

    public override string Arch => "carn-m";
    public override int Scale => _options.Scale;
    public override object Options => _options;
    public CarnMOptions Settings => _options;

    /// <summary>
    /// LR radius each output pixel sees: entry 1 + 3 cascading blocks x 3 passes x two 3x3 convs (18) + the
    /// head's first conv 1, all at LR; then the convs after a pixel shuffle reach a fraction of an LR pixel
    /// (x2: exit 1/2; x3: 1/3; x4: 1/2 + 1/4), which rounds up to 1. 21 at every scale, checked exactly by
    /// tracing one pixel through the network (CarnMTests).
    /// </summary>
    public override int ReceptiveFieldRadius => 1 + CascadingBlock.Depth * CascadingBlock.Depth * 2 + 1 + 1;

    /// <summary>Parameters the forward pass at <see cref="Scale"/> uses (the unused heads left out).</summary>
    public long ActivePathParameterCount() =>
        ParameterCount() - _upsample.ParameterCount() + _upsample.ActiveHead.ParameterCount();

    public override Tensor Forward(Tensor input)
    {
        CheckInput(input, "CARN-M");
        Tensor x = _entry.Forward(_subMean.Forward(Ops.MulScalar(input, 1f / 255f)));
        Tensor o = CascadingBlock.Cascade(x, _blocks, _fusions);
        Tensor y = _addMean.Forward(_exit.Forward(_upsample.Forward(o)));
        return Ops.MulScalar(y, 255f);
    }

    /// <summary>The authors' MeanShift wraps its 1x1 conv as "shifter"; values are in [0,1] units.</summary>
    private sealed class Shifter : Module
    {
        private readonly MeanShift _shifter;

        public Shifter(int sign) => _shifter = Register("shifter", new MeanShift(1f, sign));

        public override Tensor Forward(Tensor x) => _shifter.Forward(x);
    }
}
