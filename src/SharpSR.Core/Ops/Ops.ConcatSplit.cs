using SharpSR.Core.Autograd;
using SharpSR.Core.Kernels;

namespace SharpSR.Core;

/// <summary>The axis of a concat, for the ONNX tracer.</summary>
public sealed record ConcatAttributes(int Axis);

/// <summary>One output of a split: its axis, the sizes of all parts and which part it is.</summary>
public sealed record SplitAttributes(int Axis, int[] Sizes, int Index);

public static partial class Ops
{
    /// <summary>
    /// Joins tensors along <paramref name="axis"/>; all other dimensions must agree. Viewed as
    /// [outer, L_k, inner], each part contributes one contiguous run of L_k·inner per outer index.
    /// Backward: dy split back into the parts.
    /// </summary>
    public static Tensor Concat(IReadOnlyList<Tensor> xs, int axis = 1)
    {
        ArgumentNullException.ThrowIfNull(xs);
        if (xs.Count == 0) throw new ArgumentException("Concat: needs at least one tensor.");
        Tensor first = xs[0];
        int ax = Shapes.Axis(axis, first.Rank, "Concat");
        int total = 0;
        foreach (var t in xs)
        {
            bool ok = t.Rank == first.Rank;
            for (int d = 0; ok && d < t.Rank; d++) ok = d == ax || t.Shape[d] == first.Shape[d];
            if (!ok)
                throw new ArgumentException($"Concat: shapes {string.Join(", ", xs.Select(u => Shapes.Format(u.Shape)))} differ outside axis {ax}.");
            total += t.Shape[ax];
        }
        int[] shape = first.ShapeArray;
        shape[ax] = total;
        var y = Tensor.Empty(shape);
        var (outer, _, inner) = AxisView(shape, ax);
        int[] sizes = xs.Select(t => t.Shape[ax]).ToArray();
        float[][] parts = xs.Select(t => t.Data).ToArray();
        CopyParts(parts, sizes, inner, outer, y.Data, toParts: false);

        Tensor[] inputs = [.. xs];
        return Backprop.Record(y, "Concat", inputs, dy =>
        {
            var grads = inputs.Select(t => t.RequiresGrad ? Tensor.EmptyLike(t) : null).ToArray();
            float[]?[] targets = grads.Select(g => g?.Data).ToArray();
            CopyParts(targets, sizes, inner, outer, dy.Data, toParts: true);
            return grads;
        }, new ConcatAttributes(ax));
    }

    /// <summary>
    /// Cuts <paramref name="x"/> along <paramref name="axis"/> into parts of the given sizes (they must sum
    /// to the axis length). Backward of part k: its gradient placed in slice k of a zero tensor.
    /// </summary>
    public static Tensor[] Split(Tensor x, int[] sizes, int axis = 1)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        int ax = Shapes.Axis(axis, x.Rank, "Split");
        if (sizes.Length == 0 || sizes.Any(s => s < 0) || sizes.Sum() != x.Shape[ax])
            throw new ArgumentException($"Split: sizes [{string.Join(", ", sizes)}] must be non-negative and sum to {x.Shape[ax]}, dimension {ax} of {Shapes.Format(x.Shape)}.");
        var (outer, len, inner) = AxisView(x.Shape, ax);
        var outs = new Tensor[sizes.Length];
        float[][] parts = new float[sizes.Length][];
        for (int k = 0; k < sizes.Length; k++)
        {
            int[] shape = x.ShapeArray;
            shape[ax] = sizes[k];
            outs[k] = Tensor.Empty(shape);
            parts[k] = outs[k].Data;
        }
        CopyParts(parts, sizes, inner, outer, x.Data, toParts: true);

        int start = 0;
        int[] sizesCopy = (int[])sizes.Clone();
        for (int k = 0; k < sizes.Length; k++)
        {
            int offset = start, size = sizes[k];
            start += size;
            outs[k] = Backprop.Record(outs[k], "Split", [x], dy =>
            {
                var dx = Tensor.ZerosLike(x);
                for (int o = 0; o < outer; o++)
                    Array.Copy(dy.Data, o * size * inner, dx.Data, (o * len + offset) * inner, size * inner);
                return [dx];
            }, new SplitAttributes(ax, sizesCopy, k));
        }
        return outs;
    }

    /// <summary>
    /// Moves data between the parts ([outer, sizes[k], inner] each) and the whole ([outer, Σsizes, inner]),
    /// in the direction given by <paramref name="toParts"/>; null parts are skipped.
    /// </summary>
    private static void CopyParts(float[]?[] parts, int[] sizes, int inner, int outer, float[] whole, bool toParts)
    {
        int total = sizes.Sum();
        var start = new int[sizes.Length];
        for (int k = 1; k < sizes.Length; k++) start[k] = start[k - 1] + sizes[k - 1];
        // One task per (outer index, part): each is a single contiguous copy of sizes[k]·inner floats.
        Parallelism.For(outer * parts.Length, whole.LongLength, q =>
        {
            int o = q / parts.Length, k = q % parts.Length;
            if (parts[k] is not { } p) return;
            int run = sizes[k] * inner, pos = (o * total + start[k]) * inner;
            if (toParts) Array.Copy(whole, pos, p, o * run, run);
            else Array.Copy(p, o * run, whole, pos, run);
        });
    }
}
