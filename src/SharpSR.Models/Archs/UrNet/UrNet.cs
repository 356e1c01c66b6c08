using SharpSR.Core;
using SharpSR.Core.Nn;
using SharpSR.Models.Blocks;

namespace SharpSR.Models.Archs;

/// <summary>
/// Options of URNet (docs/networks/urnet.md). Defaults give the released networks: 64 features, ACBlock
/// head, ANRB pools (1, 3, 6, 8); 611,905 / 620,560 / 632,677 parameters at x2 / x3 / x4.
/// </summary>
public sealed record UrNetOptions
{
    /// <summary>nf: width of the top level; the U's levels have nf, nf/2, nf/4, nf/8 (a multiple of 8, ≥ 32).</summary>
    public int Features { get; init; } = 64;

    public int Scale { get; init; } = 4;

    /// <summary>
    /// Registered name of each FDPRG's pyramid block: the authors' files call it "aspp" at x2/x4 and "cfpb"
    /// at x3. Null picks that convention from the scale.
    /// </summary>
    public string? CfpbName { get; init; }

    /// <summary>ANRB key/value pool sizes; null is URNet's (1, 3, 6, 8), empty samples every position.</summary>
    public IReadOnlyList<int>? AnrbPoolSizes { get; init; }

    public float RgbRange { get; init; } = 255f;
}

/// <summary>
/// URNet, a U-shaped residual network (Wang et al., Remote Sensing 2021). All levels stay at LR resolution;
/// the U runs over channel width:
/// <code>
/// x = sub_mean(I);  h = head(x)                                             # ACBlock 3 -> nf
/// d0 = down.0: 1x1 nf->nf/2 (RFDB(nf)(h));  d1 = down.1 (nf/2 -> nf/4);  d2 = down.2 (nf/4 -> nf/8)
/// d3 = down.3: RFDB(nf/8)(d2)
/// u = up.0 FDPRG(nf/8)(d3);  u = up.1 FDPRG(nf/4)(cat[d2, u]);  u = up.2 FDPRG(nf/2)(cat[d1, u])
/// u = up.3 RFDB(nf)(cat[d0, u])
/// F = ANRB(conv 3x3 (u) + h);  out = add_mean(PixelShuffle(tail_up.0 3x3 nf->3s² (F)))
/// </code>
/// Keys are the authors': sub_mean, add_mean, head.*, down.i.block.{0,1}, up.i.*, conv, anrb.*, tail_up.0.
/// </summary>
public sealed class UrNet : SrNetwork
{
    private readonly MeanShift _subMean, _addMean;
    private readonly AcBlock _head;
    private readonly Sequential _down, _up, _tail;
    private readonly Conv2d _conv;
    private readonly Anrb _anrb;
    private readonly UrNetOptions _options;

    public UrNet(UrNetOptions? options = null)
    {
        var o = _options = options ?? new UrNetOptions();
        int nf = o.Features, s = o.Scale;
        if (nf < 32 || nf % 8 != 0)
            throw new ArgumentException($"URNet: {nf} features; a multiple of 8, at least 32 (the deepest level has nf/8 and its ESA nf/32 channels).");
        if (s < 1) throw new ArgumentException($"URNet: scale {s} must be positive.");
        string cfpbName = o.CfpbName ?? DefaultCfpbName(s);

        _subMean = Register("sub_mean", new MeanShift(o.RgbRange, -1));
        _addMean = Register("add_mean", new MeanShift(o.RgbRange, +1));
        _head = Register("head", new AcBlock(3, nf));
        int[] width = [nf, nf / 2, nf / 4, nf / 8];
        _down = Register("down", new Sequential(
            new DownStage(width[0], width[1]),
            new DownStage(width[1], width[2]),
            new DownStage(width[2], width[3]),
            new DownStage(width[3], null)));
        _up = Register("up", new Sequential(
            new Fdprg(width[3], cfpbName),
            new Fdprg(width[2], cfpbName),
            new Fdprg(width[1], cfpbName),
            new Rfdb(width[0])));
        _conv = Register("conv", new Conv2d(nf, nf, 3));
        _anrb = Register("anrb", new Anrb(nf, o.AnrbPoolSizes));
        _tail = Register("tail_up", new Sequential(new Conv2d(nf, 3 * s * s, 3), new PixelShuffle(s)));
    }

    /// <summary>The authors' naming: "cfpb" in the x3 network, "aspp" otherwise.</summary>
    public static string DefaultCfpbName(int scale) => scale == 3 ? "cfpb" : "aspp";

    public override string Arch => "urnet";
    public override int Scale => _options.Scale;
    public override object Options => _options;
    public UrNetOptions Settings => _options;

    /// <summary>
    /// The local path: head, 4 + 3·3 + 1 RFDBs, the CFPBs' dilated convs and the FDPRG convs, conv and tail
    /// (873 LR pixels). ANRB pools over the whole input, so no finite margin makes tiling exact: tiles see
    /// their own window's pooled keys, and tiled output differs slightly from a single pass.
    /// </summary>
    public override int ReceptiveFieldRadius =>
        1 + 4 * Rfdb.ReceptiveFieldRadius + 3 * (3 * Rfdb.ReceptiveFieldRadius + 3 + 6 + 1) + Rfdb.ReceptiveFieldRadius + 1 + 1;

    public override int MinInputSize => Esa.MinInputSize;

    public override Tensor Forward(Tensor input)
    {
        CheckInput(input, "URNet");
        Tensor h = _head.Forward(_subMean.Forward(input));
        var down = _down.Layers;
        var skips = new Tensor[4];
        Tensor x = h;
        for (int i = 0; i < 4; i++) skips[i] = x = down[i].Forward(x);
        var up = _up.Layers;
        Tensor u = up[0].Forward(x);
        for (int i = 1; i < 4; i++) u = up[i].Forward(Ops.Concat([skips[3 - i], u]));
        Tensor f = _anrb.Forward(_conv.Forward(u) + h);
        return _addMean.Forward(_tail.Forward(f));
    }

    /// <summary>One level of the down path: an RFDB, then a 1x1 conv to the next width (none at the bottom). Keys block.0, block.1.</summary>
    private sealed class DownStage : Module
    {
        private readonly Sequential _block;

        public DownStage(int channels, int? next)
        {
            _block = Register("block", next is { } c
                ? new Sequential(new Rfdb(channels), new Conv2d(channels, c, 1))
                : new Sequential(new Rfdb(channels)));
        }

        public override Tensor Forward(Tensor x) => _block.Forward(x);
    }
}
