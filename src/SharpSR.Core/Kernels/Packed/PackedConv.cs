using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SharpSR.Core.Kernels.Packed;

/// <summary>
/// What a packed convolution does to each output after its bias: an activation (null: none; the leaky-ReLU
/// slope, 0 for ReLU), then when <see cref="Mask"/> is given the gate Mask · (sigmoid(out) + MaskOffset) (ESA's and
/// PAN's attention: the sigmoid never exists as a map), or with <see cref="MaskSelf"/> (out + Mask) · (sigmoid(out) +
/// MaskOffset) (SiLU without a Mask; SPAN's attention with one), up to two residuals added (each times its scale: G-IDRN's
/// learnable shortcut weights), an activation after them, and when <see cref="SumInto"/> is given a second store of
/// the result plus <see cref="SumWith"/>.
/// </summary>
public readonly record struct PackedEpilogue(float? Before = null, PackedMap? Residual = null, PackedMap? Residual2 = null,
    float? After = null, PackedMap? SumWith = null, PackedMap? SumInto = null,
    PackedMap? Mask = null, float MaskOffset = 0, float ResidualScale = 1, float Residual2Scale = 1, bool MaskSelf = false)
{
    /// <summary>1 / (1 + e^-x) per lane; large negative x gives 0, large positive 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Sigmoid(Vector512<float> x) => Vector512<float>.One / (Vector512<float>.One + Exp(-x));

    /// <summary>
    /// e^x in float, within 2 ulps: x = n·ln2 + r with |r| ≤ ln2/2, e^r by Cephes' degree-6 polynomial, times 2^n by
    /// vscalefps. Vector512.Exp widens to double, which costs a store epilogue twice as much.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Exp(Vector512<float> x)
    {
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(-88.5f)), Vector512.Create(88.72f));   // e^88.72 is just under float.MaxValue
        var n = Vector512.Round(x * Vector512.Create(1.44269504f));
        var r = Avx512F.FusedMultiplyAdd(n, Vector512.Create(-0.693359375f), x);
        r = Avx512F.FusedMultiplyAdd(n, Vector512.Create(2.12194440e-4f), r);
        var p = Avx512F.FusedMultiplyAdd(Vector512.Create(1.9875691500e-4f), r, Vector512.Create(1.3981999507e-3f));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(8.3334519073e-3f));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(4.1665795894e-2f));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(1.6666665459e-1f));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(5.0000001201e-1f));
        p = Avx512F.FusedMultiplyAdd(p, r * r, r + Vector512<float>.One);
        return Avx512F.Scale(p, n);
    }

    internal static float CheckSlope(float slope) =>
        slope is >= 0 and < 1 ? slope : throw new ArgumentException($"PackedConv: activation slope {slope} outside [0, 1).");
}

/// <summary>
/// A map's channel count known to the JIT, so a tile's pixel offsets become constants: Stride floats from one pixel to
/// the next, Count channels for the kernels that read them all. The conv tiles take how many they read (from an offset)
/// at run time: the channels that hold data of a padded map, or a grouped conv's slice.
/// </summary>
internal interface IChannels { static abstract int Count { get; } static abstract int Stride { get; } }
internal struct Ch3 : IChannels { public static int Count => 3; public static int Stride => 3; }
internal struct Ch16 : IChannels { public static int Count => 16; public static int Stride => 16; }
internal struct Ch32 : IChannels { public static int Count => 32; public static int Stride => 32; }
internal struct Ch48 : IChannels { public static int Count => 48; public static int Stride => 48; }
internal struct Ch64 : IChannels { public static int Count => 64; public static int Stride => 64; }

/// <summary>
/// Inference-only convolutions on <see cref="PackedMap"/>s (no autograd): a row of output pixels is cut
/// into tiles of P pixels × 16 or 32 output channels held in registers (<see cref="PackedTiles"/>), and
/// the epilogue adds the bias, applies ReLU, adds up to two residuals and can store a second sum, or
/// scatters a sub-pixel upsampler's channels straight to their pixel-shuffled places. Rows are spread
/// over the worker threads. AVX-512 only: callers check <see cref="IsSupported"/> and otherwise run
/// the autograd graph, which has the portable paths.
/// </summary>
public static unsafe partial class PackedConv
{
    public static bool IsSupported => Avx512F.IsSupported;

    /// <summary>Input channel counts the tiles are specialised for.</summary>
    public static bool SupportsInputChannels(int c) => c is 3 or 16 or 32 or 48 or 64;

    /// <summary>
    /// dst = conv3x3(src) + bias, then ReLU if asked, then zero where <paramref name="gate"/> is not positive
    /// (a ReLU's backward), then + residual + residual2; when <paramref name="sumInto"/> is given it also
    /// receives dst + <paramref name="sumWith"/>.
    /// </summary>
    public static void Conv3x3(PackedMap src, PackedWeights3x3 w, PackedMap dst, bool relu = false,
        PackedMap? residual = null, PackedMap? residual2 = null, PackedMap? sumWith = null, PackedMap? sumInto = null,
        PackedMap? gate = null)
    {
        Check3x3Input(src, w);
        var job = new Job(src, w.Groups, w.Data, w.Bias, dst, w.Cout, relu);
        job.RequireSameLayout(dst, residual, residual2, sumWith, sumInto, gate);
        if ((sumWith is null) != (sumInto is null)) throw new ArgumentException("PackedConv: sumWith and sumInto come together.");
        job.Residual = Ptr(residual); job.Residual2 = Ptr(residual2); job.SumWith = Ptr(sumWith); job.SumInto = Ptr(sumInto);
        job.Gate = Ptr(gate);
        job.Place(w);
        Run3x3(job);
    }

    /// <summary>
    /// dst = conv3x3(src) + bias with a general epilogue: an activation before the residuals, up to two residuals,
    /// an activation after them, and the extra sum (see <see cref="PackedEpilogue"/>).
    /// </summary>
    public static void Conv3x3(PackedMap src, PackedWeights3x3 w, PackedMap dst, in PackedEpilogue e)
    {
        Check3x3Input(src, w);
        var job = new Job(src, w.Groups, w.Data, w.Bias, dst, w.Cout, relu: false);
        job.Apply(e, dst);
        job.Place(w);
        Run3x3(job);
    }

    /// <summary>A sub-pixel upsampler step: conv3x3 to r²·C channels, pixel-shuffled into dst (H·r × W·r × C).</summary>
    /// <remarks>The weights must be packed with <see cref="ShuffleOrder"/> so each 16-channel block lands on one output pixel.</remarks>
    public static void Conv3x3Shuffle(PackedMap src, PackedWeights3x3 w, int r, PackedMap dst, bool relu = false)
    {
        Check3x3Input(src, w);
        if (w.BlockChannels is not null) throw new ArgumentException("PackedConv: a shuffled store takes blocks in order.");
        if (r < 2 || dst.H != src.H * r || dst.W != src.W * r || dst.C * r * r != w.Cout || dst.C % 16 != 0)
            throw new ArgumentException($"PackedConv: shuffle target {dst.H}x{dst.W}x{dst.C} does not fit {src.H}x{src.W}x{w.Cout} at factor {r}.");
        var job = new Job(src, w.Groups, w.Data, w.Bias, dst, w.Cout, relu) { Shuffle = r };
        Run3x3(job);
    }

    /// <summary>outputOrder for <see cref="PackedWeights3x3"/>: packed channel k = subpixel·C + c holds original channel c·r² + subpixel.</summary>
    public static int[] ShuffleOrder(int channels, int r)
    {
        var order = new int[channels * r * r];
        for (int k = 0; k < order.Length; k++) order[k] = k % channels * r * r + k / channels;
        return order;
    }

    /// <summary>dst = Σ over sources of (scaled) 1x1 convolutions + bias: a concatenation followed by a 1x1 conv, read in place.</summary>
    public static void Conv1x1(IReadOnlyList<PackedMap> sources, PackedWeights1x1 w, PackedMap dst) => Conv1x1(sources, w, dst, default);

    /// <summary><see cref="Conv1x1(IReadOnlyList{PackedMap}, PackedWeights1x1, PackedMap)"/> with a general epilogue (<see cref="PackedEpilogue"/>).</summary>
    public static void Conv1x1(IReadOnlyList<PackedMap> sources, PackedWeights1x1 w, PackedMap dst, in PackedEpilogue e)
    {
        if (sources.Count != w.Sources) throw new ArgumentException($"PackedConv: {sources.Count} sources for weights of {w.Sources}.");
        foreach (var s in sources) CheckInput(s, w.Cin);
        var job = new Job(sources[0], w.Groups, w.Data, w.Bias, dst, w.Cout, relu: false);
        job.RequireSameLayout(dst);
        job.Apply(e, dst);
        foreach (var s in sources)
            if (s.H != sources[0].H || s.W != sources[0].W) throw new ArgumentException("PackedConv: 1x1 sources differ in size.");
        job.Sources = sources.Select(s => (nint)s.At(-1, -1)).ToArray();
        job.SourceCounts = w.SourceCounts;
        job.RunRows(w.Cin switch
        {
            16 => &Conv1x1Row<Ch16>,
            32 => &Conv1x1Row<Ch32>,
            48 => &Conv1x1Row<Ch48>,
            64 => &Conv1x1Row<Ch64>,
            _ => throw new ArgumentException($"PackedConv: 1x1 over {w.Cin} channels is not supported."),
        });
    }

    /// <summary>A 3x3 conv to a few channels (an RGB head) written channel-planar into output [Cout, H, W].</summary>
    public static void Conv3x3ToPlanar(PackedMap src, PackedWeightsToPlanar w, Span<float> output)
    {
        CheckInput(src, w.Cin);
        if (output.Length < (long)w.Cout * src.H * src.W) throw new ArgumentException("PackedConv: planar output too short.");
        fixed (float* o = output)
        {
            nint outPtr = (nint)o;
            switch (w.Cin)
            {
                case 16: Parallelism.For(src.H, y => ToPlanarRow<Ch16>(src.At(y - 1, -1), src.RowStride, src.W, w, (float*)outPtr + (nint)y * src.W, (nint)src.H * src.W)); break;
                case 32: Parallelism.For(src.H, y => ToPlanarRow<Ch32>(src.At(y - 1, -1), src.RowStride, src.W, w, (float*)outPtr + (nint)y * src.W, (nint)src.H * src.W)); break;
                case 48: Parallelism.For(src.H, y => ToPlanarRow<Ch48>(src.At(y - 1, -1), src.RowStride, src.W, w, (float*)outPtr + (nint)y * src.W, (nint)src.H * src.W)); break;
                case 64: Parallelism.For(src.H, y => ToPlanarRow<Ch64>(src.At(y - 1, -1), src.RowStride, src.W, w, (float*)outPtr + (nint)y * src.W, (nint)src.H * src.W)); break;
                default: throw new ArgumentException($"PackedConv: {w.Cin} input channels is not supported.");
            }
        }
    }

    /// <summary>A 3x3's input: Cin channels, or Cin per group of a grouped conv (16 of 32 or 64).</summary>
    private static void Check3x3Input(PackedMap src, PackedWeights3x3 w)
    {
        if (w.ConvGroups == 1) CheckInput(src, w.Cin);
        else if (!IsSupported) throw new PlatformNotSupportedException("PackedConv needs AVX-512.");
        else if (w.Cin != 16 || src.C != 16 * w.ConvGroups || src.C is not (32 or 64))
            throw new ArgumentException($"PackedConv: a grouped conv of {w.ConvGroups} groups of {w.Cin} reads 32 or 64 channels in groups of 16; the input has {src.C}.");
    }

    private static void CheckInput(PackedMap src, int cin)
    {
        if (!IsSupported) throw new PlatformNotSupportedException("PackedConv needs AVX-512.");
        if (src.C != cin) throw new ArgumentException($"PackedConv: input has {src.C} channels, the weights expect {cin}.");
        if (!SupportsInputChannels(cin)) throw new ArgumentException($"PackedConv: {cin} input channels is not supported (3, 16, 32, 48 or 64).");
    }

    private static float* Ptr(PackedMap? m) => m is null ? null : m.At(-1, -1);

    private static float* Pin(float[] pinned) => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));

    /// <summary>One layer's arguments, shared by the rows.</summary>
    private sealed partial class Job
    {
        public Job(PackedMap src, BlockGroup[] groups, float[] weights, float[] bias, PackedMap dst, int cout, bool relu)
        {
            Src = src; Groups = groups; Weights = Pin(weights); Bias = Pin(bias); DstMap = dst; Dst = dst.At(-1, -1);
            Cout = cout; Relu = relu; Height = src.H; Width = src.W; ZeroFrom = cout;
            int convGroups = groups.Any(g => g.SrcOffset > 0 && g.SrcCount == 0) ? src.C / 16 : 1;
            GroupChannels = src.C / convGroups;
        }

        /// <summary>Input channels a block group reads when it names no range: all, or a grouped conv's 16 per group.</summary>
        public readonly int GroupChannels;

        public readonly PackedMap Src, DstMap;
        public readonly BlockGroup[] Groups;
        public readonly float* Weights, Bias, Dst;
        public float* Residual, Residual2, SumWith, SumInto, Gate, Mask;
        public Vector512<float> MaskOffset, ResidualScale = Vector512<float>.One, Residual2Scale = Vector512<float>.One;
        public bool MaskSelf;

        /// <summary>Subtracted from a pixel-shuffled output row: lets one thread's job write rows into a ring buffer.</summary>
        public int DstRowOffset;

        /// <summary>Floats added to the source window and to the (non-shuffle) destination of a row: lets one
        /// thread's job read rows from, or write them into, a ring buffer.</summary>
        public nint SrcShift, DstShift;
        public nint[] Sources = [];

        /// <summary>Output channel of each block's first lane (null: 16·b), and from where the output is written zero.</summary>
        public int[]? BlockChannels;
        public int ZeroFrom;

        public void Place(PackedWeights3x3 w)
        {
            BlockChannels = w.BlockChannels;
            ZeroFrom = w.BlockChannels is null ? Cout : w.ZeroFrom;
        }

        /// <summary>Channels read of each 1x1 source (those holding data of a padded map).</summary>
        public int[] SourceCounts = [];
        public readonly int Cout, Height, Width;
        public bool Relu;
        public int Shuffle;

        /// <summary>Leaky ReLU before the residuals (slope in [0, 1)), and an activation after them (0: ReLU).</summary>
        public bool Leaky, ActAfter;
        public Vector512<float> Slope, SlopeAfter;

        public void Apply(in PackedEpilogue e, PackedMap dst)
        {
            RequireSameLayout(dst, e.Residual, e.Residual2, e.SumWith, e.SumInto, e.Mask);
            if ((e.SumWith is null) != (e.SumInto is null)) throw new ArgumentException("PackedConv: sumWith and sumInto come together.");
            Residual = Ptr(e.Residual); Residual2 = Ptr(e.Residual2); SumWith = Ptr(e.SumWith); SumInto = Ptr(e.SumInto); Mask = Ptr(e.Mask);
            MaskOffset = Vector512.Create(e.MaskOffset);
            MaskSelf = e.MaskSelf;
            ResidualScale = Vector512.Create(e.ResidualScale); Residual2Scale = Vector512.Create(e.Residual2Scale);
            if (e.Before is { } before)
            {
                if (before == 0) Relu = true;
                else { Leaky = true; Slope = Vector512.Create(PackedEpilogue.CheckSlope(before)); }
            }
            if (e.After is { } after) { ActAfter = true; SlopeAfter = Vector512.Create(PackedEpilogue.CheckSlope(after)); }
        }

        public void RequireSameLayout(params PackedMap?[] maps)
        {
            foreach (var m in maps)
                if (m is not null && (m.H != Height || m.W != Width || m.C != Cout))
                    throw new ArgumentException($"PackedConv: map {m.H}x{m.W}x{m.C} does not match the output {Height}x{Width}x{Cout}.");
        }

        private delegate*<Job, int, void> _row;

        /// <summary>Runs row(this, y) for every output row: over the workers, or in order inside a parallel item.</summary>
        public void RunRows(delegate*<Job, int, void> row)
        {
            _row = row;
            if (Parallelism.EffectiveThreads == 1) { for (int y = 0; y < Height; y++) row(this, y); }
            else Parallelism.For(Height, RunRow);
        }

        private void RunRow(int y) => _row(this, y);

        /// <summary>Offset of pixel (y, x) in any map of the output's size and channel count.</summary>
        public nint Offset(int y, int x) => ((nint)(y + 1) * (Width + 2) + x + 1) * Cout;
    }

    private static void Run3x3(Job job) => job.RunRows(Conv3x3RowKernel(job.Src.C));

    /// <summary>The 3x3 row kernel for a map of <paramref name="cin"/> channels (one of <see cref="SupportsInputChannels"/>).</summary>
    private static delegate*<Job, int, void> Conv3x3RowKernel(int cin) => cin switch
    {
        3 => &Conv3x3Row<Ch3>,
        16 => &Conv3x3Row<Ch16>,
        32 => &Conv3x3Row<Ch32>,
        48 => &Conv3x3Row<Ch48>,
        _ => &Conv3x3Row<Ch64>,
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // row kernels: optimised from the first call, not tiered up
    private static void Conv3x3Row<TC>(Job j, int y) where TC : struct, IChannels
    {
        Vector512<float>* acc = stackalloc Vector512<float>[20];
        float* top = j.Src.At(y - 1, -1) + j.SrcShift;   // top-left of the first tile's 3x3 window
        foreach (var g in j.Groups) Conv3x3Tiles<TC>(j, y, g, top + g.SrcOffset, g.SrcCount > 0 ? g.SrcCount : j.GroupChannels, acc);
        if (j.ZeroFrom < j.Cout) ZeroTail(j, y);
    }

    /// <summary>Output channels no placed block computes (the padding after the real ones) written zero along row y.</summary>
    private static void ZeroTail(Job j, int y)
    {
        int n = j.Cout - j.ZeroFrom;
        for (int x = 0; x < j.Width; x++)
        {
            nint off = j.Offset(y, x) + j.ZeroFrom;
            new Span<float>(j.Dst + off + j.DstShift, n).Clear();
            if (j.SumInto != null) new Span<float>(j.SumInto + off, n).Clear();
        }
    }

    /// <summary>
    /// One block group's tiles along output row y over <paramref name="count"/> input channels; s = the top-left of the
    /// row's first 3x3 window (at the group's first input channel).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Conv3x3Tiles<TC>(Job j, int y, BlockGroup g, float* s, int count, Vector512<float>* acc) where TC : struct, IChannels
    {
        nint row = j.Src.RowStride;
        int width = j.Width;
        {
            float* w = j.Weights + g.Offset;
            int x = 0;
            if (g.Blocks == 1)
            {
                for (; x + 16 <= width; x += 16)
                {
                    // The row below this window is the next output row's new input row: fetch it now, a tile
                    // ahead (on a map larger than the caches it comes from memory).
                    float* next = s + 3 * row + (x + 16) * TC.Stride;
                    for (int line = 0; line < TC.Stride; line++) Sse.Prefetch0(next + line * 16);
                    PackedTiles.Conv3x3_B1_P16<TC>(s + x * TC.Stride, row, w, count, acc);
                    Store(j, acc, g, 16, y, x);
                }
                if (x + 8 <= width) { PackedTiles.Conv3x3_B1_P8<TC>(s + x * TC.Stride, row, w, count, acc); Store(j, acc, g, 8, y, x); x += 8; }
                if (x + 4 <= width) { PackedTiles.Conv3x3_B1_P4<TC>(s + x * TC.Stride, row, w, count, acc); Store(j, acc, g, 4, y, x); x += 4; }
                if (x + 2 <= width) { PackedTiles.Conv3x3_B1_P2<TC>(s + x * TC.Stride, row, w, count, acc); Store(j, acc, g, 2, y, x); x += 2; }
                if (x < width) { PackedTiles.Conv3x3_B1_P1<TC>(s + x * TC.Stride, row, w, count, acc); Store(j, acc, g, 1, y, x); }
            }
            else
            {
                for (; x + 10 <= width; x += 10)
                {
                    float* next = s + 3 * row + (x + 10) * TC.Stride;   // as above
                    for (int line = 0; line < 10 * TC.Stride / 16; line++) Sse.Prefetch0(next + line * 16);
                    PackedTiles.Conv3x3_B2_P10<TC>(s + x * TC.Stride, row, w, count, acc);
                    Store(j, acc, g, 10, y, x);
                }
                if (x + 8 <= width) { PackedTiles.Conv3x3_B2_P8<TC>(s + x * TC.Stride, row, w, count, acc); Store(j, acc, g, 8, y, x); x += 8; }
                if (x + 4 <= width) { PackedTiles.Conv3x3_B2_P4<TC>(s + x * TC.Stride, row, w, count, acc); Store(j, acc, g, 4, y, x); x += 4; }
                if (x + 2 <= width) { PackedTiles.Conv3x3_B2_P2<TC>(s + x * TC.Stride, row, w, count, acc); Store(j, acc, g, 2, y, x); x += 2; }
                if (x < width) { PackedTiles.Conv3x3_B2_P1<TC>(s + x * TC.Stride, row, w, count, acc); Store(j, acc, g, 1, y, x); }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // row kernels: optimised from the first call, not tiered up
    private static void Conv1x1Row<TC>(Job j, int y) where TC : struct, IChannels
    {
        Vector512<float>* acc = stackalloc Vector512<float>[20];
        int width = j.Width;
        nint rowStart = ((nint)(y + 1) * (width + 2) + 1) * TC.Stride;   // pixel (y, 0) in every source
        foreach (var g in j.Groups)
        {
            int x = 0;
            while (x < width)
            {
                int p = Tile1x1Pixels(g.Blocks, width - x);
                for (int i = 0; i < g.Blocks * p; i++) acc[i] = Vector512<float>.Zero;
                float* w = j.Weights + g.Offset;
                for (int k = 0; k < j.Sources.Length; k++)
                {
                    float* s = (float*)j.Sources[k] + rowStart + x * TC.Stride;
                    int count = j.SourceCounts[k];
                    Tile1x1<TC>(g.Blocks, p, s, w, count, acc);
                    w += count * g.Blocks * 16;
                }
                Store(j, acc, g, p, y, x);
                x += p;
            }
        }
    }

    /// <summary>Pixels of the 1x1 register tile for a group of 1 or 2 blocks with <paramref name="left"/> pixels to go.</summary>
    private static int Tile1x1Pixels(int blocks, int left) => blocks == 1
        ? (left >= 16 ? 16 : left >= 8 ? 8 : left >= 4 ? 4 : left >= 2 ? 2 : 1)
        : (left >= 10 ? 10 : left >= 8 ? 8 : left >= 4 ? 4 : left >= 2 ? 2 : 1);

    /// <summary>Adds a 1x1 register tile (p pixels of count channels at s, pixel stride TC) × weights w to acc.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile1x1<TC>(int blocks, int p, float* s, float* w, int count, Vector512<float>* acc) where TC : struct, IChannels
    {
        switch (blocks * 100 + p)
        {
            case 116: PackedTiles.Conv1x1_B1_P16<TC>(s, w, count, acc); break;
            case 108: PackedTiles.Conv1x1_B1_P8<TC>(s, w, count, acc); break;
            case 104: PackedTiles.Conv1x1_B1_P4<TC>(s, w, count, acc); break;
            case 102: PackedTiles.Conv1x1_B1_P2<TC>(s, w, count, acc); break;
            case 101: PackedTiles.Conv1x1_B1_P1<TC>(s, w, count, acc); break;
            case 210: PackedTiles.Conv1x1_B2_P10<TC>(s, w, count, acc); break;
            case 208: PackedTiles.Conv1x1_B2_P8<TC>(s, w, count, acc); break;
            case 204: PackedTiles.Conv1x1_B2_P4<TC>(s, w, count, acc); break;
            case 202: PackedTiles.Conv1x1_B2_P2<TC>(s, w, count, acc); break;
            default: PackedTiles.Conv1x1_B2_P1<TC>(s, w, count, acc); break;
        }
    }

    /// <summary>The epilogue of one tile: bias, ReLU, residuals, the extra sum, or the pixel-shuffled scatter.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Job j, Vector512<float>* acc, BlockGroup g, int p, int y, int x)
    {
        var ep = new Epilogue(j);
        for (int o = 0; o < g.Blocks; o++)
        {
            int b = g.FirstBlock + o;
            var bias = Vector512.Load(j.Bias + b * 16);
            if (j.Shuffle != 0)
            {
                // Block b holds channels [c0, c0+16) of sub-pixel (i, k): output pixel (r·y + i, r·x + k).
                int r = j.Shuffle, perPixel = j.DstMap.C / 16, sub = b / perPixel, c0 = b % perPixel * 16;
                float* d = j.DstMap.At(r * y + sub / r - j.DstRowOffset, r * x + sub % r) + c0;
                nint step = (nint)r * j.DstMap.C;
                if (j.Relu) for (int q = 0; q < p; q++) Avx512F.Max(acc[o * p + q] + bias, Vector512<float>.Zero).Store(d + q * step);
                else for (int q = 0; q < p; q++) (acc[o * p + q] + bias).Store(d + q * step);
                continue;
            }
            int channel = j.BlockChannels is null ? b * 16 : j.BlockChannels[b];
            for (int q = 0; q < p; q++) ep.Store(acc[o * p + q] + bias, j.Offset(y, x + q) + channel);
        }
    }

    /// <summary>
    /// The job's epilogue copied into a local, the store of every non-shuffled output vector (direct tiles and Winograd's
    /// output transform): the job's fields are not re-read for every vector (stores through the output pointers could
    /// alias them, so the JIT cannot keep them in registers).
    /// </summary>
    private readonly struct Epilogue(Job j)
    {
        private readonly float* _dst = j.Dst + j.DstShift, _residual = j.Residual, _residual2 = j.Residual2, _gate = j.Gate, _sumWith = j.SumWith, _sumInto = j.SumInto,
            _mask = j.Mask;
        private readonly bool _relu = j.Relu, _leaky = j.Leaky, _actAfter = j.ActAfter, _maskSelf = j.MaskSelf;
        private readonly Vector512<float> _slope = j.Slope, _slopeAfter = j.SlopeAfter, _maskOffset = j.MaskOffset, _scale = j.ResidualScale, _scale2 = j.Residual2Scale;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(Vector512<float> v, nint off)
        {
            if (_relu) v = Avx512F.Max(v, Vector512<float>.Zero);
            else if (_leaky) v = Avx512F.Max(v, v * _slope);
            if (_maskSelf) v = (_mask != null ? v + Vector512.Load(_mask + off) : v) * (PackedEpilogue.Sigmoid(v) + _maskOffset);
            else if (_mask != null) v = Vector512.Load(_mask + off) * (PackedEpilogue.Sigmoid(v) + _maskOffset);
            if (_gate != null) v = Vector512.ConditionalSelect(Vector512.GreaterThan(Vector512.Load(_gate + off), Vector512<float>.Zero), v, Vector512<float>.Zero);
            // x·1 + v is exact, so an unscaled residual adds as a plain sum would.
            if (_residual != null) v = Avx512F.FusedMultiplyAdd(Vector512.Load(_residual + off), _scale, v);
            if (_residual2 != null) v = Avx512F.FusedMultiplyAdd(Vector512.Load(_residual2 + off), _scale2, v);
            if (_actAfter) v = Avx512F.Max(v, v * _slopeAfter);
            v.Store(_dst + off);
            if (_sumInto != null) (v + Vector512.Load(_sumWith + off)).Store(_sumInto + off);
        }
    }

    // Each output value is a dot product over 9 taps x Cin channels; vectors run over the input channels
    // and four neighbouring pixels share each weight load. The 12 accumulators (4 pixels x 3 outputs) are
    // reduced four at a time into one Vector128 (the 4 pixels' sums), stored straight into the plane.
    // top = the window's top-left pixel (row above, column -1); o = this output row in plane 0.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // row kernels: optimised from the first call, not tiered up
    private static void ToPlanarRow<TC>(float* top, nint row, int width, PackedWeightsToPlanar w, float* o, nint plane) where TC : struct, IChannels
    {
        int cin = TC.Count;
        float* wp = Pin(w.Data);
        var bias0 = Vector128.Create(w.Bias[0]);
        var bias1 = Vector128.Create(w.Bias[1]);
        var bias2 = Vector128.Create(w.Bias[2]);
        int x = 0;
        for (; x + 4 <= width; x += 4)
        {
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;   // output 0, pixels x..x+3
            Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default;   // output 1
            Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;   // output 2
            for (int tap = 0; tap < 9; tap++)
            {
                float* p = top + (nint)x * cin + tap / 3 * row + tap % 3 * cin;
                float* wt = wp + tap * cin;
                for (int c = 0; c < cin; c += 16)
                {
                    var v0 = Vector512.Load(p + c);
                    var v1 = Vector512.Load(p + cin + c);
                    var v2 = Vector512.Load(p + 2 * cin + c);
                    var v3 = Vector512.Load(p + 3 * cin + c);
                    var w0 = Vector512.Load(wt + c);
                    a0 = Avx512F.FusedMultiplyAdd(w0, v0, a0); a1 = Avx512F.FusedMultiplyAdd(w0, v1, a1);
                    a2 = Avx512F.FusedMultiplyAdd(w0, v2, a2); a3 = Avx512F.FusedMultiplyAdd(w0, v3, a3);
                    var w1 = Vector512.Load(wt + 9 * cin + c);
                    b0 = Avx512F.FusedMultiplyAdd(w1, v0, b0); b1 = Avx512F.FusedMultiplyAdd(w1, v1, b1);
                    b2 = Avx512F.FusedMultiplyAdd(w1, v2, b2); b3 = Avx512F.FusedMultiplyAdd(w1, v3, b3);
                    var w2 = Vector512.Load(wt + 18 * cin + c);
                    c0 = Avx512F.FusedMultiplyAdd(w2, v0, c0); c1 = Avx512F.FusedMultiplyAdd(w2, v1, c1);
                    c2 = Avx512F.FusedMultiplyAdd(w2, v2, c2); c3 = Avx512F.FusedMultiplyAdd(w2, v3, c3);
                }
            }
            (Sum4(a0, a1, a2, a3) + bias0).Store(o + x);
            if (w.Cout > 1) (Sum4(b0, b1, b2, b3) + bias1).Store(o + plane + x);
            if (w.Cout > 2) (Sum4(c0, c1, c2, c3) + bias2).Store(o + 2 * plane + x);
        }
        for (; x < width; x++)
        {
            Vector512<float> a0 = default, b0 = default, c0 = default;
            for (int tap = 0; tap < 9; tap++)
            {
                float* p = top + (nint)x * cin + tap / 3 * row + tap % 3 * cin;
                float* wt = wp + tap * cin;
                for (int c = 0; c < cin; c += 16)
                {
                    var v = Vector512.Load(p + c);
                    a0 = Avx512F.FusedMultiplyAdd(Vector512.Load(wt + c), v, a0);
                    b0 = Avx512F.FusedMultiplyAdd(Vector512.Load(wt + 9 * cin + c), v, b0);
                    c0 = Avx512F.FusedMultiplyAdd(Vector512.Load(wt + 18 * cin + c), v, c0);
                }
            }
            o[x] = Vector512.Sum(a0) + w.Bias[0];
            if (w.Cout > 1) o[plane + x] = Vector512.Sum(b0) + w.Bias[1];
            if (w.Cout > 2) o[2 * plane + x] = Vector512.Sum(c0) + w.Bias[2];
        }
    }

    /// <summary>The horizontal sums of four vectors, in order: halves added, then two rounds of pairwise adds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Sum4(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d)
    {
        Vector256<float> a8 = a.GetLower() + a.GetUpper(), b8 = b.GetLower() + b.GetUpper();
        Vector256<float> c8 = c.GetLower() + c.GetUpper(), d8 = d.GetLower() + d.GetUpper();
        // [a0+a1, a2+a3, b0+b1, b2+b3 | a4+a5, ...], then [a0..3, b0..3, c0..3, d0..3 | a4..7, b4..7, c4..7, d4..7]
        Vector256<float> ab = Avx.HorizontalAdd(a8, b8), cd = Avx.HorizontalAdd(c8, d8);
        Vector256<float> abcd = Avx.HorizontalAdd(ab, cd);
        return abcd.GetLower() + abcd.GetUpper();
    }
}
