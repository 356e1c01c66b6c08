using SharpSR.Core.Autograd;
using SharpSR.Core.Kernels;
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
    /// </summary>
    public static Tensor ResidualBlock(Tensor x, Tensor w1, Tensor? b1, Conv2dOptions o1, Tensor w2, Tensor? b2, Conv2dOptions o2, bool relu)
    {
        Conv2dShape s1 = CheckConv2d(x, w1, b1, o1);
        Tensor h = Tensor.Empty(s1.N, s1.K, s1.P, s1.Q);
        Conv2dShape s2 = CheckConv2d(h, w2, b2, o2);
        if (!x.Shape.SequenceEqual([s2.N, s2.K, s2.P, s2.Q]))
            throw new ArgumentException($"ResidualBlock: the body maps {Shapes.Format(x.Shape)} to {Shapes.Format([s2.N, s2.K, s2.P, s2.Q])}; the skip needs equal shapes.");
        Tensor y = Tensor.Empty(x.ShapeArray);
        var blocks = new ImageBlocks(s1, s2);
        blocks.Run(n =>
        {
            Span<float> xs = blocks.X(x, n), hs = blocks.H(h, n), ys = blocks.X(y, n);
            Conv2dKernels.Forward(xs, w1.Data, b1 is null ? default : b1.Data, blocks.S1, hs, relu, default);
            Conv2dKernels.Forward(hs, w2.Data, b2 is null ? default : b2.Data, blocks.S2, ys, relu: false, residual: xs);
        });

        var inputs = new List<Tensor>(5) { x, w1 };
        if (b1 is not null) inputs.Add(b1);
        inputs.Add(w2);
        if (b2 is not null) inputs.Add(b2);
        var result = Backprop.Record(y, "ResidualBlock", [.. inputs], dy =>
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
            var (dw1, db1) = g1.Sum();
            var (dw2, db2) = g2.Sum();
            var grads = new List<Tensor?>(5) { dx, dw1 };
            if (b1 is not null) grads.Add(db1);
            grads.Add(dw2);
            if (b2 is not null) grads.Add(db2);
            return [.. grads];
        }, (o1, o2, relu));
        if (result.Node is null) TensorArena.Recycle(h);   // nothing recorded: h is dead
        return result;
    }

    /// <summary>How a residual block's batch is split: whole images per item when there are enough for every thread.</summary>
    private readonly struct ImageBlocks
    {
        public readonly Conv2dShape S1, S2;
        public readonly int Count;
        private readonly int _xLen, _hLen;

        public ImageBlocks(Conv2dShape s1, Conv2dShape s2)
        {
            bool perImage = Parallelism.EffectiveThreads > 1 && s1.N >= 2 * Parallelism.Threads;
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
}
