using System.Numerics.Tensors;
using SharpSR.Core.Autograd;
using SharpSR.Core.Kernels;

namespace SharpSR.Core;

public static partial class Ops
{
    /// <summary>Query rows handed to one parallel item (each needs one scratch row of S floats).</summary>
    private const int AttentionRowsPerItem = 256;

    /// <summary>
    /// Attention with one-channel queries, keys and values (ANRB's non-local step): for q [N, L], k and v [N, S],
    /// ctx[n, i] = Σ_j softmax_j(q_i·k_j)·v_j. The affinity q_i·k_j is rebuilt one query row at a time, so memory
    /// is O(L + S) however many positions attend (S = L = 57,600 for a 320x180 map); row i's max is exact without
    /// a pass, q_i·max k or q_i·min k by the sign of q_i. Backward recomputes each row from its saved log-sum:
    /// with p_ij the softmax and w_ij = p_ij (v_j − ctx_i), dq_i = dctx_i Σ_j w_ij k_j, dk_j = Σ_i dctx_i q_i w_ij,
    /// dv_j = Σ_i dctx_i p_ij.
    /// </summary>
    public static Tensor ScalarAttention(Tensor q, Tensor k, Tensor v)
    {
        if (q.Rank != 2 || k.Rank != 2 || !k.SameShape(v) || q.Dim(0) != k.Dim(0) || k.Dim(1) < 1)
            throw new ArgumentException($"ScalarAttention: queries {Shapes.Format(q.Shape)}, keys {Shapes.Format(k.Shape)}, values {Shapes.Format(v.Shape)}; expected [N, L], [N, S], [N, S] with S ≥ 1.");
        int n = q.Dim(0), len = q.Dim(1), s = k.Dim(1);
        var ctx = Tensor.Empty(n, len);
        var logSum = new float[n * len];
        int items = (len + AttentionRowsPerItem - 1) / AttentionRowsPerItem;
        float[] qd = q.Data, kd = k.Data, vd = v.Data;
        Parallelism.For(n * items, (long)n * len * s, item =>
        {
            int b = item / items, i0 = item % items * AttentionRowsPerItem, i1 = Math.Min(len, i0 + AttentionRowsPerItem);
            var keys = kd.AsSpan(b * s, s);
            var values = vd.AsSpan(b * s, s);
            float kMax = TensorPrimitives.Max(keys), kMin = TensorPrimitives.Min(keys);
            var e = new float[s];
            for (int i = i0; i < i1; i++)
            {
                float qi = qd[b * len + i];
                float max = qi * (qi >= 0 ? kMax : kMin);
                TensorPrimitives.Multiply(keys, qi, e);
                TensorPrimitives.Add(e, -max, e);
                TensorPrimitives.Exp(e, e);
                float z = TensorPrimitives.Sum(e);
                ctx.Data[b * len + i] = TensorPrimitives.Dot(e, values) / z;
                logSum[b * len + i] = max + MathF.Log(z);
            }
        });
        return Backprop.Record(ctx, "ScalarAttention", [q, k, v], dctx =>
        {
            var dq = Tensor.Empty(n, len);
            var dk = Tensor.Zeros(n, s);
            var dv = Tensor.Zeros(n, s);
            // Each item sums its rows' dk and dv apart; the items are added in order, so results do not depend on timing.
            var partialK = new float[n * items][];
            var partialV = new float[n * items][];
            Parallelism.For(n * items, (long)n * len * s, item =>
            {
                int b = item / items, i0 = item % items * AttentionRowsPerItem, i1 = Math.Min(len, i0 + AttentionRowsPerItem);
                var keys = kd.AsSpan(b * s, s);
                var values = vd.AsSpan(b * s, s);
                var p = new float[s];
                var w = new float[s];
                var accK = partialK[item] = new float[s];
                var accV = partialV[item] = new float[s];
                for (int i = i0; i < i1; i++)
                {
                    int at = b * len + i;
                    float qi = qd[at], g = dctx.Data[at];
                    TensorPrimitives.Multiply(keys, qi, p);
                    TensorPrimitives.Add(p, -logSum[at], p);
                    TensorPrimitives.Exp(p, p);
                    TensorPrimitives.Subtract(values, ctx.Data[at], w);
                    TensorPrimitives.Multiply(w, p, w);
                    dq.Data[at] = g * TensorPrimitives.Dot(w, keys);
                    TensorPrimitives.MultiplyAdd(w, g * qi, accK, accK);
                    TensorPrimitives.MultiplyAdd(p, g, accV, accV);
                }
            });
            for (int item = 0; item < n * items; item++)
            {
                int b = item / items;
                TensorPrimitives.Add(dk.Data.AsSpan(b * s, s), partialK[item], dk.Data.AsSpan(b * s, s));
                TensorPrimitives.Add(dv.Data.AsSpan(b * s, s), partialV[item], dv.Data.AsSpan(b * s, s));
            }
            return [dq, dk, dv];
        });
    }
}
