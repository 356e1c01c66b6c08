using SharpSR.Core;
using SharpSR.Core.Nn;

namespace SharpSR.Models.Blocks;

/// <summary>
/// Lightweight asymmetric residual non-local block (URNet's ANRB, docs/networks/urnet.md § ANRB), C channels,
/// 5C + 3 parameters:
/// <code>
/// q = f_query 1x1 C->1 (x)                       # one scalar per position, HW of them
/// k = Pool_S(f_key 1x1 C->1 (x))                 # adaptive average pools of the given sizes, flattened, joined
/// v = Pool_S(f_value 1x1 C->1 (x))
/// ctx_i = Σ_j softmax_j(q_i · k_j) · v_j           # scale factor 1 (one-channel keys)
/// y = W 1x1 1->C (ctx) + x                       # W starts at zero, so a fresh block is the identity
/// </code>
/// Pool sizes (1, 3, 6, 8) give URNet's S = 110; (1, 2, 3, 6) is ANN's S = 50; an empty list samples every
/// position (S = H·W, the full one-channel non-local block). <see cref="Ops.ScalarAttention"/> rebuilds the
/// affinities one query row at a time, so they are never held whole (57,600² entries for a 320x180 input at S = H·W).
/// Keys f_query, f_key, f_value, W.
/// </summary>
public sealed class Anrb : Module
{
    /// <summary>URNet's pyramid: 1 + 9 + 36 + 64 = 110 sampled points.</summary>
    public static readonly IReadOnlyList<int> UrNetPoolSizes = [1, 3, 6, 8];

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
        int n = x.N, h = x.H, w = x.W;
        Tensor q = _query.Forward(x).Reshape(n, h * w);
        Tensor k = Sample(_key.Forward(x));
        Tensor v = Sample(_value.Forward(x));
        Tensor ctx = Ops.ScalarAttention(q, k, v);
        return _w.Forward(ctx.Reshape(n, 1, h, w)) + x;
    }

    /// <summary>[N,1,H,W] to [N,S]: the pooled maps flattened and joined, or every position.</summary>
    private Tensor Sample(Tensor map)
    {
        int n = map.N;
        if (PoolSizes.Count == 0) return map.Reshape(n, map.H * map.W);
        var parts = PoolSizes.Select(size => Ops.AdaptiveAvgPool2d(map, size, size).Reshape(n, size * size)).ToList();
        return parts.Count == 1 ? parts[0] : Ops.Concat(parts, axis: 1);
    }
}
