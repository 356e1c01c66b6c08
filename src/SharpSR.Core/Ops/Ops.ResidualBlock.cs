using SharpSR.Core.Autograd;
using SharpSR.Core.Kernels;
using SharpSR.Core.Kernels.Packed;
using SharpSR.Core.Memory;

namespace SharpSR.Core;

public static partial class Ops
{
    /// <summary>
    /// EDSR's residual block as one op: h = act(conv(x, w1, b1)), y = x + conv(h, w2, b2), act ReLU or none.
    /// Same numbers as the ops in sequence; one op so that backward can fuse too:
    /// dz = (conv2ᵀ dy) ⊙ [h &gt; 0] in the transposed convolution's epilogue, dx = conv1ᵀ dz + dy likewise,
    /// dw2, db2 from (h, dy) and dw1, db1 from (x, dz) — no separate mask, add or copy passes.
    /// A batch of several images per thread runs image by image, each image's passes on one core while
    /// its tensors are still in that core's L2; the weight gradients sum per-image partials in image order.
    /// With AVX-512 and 16/32/48/64 channels of 3x3 "same" convolutions the block runs on the packed kernels
    /// (<see cref="PackedResidualBlock"/>): same numbers up to float rounding.
    /// </summary>
    public static Tensor ResidualBlock(Tensor x, Tensor w1, Tensor? b1, Conv2dOptions o1, Tensor w2, Tensor? b2, Conv2dOptions o2, bool relu)
    {
        Conv2dShape s1 = CheckConv2d(x, w1, b1, o1);
        Tensor h = Tensor.Empty(s1.N, s1.K, s1.P, s1.Q);
        Conv2dShape s2 = CheckConv2d(h, w2, b2, o2);
        if (!x.Shape.SequenceEqual([s2.N, s2.K, s2.P, s2.Q]))
            throw new ArgumentException($"ResidualBlock: the body maps {Shapes.Format(x.Shape)} to {Shapes.Format([s2.N, s2.K, s2.P, s2.Q])}; the skip needs equal shapes.");
        if (PackedResidualBlock.Fits(s1, s2))
        {
            TensorArena.Recycle(h);   // the packed path keeps its own, padded h
            return PackedResidualBlock.Run(x, w1, b1, w2, b2, relu, s1, (o1, o2, relu));
        }
        Tensor y = Tensor.Empty(x.ShapeArray);
        var blocks = new ImageBlocks(s1, s2);
        blocks.Run(n =>
        {
            Span<float> xs = blocks.X(x, n), hs = blocks.H(h, n), ys = blocks.X(y, n);
            Conv2dKernels.Forward(xs, w1.Data, b1 is null ? default : b1.Data, blocks.S1, hs, relu, default);
            Conv2dKernels.Forward(hs, w2.Data, b2 is null ? default : b2.Data, blocks.S2, ys, relu: false, residual: xs);
        });

        var result = Backprop.Record(y, "ResidualBlock", BlockInputs(x, w1, b1, w2, b2), dy =>
        {
            Tensor dz = Tensor.Empty(h.ShapeArray);   // the gradient at conv1's output, before its ReLU
            Tensor? dx = x.RequiresGrad ? Tensor.Empty(x.ShapeArray) : null;
            var g1 = new FilterPartials(w1, b1, blocks.Count);
            var g2 = new FilterPartials(w2, b2, blocks.Count);
            blocks.Run(n =>
            {
                Span<float> xs = blocks.X(x, n), hs = blocks.H(h, n), dys = blocks.X(dy, n), dzs = blocks.H(dz, n);
                Conv2dKernels.BackwardData(dys, w2.Data, blocks.S2, dzs, gate: relu ? hs : default, residual: default);
                g2.Compute(n, hs, dys, blocks.S2);
                if (dx is not null) Conv2dKernels.BackwardData(dzs, w1.Data, blocks.S1, blocks.X(dx, n), gate: default, residual: dys);
                g1.Compute(n, xs, dzs, blocks.S1);
            });
            return BlockGradients(dx, g1, b1, g2, b2);
        }, (o1, o2, relu));
        if (result.Node is null) TensorArena.Recycle(h);   // nothing recorded: h is dead
        return result;
    }

    /// <summary>The block's recorded inputs: x, w1, b1, w2, b2 without the absent biases.</summary>
    private static Tensor[] BlockInputs(Tensor x, Tensor w1, Tensor? b1, Tensor w2, Tensor? b2) =>
        (b1, b2) switch
        {
            (null, null) => [x, w1, w2],
            (null, _) => [x, w1, w2, b2],
            (_, null) => [x, w1, b1, w2],
            _ => [x, w1, b1, w2, b2],
        };

    /// <summary>The gradients in <see cref="BlockInputs"/> order, the weight partials summed.</summary>
    private static Tensor?[] BlockGradients(Tensor? dx, FilterPartials g1, Tensor? b1, FilterPartials g2, Tensor? b2)
    {
        var (dw1, db1) = g1.Sum();
        var (dw2, db2) = g2.Sum();
        var grads = new List<Tensor?>(5) { dx, dw1 };
        if (b1 is not null) grads.Add(db1);
        grads.Add(dw2);
        if (b2 is not null) grads.Add(db2);
        return [.. grads];
    }

    /// <summary>Whether a batch of n runs as one image per parallel item: when there are at least two images for every thread.</summary>
    private static bool ImageByImage(int n) => Parallelism.EffectiveThreads > 1 && n >= 2 * Parallelism.Threads;

    /// <summary>How a residual block's batch is split: whole images per item when there are enough for every thread.</summary>
    private readonly struct ImageBlocks
    {
        public readonly Conv2dShape S1, S2;
        public readonly int Count;
        private readonly int _xLen, _hLen;

        public ImageBlocks(Conv2dShape s1, Conv2dShape s2)
        {
            bool perImage = ImageByImage(s1.N);
            Count = perImage ? s1.N : 1;
            S1 = perImage ? s1 with { N = 1 } : s1;
            S2 = perImage ? s2 with { N = 1 } : s2;
            _xLen = S1.C * S1.H * S1.W * S1.N;
            _hLen = S1.K * S1.P * S1.Q * S1.N;
        }

        public Span<float> X(Tensor t, int n) => t.Data.AsSpan(n * _xLen, _xLen);
        public Span<float> H(Tensor t, int n) => t.Data.AsSpan(n * _hLen, _hLen);

        public void Run(Action<int> body)
        {
            if (Count == 1) body(0);
            else Parallelism.For(Count, body);
        }
    }

    /// <summary>Per-block weight and bias gradients of one convolution, summed in block order at the end.</summary>
    private sealed class FilterPartials
    {
        private readonly Tensor _weight;
        private readonly Tensor? _bias;
        private readonly Tensor? _parts;
        private readonly int _wLen, _stride;

        public FilterPartials(Tensor weight, Tensor? bias, int blocks)
        {
            _weight = weight;
            _bias = bias is { RequiresGrad: true } ? bias : null;
            _wLen = weight.RequiresGrad ? weight.Length : 0;
            _stride = _wLen + (_bias?.Length ?? 0);
            _parts = _stride == 0 ? null : Tensor.Empty(blocks, _stride);
        }

        /// <summary>The partials from packed maps (<see cref="PackedResidualBlock"/>).</summary>
        public unsafe void Compute(int block, PackedMap x, PackedMap dy)
        {
            if (_parts is null) return;
            var part = _parts.Data.AsSpan(block * _stride, _stride);
            Span<float> db = _bias is null ? default : part[_wLen..];
            if (_wLen > 0)
            {
                PackedConv.FilterGradient3x3(x, dy, part[.._wLen], db);
                return;
            }
            db.Clear();
            for (int y = 0; y < dy.H; y++)
            {
                float* row = dy.At(y, 0);
                for (int i = 0; i < dy.W * dy.C; i++) db[i % dy.C] += row[i];
            }
        }

        public void Compute(int block, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, in Conv2dShape s)
        {
            if (_parts is null) return;
            var part = _parts.Data.AsSpan(block * _stride, _stride);
            Span<float> db = _bias is null ? default : part[_wLen..];
            if (_wLen > 0) Conv2dKernels.BackwardFilter(x, dy, s, part[.._wLen], db);
            else Conv2dKernels.BackwardBias(dy, s, db);
        }

        public (Tensor? Dw, Tensor? Db) Sum()
        {
            if (_parts is null) return (null, null);
            int blocks = _parts.Dim(0);
            var total = _parts.Data.AsSpan(0, _stride);
            for (int b = 1; b < blocks; b++)
                System.Numerics.Tensors.TensorPrimitives.Add(total, _parts.Data.AsSpan(b * _stride, _stride), total);
            Tensor? dw = null, db = null;
            if (_wLen > 0)
            {
                dw = Tensor.Empty(_weight.ShapeArray);
                total[.._wLen].CopyTo(dw.Data);
            }
            if (_bias is not null)
            {
                db = Tensor.Empty(_bias.ShapeArray);
                total[_wLen..].CopyTo(db.Data);
            }
            return (dw, db);
        }
    }

    /// <summary>
    /// The residual block on the packed (padded NHWC) kernels. Per image: x is copied into a packed map,
    /// conv1 (+ReLU) writes h, conv2 adds x in its epilogue, y is copied out. h stays packed (border and
    /// all) in this op's saved tensor, whose layout no other op sees. Backward, per image: dz = conv2ᵀ dy
    /// gated by h &gt; 0, dx = conv1ᵀ dz + dy, both as forward convolutions with transposed weights, and
    /// the weight gradients from (h, dy) and (x, dz) by the packed filter-gradient kernel.
    /// </summary>
    private static unsafe class PackedResidualBlock
    {
        public static bool Fits(in Conv2dShape s1, in Conv2dShape s2) =>
            PackedConv.IsSupported && s1.C == s1.K && s1.C % 16 == 0 && PackedConv.SupportsInputChannels(s1.C)
            && SameConv3x3(s1) && SameConv3x3(s2);

        private static bool SameConv3x3(in Conv2dShape s) =>
            s.R == 3 && s.S == 3 && s.StrideH == 1 && s.StrideW == 1 && s.PadT == 1 && s.PadL == 1
            && s.DilH == 1 && s.DilW == 1 && s.Groups == 1 && s.P == s.H && s.Q == s.W;

        // Packed weights per calling thread, repacked on every call (they change every step); the workers
        // of the call only read them. Slots: forward conv1, conv2; transposed conv1, conv2.
        [ThreadStatic] private static PackedWeights3x3?[]? t_weights;

        // Per thread (callers and workers): the packed maps of one image (x, y / dy, dz, dx and x).
        [ThreadStatic] private static PackedMapSlots? t_scratch;

        private static PackedWeights3x3 Weights(int slot, Tensor w, Tensor? b, int c, bool transposed)
        {
            var cache = t_weights ??= new PackedWeights3x3?[4];
            var packed = cache[slot];
            if (packed is null || packed.Cin != c)
                packed = cache[slot] = transposed ? PackedWeights3x3.Transposed(w.Data, c, c) : new PackedWeights3x3(w.Data, b is null ? default : b.Data, c, c);
            else packed.Repack(w.Data, transposed || b is null ? default : b.Data, transposed);
            return packed;
        }

        public static Tensor Run(Tensor x, Tensor w1, Tensor? b1, Tensor w2, Tensor? b2, bool relu, Conv2dShape s, object attributes)
        {
            int n = s.N, c = s.C, height = s.H, width = s.W, plane = c * height * width;
            int mapLength = checked((int)PackedMap.LengthFor(height, width, c));
            Tensor h = Tensor.Empty(n, mapLength);
            Tensor y = Tensor.Empty(x.ShapeArray);
            PackedWeights3x3 p1 = Weights(0, w1, b1, c, false), p2 = Weights(1, w2, b2, c, false);
            ForImages(n, i =>
            {
                var scratch = t_scratch ??= new PackedMapSlots(3);
                fixed (float* hp = h.Data)
                {
                    PackedMap xm = scratch.Get(0, height, width, c), ym = scratch.Get(1, height, width, c);
                    var hm = new PackedMap(hp + (nint)i * mapLength, height, width, c);
                    hm.ClearBorder();
                    xm.CopyFromPlanar(x.Data.AsSpan(i * plane, plane));
                    PackedConv.Conv3x3(xm, p1, hm, relu);
                    PackedConv.Conv3x3(hm, p2, ym, residual: xm);
                    ym.CopyToPlanar(y.Data.AsSpan(i * plane, plane));
                }
            });

            var result = Backprop.Record(y, "ResidualBlock", BlockInputs(x, w1, b1, w2, b2), dy =>
            {
                Tensor? dx = x.RequiresGrad ? Tensor.Empty(x.ShapeArray) : null;
                var g1 = new FilterPartials(w1, b1, n);
                var g2 = new FilterPartials(w2, b2, n);
                PackedWeights3x3 t1 = Weights(2, w1, null, c, true), t2 = Weights(3, w2, null, c, true);
                ForImages(n, i =>
                {
                    var scratch = t_scratch ??= new PackedMapSlots(3);
                    fixed (float* hp = h.Data)
                    {
                        PackedMap dym = scratch.Get(0, height, width, c), dzm = scratch.Get(1, height, width, c), xm = scratch.Get(2, height, width, c);
                        var hm = new PackedMap(hp + (nint)i * mapLength, height, width, c);
                        dym.CopyFromPlanar(dy.Data.AsSpan(i * plane, plane));
                        PackedConv.Conv3x3(dym, t2, dzm, gate: relu ? hm : null);
                        g2.Compute(i, hm, dym);
                        if (dx is not null)
                        {
                            PackedConv.Conv3x3(dzm, t1, xm, residual: dym);
                            xm.CopyToPlanar(dx.Data.AsSpan(i * plane, plane));
                        }
                        xm.CopyFromPlanar(x.Data.AsSpan(i * plane, plane));
                        g1.Compute(i, xm, dzm);
                    }
                });
                return BlockGradients(dx, g1, b1, g2, b2);
            }, attributes);
            if (result.Node is null) TensorArena.Recycle(h);   // nothing recorded: h is dead
            return result;
        }

        /// <summary>
        /// Image by image: over the workers when there are images for every thread (each image's maps stay in
        /// its core's L2), else in order with each convolution split over rows.
        /// </summary>
        private static void ForImages(int n, Action<int> body)
        {
            if (ImageByImage(n)) Parallelism.For(n, body);
            else for (int i = 0; i < n; i++) body(i);
        }
    }
}
