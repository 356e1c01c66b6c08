using System.Numerics.Tensors;
using SharpSR.Core.Autograd;
using SharpSR.Core.Kernels;

namespace SharpSR.Core;

public static partial class Ops
{
    /// <summary>
    /// Matrix product: [M,K]·[K,N] → [M,N], or batched [B,M,K]·[B,K,N] → [B,M,N] where either batch may be 1
    /// and is then shared by every batch. Backward: dA = dY·Bᵀ, dB = Aᵀ·dY (summed over a shared batch).
    /// </summary>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        if (!((a.Rank == 2 && b.Rank == 2) || (a.Rank == 3 && b.Rank == 3)))
            throw new ArgumentException($"MatMul: expected [M,K]·[K,N] or [B,M,K]·[B,K,N], got {Shapes.Format(a.Shape)} and {Shapes.Format(b.Shape)}.");
        bool batched = a.Rank == 3;
        int ba = batched ? a.Dim(0) : 1, bb = batched ? b.Dim(0) : 1;
        int m = a.Dim(-2), k = a.Dim(-1), n = b.Dim(-1);
        if (b.Dim(-2) != k || (ba != bb && ba != 1 && bb != 1))
            throw new ArgumentException($"MatMul: shapes {Shapes.Format(a.Shape)} and {Shapes.Format(b.Shape)} do not multiply " +
                                        "(inner sizes must match; batch sizes must match or be 1).");
        int batch = Math.Max(ba, bb);
        int aStride = ba == 1 ? 0 : m * k, bStride = bb == 1 ? 0 : k * n;
        var y = batched ? Tensor.Empty(batch, m, n) : Tensor.Empty(m, n);
        float[] ad = a.Data, bd = b.Data, yd = y.Data;

        // y[i,:] = Σ_k a[i,k] · b[k,:], one output row per task (rows of B stream through the vector unit).
        Parallelism.For(batch * m, (long)batch * m * n * Math.Max(k, 1), row =>
        {
            int bi = row / m, i = row % m;
            var yr = yd.AsSpan(row * n, n);
            yr.Clear();
            int aOff = bi * aStride + i * k, bOff = bi * bStride;
            for (int p = 0; p < k; p++)
                TensorPrimitives.MultiplyAdd(bd.AsSpan(bOff + p * n, n), ad[aOff + p], yr, yr);
        });

        return Backprop.Record(y, "MatMul", [a, b], dy =>
        {
            float[] gd = dy.Data;
            Tensor? da = null, db = null;
            if (a.RequiresGrad)
            {
                // dA[i,p] = dY[i,:] · B[p,:]; a shared A sums over the batch.
                da = Tensor.ZerosLike(a);
                float[] dad = da.Data;
                Parallelism.For(m, (long)batch * m * n * k, i =>
                {
                    for (int bi = 0; bi < batch; bi++)
                    {
                        var g = gd.AsSpan((bi * m + i) * n, n);
                        int aOff = bi * aStride + i * k, bOff = bi * bStride;
                        for (int p = 0; p < k; p++) dad[aOff + p] += TensorPrimitives.Dot(g, bd.AsSpan(bOff + p * n, n));
                    }
                });
            }
            if (b.RequiresGrad)
            {
                // dB[p,:] = Σ_i A[i,p] · dY[i,:]; a shared B sums over the batch.
                db = Tensor.ZerosLike(b);
                float[] dbd = db.Data;
                Parallelism.For(k, (long)batch * m * n * k, p =>
                {
                    for (int bi = 0; bi < batch; bi++)
                    {
                        var dr = dbd.AsSpan(bi * bStride + p * n, n);
                        int aOff = bi * aStride;
                        for (int i = 0; i < m; i++)
                            TensorPrimitives.MultiplyAdd(gd.AsSpan((bi * m + i) * n, n), ad[aOff + i * k + p], dr, dr);
                    }
                });
            }
            return [da, db];
        });
    }
}
