using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SharpSR.Core.Kernels;

// N = batch, C = in channels, K = out channels, H×W = input, P×Q = output, R×S = kernel
//
// Forward: each work item (image, group, block of output rows) copies the input rows it reads into a
// zero-padded scratch block (SourceLayout; it stays in L2), then computes the implicit GEMM
// y[Kg, P·Q] = W[Kg, Cg·R·S] · col[Cg·R·S, P·Q]  where "col" is never built: the 8×48 micro-kernel reads
// tap (c, r, s) of an output row straight from the padded rows through an offset table, the reduction
// split into chunks whose rows fit L1. Each item writes its own part of y, so results do not depend on
// thread timing. 1×1 stride-1 convolutions are one long row read in place (no copy), split into column
// blocks; depthwise convolutions (one input and one output channel per group) take a direct vector path.
// BackwardData is the stride-1 convolution of dy (zeros inserted for strides) with the flipped,
// transposed weights, so it reuses the forward code. BackwardFilter multiplies rows of dy with rows
// of the padded input (Dot4x6), each work item summing into its own partial, added in a fixed order.

/// <summary>Convolution kernels on flat NCHW spans (cuDNN naming: Forward, BackwardData, BackwardFilter, BackwardBias).</summary>
internal static unsafe class Conv2dKernels
{
    /// <summary>Bytes of B rows one reduction chunk may span (L1 is 48 KB on Zen 5, 32 KB on older cores).</summary>
    private const int L1Budget = 32 * 1024;

    /// <summary>y = conv(x, w) + bias; <paramref name="bias"/> empty for none.</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, in Conv2dShape shape, Span<float> y) =>
        Forward(x, w, bias, shape, y, relu: false, residual: default);

    /// <summary>
    /// y = act(conv(x, w) + bias) + residual, the activation (ReLU or none) and the residual (same shape
    /// as y, or empty) applied to each output tile while it is still in L1.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, in Conv2dShape shape, Span<float> y,
                               bool relu, ReadOnlySpan<float> residual)
    {
        Conv2dShape s = shape.Flattened();
        if (y.Length == 0) return;
        if (!residual.IsEmpty && residual.Length != y.Length)
            throw new ArgumentException($"Conv2d: residual has {residual.Length} elements, the output {y.Length}.");
        if (s.CgRS == 0)
        {
            for (int n = 0; n < s.N; n++)
                for (int k = 0; k < s.K; k++)
                    y.Slice((n * s.K + k) * s.P * s.Q, s.P * s.Q).Fill(bias.IsEmpty ? 0f : bias[k]);
            if (relu) TensorPrimitives.Max(y, 0f, y);
            if (!residual.IsEmpty) TensorPrimitives.Add(y, residual, y);
            return;
        }
        fixed (float* px = x, pw = w, pb = bias, py = y, pr = residual)
            RunConv(px, 1, 1, s, pw, bias.IsEmpty ? null : pb, py, new Epilogue(relu, residual.IsEmpty ? null : pr));
    }

    /// <summary>
    /// What a pass does to each finished output tile: ReLU, then zeroing where a gate tensor is ≤ 0 (a
    /// ReLU's mask in backward), then adding a residual.
    /// </summary>
    private readonly struct Epilogue(bool relu, float* residual, float* gate = null)
    {
        public readonly bool Relu = relu;
        public readonly float* Residual = residual;
        public readonly float* Gate = gate;
        public bool IsNone => !Relu && Residual == null && Gate == null;

        /// <summary>Applies to rows × cols outputs at <paramref name="y"/> (row stride ld), element <paramref name="offset"/> of the output.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply<TS, TV>(float* y, long offset, int ld, int rows, int cols)
            where TS : struct, ISimd<TV> where TV : struct
        {
            if (IsNone) return;
            int v = TS.Count;
            TV zero = TS.Zero;
            for (int r = 0; r < rows; r++)
            {
                float* row = y + (long)r * ld;
                float* res = Residual == null ? null : Residual + offset + (long)r * ld;
                float* gate = Gate == null ? null : Gate + offset + (long)r * ld;
                int j = 0;
                for (; j + v <= cols; j += v)
                {
                    TV a = TS.Load(row + j);
                    if (Relu) a = TS.Max(a, zero);
                    if (gate != null) a = TS.Select(TS.GreaterThan(TS.Load(gate + j), zero), a, zero);
                    if (res != null) a = TS.Add(a, TS.Load(res + j));
                    TS.Store(a, row + j);
                }
                for (; j < cols; j++)
                {
                    float a = row[j];
                    if (Relu) a = MathF.Max(a, 0f);
                    if (gate != null && !(gate[j] > 0f)) a = 0f;
                    if (res != null) a += res[j];
                    row[j] = a;
                }
            }
        }
    }

    /// <summary>dx = gradient of the input from dy (overwrites dx).</summary>
    public static void BackwardData(ReadOnlySpan<float> dy, ReadOnlySpan<float> w, in Conv2dShape shape, Span<float> dx) =>
        BackwardData(dy, w, shape, dx, gate: default, residual: default);

    /// <summary>
    /// dx = gradient of the input from dy, then zeroed where <paramref name="gate"/> ≤ 0 (a ReLU's mask,
    /// from its output) and plus <paramref name="residual"/>, each tile while in cache; either may be empty.
    /// </summary>
    public static void BackwardData(ReadOnlySpan<float> dy, ReadOnlySpan<float> w, in Conv2dShape shape, Span<float> dx,
                                    ReadOnlySpan<float> gate, ReadOnlySpan<float> residual)
    {
        if ((!gate.IsEmpty && gate.Length != dx.Length) || (!residual.IsEmpty && residual.Length != dx.Length))
            throw new ArgumentException($"Conv2d backward: gate ({gate.Length}) and residual ({residual.Length}) must match dx ({dx.Length}).");
        Conv2dShape s = shape.Flattened();
        if (dx.Length == 0) return;
        if (dy.Length == 0 || s.CgRS == 0)
        {
            dx.Clear();
            if (!residual.IsEmpty) residual.CopyTo(dx);
            return;
        }
        Conv2dShape t = s.Transposed();
        using var wt = BufferPool.Rent(w.Length);
        fixed (float* pdy = dy, pw = w, pdx = dx, pwt = wt.Array, pg = gate, pr = residual)
        {
            // wt[g·Cg + c][kl][r][s] = w[g·Kg + kl][c][R-1-r][S-1-s]
            int rs = s.R * s.S;
            for (int g = 0; g < s.Groups; g++)
                for (int kl = 0; kl < s.Kg; kl++)
                    for (int c = 0; c < s.Cg; c++)
                    {
                        float* from = pw + ((long)(g * s.Kg + kl) * s.Cg + c) * rs;
                        float* to = pwt + ((long)(g * s.Cg + c) * s.Kg + kl) * rs;
                        for (int i = 0; i < rs; i++) to[i] = from[rs - 1 - i];
                    }
            RunConv(pdy, s.StrideH, s.StrideW, t, pwt, null, pdx,
                    new Epilogue(false, residual.IsEmpty ? null : pr, gate.IsEmpty ? null : pg));
        }
    }

    /// <summary>
    /// dw = gradient of the weights from x and dy (overwrites dw). When <paramref name="db"/> is not empty
    /// it also receives the bias gradient, summed from the dy rows the pass reads anyway.
    /// </summary>
    public static void BackwardFilter(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, in Conv2dShape shape, Span<float> dw, Span<float> db = default)
    {
        Conv2dShape s = shape.Flattened();
        if (dw.Length == 0) { if (!db.IsEmpty) BackwardBias(dy, s, db); return; }
        if (dy.Length == 0) { dw.Clear(); db.Clear(); return; }
        // Unpadded rows of whole vectors can be read in place: the kernel never reads past a row.
        bool direct = IsPointwise(s) && s.Q % GemmSimd.Lanes == 0;
        fixed (float* px = x, pdy = dy, pdw = dw, pdb = db)
        {
            float* bias = db.IsEmpty ? null : pdb;
            switch (GemmSimd.Width)
            {
                case 512: Filter<Simd512, Vector512<float>>(px, direct, s, pdy, pdw, bias); break;
                case 256: Filter<Simd256, Vector256<float>>(px, direct, s, pdy, pdw, bias); break;
                default: Filter<Simd128, Vector128<float>>(px, direct, s, pdy, pdw, bias); break;
            }
        }
    }

    /// <summary>db[k] = Σ over batch and pixels of dy[n, k] (overwrites db).</summary>
    public static void BackwardBias(ReadOnlySpan<float> dy, in Conv2dShape s, Span<float> db)
    {
        int plane = s.P * s.Q;
        for (int k = 0; k < s.K; k++)
        {
            double sum = 0;
            for (int n = 0; n < s.N; n++) sum += TensorPrimitives.Sum(dy.Slice((n * s.K + k) * plane, plane));
            db[k] = (float)sum;
        }
    }

    /// <summary>A flattened 1×1 convolution: its input already is the source layout (no padding, one row per channel).</summary>
    private static bool IsPointwise(in Conv2dShape s) =>
        s.R == 1 && s.S == 1 && s.H == 1 && s.P == 1 && s.Q == s.W && s.PadT == 0 && s.PadL == 0 && s.StrideH == 1 && s.StrideW == 1;

    // ---- source preparation -------------------------------------------------------------------

    /// <summary>
    /// Writes the padded source of convolution <paramref name="s"/> whose input (N·C planes of H×W) is
    /// at <paramref name="x"/>; sample (u, v) of the input lands at row PadT + u·insH, column PadL + v·insW
    /// (insH, insW > 1 insert zeros: the strided transposed convolution). Negative pads crop.
    /// </summary>
    internal static void BuildSource(float* x, Conv2dShape s, SourceLayout l, int insH, int insW, float* dst)
    {
        int planes = s.N * s.C;
        long total = (long)planes * l.ChannelStride;
        new Span<float>(dst + total, GemmSimd.Slack).Clear();
        nint ax = (nint)x, ad = (nint)dst;
        int perItem = Math.Max(1, (int)Math.Min(planes, 65536 / Math.Max(1, l.ChannelStride)));
        int items = (planes + perItem - 1) / perItem;
        Action<int> body = [MethodImpl(MethodImplOptions.AggressiveOptimization)] (item) =>
        {
            for (int p = item * perItem, end = Math.Min(planes, p + perItem); p < end; p++)
                BuildPlane((float*)ax + (long)p * s.H * s.W, s, l, insH, insW, 0, l.Hp, (float*)ad + (long)p * l.ChannelStride);
        };
        if (total < 1 << 16) for (int i = 0; i < items; i++) body(i);
        else Parallelism.For(items, body);
    }

    /// <summary>Rows [rowBegin, rowBegin + rows) of one channel's padded source, written as rows 0.. of layout l.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BuildPlane(float* src, in Conv2dShape s, SourceLayout l, int insH, int insW, int rowBegin, int rows, float* dst)
    {
        for (int sp = 0; sp < l.Sp; sp++)
        {
            for (int i = 0; i < rows; i++)
            {
                var row = new Span<float>(dst + (long)sp * l.PlaneStride + (long)i * l.Ws, l.Ws);
                int u = rowBegin + i - s.PadT;
                if (u < 0 || u % insH != 0 || u / insH >= s.H) { row.Clear(); continue; }
                float* srow = src + (long)(u / insH) * s.W;
                if (l.Sp == 1 && insW == 1)
                {
                    int j0 = Math.Clamp(s.PadL, 0, l.Ws), j1 = Math.Clamp(s.PadL + s.W, j0, l.Ws);
                    row[..j0].Clear();
                    new ReadOnlySpan<float>(srow + (j0 - s.PadL), j1 - j0).CopyTo(row[j0..j1]);
                    row[j1..].Clear();
                }
                else if (l.Sp == 1)
                {
                    for (int j = 0; j < l.Ws; j++)
                    {
                        int v = j - s.PadL;
                        row[j] = v >= 0 && v % insW == 0 && v / insW < s.W ? srow[v / insW] : 0f;
                    }
                }
                else
                {
                    for (int q = 0; q < l.Ws; q++)
                    {
                        int v = q * s.StrideW + sp * s.DilW - s.PadL;
                        row[q] = (uint)v < (uint)s.W ? srow[v] : 0f;
                    }
                }
            }
        }
    }

    /// <summary>Rows of output per work item: about 4K pixels, but at least 4 items per thread overall.</summary>
    private static int RowsPerItem(int p, int q, long images)
    {
        int rpi = Math.Clamp((4096 + q - 1) / Math.Max(1, q), 1, Math.Max(1, p));
        int threads = Parallelism.EffectiveThreads, wanted = threads == 1 ? 1 : 4 * threads;   // serially, split for cache only
        while (rpi > 1 && images * ((p + rpi - 1) / rpi) < wanted) rpi = (rpi + 1) / 2;
        return rpi;
    }

    private static void Run(int items, long macs, Action<int> body)
    {
        if (macs < 1 << 16) for (int i = 0; i < items; i++) body(i);
        else Parallelism.For(items, body);
    }

    // ---- forward (also backward data) -----------------------------------------------------------

    /// <summary>
    /// Runs convolution <paramref name="s"/> on its raw input <paramref name="x"/> (insH, insW > 1: zeros
    /// inserted between input samples). Pointwise convolutions read x in place; depthwise ones pad it
    /// all at once; the rest pad, per work item, just the rows that item reads, so they stay in cache.
    /// </summary>
    private static void RunConv(float* x, int insH, int insW, in Conv2dShape s, float* w, float* bias, float* y, Epilogue epilogue)
    {
        var l = SourceLayout.For(s);
        if (s.Cg == 1 && s.Kg == 1 && l.Sp == 1)
        {
            using var src = BufferPool.Rent(checked((int)l.Length(s)));
            fixed (float* ps = src.Array)
            {
                BuildSource(x, s, l, insH, insW, ps);
                switch (GemmSimd.Width)
                {
                    case 512: Depthwise<Simd512, Vector512<float>>(ps, l, s, w, bias, y); break;
                    case 256: Depthwise<Simd256, Vector256<float>>(ps, l, s, w, bias, y); break;
                    default: Depthwise<Simd128, Vector128<float>>(ps, l, s, w, bias, y); break;
                }
            }
            if (!epilogue.IsNone)   // depthwise outputs are few: one pass over the whole output
            {
                long total = (long)s.N * s.K * s.P * s.Q;
                epilogue.Apply<Simd128, Vector128<float>>(y, 0, checked((int)total), 1, checked((int)total));
            }
            return;
        }
        bool direct = IsPointwise(s) && insH == 1 && insW == 1;
        switch (GemmSimd.Width)
        {
            case 512: Tiles<Simd512, Vector512<float>>(x, direct, insH, insW, l, s, w, bias, y, epilogue); break;
            case 256: Tiles<Simd256, Vector256<float>>(x, direct, insH, insW, l, s, w, bias, y, epilogue); break;
            default: Tiles<Simd128, Vector128<float>>(x, direct, insH, insW, l, s, w, bias, y, epilogue); break;
        }
    }

    /// <param name="direct">Read <paramref name="x"/> in place (pointwise); otherwise each item pads its own rows of x.</param>
    private static void Tiles<TS, TV>(float* x, bool direct, int insH, int insW, SourceLayout l, Conv2dShape s, float* w, float* bias, float* y,
                                      Epilogue epilogue)
        where TS : struct, ISimd<TV> where TV : struct
    {
        const int MR = GemmSimd.TileRows;
        int nr = GemmSimd.TileVectors * TS.Count;
        int crs = s.CgRS, kt = (s.Kg + MR - 1) / MR;
        using var packW = BufferPool.Rent(s.Groups * kt * crs * MR);
        using var packB = BufferPool.Rent(s.Groups * kt * MR, clear: true);
        using var offs = new IntBuffer(2 * crs);
        fixed (float* pw = packW.Array, pb = packB.Array)
        fixed (int* po = offs.Array)
        {
            for (int g = 0; g < s.Groups; g++)
            {
                Gemm.PackRows(w + (long)g * s.Kg * crs, crs, s.Kg, crs, pw + (long)g * kt * crs * MR);
                if (bias != null)
                    for (int k = 0; k < s.Kg; k++) pb[g * kt * MR + k] = bias[g * s.Kg + k];
            }
            // Items: (image, group, block of rows, block of columns); long rows (1x1) split into column blocks.
            int rpi = RowsPerItem(s.P, s.Q, (long)s.N * s.Groups);
            int bpi = (s.P + rpi - 1) / rpi;
            // A padded item holds the source rows of rpi output rows for the Cg channels of its group.
            SourceLayout li = direct ? l : l with { Hp = (rpi - 1) * s.StrideH + (s.R - 1) * s.DilH + 1 };
            li.Offsets(s, new Span<int>(po, crs));
            for (int i = 0; i < crs; i++) po[crs + i] = i * nr;   // rows of a packed tail panel
            int cq = s.Q > 8192 ? (4096 + nr - 1) / nr * nr : s.Q;
            int cpi = (s.Q + cq - 1) / cq;
            int prefetch = s.R * s.S == 1 ? 2 * nr : 0;
            int chunks = (crs * nr * sizeof(float) + L1Budget - 1) / L1Budget;
            int kc = (crs + chunks - 1) / chunks;
            nint aSrc = (nint)x, aW = (nint)pw, aB = bias == null ? 0 : (nint)pb, aY = (nint)y, aO = (nint)po;
            int rowStep = li.RowStep(s), pq = s.P * s.Q;
            Run(s.N * s.Groups * bpi * cpi, s.Macs, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (item) =>
            {
                int cb = item % cpi, rest = item / cpi;
                int n = rest / (s.Groups * bpi), g = rest / bpi % s.Groups, blk = rest % bpi;
                int p0 = blk * rpi, p1 = Math.Min(s.P, p0 + rpi);
                int qBegin = cb * cq, qEnd = Math.Min(s.Q, qBegin + cq);
                using var tmpBuf = BufferPool.Rent(kt * MR * nr);
                using var local = BufferPool.Rent(direct ? 1 : checked(s.Cg * li.ChannelStride + GemmSimd.Slack));
                int* off = (int*)aO;
                fixed (float* tmp = tmpBuf.Array, pLocal = local.Array)
                {
                    float* img;
                    if (direct)
                    {
                        img = (float*)aSrc + (long)n * s.C * l.ChannelStride + (long)g * s.Cg * l.ChannelStride + (long)p0 * rowStep;
                    }
                    else
                    {
                        img = pLocal;
                        int rows = (p1 - 1 - p0) * s.StrideH + (s.R - 1) * s.DilH + 1;
                        for (int c = 0; c < s.Cg; c++)
                            BuildPlane((float*)aSrc + ((long)n * s.C + g * s.Cg + c) * s.H * s.W, s, li, insH, insW, p0 * s.StrideH, rows, pLocal + (long)c * li.ChannelStride);
                        new Span<float>(pLocal + (long)s.Cg * li.ChannelStride, GemmSimd.Slack).Clear();
                    }
                    for (int p = p0; p < p1; p++)
                    {
                        float* b = img + (long)(p - p0) * rowStep;
                        for (int q0 = qBegin; q0 < qEnd; q0 += nr)
                        {
                            int cols = Math.Min(nr, qEnd - q0);
                            float* bq = b + q0;
                            int* bOff = off;
                            BufferPool panel = default;
                            if (direct && cols < nr)
                            {
                                // The caller's tensor has no slack to over-read: copy the last columns into a padded panel.
                                panel = BufferPool.Rent(crs * nr + GemmSimd.Slack, clear: true);
                                fixed (float* pp = panel.Array)
                                    for (int i = 0; i < crs; i++)
                                        new ReadOnlySpan<float>(bq + off[i], cols).CopyTo(new Span<float>(pp + i * nr, cols));
                                bOff = off + crs;
                            }
                            fixed (float* pp = panel.Array)
                            {
                                if (panel.Array is not null) bq = pp;
                                // The reduction runs in chunks whose B rows stay in L1 across the k-tiles.
                                for (int c0 = 0; c0 < crs; c0 += kc)
                                {
                                    int len = Math.Min(kc, crs - c0);
                                    bool first = c0 == 0, last = c0 + len == crs;
                                    for (int t = 0; t < kt; t++)
                                    {
                                        int rows = Math.Min(MR, s.Kg - t * MR);
                                        float* a = (float*)aW + ((long)(g * kt + t) * crs + c0) * MR;
                                        float* bias8 = aB == 0 || !first ? null : (float*)aB + (g * kt + t) * MR;
                                        float* yp = (float*)aY + ((long)(n * s.K + g * s.Kg + t * MR) * s.P + p) * s.Q + q0;
                                        int pf = t == 0 && q0 + 3 * nr <= qEnd ? prefetch : 0;
                                        if ((rows == MR || rows == MR / 2) && cols == nr)
                                        {
                                            Gemm.Tile<TS, TV>(rows, a, bq, bOff + c0, len, bias8, yp, pq, !first, pf);
                                            if (last) epilogue.Apply<TS, TV>(yp, yp - (float*)aY, pq, rows, cols);
                                        }
                                        else
                                        {
                                            float* tt = tmp + t * MR * nr;
                                            Gemm.Tile<TS, TV>(rows, a, bq, bOff + c0, len, bias8, tt, nr, !first, pf);
                                            if (last)
                                            {
                                                Gemm.CopyTile(tt, nr, yp, pq, rows, cols, false);
                                                epilogue.Apply<TS, TV>(yp, yp - (float*)aY, pq, rows, cols);
                                            }
                                        }
                                    }
                                }
                            }
                            panel.Dispose();
                        }
                    }
                }
            });
        }
    }

    /// <summary>One input channel per output channel: 4 vectors of output pixels accumulate R·S broadcast taps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Depthwise<TS, TV>(float* src, SourceLayout l, Conv2dShape s, float* w, float* bias, float* y)
        where TS : struct, ISimd<TV> where TV : struct
    {
        int rpi = RowsPerItem(s.P, s.Q, (long)s.N * s.K);
        int bpi = (s.P + rpi - 1) / rpi;
        nint aSrc = (nint)src, aW = (nint)w, aB = (nint)bias, aY = (nint)y;
        int rowStep = l.RowStep(s);
        Run(s.N * s.K * bpi, s.Macs, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (item) =>
        {
            int nk = item / bpi, blk = item % bpi, k = nk % s.K;
            int p0 = blk * rpi, p1 = Math.Min(s.P, p0 + rpi);
            int v = TS.Count, block = 4 * v;
            float* tmp = stackalloc float[4 * 16];
            float* taps = (float*)aW + (long)k * s.R * s.S;
            float b0 = aB == 0 ? 0f : ((float*)aB)[k];
            float* plane = (float*)aSrc + (long)nk * l.ChannelStride;
            for (int p = p0; p < p1; p++)
            {
                float* row = plane + (long)p * rowStep;
                float* yrow = (float*)aY + ((long)nk * s.P + p) * s.Q;
                for (int q0 = 0; q0 < s.Q; q0 += block)
                {
                    TV acc0 = TS.Broadcast(b0), acc1 = acc0, acc2 = acc0, acc3 = acc0;
                    for (int r = 0; r < s.R; r++)
                    {
                        float* rr = row + (long)r * s.DilH * l.Ws + q0;
                        for (int t = 0; t < s.S; t++)
                        {
                            TV wv = TS.Broadcast(taps[r * s.S + t]);
                            float* pp = rr + t * s.DilW;
                            acc0 = TS.MulAdd(wv, TS.Load(pp), acc0);
                            acc1 = TS.MulAdd(wv, TS.Load(pp + v), acc1);
                            acc2 = TS.MulAdd(wv, TS.Load(pp + 2 * v), acc2);
                            acc3 = TS.MulAdd(wv, TS.Load(pp + 3 * v), acc3);
                        }
                    }
                    float* dst = q0 + block <= s.Q ? yrow + q0 : tmp;
                    TS.Store(acc0, dst); TS.Store(acc1, dst + v); TS.Store(acc2, dst + 2 * v); TS.Store(acc3, dst + 3 * v);
                    if (dst == tmp) new ReadOnlySpan<float>(tmp, s.Q - q0).CopyTo(new Span<float>(yrow + q0, s.Q - q0));
                }
            }
        });
    }

    // ---- backward filter ------------------------------------------------------------------------

    private static void Filter<TS, TV>(float* x, bool direct, Conv2dShape s, float* dy, float* dw, float* db)
        where TS : struct, ISimd<TV> where TV : struct
    {
        const int KT = 4, CT = 6;
        int v = TS.Count, crs = s.CgRS;
        int qp = (s.Q + v - 1) / v * v;
        int plane = s.P * qp;

        // dy with rows padded to whole vectors (zeros past Q), unless they already are.
        using var dyPad = BufferPool.Rent(qp == s.Q ? 1 : s.N * s.K * plane);
        using var zeros = BufferPool.Rent(plane + GemmSimd.Slack, clear: true);
        long images = (long)s.N * s.Groups;
        int threads = Parallelism.EffectiveThreads;
        long wanted = threads == 1 ? 1 : 4L * threads;
        int rpi = Math.Max(1, s.P / (int)Math.Min(s.P, (wanted + images - 1) / images));
        int bpi = (s.P + rpi - 1) / rpi;
        int items = s.N * s.Groups * bpi;
        int slice = s.Kg * crs;
        var l = SourceLayout.For(s);
        // A padded item holds the source rows of rpi output rows for the Cg channels of its group.
        SourceLayout li = direct ? l : l with { Hp = (rpi - 1) * s.StrideH + (s.R - 1) * s.DilH + 1 };
        using var partial = BufferPool.Rent(items * (slice + s.Kg));
        using var offs = new IntBuffer(crs);
        fixed (float* pPad = dyPad.Array, pz = zeros.Array, pPart = partial.Array)
        fixed (int* po = offs.Array)
        {
            float* d = dy;
            if (qp != s.Q)
            {
                d = pPad;
                for (long row = 0; row < (long)s.N * s.K * s.P; row++)
                {
                    new ReadOnlySpan<float>(dy + row * s.Q, s.Q).CopyTo(new Span<float>(pPad + row * qp, s.Q));
                    new Span<float>(pPad + row * qp + s.Q, qp - s.Q).Clear();
                }
            }
            li.Offsets(s, new Span<int>(po, crs));
            nint aX = (nint)x, aD = (nint)d, aZ = (nint)pz, aPart = (nint)pPart, aO = (nint)po;
            bool withBias = db != null;
            int rowStep = li.RowStep(s);
            Run(items, s.Macs, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (item) =>
            {
                int n = item / (s.Groups * bpi), g = item / bpi % s.Groups, blk = item % bpi;
                int p0 = blk * rpi, rows = Math.Min(s.P, p0 + rpi) - p0;
                float** ap = stackalloc float*[KT];
                float** bp = stackalloc float*[CT];
                float* res = stackalloc float[KT * CT];
                using var local = BufferPool.Rent(direct ? 1 : checked(s.Cg * li.ChannelStride + GemmSimd.Slack));
                fixed (float* pLocal = local.Array)
                {
                    float* img;
                    if (direct)
                    {
                        img = (float*)aX + (long)n * s.C * l.ChannelStride + (long)g * s.Cg * l.ChannelStride + (long)p0 * rowStep;
                    }
                    else
                    {
                        // All li.Hp rows (zeros past the image): the kernel's reads past Q meet finite values times zero dy.
                        img = pLocal;
                        for (int c = 0; c < s.Cg; c++)
                            BuildPlane((float*)aX + ((long)n * s.C + g * s.Cg + c) * s.H * s.W, s, li, 1, 1, p0 * s.StrideH, li.Hp, pLocal + (long)c * li.ChannelStride);
                        new Span<float>(pLocal + (long)s.Cg * li.ChannelStride, GemmSimd.Slack).Clear();
                    }
                    float* dyImg = (float*)aD + ((long)(n * s.K + g * s.Kg) * s.P + p0) * qp;
                    float* outp = (float*)aPart + (long)item * (slice + s.Kg);
                    int* off = (int*)aO;
                    for (int k0 = 0; k0 < s.Kg; k0 += KT)
                    {
                        for (int i = 0; i < KT; i++)
                            ap[i] = k0 + i < s.Kg ? dyImg + (long)(k0 + i) * plane : (float*)aZ;
                        for (int c0 = 0; c0 < crs; c0 += CT)
                        {
                            for (int j = 0; j < CT; j++)
                                bp[j] = img + off[c0 + j < crs ? c0 + j : c0];
                            Gemm.Dot4x6<TS, TV>(ap, qp, bp, rowStep, rows, qp, res);
                            for (int i = 0; i < KT && k0 + i < s.Kg; i++)
                                for (int j = 0; j < CT && c0 + j < crs; j++)
                                    outp[(k0 + i) * crs + c0 + j] = res[i * CT + j];
                        }
                    }
                    if (withBias)
                    {
                        // The bias gradient from the same dy rows, still in cache.
                        // (Rows are zero past Q; a vector accumulator: a library call per 48-float row costs more than the sum.)
                        for (int k = 0; k < s.Kg; k++)
                        {
                            float* row = dyImg + (long)k * plane;
                            TV acc = TS.Zero;
                            for (int i = 0, end = rows * qp; i < end; i += v) acc = TS.Add(acc, TS.Load(row + i));
                            outp[slice + k] = TS.Sum(acc);
                        }
                    }
                }
            });

            // Sum the partials of each group in item order: the same result whatever ran where.
            for (int g = 0; g < s.Groups; g++)
            {
                var dst = new Span<float>(dw + (long)g * slice, slice);
                var bdst = withBias ? new Span<float>(db + g * s.Kg, s.Kg) : default;
                bool first = true;
                for (int item = 0; item < items; item++)
                {
                    if (item / bpi % s.Groups != g) continue;
                    var part = new ReadOnlySpan<float>(pPart + (long)item * (slice + s.Kg), slice + s.Kg);
                    if (first) part[..slice].CopyTo(dst); else TensorPrimitives.Add(dst, part[..slice], dst);
                    if (withBias)
                    {
                        if (first) part[slice..].CopyTo(bdst); else TensorPrimitives.Add(bdst, part[slice..], bdst);
                    }
                    first = false;
                }
            }
        }
    }
}
