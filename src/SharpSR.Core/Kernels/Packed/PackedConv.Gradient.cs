using System.Runtime.Intrinsics;

namespace SharpSR.Core.Kernels.Packed;

public static unsafe partial class PackedConv
{
    /// <summary>
    /// The weight and bias gradients of a 3x3, stride-1, zero-padded convolution from its input x and output
    /// gradient dy: dw[Cout, Cin, 3, 3] (PyTorch's layout) and db[Cout] (empty: not wanted). Overwrites them.
    /// The data gradient needs no kernel of its own: it is <see cref="Conv3x3"/> of dy with
    /// <see cref="PackedWeights3x3"/> packed transposed, and a ReLU's backward is its gate.
    /// </summary>
    public static void FilterGradient3x3(PackedMap x, PackedMap dy, Span<float> dw, Span<float> db)
    {
        if (!IsSupported) throw new PlatformNotSupportedException("PackedConv needs AVX-512.");
        if (x.H != dy.H || x.W != dy.W) throw new ArgumentException($"PackedConv: input {x.H}x{x.W} and gradient {dy.H}x{dy.W} differ in size.");
        if (x.C % 16 != 0 || !SupportsInputChannels(x.C) || dy.C % 16 != 0)
            throw new ArgumentException($"PackedConv: weight gradient for {x.C} -> {dy.C} channels is not supported (multiples of 16).");
        if (dw.Length != dy.C * x.C * 9) throw new ArgumentException($"PackedConv: weight gradient needs {dy.C * x.C * 9} floats, got {dw.Length}.");
        if (!db.IsEmpty && db.Length != dy.C) throw new ArgumentException($"PackedConv: bias gradient needs {dy.C} floats, got {db.Length}.");
        fixed (float* w = dw, b = db)
        {
            var job = new GradientJob(x, dy, w, b);
            delegate*<GradientJob, int, void> pass = x.C switch
            {
                16 => &FilterGradientPass<Ch16>,
                32 => &FilterGradientPass<Ch32>,
                48 => &FilterGradientPass<Ch48>,
                _ => &FilterGradientPass<Ch64>,
            };
            if (Parallelism.EffectiveThreads == 1) { for (int i = 0; i < job.Passes; i++) pass(job, i); }
            else Parallelism.For(job.Passes, i => pass(job, i));
        }
    }

    private sealed class GradientJob(PackedMap x, PackedMap dy, float* dw, float* db)
    {
        public readonly PackedMap X = x, Dy = dy;
        public readonly float* Dw = dw, Db = db;

        /// <summary>One pass per (output block, kernel row, group of 8 input channels): 24 weights x 16 lanes each.</summary>
        public int Passes => Dy.C / 16 * 3 * (X.C / 8);
    }

    // A pass sums over every output pixel of the map, so each weight gradient is one register's running
    // sum in pixel order; the bias gradient comes out of the first pass of each output block.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void FilterGradientPass<TC>(GradientJob j, int pass) where TC : struct, IChannels
    {
        int cin = TC.Count, cout = j.Dy.C, chunks = cin / 8;
        int block = pass / (3 * chunks), ky = pass / chunks % 3, ci0 = pass % chunks * 8;
        Vector512<float>* acc = stackalloc Vector512<float>[25];
        for (int i = 0; i < 25; i++) acc[i] = Vector512<float>.Zero;
        for (int y = 0; y < j.X.H; y++)
            PackedTiles.FilterGrad3x3_C8<TC>(j.X.At(y - 1 + ky, -1) + ci0, j.Dy.At(y, 0) + block * 16, cout, j.X.W, acc);
        float* lanes = (float*)acc;
        for (int c = 0; c < 8; c++)
            for (int kx = 0; kx < 3; kx++)
                for (int lane = 0; lane < 16; lane++)
                    j.Dw[(((nint)(block * 16 + lane) * cin + ci0 + c) * 3 + ky) * 3 + kx] = lanes[(c * 3 + kx) * 16 + lane];
        if (j.Db != null && ky == 0 && ci0 == 0)
            for (int lane = 0; lane < 16; lane++) j.Db[block * 16 + lane] = lanes[24 * 16 + lane];
    }
}
