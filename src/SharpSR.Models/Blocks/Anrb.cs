using SharpSR.Core;
using SharpSR.Core.Nn;

namespace SharpSR.Models.Blocks;

/// <summary>
/// Lightweight asymmetric residual non-local block (URNet's ANRB, ARCHITECTURES.md §2.2), C channels,
/// 5C + 3 parameters:
/// <code>
/// q = f_query 1x1 C->1 (x)                       # one scalar per position, HW of them
/// k = Pool_S(f_key 1x1 C->1 (x))                 # adaptive average pools of the given sizes, flattened, joined
/// v = Pool_S(f_value 1x1 C->1 (x))
/// ctx_i = Σ_j softmax_j(q_i · k_j) · v_j           # scale factor 1 (one-channel keys)
/// y = W 1x1 1->C (ctx) + x                       # W starts at zero, so a fresh block is the identity
/// </code>
/// Pool sizes (1, 3, 6, 8) give URNet's S = 110; (1, 2, 3, 6) is ANN's S = 50; an empty list samples every
/// position (S = H·W, the full one-channel non-local block). The softmax is taken over blocks of query rows,
/// so the affinity matrix is never held whole (57,600² entries for a 320x180 input at S = H·W).
/// Keys f_query, f_key, f_value, W.
/// </summary>
public sealed class Anrb : Module
{
    /// <summary>URNet's pyramid: 1 + 9 + 36 + 64 = 110 sampled points.</summary>
    public static readonly IReadOnlyList<int> UrNetPoolSizes = [1, 3, 6, 8];

    /// <summary>Affinity entries computed at a time (per batch item); bounds the block's working memory.</summary>
    private const int ChunkElements = 1 << 22;

    private readonly Conv2d _query, _key, _value, _w;

    /// <param name="channels">C.</param>
    /// <param name="poolSizes">Output sides of the adaptive pools that sample keys and values; null means
    /// <see cref="UrNetPoolSizes"/>, empty means every position.</param>
    public Anrb(int channels, IReadOnlyList<int>? poolSizes = null)
    {
        poolSizes ??= UrNetPoolSizes;
        if (poolSizes.Any(s => s < 1)) throw new ArgumentException($"ANRB: pool sizes ({string.Join(", ", poolSizes)}) must be positive.");
        PoolSizes = [.. poolSizes];
        Channels = channels;
        _query = Register("f_query", new Conv2d(channels, 1, 1));
        _key = Register("f_key", new Conv2d(channels, 1, 1));
        _value = Register("f_value", new Conv2d(channels, 1, 1));
        _w = Register("W", new Conv2d(1, channels, 1));
        _w.Weight.Fill(0);
        _w.Bias!.Fill(0);
    }

    public int Channels { get; }
    public IReadOnlyList<int> PoolSizes { get; }

    /// <summary>Keys/values per image: Σ size², or null when every position is sampled (S = H·W).</summary>
    public int? SampledPoints => PoolSizes.Count == 0 ? null : PoolSizes.Sum(s => s * s);

    public override Tensor Forward(Tensor x)
    {
        Shapes.RequireNchw(x, "ANRB");
        int n = x.N, h = x.H, w = x.W, hw = h * w;
        Tensor q = _query.Forward(x).Reshape(n, hw, 1);
        Tensor k = Sample(_key.Forward(x));                       // [N,1,S]
        Tensor v = Sample(_value.Forward(x));                     // [N,1,S]
        int s = k.Dim(2);
        v = v.Reshape(n, s, 1);                                   // same memory order: the middle axis is 1

        int rows = Math.Clamp(ChunkElements / s, 1, hw);
        Tensor ctx;
        if (rows >= hw)
        {
            ctx = Attend(q, k, v);
        }
        else
        {
            int chunks = (hw + rows - 1) / rows;
            int[] sizes = [.. Enumerable.Range(0, chunks).Select(c => Math.Min(rows, hw - c * rows))];
            ctx = Ops.Concat(Ops.Split(q, sizes, axis: 1).Select(qc => Attend(qc, k, v)).ToList(), axis: 1);
        }
        return _w.Forward(ctx.Reshape(n, 1, h, w)) + x;
    }

    /// <summary>[N,rows,1] queries against [N,1,S] keys, softmax over S, times [N,S,1] values: [N,rows,1].</summary>
    private static Tensor Attend(Tensor q, Tensor k, Tensor v) => Ops.MatMul(Ops.Softmax(Ops.MatMul(q, k), -1), v);

    /// <summary>[N,1,H,W] to [N,1,S]: the pooled maps flattened and joined, or every position.</summary>
    private Tensor Sample(Tensor map)
    {
        int n = map.N;
        if (PoolSizes.Count == 0) return map.Reshape(n, 1, map.H * map.W);
        var parts = PoolSizes.Select(size => Ops.AdaptiveAvgPool2d(map, size, size).Reshape(n, 1, size * size)).ToList();
        return parts.Count == 1 ? parts[0] : Ops.Concat(parts, axis: 2);
    }
}
