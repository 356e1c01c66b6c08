using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SharpSR.Core.Kernels.Packed;

/// <summary>
/// 3x3 convolutions by Winograd's minimal filtering, F(m×m, 3×3) with m = 2 or 4 (Lavin and Gray, "Fast Algorithms
/// for Convolutional Neural Networks", 2016), on the packed layout with the direct kernels' epilogues. A row of
/// m-pixel output tiles is done in chunks: each tile's (m+2)² input window is transformed (Bᵀ d B, 16 channels per
/// vector), the (m+2)² transformed elements are (m+2)² independent small GEMMs (1x1 convolutions) over the chunk's
/// tiles, run on register tiles that start at zero (<see cref="PackedWinogradTiles"/>), and each tile's products go
/// back through Aᵀ M A, from registers, into the same store as the direct path (bias, activations, residuals, second
/// sum, pixel shuffle). Per output pixel that is (m+2)²/m² multiply-adds per
/// channel pair instead of 9: 4 for m = 2, 2.25 for m = 4, plus the transforms' additions.
/// Rounding differs from the direct sum: the transforms add and subtract window values (for m = 4 with factors up
/// to 8 and weights scaled by 1/24..1/4), so results carry a few float32 ulps of the window's magnitude more.
/// </summary>
public static unsafe partial class PackedConv
{
    /// <summary>
    /// Tiles transformed together: two 12-tile or one 24-tile product register tile per block group; the transformed
    /// chunk (α²·24·Cin floats: 55 KB at m = 4, Cin = 16, 221 KB at Cin = 64) stays in L2.
    /// </summary>
    private const int WinogradChunk = 24;

    /// <summary>True where Winograd runs this input channel count (the direct kernels take the rest, e.g. an RGB head).</summary>
    public static bool WinogradSupportsInputChannels(int c) => c is 16 or 32 or 48 or 64;

    /// <summary>dst = conv3x3(src) + bias with the general epilogue, by Winograd F(m×m, 3×3).</summary>
    public static void Conv3x3Winograd(PackedMap src, PackedWeightsWinograd w, PackedMap dst, in PackedEpilogue e)
    {
        CheckWinograd(src, w);
        var job = new Job(src, w.Groups, w.Data, w.Bias, dst, w.Cout, relu: false);
        job.Apply(e, dst);
        RunWinograd(job, w);
    }

    /// <summary>A sub-pixel upsampler step by Winograd (weights packed with <see cref="ShuffleOrder"/>), as <see cref="Conv3x3Shuffle"/>.</summary>
    public static void Conv3x3WinogradShuffle(PackedMap src, PackedWeightsWinograd w, int r, PackedMap dst, bool relu = false)
    {
        CheckWinograd(src, w, shuffle: true);
        if (r < 2 || dst.H != src.H * r || dst.W != src.W * r || dst.C * r * r != w.Cout || dst.C % 16 != 0)
            throw new ArgumentException($"PackedConv: shuffle target {dst.H}x{dst.W}x{dst.C} does not fit {src.H}x{src.W}x{w.Cout} at factor {r}.");
        RunWinograd(new Job(src, w.Groups, w.Data, w.Bias, dst, w.Cout, relu) { Shuffle = r }, w);
    }

    /// <summary>
    /// A residual block y = conv2(act(conv1(x))) + x (+ residual2, and sumInto = y + sumWith) as two Winograd convolutions
    /// streamed by tile rows, the same numbers as two <see cref="Conv3x3Winograd"/> calls bit for bit: the inner map never
    /// exists whole. Each thread takes a band of tile rows; conv1's tile row k goes into one of two small buffers of m + 2
    /// rows (the row above, its m rows, the row below), and conv2's tile row k - 1 reads the other one as soon as the row
    /// below it exists, so the inner rows stay in the core's cache. A band recomputes conv1's tile rows on either side of
    /// it for the two inner rows it needs there, so the bands are few and long.
    /// </summary>
    public static void ResidualBlockWinograd(PackedMap x, PackedWeightsWinograd w1, bool relu, PackedWeightsWinograd w2, PackedMap y,
        PackedMap? residual2 = null, PackedMap? sumWith = null, PackedMap? sumInto = null)
    {
        CheckWinograd(x, w1);
        CheckWinograd(x, w2);
        if (w1.Cout != x.C || w2.Cout != x.C || w1.M != w2.M)
            throw new ArgumentException($"PackedConv: a Winograd residual block keeps its {x.C} channels and one tile size; got {w1.Cin}->{w1.Cout}->{w2.Cin}->{w2.Cout}, F({w1.M}x{w1.M}) and F({w2.M}x{w2.M}).");
        if (!y.SameSize(x)) throw new ArgumentException($"PackedConv: block output {y.H}x{y.W}x{y.C} differs from its input {x.H}x{x.W}x{x.C}.");
        var conv2 = new Job(x, w2.Groups, w2.Data, w2.Bias, y, w2.Cout, relu: false);
        conv2.Place(w2);
        conv2.Apply(new PackedEpilogue(Residual: x, Residual2: residual2, SumWith: sumWith, SumInto: sumInto), y);
        var block = new WinogradBlock(x, w1, relu, conv2);
        int tileRows = (x.H + w1.M - 1) / w1.M;
        // Every band boundary costs two extra conv1 tile rows: a band per thread, two when the bands stay long.
        int threads = Parallelism.EffectiveThreads;
        int bands = threads == 1 ? 1 : Math.Min(tileRows, threads * Math.Clamp(tileRows / (16 * threads), 1, 2));
        if (bands == 1) WinogradBlockBand(block, 0, 1);
        else Parallelism.For(bands, b => WinogradBlockBand(block, b, bands));
    }

    private sealed record WinogradBlock(PackedMap X, PackedWeightsWinograd W1, bool Relu, Job Conv2);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WinogradBlockBand(WinogradBlock blk, int band, int bands)
    {
        PackedMap x = blk.X;
        int m = blk.W1.M, height = x.H, tileRows = (height + m - 1) / m;
        int a = (int)((long)tileRows * band / bands), b = (int)((long)tileRows * (band + 1) / bands);
        delegate*<Job, int, void> row = WinogradRowKernel(x.C);
        var slots = t_blockRings ??= new PackedMapSlots(2);
        PackedMap buf0 = slots.Get(0, m + 2, x.W, x.C), buf1 = slots.Get(1, m + 2, x.W, x.C);
        PackedMap Buf(int k) => (k & 1) == 0 ? buf0 : buf1;
        nint stride = x.RowStride;
        long rowBytes = stride * sizeof(float);
        // conv1 writes into the buffers through DstShift (its destination map is x, for the offsets only); conv2 reads
        // them through SrcShift, and its own job (shared by the bands) is copied so each band moves its own shift.
        var conv1 = new Job(x, blk.W1.Groups, blk.W1.Data, blk.W1.Bias, x, blk.W1.Cout, blk.Relu);
        conv1.Place(blk.W1);
        var conv2 = blk.Conv2.Copy();

        void Conv1(int k)   // inner rows m·k .. m·k + m - 1 into rows 1 .. m of Buf(k)
        {
            conv1.DstShift = (nint)(Buf(k).At(1, -1) - x.At(m * k, -1));
            row(conv1, k);
        }
        void Copy(PackedMap from, int fromRow, PackedMap to, int toRow) => Buffer.MemoryCopy(from.At(fromRow, -1), to.At(toRow, -1), rowBytes, rowBytes);
        void Zero(PackedMap m, int r) => new Span<float>(m.At(r, -1), (int)stride).Clear();

        if (a == 0) Zero(Buf(0), 0);   // the zero row above the image
        else { Conv1(a - 1); Copy(Buf(a - 1), m, Buf(a), 0); }
        for (int k = a; k <= b; k++)
        {
            if (k < tileRows) Conv1(k);
            if (k > a)   // conv2's tile row k - 1: Buf(k - 1) gets the row below and is complete
            {
                var cur = Buf(k - 1);
                if (k < tileRows) Copy(Buf(k), 1, cur, m + 1);
                else Zero(cur, 1 + height - m * (k - 1));   // the zero row below the image
                conv2.SrcShift = (nint)(cur.At(0, -1) - x.At(m * (k - 1) - 1, -1));
                row(conv2, k - 1);
            }
            if (k < b && k + 1 < tileRows) Copy(Buf(k), m, Buf(k + 1), 0);   // Buf(k + 1) is Buf(k - 1), read above
        }
    }

    [ThreadStatic] private static PackedMapSlots? t_blockRings;

    /// <summary>
    /// The last sub-pixel upsampler step by Winograd streamed into an RGB head, as the direct
    /// <see cref="Conv3x3ShuffleToPlanar(PackedMap, PackedWeights3x3, int, PackedWeightsToPlanar, Span{float})"/>: each thread
    /// takes a band of tile rows; a tile row's r·m output rows go into a ring after the two rows before them, and every
    /// output row whose 3x3 window is complete goes through the head into the planar output [Cout, r·H, r·W]. A band
    /// recomputes the tile row above it for its first window.
    /// </summary>
    public static void Conv3x3ShuffleToPlanar(PackedMap src, PackedWeightsWinograd up, int r, PackedWeightsToPlanar head, Span<float> output)
    {
        CheckWinograd(src, up, shuffle: true);
        var headRow = HeadRowKernel(src, up.Cout, r, head, output);
        delegate*<Job, int, void> row = WinogradRowKernel(up.Cin);
        int tileRows = (src.H + up.M - 1) / up.M;
        int bands = Parallelism.EffectiveThreads == 1 ? 1 : Math.Min(tileRows, 2 * Parallelism.Threads);
        fixed (float* o = output)
        {
            nint outPtr = (nint)o;
            if (bands == 1) WinogradShuffleBand(src, up, r, head, (float*)outPtr, 0, 1, row, headRow);
            else Parallelism.For(bands, b => WinogradShuffleBand(src, up, r, head, (float*)outPtr, b, bands, row, headRow));
        }
    }

    // The ring: rows 0 and 1 hold the two output rows above the current tile row's R = r·m rows, which follow in
    // rows 2 .. R + 1 (the shuffled store writes them there through DstRowOffset); row R + 2 takes the zero row
    // below the image. After a tile row's heads its last two rows move to rows 0 and 1.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WinogradShuffleBand(PackedMap src, PackedWeightsWinograd up, int r, PackedWeightsToPlanar head, float* output, int band, int bands,
        delegate*<Job, int, void> row, delegate*<float*, nint, int, PackedWeightsToPlanar, float*, nint, void> headRow)
    {
        int m = up.M, rows = r * m, c = up.Cout / (r * r), outH = src.H * r, outW = src.W * r;
        int tileRows = (src.H + m - 1) / m;
        int t0 = (int)((long)tileRows * band / bands), t1 = (int)((long)tileRows * (band + 1) / bands);
        var ring = (t_shuffleRing ??= new PackedMapSlots(1)).Get(0, rows + 3, outW, c);
        nint stride = ring.RowStride;
        long twoRows = 2 * stride * sizeof(float);
        nint plane = (nint)outH * outW;
        var job = new Job(src, up.Groups, up.Data, up.Bias, ring, up.Cout, relu: false) { Shuffle = r, Winograd = up };

        void TileRow(int t)   // output rows r·m·t .. into ring rows 2 ..
        {
            job.DstRowOffset = rows * t - 2;
            row(job, t);
        }
        void KeepLastTwo() => Buffer.MemoryCopy(ring.At(rows, -1), ring.At(0, -1), twoRows, twoRows);

        if (t0 == 0) new Span<float>(ring.At(1, -1), (int)stride).Clear();   // the zero row above the image
        else { TileRow(t0 - 1); KeepLastTwo(); }
        for (int t = t0; t < t1; t++)
        {
            TileRow(t);
            int q0 = rows * t, valid = Math.Min(rows, outH - q0);
            bool last = t == tileRows - 1;
            if (last) new Span<float>(ring.At(2 + valid, -1), (int)stride).Clear();   // the zero row below
            for (int q = Math.Max(q0 - 1, 0), end = q0 + valid - (last ? 1 : 2); q <= end; q++)
                headRow(ring.At(q - q0 + 1, -1), stride, outW, head, output + (nint)q * outW, plane);
            if (t + 1 < t1) KeepLastTwo();
        }
    }

    [ThreadStatic] private static PackedMapSlots? t_shuffleRing;

    private static void CheckWinograd(PackedMap src, PackedWeightsWinograd w, bool shuffle = false)
    {
        if (shuffle && w.BlockChannels is not null) throw new ArgumentException("PackedConv: a pixel-shuffled Winograd conv takes no placed blocks.");
        if (!IsSupported) throw new PlatformNotSupportedException("PackedConv needs AVX-512.");
        if (src.C != w.Cin) throw new ArgumentException($"PackedConv: input has {src.C} channels, the weights expect {w.Cin}.");
        if (!WinogradSupportsInputChannels(w.Cin)) throw new ArgumentException($"PackedConv: Winograd over {w.Cin} input channels is not supported (16, 32, 48 or 64).");
    }

    private static void RunWinograd(Job job, PackedWeightsWinograd w)
    {
        job.Place(w);
        int tileRows = (job.Height + w.M - 1) / w.M;
        delegate*<Job, int, void> row = WinogradRowKernel(w.Cin);
        if (Parallelism.EffectiveThreads == 1 || tileRows == 1) { for (int t = 0; t < tileRows; t++) row(job, t); }
        else
        {
            job.WinogradRow = row;
            Parallelism.For(tileRows, job.RunWinogradRow);
        }
    }

    private static delegate*<Job, int, void> WinogradRowKernel(int cin) => cin switch
    {
        16 => &WinogradRow<Ch16>,
        32 => &WinogradRow<Ch32>,
        48 => &WinogradRow<Ch48>,
        _ => &WinogradRow<Ch64>,
    };

    private sealed partial class Job
    {
        public PackedWeightsWinograd? Winograd;
        public delegate*<Job, int, void> WinogradRow;

        /// <summary>The Winograd weights this job runs, with their blocks' output channels and zero tail.</summary>
        public void Place(PackedWeightsWinograd w)
        {
            Winograd = w;
            BlockChannels = w.BlockChannels;
            ZeroFrom = w.ZeroFrom;
        }

        public void RunWinogradRow(int t) => WinogradRow(this, t);

        /// <summary>The same job with its own shifts (a band of a streamed pass moves them row by row).</summary>
        public Job Copy() => (Job)MemberwiseClone();

        /// <summary>
        /// Where output block <paramref name="block"/> of pixel (y, x) goes, as an offset from the epilogue's base, and the
        /// steps to the next output row and pixel: the output's layout, or a pixel-shuffled upsampler's sub-pixel place.
        /// </summary>
        public (nint Off, nint RowStep, nint PixStep) OutputPlace(int y, int x, int block)
        {
            if (Shuffle == 0) return (Offset(y, x) + (BlockChannels is null ? block * 16 : BlockChannels[block]), (nint)(Width + 2) * Cout, Cout);
            int r = Shuffle, perPixel = DstMap.C / 16, sub = block / perPixel;
            nint dstRow = (nint)(DstMap.W + 2) * DstMap.C;
            return ((nint)(DstMap.At(r * y + sub / r - DstRowOffset, r * x + sub % r) - Dst) + block % perPixel * 16, r * dstRow, (nint)r * DstMap.C);
        }
    }

    // Per-thread scratch: the chunk's transformed windows, one tile's products, and its output rows.
    [ThreadStatic] private static float* t_winograd;
    [ThreadStatic] private static long t_winogradFloats;

    private static float* WinogradScratch(long floats)
    {
        if (t_winogradFloats < floats)
        {
            if (t_winograd != null) NativeMemory.AlignedFree(t_winograd);
            t_winograd = (float*)NativeMemory.AlignedAlloc((nuint)(floats * sizeof(float)), 64);
            t_winogradFloats = floats;
        }
        return t_winograd;
    }

    /// <summary>One row of output tiles (output rows m·t .. m·t + m - 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WinogradRow<TC>(Job j, int tileRow) where TC : struct, IChannels
    {
        var w = j.Winograd!;
        int m = w.M, a = w.Alpha, ee = a * a, cin = TC.Count, height = j.Height, width = j.Width;
        int y0 = tileRow * m;
        int tilesX = (width + m - 1) / m;
        nint vStride = (nint)WinogradChunk * cin;                 // floats per transformed element of the chunk
        long vFloats = ee * vStride, mFloats = (long)ee * WinogradChunk * 16, oFloats = (long)m * WinogradChunk * m * 16, patchFloats = (long)ee * cin;
        float* scratch = WinogradScratch(vFloats + mFloats + oFloats + patchFloats + (long)ee * 16);
        float* v = scratch, prod = v + vFloats, outRows = prod + mFloats, patch = outRows + oFloats;
        var tmp = (Vector512<float>*)(patch + patchFloats);
        nint row = j.Src.RowStride;
        bool bottomEdge = y0 + m > height;   // the window reaches past the bottom border row
        int outRowsHere = Math.Min(m, height - y0);
        var ep = new Epilogue(j);

        for (int t0 = 0; t0 < tilesX; t0 += WinogradChunk)
        {
            int n = Math.Min(WinogradChunk, tilesX - t0);
            for (int t = 0; t < n; t++)
            {
                int x0 = (t0 + t) * m;
                float* d = j.Src.At(y0 - 1, x0 - 1) + j.SrcShift;
                nint dRow = row;
                if (bottomEdge || x0 + m > width)
                {
                    // Past the map's border: the window from a zero-padded copy.
                    new Span<float>(patch, (int)patchFloats).Clear();
                    for (int i = 0; i < a && y0 - 1 + i <= height; i++)
                        for (int k = 0; k < a && x0 - 1 + k <= width; k++)
                            new ReadOnlySpan<float>(j.Src.At(y0 - 1 + i, x0 - 1 + k) + j.SrcShift, cin).CopyTo(new Span<float>(patch + (i * a + k) * cin, cin));
                    d = patch;
                    dRow = (nint)a * cin;
                }
                else if (x0 + 3 * m + 1 < width)
                {
                    // The new columns of the window three tiles on: on a map larger than the caches they come from memory.
                    float* next = d + (3 * m + 2) * cin;
                    for (int i = 0; i < a; i++)
                        for (int line = 0; line < m * cin; line += 16) Sse.Prefetch0(next + i * row + line);
                }
                float* vt = v + (nint)t * cin;
                for (int c = 0; c < cin; c += 16)
                {
                    if (m == 2) InputTransform2(d + c, dRow, cin, vt + c, vStride, tmp);
                    else
                    {
                        InputHalf4(d + c, dRow, cin, vt + c, vStride, first: true);
                        InputHalf4(d + c, dRow, cin, vt + c, vStride, first: false);
                    }
                }
            }

            foreach (var g in j.Groups)
            {
                int blocks = g.Blocks, count = g.SrcCount > 0 ? g.SrcCount : cin;
                for (int t = 0; t < n;)
                {
                    int p = ProductTiles(blocks, n - t);
                    int bp = blocks * p;
                    float* s = v + (nint)t * cin + g.SrcOffset;
                    float* u = j.Weights + g.Offset;
                    nint uStride = w.ElementStride;
                    for (int e = 0; e < ee; e++, s += vStride, u += uStride)
                        Product<TC>(blocks, p, s, u, count, (Vector512<float>*)prod + e * bp);

                    int x0 = (t0 + t) * m, cols = Math.Min(p * m, width - x0);
                    if (m == 4)
                    {
                        // Straight from the products to the output's epilogue, two output rows at a time in registers.
                        for (int b = 0; b < blocks; b++)
                        {
                            var bias = Vector512.Load(j.Bias + (g.FirstBlock + b) * 16);
                            var (off, rowStep, pixStep) = j.OutputPlace(y0, x0, g.FirstBlock + b);
                            for (int q = 0; q < p; q++, off += 4 * pixStep)
                            {
                                var mt = (Vector512<float>*)prod + b * p + q;
                                int valid = Math.Min(4, cols - q * 4);
                                OutputHalf4(ep, mt, bp, bias, off, rowStep, pixStep, valid, outRowsHere, first: true);
                                if (outRowsHere > 2) OutputHalf4(ep, mt, bp, bias, off + 2 * rowStep, rowStep, pixStep, valid, outRowsHere - 2, first: false);
                            }
                        }
                        t += p;
                        continue;
                    }
                    // Back to pixels: output row r of these p tiles, block o, pixel q at outRows[(r·blocks + o)·cols + q].
                    var o = (Vector512<float>*)outRows;
                    for (int b = 0; b < blocks; b++)
                        for (int q = 0; q < p; q++)
                        {
                            var mt = (Vector512<float>*)prod + b * p + q;   // element e at mt[e·bp]
                            var dst = o + b * cols + q * m;                 // row r at dst[r·blocks·cols]
                            OutputTransform2(mt, bp, dst, blocks * cols, Math.Min(m, cols - q * m), tmp);
                        }
                    for (int r = 0; r < outRowsHere; r++) Store(j, o + r * blocks * cols, g, cols, y0 + r, x0);
                    t += p;
                }
            }
        }
        if (j.ZeroFrom < j.Cout)
            for (int r = 0; r < outRowsHere; r++) ZeroTail(j, y0 + r);
    }

    /// <summary>Tiles of the product register tile for a group of 1 or 2 blocks with <paramref name="left"/> tiles to go.</summary>
    private static int ProductTiles(int blocks, int left) => blocks == 1
        ? (left >= 24 ? 24 : left >= 16 ? 16 : left >= 8 ? 8 : left >= 4 ? 4 : left >= 2 ? 2 : 1)
        : (left >= 12 ? 12 : left >= 8 ? 8 : left >= 4 ? 4 : left >= 2 ? 2 : 1);

    /// <summary>acc = p transformed tiles at s (tile stride TC) × one element's weights u, for a group of 1 or 2 blocks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Product<TC>(int blocks, int p, float* s, float* u, int count, Vector512<float>* acc) where TC : struct, IChannels
    {
        switch (blocks * 100 + p)
        {
            case 124: PackedWinogradTiles.Product_B1_P24<TC>(s, u, count, acc); break;
            case 116: PackedWinogradTiles.Product_B1_P16<TC>(s, u, count, acc); break;
            case 108: PackedWinogradTiles.Product_B1_P8<TC>(s, u, count, acc); break;
            case 104: PackedWinogradTiles.Product_B1_P4<TC>(s, u, count, acc); break;
            case 102: PackedWinogradTiles.Product_B1_P2<TC>(s, u, count, acc); break;
            case 101: PackedWinogradTiles.Product_B1_P1<TC>(s, u, count, acc); break;
            case 212: PackedWinogradTiles.Product_B2_P12<TC>(s, u, count, acc); break;
            case 208: PackedWinogradTiles.Product_B2_P8<TC>(s, u, count, acc); break;
            case 204: PackedWinogradTiles.Product_B2_P4<TC>(s, u, count, acc); break;
            case 202: PackedWinogradTiles.Product_B2_P2<TC>(s, u, count, acc); break;
            default: PackedWinogradTiles.Product_B2_P1<TC>(s, u, count, acc); break;
        }
    }

    // F(2x2, 3x3): Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1], Aᵀ = [1 1 1 0; 0 1 -1 -1].
    // d = window's top-left (16 channels), dRow/dPix strides in floats; element e = 4i + k goes to v[e·vStride].
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InputTransform2(float* d, nint dRow, nint dPix, float* v, nint vStride, Vector512<float>* tmp)
    {
        for (int k = 0; k < 4; k++)   // columns: Bᵀ over the rows
        {
            float* c = d + k * dPix;
            var d0 = Vector512.Load(c); var d1 = Vector512.Load(c + dRow); var d2 = Vector512.Load(c + 2 * dRow); var d3 = Vector512.Load(c + 3 * dRow);
            tmp[k] = d0 - d2; tmp[4 + k] = d1 + d2; tmp[8 + k] = d2 - d1; tmp[12 + k] = d1 - d3;
        }
        for (int i = 0; i < 4; i++)   // rows: the same over the columns
        {
            var r = tmp + 4 * i;
            float* o = v + 4 * i * vStride;
            (r[0] - r[2]).Store(o); (r[1] + r[2]).Store(o + vStride); (r[2] - r[1]).Store(o + 2 * vStride); (r[1] - r[3]).Store(o + 3 * vStride);
        }
    }

    // mt[e·eStride] = element e of one tile's products; writes the valid (of 2) columns of 2 output rows to o[r·oRow + x].
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OutputTransform2(Vector512<float>* mt, nint eStride, Vector512<float>* o, nint oRow, int valid, Vector512<float>* tmp)
    {
        for (int k = 0; k < 4; k++)
        {
            Vector512<float> m0 = mt[k * eStride], m1 = mt[(4 + k) * eStride], m2 = mt[(8 + k) * eStride], m3 = mt[(12 + k) * eStride];
            tmp[k] = m0 + m1 + m2; tmp[4 + k] = m1 - m2 - m3;
        }
        for (int r = 0; r < 2; r++)
        {
            var t = tmp + 4 * r;
            o[r * oRow] = t[0] + t[1] + t[2];
            if (valid > 1) o[r * oRow + 1] = t[1] - t[2] - t[3];
        }
    }

    // F(4x4, 3x3): Bᵀ rows (4 0 -5 0 1 0), (0 -4 -4 1 1 0), (0 4 -4 -1 1 0), (0 -2 -1 2 1 0), (0 2 -1 -2 1 0), (0 4 0 -5 0 1);
    // Aᵀ rows (1 1 1 1 1 0), (0 1 -1 2 -2 0), (0 1 1 4 4 0), (0 1 -1 8 -8 1). Each transform is done in two halves whose
    // values fit the 32 registers, so nothing goes through memory between its row and column passes.

    /// <summary>Columns 0-2 (first) or 3-5 of Bᵀ d B for 16 channels: d B row by row into registers, then Bᵀ down each column into v[(6i + j)·vStride].</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]   // its own registers: all 32 are needed
    private static void InputHalf4(float* d, nint dRow, nint dPix, float* v, nint vStride, bool first)
    {
        Bt6Half(d, dPix, first, out var r00, out var r01, out var r02);
        Bt6Half(d + dRow, dPix, first, out var r10, out var r11, out var r12);
        Bt6Half(d + 2 * dRow, dPix, first, out var r20, out var r21, out var r22);
        Bt6Half(d + 3 * dRow, dPix, first, out var r30, out var r31, out var r32);
        Bt6Half(d + 4 * dRow, dPix, first, out var r40, out var r41, out var r42);
        Bt6Half(d + 5 * dRow, dPix, first, out var r50, out var r51, out var r52);
        float* o = v + (first ? 0 : 3) * vStride;
        Bt6Store(r00, r10, r20, r30, r40, r50, o, 6 * vStride);
        Bt6Store(r01, r11, r21, r31, r41, r51, o + vStride, 6 * vStride);
        Bt6Store(r02, r12, r22, r32, r42, r52, o + 2 * vStride, 6 * vStride);
    }

    /// <summary>Outputs 0-2 (first) or 3-5 of Bᵀ applied to the 6 pixels at p, p + pix, ...</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Bt6Half(float* p, nint pix, bool first, out Vector512<float> o0, out Vector512<float> o1, out Vector512<float> o2)
    {
        var d1 = Vector512.Load(p + pix); var d2 = Vector512.Load(p + 2 * pix); var d3 = Vector512.Load(p + 3 * pix); var d4 = Vector512.Load(p + 4 * pix);
        if (first)
        {
            var a = Avx512F.FusedMultiplyAdd(Vector512.Create(-4f), d2, d4);
            var b = Avx512F.FusedMultiplyAdd(Vector512.Create(-4f), d1, d3);
            o0 = Avx512F.FusedMultiplyAdd(Vector512.Create(4f), Vector512.Load(p), Avx512F.FusedMultiplyAdd(Vector512.Create(-5f), d2, d4));
            o1 = a + b;
            o2 = a - b;
        }
        else
        {
            var c = d4 - d2;
            var e = d3 - d1;
            o0 = Avx512F.FusedMultiplyAdd(Vector512.Create(2f), e, c);
            o1 = Avx512F.FusedMultiplyAdd(Vector512.Create(-2f), e, c);
            o2 = Avx512F.FusedMultiplyAdd(Vector512.Create(4f), d1, Avx512F.FusedMultiplyAdd(Vector512.Create(-5f), d3, Vector512.Load(p + 5 * pix)));
        }
    }

    /// <summary>Bᵀ applied to six vectors, stored at o, o + stride, ...</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Bt6Store(Vector512<float> d0, Vector512<float> d1, Vector512<float> d2, Vector512<float> d3, Vector512<float> d4, Vector512<float> d5, float* o, nint stride)
    {
        var a = Avx512F.FusedMultiplyAdd(Vector512.Create(-4f), d2, d4);
        var b = Avx512F.FusedMultiplyAdd(Vector512.Create(-4f), d1, d3);
        var c = d4 - d2;
        var e = d3 - d1;
        Avx512F.FusedMultiplyAdd(Vector512.Create(4f), d0, Avx512F.FusedMultiplyAdd(Vector512.Create(-5f), d2, d4)).Store(o);
        (a + b).Store(o + stride);
        (a - b).Store(o + 2 * stride);
        Avx512F.FusedMultiplyAdd(Vector512.Create(2f), e, c).Store(o + 3 * stride);
        Avx512F.FusedMultiplyAdd(Vector512.Create(-2f), e, c).Store(o + 4 * stride);
        Avx512F.FusedMultiplyAdd(Vector512.Create(4f), d1, Avx512F.FusedMultiplyAdd(Vector512.Create(-5f), d3, d5)).Store(o + 5 * stride);
    }

    /// <summary>
    /// Output rows 0-1 (first) or 2-3 of one tile's Aᵀ M A for 16 channels (mt[e·eStride] = element e), biased and
    /// through the epilogue into the output: the first of the two rows at offset off, pixels pixStep apart, rows rowStep.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]   // as InputHalf4
    private static void OutputHalf4(in Epilogue ep, Vector512<float>* mt, nint eStride, Vector512<float> bias, nint off, nint rowStep, nint pixStep, int valid, int rows, bool first)
    {
        At6Half(mt, eStride, 0, first, out var a0, out var b0);
        At6Half(mt, eStride, 1, first, out var a1, out var b1);
        At6Half(mt, eStride, 2, first, out var a2, out var b2);
        At6Half(mt, eStride, 3, first, out var a3, out var b3);
        At6Half(mt, eStride, 4, first, out var a4, out var b4);
        At6Half(mt, eStride, 5, first, out var a5, out var b5);
        At6Row(ep, a0, a1, a2, a3, a4, a5, bias, off, pixStep, valid);
        if (rows > 1) At6Row(ep, b0, b1, b2, b3, b4, b5, bias, off + rowStep, pixStep, valid);
    }

    /// <summary>Rows 0 and 1 (first) or 2 and 3 of Aᵀ applied down column k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void At6Half(Vector512<float>* mt, nint eStride, int k, bool first, out Vector512<float> o0, out Vector512<float> o1)
    {
        Vector512<float> m1 = mt[(6 + k) * eStride], m2 = mt[(12 + k) * eStride], m3 = mt[(18 + k) * eStride], m4 = mt[(24 + k) * eStride];
        Vector512<float> s12 = m1 + m2, d12 = m1 - m2, s34 = m3 + m4, d34 = m3 - m4;
        if (first)
        {
            o0 = mt[k * eStride] + s12 + s34;
            o1 = Avx512F.FusedMultiplyAdd(Vector512.Create(2f), d34, d12);
        }
        else
        {
            o0 = Avx512F.FusedMultiplyAdd(Vector512.Create(4f), s34, s12);
            o1 = Avx512F.FusedMultiplyAdd(Vector512.Create(8f), d34, d12) + mt[(30 + k) * eStride];
        }
    }

    /// <summary>Aᵀ along one output row (the valid of its 4 pixels), + bias, through the epilogue at offset off, off + C, ...</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void At6Row(in Epilogue ep, Vector512<float> t0, Vector512<float> t1, Vector512<float> t2, Vector512<float> t3, Vector512<float> t4, Vector512<float> t5,
        Vector512<float> bias, nint off, nint c, int valid)
    {
        Vector512<float> s12 = t1 + t2, d12 = t1 - t2, s34 = t3 + t4, d34 = t3 - t4;
        ep.Store(t0 + s12 + s34 + bias, off);
        if (valid > 1) ep.Store(Avx512F.FusedMultiplyAdd(Vector512.Create(2f), d34, d12) + bias, off + c);
        if (valid > 2) ep.Store(Avx512F.FusedMultiplyAdd(Vector512.Create(4f), s34, s12) + bias, off + 2 * c);
        if (valid > 3) ep.Store(Avx512F.FusedMultiplyAdd(Vector512.Create(8f), d34, d12) + t5 + bias, off + 3 * c);
    }
}
