using SharpSR.Core;
using SharpSR.Core.Nn;
using SharpSR.Models.Blocks;

namespace SharpSR.Models.Archs;

/// <summary>Options of IMDN (docs/networks/imdn.md); defaults are the released network (64 features, 6 IMDBs).</summary>
public sealed record ImdnOptions
{
    public int Features { get; init; } = 64;
    public int Blocks { get; init; } = 6;
    public int Scale { get; init; } = 4;
}

/// <summary>
/// IMDN (Hui et al., ACM MM 2019): a head conv, a chain of information multi-distillation blocks whose
/// outputs are fused by a 1x1 conv + LReLU, a 3x3 conv with the global residual, then conv3x3 +
/// PixelShuffle. Trained on RGB in [0,1]: Forward divides by 255 and multiplies back. Module names
/// are the authors' state-dict keys without DataParallel's <c>module.</c> prefix.
/// </summary>
public sealed class Imdn : SrNetwork
{
    private readonly ImdnOptions _options;
    private readonly Conv2d _feaConv, _lrConv;
    private readonly Imdb[] _blocks;
    private readonly Sequential _c, _upsampler;

    public Imdn(ImdnOptions? options = null)
    {
        var o = _options = options ?? new ImdnOptions();
        if (o.Features < 16 || o.Features % 4 != 0)
            throw new ArgumentException($"IMDN: features must be a multiple of 4 and ≥ 16 (distillation keeps a quarter, channel attention reduces by 16), got {o.Features}.");
        if (o.Blocks < 1) throw new ArgumentException($"IMDN: blocks must be positive, got {o.Blocks}.");
        if (o.Scale is not (2 or 3 or 4)) throw new ArgumentException($"IMDN: scale {o.Scale} is not supported (2, 3 or 4).");
        int n = o.Features;
        _feaConv = Register("fea_conv", new Conv2d(3, n, 3));
        _blocks = new Imdb[o.Blocks];
        for (int i = 0; i < o.Blocks; i++) _blocks[i] = Register($"IMDB{i + 1}", new Imdb(n));
        _c = Register("c", new Sequential(new Conv2d(o.Blocks * n, n, 1), new LeakyRelu(Imdb.Slope)));
        _lrConv = Register("LR_conv", new Conv2d(n, n, 3));
        _upsampler = Register("upsampler", new Sequential(new Conv2d(n, 3 * o.Scale * o.Scale, 3), new PixelShuffle(o.Scale)));
    }

    public override string Arch => "imdn";
    public override int Scale => _options.Scale;
    public override object Options => _options;
    public ImdnOptions Settings => _options;

    /// <summary>
    /// The convolutions alone reach 3 + 4·blocks LR pixels (27 for the released net), but every IMDB's
    /// contrast-aware channel attention pools mean and std over the whole plane, so no finite margin
    /// makes tiling exact: a tile's statistics differ from the image's. 64 keeps the convolutional
    /// context exact with room to spare and the statistics close; use untiled inference for exact output.
    /// </summary>
    public override int ReceptiveFieldRadius => Math.Max(64, 3 + 4 * _options.Blocks);

    public override Tensor Forward(Tensor input)
    {
        CheckInput(input, "IMDN");
        Tensor f = _feaConv.Forward(input * (1f / 255f));
        var outs = new Tensor[_blocks.Length];
        Tensor h = f;
        for (int i = 0; i < _blocks.Length; i++) outs[i] = h = _blocks[i].Forward(h);
        Tensor fused = _lrConv.Forward(_c.Forward(Ops.Concat(outs))) + f;
        return _upsampler.Forward(fused) * 255f;
    }
}
