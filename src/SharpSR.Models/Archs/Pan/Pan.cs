using SharpSR.Core;
using SharpSR.Core.Nn;
using SharpSR.Models.Blocks;

namespace SharpSR.Models.Archs;

/// <summary>Options of PAN (docs/networks/pan.md); defaults are the released network (40 features, 24 upsampling features, 16 SC-PA blocks).</summary>
public sealed record PanOptions
{
    public int Features { get; init; } = 40;

    /// <summary>Channels of the upsampling path (unf in the authors' code).</summary>
    public int UpsampleFeatures { get; init; } = 24;

    public int Blocks { get; init; } = 16;
    public int Scale { get; init; } = 4;
}

/// <summary>
/// PAN (Zhao et al., ECCV 2020 workshops): conv_first, a trunk of SC-PA blocks + trunk_conv with the
/// global residual, then per upsampling stage nearest-neighbour upsampling, conv, pixel attention,
/// LReLU, conv, LReLU (one x2 or x3 stage, or two x2 stages for x4), conv_last, plus the bilinear
/// (align_corners=False) upsampled input. Trained on RGB in [0,1]: Forward divides by 255 and
/// multiplies back. Module names are the authors' state-dict keys.
/// </summary>
public sealed class Pan : SrNetwork
{
    public const float Slope = 0.2f;

    private readonly PanOptions _options;
    private readonly Conv2d _convFirst, _trunkConv, _convLast;
    private readonly Sequential _trunk;
    private readonly (int Factor, Conv2d Up, PixelAttention Att, Conv2d Hr)[] _stages;

    public Pan(PanOptions? options = null)
    {
        var o = _options = options ?? new PanOptions();
        if (o.Features < 2 || o.Features % 2 != 0) throw new ArgumentException($"PAN: features must be even and ≥ 2, got {o.Features}.");
        if (o.UpsampleFeatures < 1) throw new ArgumentException($"PAN: upsample features must be positive, got {o.UpsampleFeatures}.");
        if (o.Blocks < 1) throw new ArgumentException($"PAN: blocks must be positive, got {o.Blocks}.");
        int[] factors = o.Scale switch
        {
            2 => [2],
            3 => [3],
            4 => [2, 2],
            _ => throw new ArgumentException($"PAN: scale {o.Scale} is not supported (2, 3 or 4)."),
        };
        int n = o.Features, u = o.UpsampleFeatures;
        _convFirst = Register("conv_first", new Conv2d(3, n, 3));
        _trunk = Register("SCPA_trunk", new Sequential(Enumerable.Range(0, o.Blocks).Select(_ => (Module)new Scpa(n)).ToArray()));
        _trunkConv = Register("trunk_conv", new Conv2d(n, n, 3));
        _stages = new (int, Conv2d, PixelAttention, Conv2d)[factors.Length];
        for (int i = 0; i < factors.Length; i++)
        {
            var up = Register($"upconv{i + 1}", new Conv2d(i == 0 ? n : u, u, 3));
            var att = Register($"att{i + 1}", new PixelAttention(u));
            var hr = Register($"HRconv{i + 1}", new Conv2d(u, u, 3));
            _stages[i] = (factors[i], up, att, hr);
        }
        _convLast = Register("conv_last", new Conv2d(u, 3, 3));
    }

    public override string Arch => "pan";
    public override int Scale => _options.Scale;
    public override object Options => _options;
    public PanOptions Settings => _options;

    /// <summary>
    /// LR context per side: conv_first 1 + two stacked 3x3 convs per SC-PA block (PAConv's k3, k4) +
    /// trunk_conv 1, then the upsampling path's 3x3 convs at 2x/3x/4x resolution (3 of them at the
    /// final resolution, 2 more at 2x for x4) reach at most 2 more LR pixels with nearest upsampling;
    /// the bilinear skip needs 1. Bounded by 2·blocks + 5.
    /// </summary>
    public override int ReceptiveFieldRadius => 2 * _options.Blocks + 5;

    public override Tensor Forward(Tensor input)
    {
        CheckInput(input, "PAN");
        Tensor x = input * (1f / 255f);
        Tensor fea = _convFirst.Forward(x);
        fea = fea + _trunkConv.Forward(_trunk.Forward(fea));
        foreach (var (factor, up, att, hr) in _stages)
        {
            fea = up.Forward(Ops.UpsampleNearest(fea, factor));
            fea = Ops.LeakyRelu(att.Forward(fea), Slope);
            fea = Ops.LeakyRelu(hr.Forward(fea), Slope);
        }
        Tensor skip = Ops.ResizeBilinear(x, x.H * Scale, x.W * Scale);
        return (_convLast.Forward(fea) + skip) * 255f;
    }
}
