using SharpSR.Core;
using SharpSR.Core.Memory;
using SharpSR.Core.Nn;
using SharpSR.Models.Blocks;

namespace SharpSR.Models.Archs;

/// <summary>The three rows of the s-LWSR paper's information-pool ablation.</summary>
public enum InformationPool
{
    /// <summary>cat[x1, f31, f41, f51, f61, f62] -> 1x1 conv: the released network.</summary>
    On,
    /// <summary>No pool: each decoder stage takes its symmetric encoder skip alone.</summary>
    Off,
    /// <summary>The pool concatenates the head and every encoder block output.</summary>
    AllFormer,
}

/// <summary>Which residual blocks keep their ReLU (the paper's activation-removal levels).</summary>
public enum ActivationPreset { All, TwoThirds, Half, OneThird, Rare }

/// <summary>
/// Options of s-LWSR (docs/networks/s-lwsr.md). Defaults give the released network (n_feats 32, x4,
/// pool on, 0.5/0.5 mix, all ReLUs, no compression).
/// </summary>
public sealed record SLwsrOptions
{
    public int Features { get; init; } = 32;
    public int Scale { get; init; } = 4;
    public InformationPool Pool { get; init; } = InformationPool.On;

    /// <summary>Weight of the pool in each decoder mix: mix = (1-w)·skip + w·pool (0.5 in the paper).</summary>
    public float PoolMix { get; init; } = 0.5f;

    public ActivationPreset Activations { get; init; } = ActivationPreset.All;

    /// <summary>Explicit per-block override: names of blocks without ReLU (replaces the preset when set).</summary>
    public IReadOnlyList<string>? BlocksWithoutActivation { get; init; }

    /// <summary>Expansion t of the MobileNetV2 compression module; 0 keeps plain residual blocks.</summary>
    public int CompressionExpansion { get; init; }

    /// <summary>Blocks replaced by the compression module when t &gt; 0; null means every block.</summary>
    public IReadOnlyList<string>? CompressedBlocks { get; init; }

    public float RgbRange { get; init; } = 255f;
}

/// <summary>
/// s-LWSR: a symmetric chain of residual blocks at LR resolution, an information pool mixed into the
/// decoder half, a global residual and a sub-pixel tail. Module names are the authors' state-dict keys.
/// </summary>
public sealed class SLwsr : SrNetwork
{
    /// <summary>Encoder blocks (RB), then per decoder stage the fusion block (RB2) and two RBs.</summary>
    public static readonly IReadOnlyList<string> BlockNames =
    [
        "feat2_1", "feat2_2", "feat2_3", "feat3_1", "feat3_2", "feat3_3", "feat4_1", "feat4_2", "feat4_3",
        "feat5_1", "feat5_2", "feat5_3", "feat6_1", "feat6_2",
        "feat7_1", "feat7_2", "conv7", "feat8_1", "feat8_2", "conv8", "feat9_1", "feat9_2", "conv9",
        "feat10_1", "feat10_2", "conv10",
    ];

    // The authors' code builds these with ReLU(inplace=False) — most likely the intended removal set
    // (docs/networks/s-lwsr.md § Variants); it is our "half" preset.
    private static readonly string[] s_halfOff =
        ["feat2_1", "feat2_2", "feat3_1", "feat3_2", "feat4_2", "feat5_2", "feat7_2", "conv7", "feat8_2", "conv8", "feat9_2", "conv9", "feat10_2", "conv10"];

    private readonly MeanShift _subMean, _addMean;
    private readonly Sequential _head;
    private readonly Dictionary<string, Module> _blocks = [];
    private readonly Conv2d? _pool;
    private readonly Sequential _tail;
    private readonly SLwsrOptions _options;

    public SLwsr(SLwsrOptions? options = null)
    {
        var o = _options = options ?? new SLwsrOptions();
        int n = o.Features;
        if (n < 1) throw new ArgumentException($"s-LWSR: n_feats must be positive, got {n}.");
        if (o.Scale is not (2 or 3 or 4 or 8)) throw new ArgumentException($"s-LWSR: scale {o.Scale} is not supported (2, 3, 4 or 8).");
        var withoutAct = new HashSet<string>(o.BlocksWithoutActivation ?? BlocksWithoutActivation(o.Activations));
        var compressed = new HashSet<string>(o.CompressedBlocks ?? BlockNames);
        foreach (var name in withoutAct.Concat(o.CompressedBlocks ?? []))
            if (!BlockNames.Contains(name)) throw new ArgumentException($"s-LWSR: unknown block '{name}' (blocks: {string.Join(", ", BlockNames)}).");

        _subMean = Register("sub_mean", new MeanShift(o.RgbRange, -1));
        _addMean = Register("add_mean", new MeanShift(o.RgbRange, +1));
        _head = Register("head", new Sequential(new Conv2d(3, n, 3)));
        foreach (var name in BlockNames)
        {
            bool act = !withoutAct.Contains(name);
            Module body = o.CompressionExpansion > 0 && compressed.Contains(name)
                ? new InvertedResidualBlock(n, o.CompressionExpansion, act)
                : new ResidualBlock(n, act);
            _blocks[name] = Register(name, IsFusionBlock(name) ? new FusionResidualBlock(n, body) : body);
        }
        _pool = o.Pool == InformationPool.Off ? null : Register("conv1", PoolConv(n, o));
        _tail = Register("tail", new Sequential(Upsampler.Create(o.Scale, n), new Conv2d(n, 3, 3)));
    }

    /// <summary>The first block of each decoder stage fuses [previous stage, mix] with a 1x1 conv (the authors' RB2).</summary>
    public static bool IsFusionBlock(string name) => name is "feat7_1" or "feat8_1" or "feat9_1" or "feat10_1";

    private static Conv2d PoolConv(int n, SLwsrOptions o) =>
        new(o.Pool == InformationPool.AllFormer ? 15 * n : 6 * n, n, 1, bias: false);

    public override string Arch => "s-lwsr";
    public override int Scale => _options.Scale;
    public override object Options => _options;
    public SLwsrOptions Settings => _options;

    /// <summary>53 stacked 3x3 convs at LR resolution (docs/networks/s-lwsr.md § Graph), plus the tail's.</summary>
    public override int ReceptiveFieldRadius => 53 + 2;

    public override bool RecyclesIntermediates => true;

    public static IReadOnlyList<string> BlocksWithoutActivation(ActivationPreset preset) => preset switch
    {
        ActivationPreset.All => [],
        ActivationPreset.Half => s_halfOff,
        // Evenly spread removals (our choice; the paper does not list its masks): drop every third
        // block for 2/3, keep every third for 1/3, keep only the four fusion blocks for "rare".
        ActivationPreset.TwoThirds => BlockNames.Where((_, i) => i % 3 == 2).ToArray(),
        ActivationPreset.OneThird => BlockNames.Where((_, i) => i % 3 != 0).ToArray(),
        ActivationPreset.Rare => BlockNames.Where(b => !IsFusionBlock(b)).ToArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(preset)),
    };

    public override Tensor Forward(Tensor input)
    {
        CheckInput(input, "s-LWSR");
        var b = _blocks;
        // Under inference in an arena, each temporary goes back to it the moment it is dead (Drop), so the
        // pass needs its live tensors only; features the "all former layers" pool reads stay until the pool.
        bool keepFeatures = _options.Pool == InformationPool.AllFormer;
        static void Drop(Tensor t) => TensorArena.Recycle(t);
        void DropFeature(Tensor t) { if (!keepFeatures) Drop(t); }
        Tensor Block(string name, Tensor x) => b[name].Forward(x);
        // An encoder stage: three blocks; the middle one's output is read later only by the "all former" pool.
        (Tensor First, Tensor Middle, Tensor Last) Stage(int k, Tensor x)
        {
            Tensor first = Block($"feat{k}_1", x), middle = Block($"feat{k}_2", first), last = Block($"feat{k}_3", middle);
            DropFeature(middle);
            return (first, middle, last);
        }

        Tensor x0 = _subMean.Forward(input);
        Tensor x1 = _head.Forward(x0);
        Drop(x0);
        var (f21, f22, f23) = Stage(2, x1);
        Tensor s3 = f21 + f23;
        DropFeature(f21);
        var (f31, f32, f33) = Stage(3, s3);
        Drop(s3);
        Tensor s4 = f31 + f33;
        var (f41, f42, f43) = Stage(4, s4);
        Drop(s4);
        Tensor s5 = f41 + f43;
        var (f51, f52, f53) = Stage(5, s5);
        Drop(s5);
        Tensor s6 = f51 + f53;
        Tensor f61 = Block("feat6_1", s6);
        Drop(s6);
        Tensor f62 = Block("feat6_2", f61);

        Tensor? pool = null;
        if (_options.Pool != InformationPool.Off)
        {
            Tensor cat = _options.Pool == InformationPool.On
                ? Ops.Concat([x1, f31, f41, f51, f61, f62])
                : Ops.Concat([x1, f21, f22, f23, f31, f32, f33, f41, f42, f43, f51, f52, f53, f61, f62]);
            pool = _pool!.Forward(cat);
            Drop(cat);
        }
        // Features read by nothing but the pool are dead now; the skips (f23, f33, f43, f53) live on.
        foreach (var f in keepFeatures ? new[] { f21, f22, f31, f32, f41, f42, f51, f52, f61 } : [f31, f41, f51, f61])
            Drop(f);
        float w = _options.PoolMix;

        Tensor s = f62;
        (string Stage, Tensor Skip)[] stages = [("7", f53), ("8", f43), ("9", f33), ("10", f23)];
        foreach (var (stage, skip) in stages)
        {
            Tensor cat;
            if (pool is null)
            {
                cat = Ops.Concat([s, skip]);
            }
            else
            {
                Tensor a = skip * (1 - w), c = pool * w;
                Tensor mix = a + c;
                Drop(a); Drop(c);
                cat = Ops.Concat([s, mix]);
                Drop(mix);
            }
            Drop(s); Drop(skip);
            Tensor t1 = Block("feat" + stage + "_1", cat);
            Drop(cat);
            Tensor t2 = Block("feat" + stage + "_2", t1);
            Drop(t1);
            s = Block("conv" + stage, t2);
            Drop(t2);
        }
        if (pool is not null) Drop(pool);
        Tensor sum = s + x1;
        Drop(s); Drop(x1);
        Tensor tail = _tail.Forward(sum);
        Drop(sum);
        Tensor output = _addMean.Forward(tail);
        Drop(tail);
        return output;
    }
}
