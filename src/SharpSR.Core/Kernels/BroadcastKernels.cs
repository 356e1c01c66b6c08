using System.Numerics.Tensors;

namespace SharpSR.Core.Kernels;

internal enum BinaryOp { Add, Sub, Mul }

/// <summary>
/// Numpy-style broadcasting (shapes right-aligned, a size-1 dimension stretches). The shapes are first
/// coalesced: dimensions of size 1 in the output are dropped and neighbours that broadcast the same way on
/// both sides are merged, so [N,C,H,W] ⊕ [1,C,1,1] becomes rows of H·W against one scalar each, and equal
/// shapes become a single row. Each row then is one <see cref="TensorPrimitives"/> call.
/// </summary>
internal sealed class BroadcastPlan
{
    private readonly int[] _outer;      // coalesced leading dimensions of the output (the row grid)
    private readonly int[] _aStride;    // element strides of a over the row grid (0 where a broadcasts)
    private readonly int[] _bStride;

    private BroadcastPlan(int[] outer, int[] aStride, int[] bStride, int rowLength, bool aRow, bool bRow)
    {
        _outer = outer; _aStride = aStride; _bStride = bStride;
        RowLength = rowLength; ARowIsVector = aRow; BRowIsVector = bRow;
        long rows = 1;
        foreach (int d in outer) rows *= d;
        Rows = (int)rows;
    }

    public int Rows { get; }
    public int RowLength { get; }
    /// <summary>True when a varies along a row (stride 1); false when one a value covers the row.</summary>
    public bool ARowIsVector { get; }
    public bool BRowIsVector { get; }

    /// <summary>The broadcast shape of a and b, or null when they are incompatible.</summary>
    public static int[]? OutputShape(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var shape = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1) return null;
            shape[i] = da == 1 ? db : da;
        }
        return shape;
    }

    /// <summary>Plan for reading a and b (each broadcastable to <paramref name="output"/>) along the output.</summary>
    public static BroadcastPlan Create(ReadOnlySpan<int> output, ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int rank = output.Length;
        var dims = new List<(int Size, bool AFull, bool BFull)>();
        for (int i = 0; i < rank; i++)
        {
            if (output[i] == 1) continue;
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            bool af = da == output[i], bf = db == output[i];
            if (dims.Count > 0 && dims[^1].AFull == af && dims[^1].BFull == bf)
                dims[^1] = (dims[^1].Size * output[i], af, bf);
            else
                dims.Add((output[i], af, bf));
        }
        if (dims.Count == 0) dims.Add((1, true, true));

        int k = dims.Count - 1;
        var outer = new int[k];
        var aStride = new int[k];
        var bStride = new int[k];
        int sa = dims[k].AFull ? dims[k].Size : 1, sb = dims[k].BFull ? dims[k].Size : 1;
        for (int i = k - 1; i >= 0; i--)
        {
            outer[i] = dims[i].Size;
            aStride[i] = dims[i].AFull ? sa : 0;
            bStride[i] = dims[i].BFull ? sb : 0;
            if (dims[i].AFull) sa *= dims[i].Size;
            if (dims[i].BFull) sb *= dims[i].Size;
        }
        return new BroadcastPlan(outer, aStride, bStride, dims[k].Size, dims[k].AFull, dims[k].BFull);
    }

    /// <summary>Offsets of a and b at the start of each row, in row order.</summary>
    private void RowOffsets(Span<int> aOff, Span<int> bOff)
    {
        var idx = new int[_outer.Length];
        int oa = 0, ob = 0;
        for (int r = 0; r < Rows; r++)
        {
            aOff[r] = oa; bOff[r] = ob;
            for (int d = _outer.Length - 1; d >= 0; d--)   // odometer step
            {
                oa += _aStride[d]; ob += _bStride[d];
                if (++idx[d] < _outer[d]) break;
                oa -= _aStride[d] * _outer[d]; ob -= _bStride[d] * _outer[d];
                idx[d] = 0;
            }
        }
    }

    /// <summary>y = a ⊕ b over the output shape.</summary>
    public void Forward(BinaryOp op, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        if (Rows == 0 || RowLength == 0) return;
        int n = RowLength;
        if (Rows == 1)
        {
            RowOp(op, a, b, y[..n], ARowIsVector, BRowIsVector);
            return;
        }
        int[] aOff = new int[Rows], bOff = new int[Rows];
        RowOffsets(aOff, bOff);
        for (int r = 0; r < Rows; r++)
        {
            var ar = ARowIsVector ? a.Slice(aOff[r], n) : a.Slice(aOff[r], 1);
            var br = BRowIsVector ? b.Slice(bOff[r], n) : b.Slice(bOff[r], 1);
            RowOp(op, ar, br, y.Slice(r * n, n), ARowIsVector, BRowIsVector);
        }
    }

    private static void RowOp(BinaryOp op, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y, bool av, bool bv)
    {
        switch (op)
        {
            case BinaryOp.Add:
                if (av && bv) TensorPrimitives.Add(a, b, y);
                else if (av) TensorPrimitives.Add(a, b[0], y);
                else TensorPrimitives.Add(b, a[0], y);
                break;
            case BinaryOp.Sub:
                if (av && bv) TensorPrimitives.Subtract(a, b, y);
                else if (av) TensorPrimitives.Subtract(a, b[0], y);
                else TensorPrimitives.Subtract(a[0], b, y);
                break;
            default:
                if (av && bv) TensorPrimitives.Multiply(a, b, y);
                else if (av) TensorPrimitives.Multiply(a, b[0], y);
                else TensorPrimitives.Multiply(b, a[0], y);
                break;
        }
    }

    /// <summary>
    /// target += g summed over the dimensions where "a" broadcasts; the plan must have been made for
    /// (output, targetShape, output). This is the backward of broadcasting.
    /// </summary>
    public void ReduceInto(ReadOnlySpan<float> g, Span<float> target)
    {
        if (Rows == 0 || RowLength == 0) return;
        int n = RowLength;
        int[] aOff = new int[Rows], bOff = new int[Rows];
        RowOffsets(aOff, bOff);
        for (int r = 0; r < Rows; r++)
        {
            var gr = g.Slice(r * n, n);
            if (ARowIsVector)
            {
                var t = target.Slice(aOff[r], n);
                TensorPrimitives.Add(t, gr, t);
            }
            else
            {
                target[aOff[r]] += TensorPrimitives.Sum(gr);
            }
        }
    }
}
