using System.Runtime.Intrinsics;
using SharpSR.Core.Kernels;
using SharpSR.Core.Kernels.Packed;
using SharpSR.Core.Tracing;

namespace SharpSR.Core.Lowering;

/// <summary>One step of a lowered plan: the values it reads and writes, its weights, and how it runs.</summary>
internal abstract class PlanStep
{
    /// <summary>Input and node values read (parameters excluded).</summary>
    public int[] Reads { get; init; } = [];

    public int[] Writes { get; init; } = [];

    /// <summary>Packs this step's weights from the graph's parameters.</summary>
    public virtual void Pack(TracedGraph graph) { }

    public abstract void Run(PlanState s);

    public abstract string Describe(TracedGraph graph);

    protected static string V(int v) => "v" + v;
}

/// <summary>A convolution step whose store can take in what follows it (a gate, a sum): written to another value then.</summary>
internal interface IConvStep
{
    EpilogueSpec Epilogue { get; }
    int Output { get; }
    PlanStep WithOutput(int output, int[] reads);
}

/// <summary>What a packed convolution's store adds (see <see cref="PackedEpilogue"/>), as value ids.</summary>
internal sealed class EpilogueSpec
{
    public float? Before, After;

    /// <summary>Maps added, each times its scale (a constant times learnable scalars, read when the plan runs).</summary>
    public List<Term> Residuals { get; } = [];
    public int SumWith = -1, SumInto = -1;

    /// <summary>The gate Mask · (sigmoid(out) + MaskOffset) taken into the store (-1: none); with MaskSelf (out + Mask) · (...), Mask optional.</summary>
    public int Mask = -1;
    public float MaskOffset;
    public bool MaskSelf;

    public bool HasGate => Mask >= 0 || MaskSelf;

    public IEnumerable<int> Reads => Residuals.Select(r => r.Value).Concat(SumWith >= 0 ? [SumWith] : []).Concat(Mask >= 0 ? [Mask] : []);

    public void AddResidual(int v) => Residuals.Add(new Term(v, 1, []));

    public PackedEpilogue Resolve(PlanState s, PackedMap dst) => new(
        Before,
        Residuals.Count > 0 ? s.Map(Residuals[0].Value) : null,
        Residuals.Count > 1 ? s.Map(Residuals[1].Value) : null,
        After,
        SumWith >= 0 ? s.Map(SumWith) : null,
        SumInto >= 0 ? s.NewMap(SumInto, dst.H, dst.W) : null,
        Mask >= 0 ? s.Map(Mask) : null,
        MaskOffset,
        Residuals.Count > 0 ? Residuals[0].Resolve(s.Graph) : 1,
        Residuals.Count > 1 ? Residuals[1].Resolve(s.Graph) : 1,
        MaskSelf);

    public string Describe(TracedGraph g)
    {
        var parts = new List<string>();
        if (Before is { } b) parts.Add(b == 0 ? "relu" : $"lrelu {b}");
        string sigmoid = $"(sigmoid{(MaskOffset == 0 ? "" : $" + {MaskOffset}")})";
        if (MaskSelf) parts.Add($"gate (out{(Mask >= 0 ? $" + v{Mask}" : "")}) · {sigmoid}");
        else if (Mask >= 0) parts.Add($"gate v{Mask} · {sigmoid}");
        parts.AddRange(Residuals.Select(r => "+" + r.Describe(g)));
        if (After is { } a) parts.Add(a == 0 ? "then relu" : $"then lrelu {a}");
        if (SumInto >= 0) parts.Add($"v{SumInto} = out + v{SumWith}");
        return parts.Count == 0 ? "" : " [" + string.Join(", ", parts) + "]";
    }
}

/// <summary>One map of a sum: scale × the learnable scalars named (their values read when the plan packs) × the value.</summary>
internal readonly record struct Term(int Value, float Scale, int[] Scalars)
{
    public float Resolve(TracedGraph g)
    {
        float s = Scale;
        foreach (int p in Scalars) s *= g.Tensors[p].Data[0];
        return s;
    }

    public string Describe(TracedGraph g) =>
        string.Concat(Scale == 1 ? "" : $"{Scale}·", string.Concat(Scalars.Select(p => g.Values[p].Name + "·")), "v" + Value);
}

/// <summary>
/// A convolution's parameters as the trace holds them: Kernel×Kernel, or the sum of convolutions of one input
/// (ACBlock's 3x3 + 3x1 + 1x3), each centred in the Kernel×Kernel window.
/// </summary>
internal sealed record ConvWeights(int Weight, int Bias, int Cout, int Cin, int Groups, int Kernel)
{
    /// <summary>A grouped 3x3 with 16 input channels per group, run on grouped tiles (not expanded to dense weights).</summary>
    public bool GroupedTiles { get; init; }

    /// <summary>
    /// The 3x3 kernel a plan runs: Winograd F(m×m) when asked for (winogradTile m &gt; 0), it covers the input channels and
    /// the conv has fewer than 4 groups, else the direct tiles of <see cref="Pack3x3"/> (dense, input ranges or grouped).
    /// Winograd's products read what direct's tiles read: a padded map's real channels, a grouped conv's blocks their
    /// group's inputs (placed inside one group where the groups are not whole blocks). From G = 4 groups on (CARN-M)
    /// the blocks straddle groups or the tiles run grouped, and direct stays ahead.
    /// </summary>
    public Conv3x3Kernel Kernel3x3(TracedGraph g, int coutP, int winogradTile, Func<int, int>? rowOf = null)
    {
        int cinP = PackedLowering.PaddedChannels(Cin);
        if (winogradTile <= 0 || !PackedConv.WinogradSupportsInputChannels(cinP) || Groups >= 4) return new Conv3x3Kernel(Pack3x3(g, coutP, rowOf));
        float[] dense = Dense(g, coutP, cinP, rowOf), bias = DenseBias(g, coutP, rowOf);
        if (Groups > 1 && rowOf is null && GroupAlignedBlocks(coutP) is { } placed)
        {
            int cinG = Cin / Groups, coutG = Cout / Groups;
            return new Conv3x3Kernel(PackedWeightsWinograd.WithInputRanges(dense, bias, coutP, cinP, winogradTile, b => (placed[b] / coutG * cinG, cinG), placed, Cout));
        }
        if (Groups == 1 && Cin == cinP) return new Conv3x3Kernel(new PackedWeightsWinograd(dense, bias, coutP, cinP, winogradTile, null));
        var ranges = InputRanges(coutP, rowOf);
        return new Conv3x3Kernel(PackedWeightsWinograd.WithInputRanges(dense, bias, coutP, cinP, winogradTile, b => ranges[b]));
    }

    /// <summary>
    /// Packed 3x3 weights: grouped tiles, or dense (groups expanded, channels padded, rows reordered by rowOf) with each
    /// output block reading only the input channels that reach it: the real ones of a padded map, and of a grouped
    /// conv made dense its groups' range, its blocks placed inside one group when the map has room (G-IDRN's two groups
    /// of 28: blocks at channels 0, 12, 28, 40, each reading 28 inputs, where blocks in order would read 28, 56, 28, 28).
    /// </summary>
    public PackedWeights3x3 Pack3x3(TracedGraph g, int coutP, Func<int, int>? rowOf = null)
    {
        int cinP = PackedLowering.PaddedChannels(Cin);
        if (GroupedTiles)
        {
            if (coutP != Cout || cinP != Cin) throw new InvalidOperationException("plan: grouped tiles take unpadded channels.");
            int[]? order = rowOf is null ? null : Enumerable.Range(0, Cout).Select(rowOf).ToArray();
            return new PackedWeights3x3(g.Tensors[Weight].Data, Bias < 0 ? default : g.Tensors[Bias].Data, Cout, Cin / Groups, order, Groups);
        }
        float[] dense = Dense(g, coutP, cinP, rowOf), bias = DenseBias(g, coutP, rowOf);
        if (Groups == 1 && Cin == cinP) return new PackedWeights3x3(dense, bias, coutP, cinP);
        if (rowOf is null && GroupAlignedBlocks(coutP) is { } placed)
        {
            int cinG = Cin / Groups, coutG = Cout / Groups;
            return PackedWeights3x3.WithInputRanges(dense, bias, coutP, cinP, b => (placed[b] / coutG * cinG, cinG), placed, Cout);
        }
        var ranges = InputRanges(coutP, rowOf);
        return PackedWeights3x3.WithInputRanges(dense, bias, coutP, cinP, b => ranges[b]);
    }

    /// <summary>
    /// Blocks placed so none straddles two groups of a grouped conv made dense whose groups are not whole blocks: per
    /// group, blocks every 16 channels and the last one ending at the group's end (G-IDRN's 2 x 28: 0, 12, 28, 40), so
    /// each reads one group's inputs; null when the groups are whole blocks or that takes more blocks than the map has.
    /// </summary>
    private int[]? GroupAlignedBlocks(int coutP)
    {
        int coutG = Cout / Groups;
        if (Groups == 1 || coutG % 16 == 0 || coutG < 16) return null;
        var starts = new List<int>();
        for (int k = 0; k < Groups; k++)
        {
            for (int c = 0; c < coutG - 16; c += 16) starts.Add(k * coutG + c);
            starts.Add(k * coutG + coutG - 16);
        }
        return starts.Count == coutP / 16 ? [.. starts] : null;
    }

    /// <summary>Per 16-channel output block, the contiguous input channels its rows' groups read.</summary>
    private (int Offset, int Count)[] InputRanges(int coutP, Func<int, int>? rowOf)
    {
        int cinG = Cin / Groups, coutG = Cout / Groups;
        var ranges = new (int, int)[coutP / 16];
        for (int b = 0; b < ranges.Length; b++)
        {
            int g0 = int.MaxValue, g1 = -1;
            for (int r = b * 16; r < b * 16 + 16; r++)
            {
                int o = rowOf is null ? (r < Cout ? r : -1) : rowOf(r);
                if (o < 0) continue;
                g0 = Math.Min(g0, o / coutG);
                g1 = Math.Max(g1, o / coutG);
            }
            ranges[b] = g1 < 0 ? (0, cinG) : (g0 * cinG, (g1 - g0 + 1) * cinG);   // padding rows only: zero weights, read little
        }
        return ranges;
    }

    /// <summary>Further (weight, bias) pairs added to this one (bias -1: none); their kernels fit inside Kernel×Kernel.</summary>
    public (int Weight, int Bias)[] Branches { get; init; } = [];

    private IEnumerable<(int Weight, int Bias)> All => Branches.Prepend((Weight, Bias));

    /// <summary>
    /// The weight as a dense [coutP, cinP, k, k] array (groups expanded to zero blocks, padding channels zero);
    /// packed row r takes original output channel rowOf(r) (-1: a zero row).
    /// </summary>
    public float[] Dense(TracedGraph g, int coutP, int cinP, Func<int, int>? rowOf = null)
    {
        int k = Kernel, kk = k * k, cinG = Cin / Groups, coutG = Cout / Groups;
        var dense = new float[(long)coutP * cinP * kk];
        foreach (var (weight, _) in All)
        {
            float[] w = g.Tensors[weight].Data;
            int kh = g.Values[weight].Shape[2], kw = g.Values[weight].Shape[3], top = (k - kh) / 2, left = (k - kw) / 2;
            for (int r = 0; r < coutP; r++)
            {
                int o = rowOf is null ? (r < Cout ? r : -1) : rowOf(r);
                if (o < 0) continue;
                int group = o / coutG;
                for (int ci = 0; ci < cinG; ci++)
                    for (int y = 0; y < kh; y++)
                        for (int x = 0; x < kw; x++)
                            dense[((long)r * cinP + group * cinG + ci) * kk + (top + y) * k + left + x] += w[((o * cinG + ci) * kh + y) * kw + x];
            }
        }
        return dense;
    }

    public float[] DenseBias(TracedGraph g, int coutP, Func<int, int>? rowOf = null)
    {
        var bias = new float[coutP];
        foreach (var (_, biasValue) in All)
        {
            if (biasValue < 0) continue;
            float[] b = g.Tensors[biasValue].Data;
            for (int r = 0; r < coutP; r++)
            {
                int o = rowOf is null ? (r < Cout ? r : -1) : rowOf(r);
                if (o >= 0) bias[r] += b[o];
            }
        }
        return bias;
    }
}

/// <summary>A 3x3 "same" convolution map to map, with its epilogue.</summary>
internal sealed class Conv3x3Step(int x, int output, ConvWeights w, EpilogueSpec e, int winogradTile = 0) : PlanStep, IConvStep
{
    private Conv3x3Kernel _packed = null!;

    public EpilogueSpec Epilogue => e;
    public int Output => output;
    public PlanStep WithOutput(int o, int[] reads) => new Conv3x3Step(x, o, w, e, winogradTile) { Reads = reads, Writes = [o] };

    public override void Pack(TracedGraph g)
    {
        _packed = w.Kernel3x3(g, PackedLowering.PaddedChannels(w.Cout), winogradTile);
    }

    public override void Run(PlanState s)
    {
        var src = s.Map(x);
        var dst = s.NewMap(output, src.H, src.W);
        _packed.Run(src, dst, e.Resolve(s, dst));
    }

    public override string Describe(TracedGraph g) => $"conv3x3 {w.Cin}->{w.Cout}{(w.Groups > 1 ? $" g{w.Groups} ({(w.GroupedTiles ? "grouped" : "blocks by group")})" : "")} {V(x)} -> {V(output)}{e.Describe(g)}{Algorithm(_packed)}";

    internal static string Algorithm(Conv3x3Kernel? k) => k is { Algorithm: not "direct" } ? $" ({k.Algorithm})" : "";
}

/// <summary>A 1x1 convolution over a concatenation of parts read in place, each part a sum of scaled maps.</summary>
internal sealed class Conv1x1Step(IReadOnlyList<Term[]> parts, int[] partChannels, int output, ConvWeights w, EpilogueSpec e) : PlanStep, IConvStep
{
    private PackedWeights1x1 _packed = null!;

    public EpilogueSpec Epilogue => e;
    public int Output => output;
    public PlanStep WithOutput(int o, int[] reads) => new Conv1x1Step(parts, partChannels, o, w, e) { Reads = reads, Writes = [o] };

    public override void Pack(TracedGraph g)
    {
        int coutP = PackedLowering.PaddedChannels(w.Cout), cp = PackedLowering.PaddedChannels(partChannels[0]);
        float[] dense = w.Dense(g, coutP, w.Cin);   // [coutP, K]
        var wide = new float[coutP * parts.Count * cp];   // each part in a slot of cp columns
        for (int r = 0; r < coutP; r++)
            for (int j = 0, column = 0; j < parts.Count; column += partChannels[j], j++)
                Array.Copy(dense, r * w.Cin + column, wide, (r * parts.Count + j) * cp, partChannels[j]);
        var sources = parts.SelectMany((terms, j) => terms.Select(t => (j * cp, t.Resolve(g)))).ToArray();
        var counts = parts.SelectMany((terms, j) => terms.Select(_ => partChannels[j])).ToArray();   // padding never read
        _packed = new PackedWeights1x1(wide, w.DenseBias(g, coutP), coutP, parts.Count * cp, cp, sources, counts);
    }

    public override void Run(PlanState s)
    {
        var sources = new PackedMap[_packed.Sources];
        int i = 0;
        foreach (var terms in parts)
            foreach (var t in terms) sources[i++] = s.Map(t.Value);
        var dst = s.NewMap(output, sources[0].H, sources[0].W);
        PackedConv.Conv1x1(sources, _packed, dst, e.Resolve(s, dst));
    }

    public override string Describe(TracedGraph g) =>
        $"conv1x1 {w.Cin}->{w.Cout} over [{string.Join(", ", parts.Select(p => string.Join(" + ", p.Select(t => t.Describe(g)))))}] -> {V(output)}{e.Describe(g)}";
}

/// <summary>EDSR's residual block streamed by rows (the traced ResidualBlock op).</summary>
internal sealed class ResidualBlockStep(int x, int output, ConvWeights w1, ConvWeights w2, bool relu, EpilogueSpec e, int winogradTile = 0) : PlanStep
{
    private Conv3x3Kernel _first = null!, _second = null!;

    public override void Pack(TracedGraph g)
    {
        int cp = PackedLowering.PaddedChannels(w1.Cin);
        _first = w1.Kernel3x3(g, cp, winogradTile);
        _second = w2.Kernel3x3(g, cp, winogradTile);
    }

    public override void Run(PlanState s)
    {
        var src = s.Map(x);
        var dst = s.NewMap(output, src.H, src.W);
        var ep = e.Resolve(s, dst);
        Conv3x3Kernel.ResidualBlock(src, _first, relu, _second, dst, ep.Residual, ep.SumWith, ep.SumInto);
    }

    public override string Describe(TracedGraph g) => $"residual block {w1.Cin} {(relu ? "relu " : "")}{V(x)} -> {V(output)}{e.Describe(g)}{Conv3x3Step.Algorithm(_first)}";
}

/// <summary>A 3x3 convolution whose output is pixel-shuffled: the shuffle is folded into the stores.</summary>
internal sealed class ShuffleStep(int x, int output, ConvWeights w, int r, bool relu = false, int winogradTile = 0) : PlanStep
{
    private Conv3x3Kernel _packed = null!;

    public override void Pack(TracedGraph g) => _packed = PackShuffled(g, w, r, winogradTile);

    internal static Conv3x3Kernel PackShuffled(TracedGraph g, ConvWeights w, int r, int winogradTile) => w.Kernel3x3(g, ShuffledChannels(w, r), winogradTile, ShuffleRowOf(w, r));

    private static int ShuffledChannels(ConvWeights w, int r) => PackedLowering.PaddedChannels(w.Cout / (r * r)) * r * r;

    /// <summary>Packed channel k = subpixel·cp + c holds original channel c·r² + subpixel (-1, zero, for padding channels).</summary>
    private static Func<int, int> ShuffleRowOf(ConvWeights w, int r)
    {
        int c = w.Cout / (r * r), cp = PackedLowering.PaddedChannels(c);
        return k => k % cp < c ? k % cp * r * r + k / cp : -1;
    }

    public override void Run(PlanState s)
    {
        var src = s.Map(x);
        _packed.RunShuffle(src, r, s.NewMap(output, src.H * r, src.W * r), relu);
    }

    public override string Describe(TracedGraph g) =>
        $"conv3x3 {w.Cin}->{w.Cout}{(w.GroupedTiles ? $" g{w.Groups} (grouped)" : "")}{(relu ? " relu" : "")} + pixel shuffle x{r} {V(x)} -> {V(output)}{Conv3x3Step.Algorithm(_packed)}";
}

/// <summary>
/// A 3x3 convolution to at most 3 channels written planar (an RGB tail), optionally after a pixel-shuffling
/// upsampler conv streamed through it by rows, and optionally followed by a 1x1 affine map folded into it and by
/// scalings and sums with planar values (<see cref="PlanarFinish"/>) done in one pass over the planes.
/// </summary>
internal sealed class ToPlanarStep(int x, int output, ConvWeights head, (ConvWeights W, int R)? upsampler, ConvWeights? affine,
    PlanarFinish? finish = null, int winogradTile = 0) : PlanStep
{
    private PackedWeightsToPlanar _head = null!;
    private Conv3x3Kernel? _up;

    public override void Pack(TracedGraph g)
    {
        int cinP = PackedLowering.PaddedChannels(head.Cin), n = head.Cin, cout = head.Cout;
        float[] tw = head.Dense(g, cout, n), tb = head.DenseBias(g, cout);
        float[] weight = tw, bias = tb;
        if (affine is { } a)
        {
            // A 1x1 after the conv is one affine map: W' = M·W, b' = M·b + m.
            float[] m = a.Dense(g, a.Cout, a.Cin), mb = a.DenseBias(g, a.Cout);
            weight = new float[a.Cout * n * 9];
            bias = new float[a.Cout];
            for (int co = 0; co < a.Cout; co++)
            {
                bias[co] = mb[co];
                for (int k = 0; k < cout; k++)
                {
                    bias[co] += m[co * cout + k] * tb[k];
                    for (int i = 0; i < n * 9; i++) weight[co * n * 9 + i] += m[co * cout + k] * tw[k * n * 9 + i];
                }
            }
            cout = a.Cout;
        }
        var padded = new float[cout * cinP * 9];
        for (int co = 0; co < cout; co++) Array.Copy(weight, co * n * 9, padded, co * cinP * 9, n * 9);
        _head = new PackedWeightsToPlanar(padded, bias, cout, cinP);
        _up = upsampler is { } u ? ShuffleStep.PackShuffled(g, u.W, u.R, winogradTile) : null;
    }

    public override void Run(PlanState s)
    {
        var src = s.Map(x);
        int r = upsampler?.R ?? 1;
        var t = s.NewPlanar(output, _head.Cout, src.H * r, src.W * r);
        if (_up is null) PackedConv.Conv3x3ToPlanar(src, _head, t.Data);
        else _up.RunShuffleToPlanar(src, r, _head, t.Data);
        finish?.Apply(s, t);
    }

    public override string Describe(TracedGraph g) =>
        (upsampler is { } u ? $"conv3x3 {u.W.Cin}->{u.W.Cout} + pixel shuffle x{u.R}{Conv3x3Step.Algorithm(_up)}, streamed into " : "")
        + $"conv3x3 {head.Cin}->{head.Cout}{(affine is null ? "" : " + 1x1 folded")} to planar {V(x)}{finish} -> {V(output)}";
}

/// <summary>
/// What follows a conv written planar, folded into one pass: the result times Scale plus planar values written earlier,
/// each times its factor (PAN's bilinear skip added and the ×255 after it).
/// </summary>
internal sealed record PlanarFinish(float Scale, (int Value, float Scale)[] Adds)
{
    public unsafe void Apply(PlanState s, Tensor t)
    {
        var adds = Adds.Select(a => s.Planar(a.Value).Data).ToArray();
        if (adds.Any(a => a.Length != t.Length)) throw new InvalidOperationException("plan: a planar addend differs in size from the result.");
        var factors = Adds.Select(a => a.Scale).ToArray();
        float scale = Scale;
        float[] data = t.Data;
        const int chunk = 1 << 14;
        Parallelism.For((data.Length + chunk - 1) / chunk, data.Length, c =>
        {
            int start = c * chunk, end = Math.Min(data.Length, start + chunk);
            for (int i = start; i < end; i++)
            {
                float v = scale * data[i];
                for (int k = 0; k < adds.Length; k++) v += factors[k] * adds[k][i];
                data[i] = v;
            }
        });
    }

    public override string ToString() =>
        (Scale == 1 ? "" : $" ×{Scale}") + string.Concat(Adds.Select(a => $" + {(a.Scale == 1 ? "" : $"{a.Scale}·")}planar {"v" + a.Value}"));
}

/// <summary>A 1x1 convolution 3->3 of a planar input written into a 3-channel map (a MeanShift before the head).</summary>
internal sealed class PlanarAffineStep(int x, int output, ConvWeights w) : PlanStep
{
    private float[] _m = [], _b = [];

    public override void Pack(TracedGraph g)
    {
        _m = w.Dense(g, 3, 3);
        _b = w.DenseBias(g, 3);
    }

    public override unsafe void Run(PlanState s)
    {
        var input = s.Planar(x);
        int h = input.H, wd = input.W, plane = h * wd;
        var map = s.NewMap(output, h, wd);
        float[] m = _m, b = _b, data = input.Data;
        for (int y = 0; y < h; y++)
        {
            float* p = map.At(y, 0);
            for (int i = y * wd, end = i + wd; i < end; i++, p += 3)
            {
                float r = data[i], gr = data[plane + i], bl = data[2 * plane + i];
                p[0] = m[0] * r + m[1] * gr + m[2] * bl + b[0];
                p[1] = m[3] * r + m[4] * gr + m[5] * bl + b[1];
                p[2] = m[6] * r + m[7] * gr + m[8] * bl + b[2];
            }
        }
    }

    public override string Describe(TracedGraph g) => $"1x1 3->3 planar {V(x)} into map {V(output)}";
}

/// <summary>output = Σ scale·map over maps of one size: adds, differences and scalings of maps (their zero borders stay zero).</summary>
internal sealed class CombineStep(int output, Term[] terms) : PlanStep
{
    private float[] _scales = [];

    public Term[] Terms => terms;
    public int Output => output;

    public override void Pack(TracedGraph g) => _scales = terms.Select(t => t.Resolve(g)).ToArray();

    public override unsafe void Run(PlanState s)
    {
        var maps = terms.Select(t => s.Map(t.Value)).ToArray();
        var dst = s.NewMap(output, maps[0].H, maps[0].W);
        var ptrs = maps.Select(m => (nint)m.At(-1, -1)).ToArray();
        float[] scales = _scales;
        nint d = (nint)dst.At(-1, -1);
        long length = dst.Length;
        const int chunk = 1 << 14;
        int chunks = (int)((length + chunk - 1) / chunk);
        Parallelism.For(chunks, length, c =>
        {
            long start = (long)c * chunk, end = Math.Min(length, start + chunk);
            float* o = (float*)d;
            long i = start;
            for (; i + Vector256<float>.Count <= end; i += Vector256<float>.Count)
            {
                var acc = Vector256.Load((float*)ptrs[0] + i) * scales[0];
                for (int k = 1; k < ptrs.Length; k++) acc += Vector256.Load((float*)ptrs[k] + i) * scales[k];
                acc.Store(o + i);
            }
            for (; i < end; i++)
            {
                float acc = ((float*)ptrs[0])[i] * scales[0];
                for (int k = 1; k < ptrs.Length; k++) acc += ((float*)ptrs[k])[i] * scales[k];
                o[i] = acc;
            }
        });
    }

    public override string Describe(TracedGraph g) => $"sum {string.Join(" + ", terms.Select(t => t.Describe(g)))} -> {V(output)}";
}

/// <summary>output = a · (sigmoid(b) + offset) over maps of one size, in chunks that stay in cache.</summary>
internal sealed class GateStep(int a, int b, float offset, int output) : PlanStep
{
    public int A => a;
    public int B => b;
    public float Offset => offset;
    public int Output => output;

    public override unsafe void Run(PlanState s)
    {
        PackedMap ma = s.Map(a), mb = s.Map(b);
        var dst = s.NewMap(output, ma.H, ma.W);
        nint pa = (nint)ma.At(-1, -1), pb = (nint)mb.At(-1, -1), pd = (nint)dst.At(-1, -1);
        long length = dst.Length;
        const int chunk = 1 << 12;
        int chunks = (int)((length + chunk - 1) / chunk);
        Parallelism.For(chunks, length, c =>
        {
            long start = (long)c * chunk;
            int count = (int)Math.Min(chunk, length - start);
            Span<float> gate = stackalloc float[count];
            System.Numerics.Tensors.TensorPrimitives.Sigmoid(new ReadOnlySpan<float>((float*)pb + start, count), gate);
            System.Numerics.Tensors.TensorPrimitives.AddMultiply(gate, offset, new ReadOnlySpan<float>((float*)pa + start, count), new Span<float>((float*)pd + start, count));
        });
    }

    public override string Describe(TracedGraph g) => $"gate {V(a)} · (sigmoid({V(b)}){(offset == 0 ? "" : $" + {offset}")}) -> {V(output)}";
}

/// <summary>Channels [first, first + count) of a map copied into a map of their own.</summary>
internal sealed class SliceStep(int x, int first, int count, int output) : PlanStep
{
    public override unsafe void Run(PlanState s)
    {
        var src = s.Map(x);
        var dst = s.NewMap(output, src.H, src.W);
        int cs = src.C, cd = dst.C, w = src.W;
        Parallelism.For(src.H, y =>
        {
            float* p = src.At(y, 0) + first, q = dst.At(y, 0);
            for (int i = 0; i < w; i++, p += cs, q += cd)
            {
                new ReadOnlySpan<float>(p, count).CopyTo(new Span<float>(q, count));
                if (count < cd) new Span<float>(q + count, cd - count).Clear();
            }
        });
    }

    public override string Describe(TracedGraph g) => $"channels {first}..{first + count} of {V(x)} -> {V(output)}";
}

/// <summary>
/// out = post · A(Σ scale·shuffle(map) + Σ scale·planar) + post · b: pixel shuffles of maps to at most 3 planes, summed
/// with planar values of the output's size, through an optional 1x1 affine map (A, b), written planar in one pass.
/// </summary>
internal sealed class ShuffleTailStep((int Value, float Scale)[] maps, (int Value, float Scale)[] planar, int r, int channels,
                                      ConvWeights? affine, float post, int output) : PlanStep
{
    private float[] _m = [], _b = [];

    public override void Pack(TracedGraph g)
    {
        if (affine is null) return;
        _m = affine.Dense(g, affine.Cout, affine.Cin).Select(v => v * post).ToArray();
        _b = affine.DenseBias(g, affine.Cout).Select(v => v * post).ToArray();
    }

    public override unsafe void Run(PlanState s)
    {
        var src = maps.Select(m => s.Map(m.Value)).ToArray();
        var add = planar.Select(p => s.Planar(p.Value)).ToArray();
        int h = src[0].H, w = src[0].W, rr = r * r, c = channels, cout = affine?.Cout ?? c;
        int outW = w * r, plane = h * r * outW;
        var t = s.NewPlanar(output, cout, h * r, outW);
        float[] scales = maps.Select(m => m.Scale).ToArray(), addScales = planar.Select(p => p.Scale).ToArray();
        float[] mat = _m, bias = _b, dstData = t.Data;
        var srcs = src.Select(m => (nint)m.At(0, 0)).ToArray();
        var adds = add.Select(a => a.Data).ToArray();
        nint stride = src[0].RowStride;
        int cs = src[0].C;
        bool hasAffine = affine is not null;
        Parallelism.For(h, (long)plane * cout, y =>
        {
            Span<float> v = stackalloc float[3];
            fixed (float* dst = dstData)
                for (int i = 0; i < r; i++)
                {
                    int row = (y * r + i) * outW;
                    for (int x = 0; x < w; x++)
                        for (int j = 0; j < r; j++)
                        {
                            int at = row + x * r + j, sub = i * r + j;
                            for (int ch = 0; ch < c; ch++)
                            {
                                float sum = 0;
                                for (int k = 0; k < srcs.Length; k++) sum += scales[k] * ((float*)srcs[k])[y * stride + x * cs + ch * rr + sub];
                                for (int k = 0; k < adds.Length; k++) sum += addScales[k] * adds[k][ch * plane + at];
                                v[ch] = sum;
                            }
                            if (!hasAffine)
                                for (int ch = 0; ch < c; ch++) dst[ch * plane + at] = v[ch];
                            else
                                for (int o = 0; o < cout; o++)
                                {
                                    float sum = bias[o];
                                    for (int ch = 0; ch < c; ch++) sum += mat[o * c + ch] * v[ch];
                                    dst[o * plane + at] = sum;
                                }
                        }
                }
        });
    }

    public override string Describe(TracedGraph g) =>
        $"pixel shuffle x{r} to planar of {string.Join(" + ", maps.Select(m => (m.Scale == 1 ? "" : $"{m.Scale}·") + V(m.Value)))}"
        + string.Concat(planar.Select(p => $" + {(p.Scale == 1 ? "" : $"{p.Scale}·")}planar {V(p.Value)}"))
        + (affine is null ? "" : $", 1x1 {affine.Cin}->{affine.Cout}{(post == 1 ? "" : $" ×{post}")}") + $" -> {V(output)}";
}

/// <summary>
/// A convolution the packed tiles do not run (ESA's stride-2 3x3 without padding, CFPB's dilated 3x3s), read straight
/// from a map: 4 output pixels × 32 output channels in registers, each tap's input channel broadcast per pixel against
/// two weight vectors, taps falling outside the input read from a zero pixel (zero padding of any width). Written as a
/// map, or planar when the output is not a map's width (or a strided map's consumers want it planar).
/// </summary>
internal sealed class DirectConvStep(int x, int output, ConvWeights w, Conv2dOptions o, bool relu, bool planar) : PlanStep
{
    private float[] _w = [], _b = [];
    private int _coutP;

    /// <summary>Output channels per register tile: two vectors (4 pixels), or one (8 pixels) for 16 outputs or fewer (ESA's strided conv).</summary>
    private const int Pair = 32;

    private bool Single => w.Cout <= 16;

    public override void Pack(TracedGraph g)
    {
        int k = w.Kernel, cinP = PackedLowering.PaddedChannels(w.Cin);
        _coutP = Single ? 16 : (w.Cout + Pair - 1) / Pair * Pair;
        float[] dense = w.Dense(g, _coutP, cinP);   // [coutP, cinP, k, k] -> [k, k, cinP, coutP]
        _w = GC.AllocateArray<float>(dense.Length, pinned: true);
        for (int co = 0; co < _coutP; co++)
            for (int ci = 0; ci < cinP; ci++)
                for (int t = 0; t < k * k; t++)
                    _w[(t * cinP + ci) * _coutP + co] = dense[(co * cinP + ci) * k * k + t];
        _b = GC.AllocateArray<float>(_coutP, pinned: true);
        w.DenseBias(g, _coutP).CopyTo(_b, 0);
    }

    public override unsafe void Run(PlanState s)
    {
        var src = s.Map(x);
        int k = w.Kernel, cout = w.Cout, coutP = _coutP, cinP = src.C, cin = w.Cin;
        int oh = o.OutH(src.H, k), ow = o.OutW(src.W, k);
        int sh = o.StrideH, ph = o.PadH, dh = o.DilationH;
        float* wp = (float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref _w[0]);
        float* bp = (float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref _b[0]);
        nint wAddr = (nint)wp, bAddr = (nint)bp;
        PackedMap? map = planar ? null : s.NewMap(output, oh, ow);
        float[]? dst = planar ? s.NewPlanar(output, cout, oh, ow).Data : null;
        int stored = map?.C ?? cout;
        if (Single)
        {
            Parallelism.For(oh, (long)oh * ow * k * k * cin, oy => SingleVectorRow(src, oy, (float*)wAddr, (float*)bAddr, map, dst, oh, ow));
            return;
        }
        Parallelism.For(oh, (long)oh * ow * k * k * cin * coutP / 16, oy =>
        {
            float* wts = (float*)wAddr, bias = (float*)bAddr;
            float* zero = stackalloc float[cinP];
            new Span<float>(zero, cinP).Clear();
            float** px = stackalloc float*[4];
            var acc = stackalloc Vector512<float>[8];
            for (int ox0 = 0; ox0 < ow; ox0 += 4)
            {
                int p = Math.Min(4, ow - ox0);
                for (int c0 = 0; c0 < coutP; c0 += Pair)
                {
                    Vector512<float> b0 = Vector512.Load(bias + c0), b1 = Vector512.Load(bias + c0 + 16);
                    Vector512<float> a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1, a30 = b0, a31 = b1;
                    for (int ky = 0; ky < k; ky++)
                    {
                        int iy = oy * sh - ph + ky * dh;
                        for (int kx = 0; kx < k; kx++)
                        {
                            TapPixels(src, px, 4, ox0, p, iy, kx, zero);
                            float* wt = wts + (ky * k + kx) * cinP * coutP + c0;
                            float* p0 = px[0], p1 = px[1], p2 = px[2], p3 = px[3];
                            for (int ci = 0; ci < cin; ci++, wt += coutP)
                            {
                                var w0 = Vector512.Load(wt);
                                var w1 = Vector512.Load(wt + 16);
                                var v = Vector512.Create(p0[ci]);
                                a00 = Vector512.FusedMultiplyAdd(v, w0, a00); a01 = Vector512.FusedMultiplyAdd(v, w1, a01);
                                v = Vector512.Create(p1[ci]);
                                a10 = Vector512.FusedMultiplyAdd(v, w0, a10); a11 = Vector512.FusedMultiplyAdd(v, w1, a11);
                                v = Vector512.Create(p2[ci]);
                                a20 = Vector512.FusedMultiplyAdd(v, w0, a20); a21 = Vector512.FusedMultiplyAdd(v, w1, a21);
                                v = Vector512.Create(p3[ci]);
                                a30 = Vector512.FusedMultiplyAdd(v, w0, a30); a31 = Vector512.FusedMultiplyAdd(v, w1, a31);
                            }
                        }
                    }
                    acc[0] = a00; acc[1] = a01; acc[2] = a10; acc[3] = a11; acc[4] = a20; acc[5] = a21; acc[6] = a30; acc[7] = a31;
                    for (int q = 0; q < p; q++)
                        for (int half = 0; half < 2; half++)
                        {
                            int c = c0 + 16 * half;
                            if (c >= stored) break;
                            var v = acc[2 * q + half];
                            if (relu) v = Vector512.Max(v, Vector512<float>.Zero);
                            if (map is not null) v.Store(map.At(oy, ox0 + q) + c);
                            else
                            {
                                acc[2 * q + half] = v;
                                float* lanes = (float*)(acc + 2 * q + half);
                                for (int l = 0; l < 16 && c + l < cout; l++) dst![((c + l) * oh + oy) * ow + ox0 + q] = lanes[l];
                            }
                        }
                }
            }
        });
    }

    /// <summary>The n pixels tap (iy, kx) reads for the tile at ox0 (p of them real): in the map, or the zero pixel outside it.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private unsafe void TapPixels(PackedMap src, float** px, int n, int ox0, int p, int iy, int kx, float* zero)
    {
        bool rowIn = (uint)iy < (uint)src.H;
        for (int q = 0; q < n; q++)
        {
            int ix = (ox0 + Math.Min(q, p - 1)) * o.StrideW - o.PadW + kx * o.DilationW;   // pixels past the row repeat the last
            px[q] = rowIn && (uint)ix < (uint)src.W ? src.At(iy, ix) : zero;
        }
    }

    /// <summary>Output row oy for at most 16 output channels: 8 pixels × one vector of accumulators, so eight FMA chains overlap.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private unsafe void SingleVectorRow(PackedMap src, int oy, float* wts, float* bias, PackedMap? map, float[]? dst, int oh, int ow)
    {
        int k = w.Kernel, cout = w.Cout, cinP = src.C, cin = w.Cin;
        int sh = o.StrideH, ph = o.PadH, dh = o.DilationH;
        float* zero = stackalloc float[cinP];
        new Span<float>(zero, cinP).Clear();
        float** px = stackalloc float*[8];
        var acc = stackalloc Vector512<float>[8];
        var b = Vector512.Load(bias);
        for (int ox0 = 0; ox0 < ow; ox0 += 8)
        {
            int p = Math.Min(8, ow - ox0);
            Vector512<float> a0 = b, a1 = b, a2 = b, a3 = b, a4 = b, a5 = b, a6 = b, a7 = b;
            for (int ky = 0; ky < k; ky++)
            {
                int iy = oy * sh - ph + ky * dh;
                for (int kx = 0; kx < k; kx++)
                {
                    TapPixels(src, px, 8, ox0, p, iy, kx, zero);
                    float* wt = wts + (ky * k + kx) * cinP * 16;
                    float* p0 = px[0], p1 = px[1], p2 = px[2], p3 = px[3], p4 = px[4], p5 = px[5], p6 = px[6], p7 = px[7];
                    for (int ci = 0; ci < cin; ci++, wt += 16)
                    {
                        var wv = Vector512.Load(wt);
                        a0 = Vector512.FusedMultiplyAdd(Vector512.Create(p0[ci]), wv, a0);
                        a1 = Vector512.FusedMultiplyAdd(Vector512.Create(p1[ci]), wv, a1);
                        a2 = Vector512.FusedMultiplyAdd(Vector512.Create(p2[ci]), wv, a2);
                        a3 = Vector512.FusedMultiplyAdd(Vector512.Create(p3[ci]), wv, a3);
                        a4 = Vector512.FusedMultiplyAdd(Vector512.Create(p4[ci]), wv, a4);
                        a5 = Vector512.FusedMultiplyAdd(Vector512.Create(p5[ci]), wv, a5);
                        a6 = Vector512.FusedMultiplyAdd(Vector512.Create(p6[ci]), wv, a6);
                        a7 = Vector512.FusedMultiplyAdd(Vector512.Create(p7[ci]), wv, a7);
                    }
                }
            }
            acc[0] = a0; acc[1] = a1; acc[2] = a2; acc[3] = a3; acc[4] = a4; acc[5] = a5; acc[6] = a6; acc[7] = a7;
            for (int q = 0; q < p; q++)
            {
                var v = acc[q];
                if (relu) v = Vector512.Max(v, Vector512<float>.Zero);
                if (map is not null) { v.Store(map.At(oy, ox0 + q)); continue; }
                acc[q] = v;
                float* lanes = (float*)(acc + q);
                for (int l = 0; l < cout; l++) dst![(l * oh + oy) * ow + ox0 + q] = lanes[l];
            }
        }
    }

    public override string Describe(TracedGraph g) =>
        $"direct conv{w.Kernel}x{w.Kernel} {w.Cin}->{w.Cout} stride {o.StrideH} pad {o.PadH} dilation {o.DilationH}{(relu ? " relu" : "")} map {V(x)} to {(planar ? "planar" : "map")} {V(output)}";
}

/// <summary>A ReLU or leaky ReLU of a map the conv before it could not take into its store.</summary>
internal sealed class ActivationStep(int x, float slope, int output) : PlanStep
{
    public override unsafe void Run(PlanState s)
    {
        var m = s.Map(x);
        var dst = s.NewMap(output, m.H, m.W);
        nint ps = (nint)m.At(-1, -1), pd = (nint)dst.At(-1, -1);
        long length = dst.Length;
        const int chunk = 1 << 14;
        var k = Vector512.Create(slope);
        Parallelism.For((int)((length + chunk - 1) / chunk), length, c =>
        {
            long i = (long)c * chunk, end = Math.Min(length, i + chunk);
            float* p = (float*)ps, q = (float*)pd;
            for (; i + 16 <= end; i += 16)
            {
                var v = Vector512.Load(p + i);
                Vector512.Max(v, v * k).Store(q + i);
            }
            for (; i < end; i++) q[i] = Math.Max(p[i], p[i] * slope);
        });
    }

    public override string Describe(TracedGraph g) => $"{(slope == 0 ? "relu" : $"lrelu {slope}")} map {V(x)} -> {V(output)}";
}

/// <summary>Bilinear resize (PyTorch's align_corners=False) or integer nearest upsampling, map to map, 16 channels per vector.</summary>
internal sealed class ResizeStep(TracedNode node) : PlanStep
{
    private (int H, int W, int OutH, int OutW) _size;
    private (int[] I0, int[] I1, float[] L0, float[] L1) _rows, _columns;

    private bool Nearest => node.Op == "UpsampleNearest";

    /// <summary>The output size at this pass's input size (size-symbolic plans evaluate the traced size integers).</summary>
    private (int H, int W) OutSize(PlanState s, PackedMap src)
    {
        var shape = s.Graph.Values[node.Output].Shape;
        var input = s.Graph.Values[node.Inputs[0]].Shape;
        if (Nearest) return (src.H * (shape[2] / input[2]), src.W * (shape[3] / input[3]));
        if (!s.Symbolic.IsDynamic || SizeSymbolicTracer.SizeIntegers(node, s.Graph) is null) return (shape[2], shape[3]);
        var v = s.Symbolic.SizesOf(node).Select(z => (int)z.Evaluate(s.Height, s.Width)).ToArray();
        return (v[0], v[1]);
    }

    public override unsafe void Run(PlanState s)
    {
        var src = s.Map(node.Inputs[0]);
        var (oh, ow) = OutSize(s, src);
        var dst = s.NewMap(node.Output, oh, ow);
        if (_size != (src.H, src.W, oh, ow))
        {
            _size = (src.H, src.W, oh, ow);
            if (!Nearest)
            {
                _rows = InterpolateKernels.LinearTaps(src.H, oh);
                _columns = InterpolateKernels.LinearTaps(src.W, ow);
            }
        }
        int c = src.C, fy = oh / src.H, fx = ow / src.W;
        var (r0, r1, wr0, wr1) = _rows;
        var (c0, c1, wc0, wc1) = _columns;
        bool nearest = Nearest;
        Parallelism.For(oh, (long)oh * ow * c, oy =>
        {
            float* q = dst.At(oy, 0);
            if (nearest)
            {
                float* row = src.At(oy / fy, 0);
                for (int ox = 0; ox < ow; ox++, q += c)
                    new ReadOnlySpan<float>(row + ox / fx * c, c).CopyTo(new Span<float>(q, c));
                return;
            }
            float* a = src.At(r0[oy], 0), b = src.At(r1[oy], 0);
            var ya0 = Vector512.Create(wr0[oy]);
            var ya1 = Vector512.Create(wr1[oy]);
            for (int ox = 0; ox < ow; ox++, q += c)
            {
                int j0 = c0[ox] * c, j1 = c1[ox] * c;
                var xb0 = Vector512.Create(wc0[ox]);
                var xb1 = Vector512.Create(wc1[ox]);
                for (int ch = 0; ch < c; ch += 16)
                {
                    var top = xb0 * Vector512.Load(a + j0 + ch) + xb1 * Vector512.Load(a + j1 + ch);
                    var bottom = xb0 * Vector512.Load(b + j0 + ch) + xb1 * Vector512.Load(b + j1 + ch);
                    (ya0 * top + ya1 * bottom).Store(q + ch);
                }
            }
        });
    }

    public override string Describe(TracedGraph g) => $"{(Nearest ? "nearest upsampling" : "bilinear resize")} map {V(node.Inputs[0])} -> {V(node.Output)}";
}

/// <summary>Maps of one size concatenated along channels into one map (each part's real channels at its offset).</summary>
internal sealed class ConcatStep(int[] parts, int output) : PlanStep
{
    public override unsafe void Run(PlanState s)
    {
        var maps = parts.Select(s.Map).ToArray();
        var counts = parts.Select(s.Channels).ToArray();
        var dst = s.NewMap(output, maps[0].H, maps[0].W);
        int w = dst.W, cd = dst.C, total = counts.Sum();
        Parallelism.For(dst.H, dst.Length, y =>
        {
            for (int k = 0, offset = 0; k < maps.Length; offset += counts[k], k++)
            {
                float* p = maps[k].At(y, 0), q = dst.At(y, 0) + offset;
                int cs = maps[k].C, n = counts[k];
                for (int i = 0; i < w; i++, p += cs, q += cd) new ReadOnlySpan<float>(p, n).CopyTo(new Span<float>(q, n));
            }
            if (total < cd)
                for (int i = 0; i < w; i++) new Span<float>(dst.At(y, i) + total, cd - total).Clear();
        });
    }

    public override string Describe(TracedGraph g) => $"concat [{string.Join(", ", parts.Select(V))}] -> {V(output)}";
}

/// <summary>
/// Per-channel mean or standard deviation (population, about the mean: two passes as the graph's) of a map, as a
/// planar [1, C, 1, 1]: rows summed 16 channels per vector, the rows' sums added in order in double.
/// </summary>
internal sealed class ChannelStatStep(int x, int output, bool std) : PlanStep
{
    public override unsafe void Run(PlanState s)
    {
        var m = s.Map(x);
        int c = s.Channels(x), cp = m.C, h = m.H, w = m.W;
        var mean = RowSums(m, null);
        for (int k = 0; k < cp; k++) mean[k] /= (double)h * w;
        var result = mean;
        if (std)
        {
            var centre = mean.Select(v => (float)v).ToArray();
            result = RowSums(m, centre);
            for (int k = 0; k < cp; k++) result[k] = Math.Sqrt(result[k] / ((double)h * w));
        }
        var t = s.NewPlanar(output, c, 1, 1);
        for (int k = 0; k < c; k++) t.Data[k] = (float)result[k];
    }

    /// <summary>Σ over pixels of x (or of (x - centre)² when centre is given), per channel.</summary>
    private static unsafe double[] RowSums(PackedMap m, float[]? centre)
    {
        int cp = m.C, w = m.W;
        var rows = new float[m.H * cp];
        Parallelism.For(m.H, (long)m.H * w * cp, y =>
        {
            for (int c0 = 0; c0 < cp; c0 += 16)
            {
                var acc = Vector512<float>.Zero;
                var mu = centre is null ? Vector512<float>.Zero : Vector512.Create(centre, c0);
                float* p = m.At(y, 0) + c0;
                for (int i = 0; i < w; i++, p += cp)
                {
                    var v = Vector512.Load(p);
                    if (centre is null) acc += v;
                    else { v -= mu; acc = Vector512.FusedMultiplyAdd(v, v, acc); }
                }
                acc.CopyTo(rows, y * cp + c0);
            }
        });
        var sums = new double[cp];
        for (int y = 0; y < m.H; y++)
            for (int k = 0; k < cp; k++) sums[k] += rows[y * cp + k];
        return sums;
    }

    public override string Describe(TracedGraph g) => $"channel {(std ? "std" : "mean")} of map {V(x)} -> {V(output)}";
}

/// <summary>A map times a per-channel [1, C, 1, 1] vector (channel attention's product), map to map.</summary>
internal sealed class ChannelScaleStep(int x, int scale, int output) : PlanStep
{
    public override unsafe void Run(PlanState s)
    {
        var m = s.Map(x);
        var dst = s.NewMap(output, m.H, m.W);
        int c = s.Channels(x), cp = m.C, w = m.W;
        var factors = new float[cp];
        s.Planar(scale).Data.AsSpan(0, c).CopyTo(factors);
        Parallelism.For(m.H, (long)m.H * w * cp, y =>
        {
            float* p = m.At(y, 0), q = dst.At(y, 0);
            for (int i = 0; i < w; i++, p += cp, q += cp)
                for (int c0 = 0; c0 < cp; c0 += 16)
                    (Vector512.Load(p + c0) * Vector512.Create(factors, c0)).Store(q + c0);
        });
    }

    public override string Describe(TracedGraph g) => $"map {V(x)} × channels {V(scale)} -> {V(output)}";
}

/// <summary>A traced node run on the graph kernels (planar tensors), its size integers evaluated for the input size.</summary>
internal sealed class FallbackStep(TracedNode node) : PlanStep
{
    private (int H, int W) _size = (-1, -1);
    private TracedNode? _sized;

    public TracedNode Node => node;

    public override void Run(PlanState s)
    {
        var ins = new Tensor[node.Inputs.Length];
        for (int i = 0; i < ins.Length; i++) ins[i] = s.Planar(node.Inputs[i]);
        s.Tensors[node.Output] = GraphInterpreter.Execute(Sized(s), ins, s.Graph);
    }

    private TracedNode Sized(PlanState s)
    {
        if (!s.Symbolic.IsDynamic || SizeSymbolicTracer.SizeIntegers(node, s.Graph) is null) return node;
        if (_size == (s.Height, s.Width) && _sized is not null) return _sized;
        var v = s.Symbolic.SizesOf(node).Select(z => (int)z.Evaluate(s.Height, s.Width)).ToArray();
        _sized = node.Op switch
        {
            "Reshape" => node with { Attributes = v },
            "ResizeBilinear" => node with { Attributes = ((ResizeAttributes)node.Attributes!) with { OutH = v[0], OutW = v[1] } },
            _ => node,   // integer upsampling: the factor is read from the traced shapes, the same at every size
        };
        _size = (s.Height, s.Width);
        return _sized;
    }

    public override string Describe(TracedGraph g) =>
        $"graph {node.Op} ({string.Join(", ", node.Inputs.Select(i => g.Values[i].Kind == TracedValueKind.Parameter ? g.Values[i].Name : V(i)))}) -> {V(node.Output)} {Shapes.Format(g.Values[node.Output].Shape)}";
}
