using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SharpSR.Core.Kernels.Packed;

public static unsafe partial class PackedConv
{
    /// <summary>
    /// A residual block streamed by rows: y = conv2(act(conv1(x))) + x (+ residual2), and sumInto = y + sumWith
    /// when asked; the same numbers as two <see cref="Conv3x3"/> calls, bit for bit. The inner map never
    /// exists whole: each thread takes a band of rows and keeps the three inner rows conv2 reads in a ring
    /// of its own, so the block's memory traffic is x in and y out (a band's first inner row is computed
    /// twice, by it and by the band above). It pays once the maps outgrow the last-level cache.
    /// </summary>
    public static void ResidualBlock3x3(PackedMap x, PackedWeights3x3 w1, bool relu, PackedWeights3x3 w2, PackedMap y,
        PackedMap? residual2 = null, PackedMap? sumWith = null, PackedMap? sumInto = null)
    {
        CheckInput(x, w1.Cin);
        if (w1.BlockChannels is not null || w2.BlockChannels is not null) throw new ArgumentException("PackedConv: a streamed block takes blocks in order.");
        if (w1.Cout != x.C || w2.Cin != x.C || w2.Cout != x.C)
            throw new ArgumentException($"PackedConv: a residual block keeps its {x.C} channels; got {w1.Cin}->{w1.Cout}->{w2.Cin}->{w2.Cout}.");
        if (!y.SameSize(x)) throw new ArgumentException($"PackedConv: block output {y.H}x{y.W}x{y.C} differs from its input {x.H}x{x.W}x{x.C}.");
        if ((sumWith is null) != (sumInto is null)) throw new ArgumentException("PackedConv: sumWith and sumInto come together.");
        new Job(x, w2.Groups, w2.Data, w2.Bias, y, w2.Cout, relu: false).RequireSameLayout(residual2, sumWith, sumInto);
        delegate*<Job, int, void> row = Conv3x3RowKernel(x.C);
        int bands = Parallelism.EffectiveThreads == 1 ? 1 : Math.Min(x.H, 2 * Parallelism.Threads);
        var block = new StreamedBlock(x, w1, relu, w2, y, residual2, sumWith, sumInto, bands);
        if (bands == 1) BlockBand(block, 0, row);
        else Parallelism.For(bands, b => BlockBand(block, b, row));
    }

    private sealed record StreamedBlock(PackedMap X, PackedWeights3x3 W1, bool Relu, PackedWeights3x3 W2, PackedMap Y,
        PackedMap? Residual2, PackedMap? SumWith, PackedMap? SumInto, int Bands);

    // The ring: inner row r lives in slot r mod 3, and slots 0 and 1 are mirrored into 3 and 4, so rows
    // r-1, r, r+1 are always contiguous from slot (r-1) mod 3 and conv2's tiles read them as a map.
    // conv1's job writes into the ring (its destination map is x, for the offsets only; DstShift moves
    // each row into its slot); conv2's job reads the ring through SrcShift.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BlockBand(StreamedBlock b, int band, delegate*<Job, int, void> row)
    {
        PackedMap x = b.X;
        int y0 = (int)((long)x.H * band / b.Bands), y1 = (int)((long)x.H * (band + 1) / b.Bands);
        var ring = RingMap(0, 5, x.W, x.C);
        nint stride = x.RowStride;
        long rowBytes = stride * sizeof(float);
        var conv1 = new Job(x, b.W1.Groups, b.W1.Data, b.W1.Bias, x, b.W1.Cout, b.Relu);
        var conv2 = new Job(x, b.W2.Groups, b.W2.Data, b.W2.Bias, b.Y, b.W2.Cout, relu: false)
        {
            Residual = x.At(-1, -1), Residual2 = Ptr(b.Residual2), SumWith = Ptr(b.SumWith), SumInto = Ptr(b.SumInto),
        };

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Inner(int r)
        {
            int slot = (r + 3) % 3;
            float* dst = ring.At(slot, -1);
            if (r < 0 || r >= x.H) new Span<float>(dst, (int)stride).Clear();   // the zero padding above and below
            else
            {
                conv1.DstShift = (nint)(dst - (conv1.Dst + (r + 1) * stride));
                row(conv1, r);
            }
            if (slot < 2) Buffer.MemoryCopy(dst, dst + 3 * stride, rowBytes, rowBytes);
        }

        Inner(y0 - 1);
        Inner(y0);
        for (int r = y0; r < y1; r++)
        {
            Inner(r + 1);
            conv2.SrcShift = (nint)(ring.At((r + 2) % 3, -1) - x.At(r - 1, -1));
            row(conv2, r);
        }
    }

    /// <summary>
    /// The last sub-pixel upsampler step and an RGB head in one streamed pass: the high-resolution map
    /// (r²·C channels of src, pixel-shuffled) never exists whole, so it never goes to memory. Each thread
    /// takes a band of src rows; a src row's r output rows go into a small ring of rows, and every output
    /// row whose 3x3 window is complete goes through the head into the planar output [Cout, r·H, r·W].
    /// Same numbers as <see cref="Conv3x3Shuffle"/> followed by <see cref="Conv3x3ToPlanar"/>, bit for bit.
    /// </summary>
    public static void Conv3x3ShuffleToPlanar(PackedMap src, PackedWeights3x3 up, int r, PackedWeightsToPlanar head, Span<float> output)
    {
        CheckInput(src, up.Cin);
        var headRow = HeadRowKernel(src, up.Cout, r, head, output);
        delegate*<Job, int, void> row = Conv3x3RowKernel(src.C);
        int bands = Parallelism.EffectiveThreads == 1 ? 1 : Math.Min(src.H, 2 * Parallelism.Threads);
        fixed (float* o = output)
        {
            var pass = new ShufflePass(src, up, r, up.Cout / (r * r), head, o, bands);
            if (bands == 1) ShuffleBand(pass, 0, row, headRow);
            else Parallelism.For(bands, b => ShuffleBand(pass, b, row, headRow));
        }
    }

    /// <summary>The head's row kernel for an upsampler step of <paramref name="upCout"/> channels at factor r, the shapes checked.</summary>
    private static delegate*<float*, nint, int, PackedWeightsToPlanar, float*, nint, void> HeadRowKernel(PackedMap src, int upCout, int r,
        PackedWeightsToPlanar head, Span<float> output)
    {
        int c = upCout / (r * r);
        if (r < 2 || c * r * r != upCout || c % 16 != 0 || head.Cin != c)
            throw new ArgumentException($"PackedConv: {upCout} upsampler channels at factor {r} do not make the head's {head.Cin} inputs.");
        if (output.Length < (long)head.Cout * src.H * r * src.W * r) throw new ArgumentException("PackedConv: planar output too short.");
        return c switch
        {
            16 => &ToPlanarRow<Ch16>,
            32 => &ToPlanarRow<Ch32>,
            48 => &ToPlanarRow<Ch48>,
            64 => &ToPlanarRow<Ch64>,
            _ => throw new ArgumentException($"PackedConv: a head over {c} channels is not supported."),
        };
    }

    private sealed class ShufflePass(PackedMap src, PackedWeights3x3 up, int r, int c, PackedWeightsToPlanar head, float* output, int bands)
    {
        public readonly PackedMap Src = src;
        public readonly PackedWeights3x3 Up = up;
        public readonly int R = r, C = c, Bands = bands;
        public readonly PackedWeightsToPlanar Head = head;
        public readonly float* Output = output;
    }

    // The ring: output row q lives in slot q mod 2r, and slots [0, r) are mirrored into [2r, 3r), so any
    // three consecutive rows are contiguous from slot (q - 1) mod 2r and the head reads them as a map.
    // A src row's r rows always start at slot 0 or r, so the shuffled store writes them as one block.
    // Called a few times per image, so it is compiled fully optimised at once rather than tiered up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ShuffleBand(ShufflePass p, int band, delegate*<Job, int, void> row,
        delegate*<float*, nint, int, PackedWeightsToPlanar, float*, nint, void> headRow)
    {
        PackedMap src = p.Src;
        int r = p.R, period = 2 * r, outH = src.H * r, outW = src.W * r;
        int y0 = (int)((long)src.H * band / p.Bands), y1 = (int)((long)src.H * (band + 1) / p.Bands);
        var ring = RingMap(1, 3 * r, outW, p.C);
        nint stride = ring.RowStride;
        long rowBytes = stride * sizeof(float);
        float* Slot(int q) => ring.At((q % period + period) % period, -1);
        var job = new Job(src, p.Up.Groups, p.Up.Data, p.Up.Bias, ring, p.Up.Cout, relu: false) { Shuffle = r };
        nint plane = (nint)outH * outW;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Upsample(int sy)   // src row sy -> output rows r·sy .. r·sy + r - 1
        {
            int first = r * sy, slot = first % period;
            job.DstRowOffset = first - slot;
            row(job, sy);
            if (slot == 0) Buffer.MemoryCopy(ring.At(0, -1), ring.At(period, -1), r * rowBytes, r * rowBytes);
        }
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Zero(int q)   // an output row of the zero padding, above or below the image
        {
            int slot = (q % period + period) % period;
            new Span<float>(ring.At(slot, -1), (int)stride).Clear();
            if (slot < r) new Span<float>(ring.At(slot + period, -1), (int)stride).Clear();
        }
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Head(int q) => headRow(Slot(q - 1), stride, outW, p.Head, p.Output + (nint)q * outW, plane);

        if (y0 == 0) Zero(-1); else Upsample(y0 - 1);
        for (int sy = y0; sy < y1; sy++)
        {
            Upsample(sy);
            for (int q = Math.Max(r * sy - 1, 0); q <= r * sy + r - 2; q++) Head(q);   // windows now complete
        }
        if (y1 == src.H)
        {
            Zero(outH);
            Head(outH - 1);
        }
    }

    // This thread's rings: 0 for residual blocks, 1 for the upsampler + head.
    [ThreadStatic] private static PackedMapSlots? t_rings;

    private static PackedMap RingMap(int which, int rows, int w, int c) => (t_rings ??= new PackedMapSlots(2)).Get(which, rows, w, c);
}
