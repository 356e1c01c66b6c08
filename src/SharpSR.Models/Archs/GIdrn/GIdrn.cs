using SharpSR.Core;
using SharpSR.Core.Nn;
using SharpSR.Models.Blocks;

namespace SharpSR.Models.Archs;

/// <summary>G-IDRN's basic block: RFDB, or G-IDB (RFDB with grouped refinement convs).</summary>
public enum GIdrnBlock { GIdb, Rfdb }

/// <summary>G-IDRN's head: an asymmetric convolution block (fused into one 3x3 for inference) or a plain 3x3.</summary>
public enum GIdrnHead { Acb, Conv }

/// <summary>
/// G-IDRN's reconstruction (docs/networks/g-idrn.md): one sub-pixel path, or two, the second being
/// (a) a 3x3 conv of the mean-shifted LR image, (b) its bicubic upsampling, (c) a 3x3 conv of the head features.
/// </summary>
public enum GIdrnReconstruction { Single, A, B, C }

/// <summary>
/// Options of G-IDRN, every ablation switch of the paper. Defaults give the reconstructed network of
/// docs/networks/g-idrn.md: n = 56, N = 2 groups of B = 3 G-IDBs with g = 2, learnable dense shortcuts,
/// no CFPB, ACB head, ANRB with S = 110, two-path reconstruction (a).
/// </summary>
public sealed record GIdrnOptions
{
    /// <summary>n: features of every block.</summary>
    public int Features { get; init; } = 56;

    /// <summary>N: residual groups (G-IDRG), whose outputs are all fused.</summary>
    public int Groups { get; init; } = 2;

    /// <summary>B: blocks per group (three when dense shortcuts are on).</summary>
    public int BlocksPerGroup { get; init; } = 3;

    public GIdrnBlock Block { get; init; } = GIdrnBlock.GIdb;

    /// <summary>g: groups of a G-IDB's refinement convs (ignored for RFDB).</summary>
    public int BlockGroups { get; init; } = 2;

    /// <summary>Channel shuffle after each grouped refinement conv.</summary>
    public bool ChannelShuffle { get; init; }

    /// <summary>Dense shortcuts inside each group: learnable scales, fixed at 1, or off.</summary>
    public DenseShortcuts Shortcuts { get; init; } = DenseShortcuts.Learnable;

    /// <summary>URNet's cascading feature pyramid block at the end of each group.</summary>
    public bool Cfpb { get; init; }

    /// <summary>ANRB sampled points S: "off", "50", "110", "222" or "inf" (every position).</summary>
    public string Anrb { get; init; } = "110";

    public GIdrnHead Head { get; init; } = GIdrnHead.Acb;
    public GIdrnReconstruction Reconstruction { get; init; } = GIdrnReconstruction.A;
    public int Scale { get; init; } = 4;
    public float RgbRange { get; init; } = 255f;

    /// <summary>The ANRB pools for each accepted S: null for off, empty for inf (docs/networks/g-idrn.md).</summary>
    public static IReadOnlyList<int>? AnrbPoolSizes(string sampling) => sampling.Trim().ToLowerInvariant() switch
    {
        "off" => null,
        "50" => [1, 2, 3, 6],
        "110" => Blocks.Anrb.UrNetPoolSizes,
        "222" => [1, 6, 8, 11],
        "inf" => [],
        _ => throw new ArgumentException($"g-idrn: ANRB sampling '{sampling}' is not one of off, 50, 110, 222, inf."),
    };
}

/// <summary>
/// G-IDRN, group-wise information distillation residual network (Wang et al., Acta Automatica Sinica 2024),
/// as reconstructed in docs/networks/g-idrn.md (no code or full text is public):
/// <code>
/// x = sub_mean(I);  h = head(x)                                   # ACB or 3x3, 3 -> n
/// g_k = G-IDRG_k(g_{k-1}), g_0 = h, k = 1..N                      # B G-IDBs with dense shortcuts, 3x3, + input
/// F = body_conv 3x3 (LReLU(fuse 1x1 N·n->n (cat[g_1..g_N]))) + h
/// F = ANRB(F)                                                     # optional, S sampled keys
/// out = add_mean(PS(tail 3x3 n->3s² (F)) + second path)           # (a) PS(skip 3x3 3->3s² (x)), (b) bicubic(x), (c) PS(skip(h))
/// </code>
/// Keys sub_mean, add_mean, head.*, groups.k.*, fuse, body_conv, anrb.*, tail, skip.
/// </summary>
public sealed class GIdrn : SrNetwork
{
    private const float Slope = 0.05f;

    private readonly MeanShift _subMean, _addMean;
    private readonly Module _head;
    private readonly Fdprg[] _groups;
    private readonly Conv2d _fuse, _bodyConv, _tail;
    private readonly Conv2d? _skip;
    private readonly Anrb? _anrb;
    private readonly GIdrnOptions _options;

    public GIdrn(GIdrnOptions? options = null)
    {
        var o = _options = options ?? new GIdrnOptions();
        int n = o.Features, s = o.Scale;
        if (n < 8 || n % 4 != 0) throw new ArgumentException($"g-idrn: {n} features; a multiple of 4, at least 8 (the blocks distil n/2 channels and their ESA works on n/4).");
        if (o.Groups < 1) throw new ArgumentException($"g-idrn: {o.Groups} residual groups; at least one.");
        if (s < 1) throw new ArgumentException($"g-idrn: scale {s} must be positive.");
        int g = o.Block == GIdrnBlock.GIdb ? o.BlockGroups : 1;
        if (g < 1 || n % g != 0) throw new ArgumentException($"g-idrn: {n} features do not split into {o.BlockGroups} groups (g must divide n).");
        var anrbPools = GIdrnOptions.AnrbPoolSizes(o.Anrb);
        var blockOptions = new RfdbOptions { RefineGroups = g, ChannelShuffle = o.ChannelShuffle, Slope = Slope };

        _subMean = Register("sub_mean", new MeanShift(o.RgbRange, -1));
        _addMean = Register("add_mean", new MeanShift(o.RgbRange, +1));
        _head = Register<Module>("head", o.Head == GIdrnHead.Acb ? new AcBlock(3, n) : new Conv2d(3, n, 3));
        var groups = Register("groups", new Sequential([.. Enumerable.Range(0, o.Groups).Select(_ =>
            new Fdprg(n, o.Cfpb ? "cfpb" : null, c => new Rfdb(c, blockOptions), o.BlocksPerGroup, o.Shortcuts))]));
        _groups = [.. groups.Layers.Cast<Fdprg>()];
        _fuse = Register("fuse", new Conv2d(o.Groups * n, n, 1));
        _bodyConv = Register("body_conv", new Conv2d(n, n, 3));
        if (anrbPools is not null) _anrb = Register("anrb", new Anrb(n, anrbPools));
        _tail = Register("tail", new Conv2d(n, 3 * s * s, 3));
        _skip = o.Reconstruction switch
        {
            GIdrnReconstruction.A => Register("skip", new Conv2d(3, 3 * s * s, 3)),
            GIdrnReconstruction.C => Register("skip", new Conv2d(n, 3 * s * s, 3)),
            _ => null,
        };
    }

    public override string Arch => "g-idrn";
    public override int Scale => _options.Scale;
    public override object Options => _options;
    public GIdrnOptions Settings => _options;
    public IReadOnlyList<Fdprg> ResidualGroups => _groups;
    public Anrb? Attention => _anrb;

    /// <summary>
    /// The local path: head, every group's blocks, CFPBs and closing convs, body conv and tail. ANRB pools over
    /// the whole input, so with it on no finite margin makes tiling exact (as for URNet, IMDN, E-RFDN).
    /// </summary>
    public override int ReceptiveFieldRadius =>
        1 + _groups.Sum(grp => grp.Blocks.Count * Rfdb.ReceptiveFieldRadius + grp.OwnReceptiveFieldRadius) + 1 + 1;

    /// <summary>
    /// ANRB's and ESA's pooled context makes tiles differ from one pass whatever the margin, and the difference
    /// stops shrinking near 32 LR pixels: measured with `bench tile-margin` (trained x4 weights, 128-pixel tiles,
    /// Set14 barbara at 360x288) as 68.5 / 69.7 / 73.7 / 71.4 dB against one pass for margins 16 / 24 / 32 / 48,
    /// max 2.3-4.1 levels of 255. The full receptive field (365) would make every window the whole image.
    /// </summary>
    public override int TileMargin => Math.Min(32, ReceptiveFieldRadius);

    public override int MinInputSize => Esa.MinInputSize;

    public override Tensor Forward(Tensor input)
    {
        CheckInput(input, "g-idrn");
        Tensor x = _subMean.Forward(input);
        Tensor h = _head.Forward(x);
        var outputs = new Tensor[_groups.Length];
        Tensor g = h;
        for (int k = 0; k < _groups.Length; k++) outputs[k] = g = _groups[k].Forward(g);
        Tensor fused = outputs.Length == 1 ? outputs[0] : Ops.Concat(outputs);
        Tensor f = _bodyConv.Forward(Ops.LeakyRelu(_fuse.Forward(fused), Slope)) + h;
        if (_anrb is not null) f = _anrb.Forward(f);
        int s = _options.Scale;
        Tensor y = Ops.PixelShuffle(_tail.Forward(f), s);
        y = _options.Reconstruction switch
        {
            GIdrnReconstruction.A => y + Ops.PixelShuffle(_skip!.Forward(x), s),
            GIdrnReconstruction.B => y + Ops.UpsampleBicubic(x, s),
            GIdrnReconstruction.C => y + Ops.PixelShuffle(_skip!.Forward(h), s),
            _ => y,
        };
        return _addMean.Forward(y);
    }
}
