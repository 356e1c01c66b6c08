using SharpSR.Core;
using SharpSR.Core.Nn;
using SharpSR.Models.Blocks;

namespace SharpSR.Models.Archs;

/// <summary>
/// Options of E-RFDN (docs/networks/e-rfdn.md). Defaults give the released AIM 2020 network: 50 features,
/// 4 RFDBs, x4 (433,448 parameters). 48 features and 6 blocks is the paper's RFDN layout (e-rfdn.md § Graph).
/// </summary>
public sealed record ERfdnOptions
{
    public int Features { get; init; } = 50;
    public int Blocks { get; init; } = 4;
    public int Scale { get; init; } = 4;
}

/// <summary>
/// E-RFDN: head conv, a chain of RFDBs whose outputs are all concatenated and fused by a 1x1 conv +
/// LeakyReLU, a 3x3 conv with a global residual, and a one-step sub-pixel tail. RGB 0..255 in and out
/// natively (no MeanShift). Keys fea_conv, B1..Bk, c.0, LR_conv, upsampler.0.
/// </summary>
public sealed class ERfdn : SrNetwork
{
    private readonly Conv2d _head, _lrConv;
    private readonly List<Rfdb> _blocks = [];
    private readonly Sequential _fuse, _upsampler;
    private readonly ERfdnOptions _options;

    public ERfdn(ERfdnOptions? options = null)
    {
        var o = _options = options ?? new ERfdnOptions();
        int n = o.Features;
        if (n < 4) throw new ArgumentException($"E-RFDN: {n} features; ESA needs at least 4.");
        if (o.Blocks < 1) throw new ArgumentException($"E-RFDN: {o.Blocks} blocks; at least one is needed.");
        if (o.Scale < 1) throw new ArgumentException($"E-RFDN: scale {o.Scale} must be positive.");
        _head = Register("fea_conv", new Conv2d(3, n, 3));
        for (int i = 1; i <= o.Blocks; i++) _blocks.Add(Register($"B{i}", new Rfdb(n)));
        _fuse = Register("c", new Sequential(new Conv2d(o.Blocks * n, n, 1), new LeakyRelu(0.05f)));
        _lrConv = Register("LR_conv", new Conv2d(n, n, 3));
        _upsampler = Register("upsampler", Upsampler.SubPixel(n, o.Scale));
    }

    public override string Arch => "e-rfdn";
    public override int Scale => _options.Scale;
    public override object Options => _options;
    public ERfdnOptions Settings => _options;

    /// <summary>
    /// fea_conv, the chained RFDBs (each bounded by <see cref="Rfdb.ReceptiveFieldRadius"/>), LR_conv and the
    /// tail conv. A bound, not an exact figure: ESA pools on a grid tied to the tile's corner and resizes by
    /// the tile's own size, so tiled output differs from one pass slightly even with this margin.
    /// </summary>
    public override int ReceptiveFieldRadius => 1 + _options.Blocks * Rfdb.ReceptiveFieldRadius + 1 + 1;

    public override int MinInputSize => Esa.MinInputSize;

    public override Tensor Forward(Tensor input)
    {
        CheckInput(input, "E-RFDN");
        Tensor f = _head.Forward(input);
        var outs = new List<Tensor>(_blocks.Count);
        Tensor b = f;
        foreach (var block in _blocks) outs.Add(b = block.Forward(b));
        Tensor fused = _fuse.Forward(outs.Count == 1 ? outs[0] : Ops.Concat(outs));
        return _upsampler.Forward(_lrConv.Forward(fused) + f);
    }
}
