namespace SharpSR.Core.Kernels.Packed;

/// <summary>
/// A 3x3 convolution's weights for Winograd F(m×m, 3×3) (m = 2 or 4, Lavin and Gray 2016): each filter g becomes
/// U = G g Gᵀ, an α×α matrix (α = m + 2), computed in double and rounded once. The α² elements are α² independent
/// 1x1 convolutions over transformed tiles, so each element's [Cout, Cin] matrix is packed like a 1x1's weights
/// ([group][ci][block][16 lanes]) for the product register tiles. Cout must be a multiple of 16.
/// </summary>
public sealed class PackedWeightsWinograd
{
    /// <param name="weight">[Cout, Cin, 3, 3] as PyTorch stores it.</param>
    /// <param name="bias">[Cout], or empty for none.</param>
    /// <param name="m">output tile side: 2 (F(2x2,3x3), 2.25x fewer multiplies than direct) or 4 (F(4x4,3x3), 4x fewer).</param>
    /// <param name="outputOrder">packed output channel k takes original channel outputOrder[k] (null: identity), as in <see cref="PackedWeights3x3"/>.</param>
    public PackedWeightsWinograd(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int cout, int cin, int m, int[]? outputOrder = null)
        : this(weight, bias, cout, cin, m, outputOrder, PackedLayout.Groups(cout / 16, cin))
    {
    }

    /// <summary>
    /// Weights whose output blocks each read one contiguous range of the input channels (as
    /// <see cref="PackedWeights3x3.WithInputRanges"/>): a grouped conv made dense multiplies its groups' inputs only, a
    /// padded map's real channels only. With <paramref name="blockChannels"/> block b is stored from that channel on
    /// (G-IDRN's two groups of 28: blocks at 0, 12, 28, 40 each inside one group) and channels from realOutputs on are
    /// written zero.
    /// </summary>
    public static PackedWeightsWinograd WithInputRanges(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int cout, int cin, int m,
        Func<int, (int Offset, int Count)> rangeOfBlock, int[]? blockChannels = null, int realOutputs = 0)
    {
        PackedLayout.CheckPlacement(blockChannels, cout, realOutputs);
        var (groups, _) = PackedLayout.RangeGroups(cout / 16, cin, 1, rangeOfBlock);   // per transformed element: one tap
        return new PackedWeightsWinograd(weight, bias, cout, cin, m, PackedLayout.PlacedOrder(blockChannels, cout), groups)
        {
            BlockChannels = blockChannels,
            ZeroFrom = blockChannels is null ? cout : realOutputs,
        };
    }

    private PackedWeightsWinograd(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int cout, int cin, int m, int[]? outputOrder, BlockGroup[] groups)
    {
        if (m is not (2 or 4)) throw new ArgumentException($"PackedWeightsWinograd: tile {m} is not 2 or 4.");
        if (cout % 16 != 0) throw new ArgumentException($"PackedWeightsWinograd: {cout} output channels is not a multiple of 16.");
        if (weight.Length != cout * cin * 9) throw new ArgumentException($"PackedWeightsWinograd: expected {cout * cin * 9} weights, got {weight.Length}.");
        if (!bias.IsEmpty && bias.Length != cout) throw new ArgumentException($"PackedWeightsWinograd: expected {cout} biases, got {bias.Length}.");
        M = m; Alpha = m + 2; Cout = cout; Cin = cin;
        Groups = groups;
        ElementStride = groups.Sum(grp => grp.Blocks * (grp.SrcCount == 0 ? cin : grp.SrcCount) * 16);
        ZeroFrom = cout;
        int a = Alpha, elements = a * a;
        Data = GC.AllocateArray<float>(elements * ElementStride, pinned: true);
        Bias = GC.AllocateArray<float>(cout, pinned: true);
        double[,] g = m == 2 ? G2 : G4;
        var u = new double[elements];
        int Original(int k) => outputOrder is null ? k : outputOrder[k];
        foreach (var grp in Groups)
        {
            int first = grp.SrcOffset, count = grp.SrcCount == 0 ? cin : grp.SrcCount;
            for (int b = 0; b < grp.Blocks; b++)
                for (int lane = 0; lane < 16; lane++)
                {
                    int oc = Original((grp.FirstBlock + b) * 16 + lane);
                    for (int ci = 0; ci < count; ci++)
                    {
                        Transform(g, weight.Slice((oc * cin + first + ci) * 9, 9), u);
                        for (int e = 0; e < elements; e++)
                            Data[(long)e * ElementStride + grp.Offset + (ci * grp.Blocks + b) * 16 + lane] = (float)u[e];
                    }
                }
        }
        if (!bias.IsEmpty) for (int k = 0; k < cout; k++) Bias[k] = bias[Original(k)];
    }

    /// <summary>u = G·f·Gᵀ for one 3x3 filter f (row-major), u row-major α×α.</summary>
    private static void Transform(double[,] g, ReadOnlySpan<float> f, double[] u)
    {
        int a = g.GetLength(0);
        Span<double> gf = stackalloc double[a * 3];   // G·f, α×3
        for (int i = 0; i < a; i++)
            for (int j = 0; j < 3; j++)
                gf[i * 3 + j] = g[i, 0] * f[j] + g[i, 1] * f[3 + j] + g[i, 2] * f[6 + j];
        for (int i = 0; i < a; i++)
            for (int j = 0; j < a; j++)
                u[i * a + j] = gf[i * 3] * g[j, 0] + gf[i * 3 + 1] * g[j, 1] + gf[i * 3 + 2] * g[j, 2];
    }

    // The filter transforms; the matching data (Bᵀ) and output (Aᵀ) transforms are written out in PackedConv.Winograd.
    private static readonly double[,] G2 = { { 1, 0, 0 }, { 0.5, 0.5, 0.5 }, { 0.5, -0.5, 0.5 }, { 0, 0, 1 } };

    private static readonly double[,] G4 =
    {
        { 1.0 / 4, 0, 0 },
        { -1.0 / 6, -1.0 / 6, -1.0 / 6 },
        { -1.0 / 6, 1.0 / 6, -1.0 / 6 },
        { 1.0 / 24, 1.0 / 12, 1.0 / 6 },
        { 1.0 / 24, -1.0 / 12, 1.0 / 6 },
        { 0, 0, 1 },
    };

    /// <summary>Output tile side.</summary>
    public int M { get; }

    /// <summary>Transformed tile side, M + 2.</summary>
    public int Alpha { get; }

    public int Cout { get; }
    public int Cin { get; }
    internal BlockGroup[] Groups { get; }

    /// <summary>Floats per transformed element: per block group, its blocks × the input channels it reads × 16.</summary>
    internal int ElementStride { get; }

    /// <summary>Output channel each block's first lane is stored to (null: 16·b); see <see cref="WithInputRanges"/>.</summary>
    internal int[]? BlockChannels { get; private init; }

    /// <summary>Output channels from here on are written zero (Cout: none).</summary>
    internal int ZeroFrom { get; private init; }

    /// <summary>[α² elements][groups: ci of the group's range, block, 16 lanes].</summary>
    internal float[] Data { get; }

    internal float[] Bias { get; }
}
