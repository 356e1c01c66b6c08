using SharpSR.Core;
using SharpSR.Core.Nn;
using SharpSR.Models.Blocks;

namespace SharpSR.Models.Archs;

/// <summary>
/// Options of RLFN. Defaults give the pruned NTIRE 2022 challenge network (RLFN_Prune, the NTIRE 2024
/// baseline): 46 features, 48 inside each block, 16 ESA channels, 4 blocks, x4 (317,218 parameters).
/// </summary>
public sealed record RlfnOptions
{
    public int Features { get; init; } = 46;

    /// <summary>Channels between a block's three 3x3 convs (mid_channels in the authors' code).</summary>
    public int MidFeatures { get; init; } = 48;

    public int EsaChannels { get; init; } = 16;
    public int Blocks { get; init; } = 4;
    public int Scale { get; init; } = 4;
}

/// <summary>
/// RLFN (Kong et al., "Residual Local Feature Network for Efficient Super-Resolution", CVPRW 2022):
/// conv_1, a chain of RLFBs, conv_2 with a global residual from conv_1, and a one-step sub-pixel tail.
/// RGB 0..255 in and out natively (the challenge script feeds it data_range 255). Keys conv_1,
/// block_1..block_k, conv_2, upsampler.0.
/// </summary>
public sealed class Rlfn : SrNetwork
{
    private readonly Conv2d _conv1, _conv2;
    private readonly List<Rlfb> _blocks = [];
    private readonly Sequential _upsampler;
    private readonly RlfnOptions _options;

    public Rlfn(RlfnOptions? options = null)
    {
        var o = _options = options ?? new RlfnOptions();
        if (o.Blocks < 1) throw new ArgumentException($"RLFN: {o.Blocks} blocks; at least one is needed.");
        _conv1 = Register("conv_1", new Conv2d(3, o.Features, 3));
        for (int i = 1; i <= o.Blocks; i++) _blocks.Add(Register($"block_{i}", new Rlfb(o.Features, o.MidFeatures, o.EsaChannels)));
        _conv2 = Register("conv_2", new Conv2d(o.Features, o.Features, 3));
        _upsampler = Register("upsampler", Upsampler.SubPixel(o.Features, o.Scale));
    }

    public override string Arch => "rlfn";
    public override int Scale => _options.Scale;
    public override object Options => _options;
    public RlfnOptions Settings => _options;

    /// <summary>conv_1, the chained RLFBs, conv_2 and the tail conv (a bound, as for E-RFDN: ESA pools on the tile's grid).</summary>
    public override int ReceptiveFieldRadius => 1 + _options.Blocks * Rlfb.ReceptiveFieldRadius + 1 + 1;

    public override int MinInputSize => Esa.MinInputSize;

    public override Tensor Forward(Tensor input)
    {
        CheckInput(input, "RLFN");
        Tensor f = _conv1.Forward(input);
        Tensor b = f;
        foreach (var block in _blocks) b = block.Forward(b);
        return _upsampler.Forward(_conv2.Forward(b) + f);
    }
}
