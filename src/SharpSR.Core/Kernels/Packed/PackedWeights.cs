namespace SharpSR.Core.Kernels.Packed;

/// <summary>
/// Output channels split into 16-wide blocks and the blocks into tile groups: one group when there is one
/// block, else pairs (an odd last block alone). A 3x3 tile computes one group at a time.
/// </summary>
/// <remarks>
/// SrcOffset: the first input channel a grouped conv's block group reads (0 for a dense conv); SrcCount: how many
/// it reads when only a range of a dense input matters (0: all, or the grouped conv's per-group count).
/// </remarks>
internal readonly record struct BlockGroup(int FirstBlock, int Blocks, int Offset, int SrcOffset = 0, int SrcCount = 0);

/// <summary>
/// A 3x3 convolution's weights in tile order: per group of output blocks, [ky][ci][kx][block][16 lanes],
/// so the micro-kernel reads them front to back. Cout must be a multiple of 16.
/// </summary>
public sealed class PackedWeights3x3
{
    /// <param name="weight">[Cout, Cin, 3, 3] as PyTorch stores it.</param>
    /// <param name="bias">[Cout], or empty for none.</param>
    /// <param name="outputOrder">packed output channel k takes original channel outputOrder[k] (null: identity);
    /// the upsampler uses it to fold the pixel shuffle into the store.</param>
    /// <param name="convGroups">a grouped conv (weight [Cout, Cin, 3, 3] with Cin = 16 per group): each group's output
    /// blocks read their own 16 input channels.</param>
    public PackedWeights3x3(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int cout, int cin, int[]? outputOrder = null, int convGroups = 1)
        : this(cout, cin, convGroups, outputOrder)
    {
        Pack(weight, bias, outputOrder, transposed: false);
    }

    /// <summary>
    /// The data gradient's weights for a convolution whose weight is <paramref name="weight"/> [cin, cout, 3, 3]:
    /// in and out swapped and the kernel rotated by 180°, no bias, so conv3x3(dy) gives dx.
    /// </summary>
    public static PackedWeights3x3 Transposed(ReadOnlySpan<float> weight, int cout, int cin)
    {
        var w = new PackedWeights3x3(cout, cin);
        w.Repack(weight, default, transposed: true);
        return w;
    }

    private PackedWeights3x3(int cout, int cin, int convGroups = 1, int[]? outputOrder = null)
    {
        if (cout % 16 != 0) throw new ArgumentException($"PackedWeights3x3: {cout} output channels is not a multiple of 16.");
        if (convGroups > 1 && (cin != 16 || cout % (16 * convGroups) != 0))
            throw new ArgumentException($"PackedWeights3x3: {convGroups} groups need 16 input channels and a multiple of 16 outputs per group.");
        Cout = cout; Cin = cin; ConvGroups = convGroups;
        // A block's conv group: that of its first channel (a shuffle order keeps the 16 channels of a block in one group).
        int perGroup = cout / convGroups;
        Groups = PackedLayout.Groups(cout / 16, cin * 9, convGroups == 1 ? null : b => (outputOrder is null ? b * 16 : outputOrder[b * 16]) / perGroup, cin);
        Data = GC.AllocateArray<float>(cout * cin * 9, pinned: true);
        Bias = GC.AllocateArray<float>(cout, pinned: true);
    }

    /// <summary>
    /// A dense [Cout, Cin, 3, 3] conv whose output blocks each depend on one contiguous range of input channels only
    /// (a grouped conv made dense whose groups straddle 16-channel blocks): each block reads its range (offset,
    /// count; count 0 or Cin: all), the zero weights outside it skipped. Blocks tile together when their ranges agree.
    /// </summary>
    /// <param name="blockChannels">
    /// the first of the 16 output channels each block computes and stores (null: block b, channels 16·b on). Blocks may
    /// overlap (the overlap is computed twice, the same values), so each block can stay inside one group of a grouped
    /// conv made dense (G-IDRN's two groups of 28: blocks at 0, 12, 28, 40, each reading its group's 28 inputs);
    /// <paramref name="realOutputs"/> on are never computed but written zero.
    /// </param>
    public static PackedWeights3x3 WithInputRanges(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int cout, int cin, Func<int, (int Offset, int Count)> rangeOfBlock,
        int[]? blockChannels = null, int realOutputs = 0)
    {
        PackedLayout.CheckPlacement(blockChannels, cout, realOutputs);
        var (groups, length) = PackedLayout.RangeGroups(cout / 16, cin, 9, rangeOfBlock);
        var w = new PackedWeights3x3(cout, cin, groups, length);
        if (blockChannels is not null) (w.BlockChannels, w.ZeroFrom) = (blockChannels, realOutputs);
        w.Pack(weight, bias, PackedLayout.PlacedOrder(blockChannels, cout), transposed: false);
        return w;
    }

    private PackedWeights3x3(int cout, int cin, BlockGroup[] groups, int length)
    {
        if (cout % 16 != 0) throw new ArgumentException($"PackedWeights3x3: {cout} output channels is not a multiple of 16.");
        Cout = cout; Cin = cin; ConvGroups = 1; Groups = groups;
        Data = GC.AllocateArray<float>(length, pinned: true);
        Bias = GC.AllocateArray<float>(cout, pinned: true);
    }

    /// <summary>Packs new values of the same shape into this object's buffers (a training step's weights).</summary>
    public void Repack(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, bool transposed)
    {
        if (transposed && !bias.IsEmpty) throw new ArgumentException("PackedWeights3x3: transposed weights take no bias.");
        if (BlockChannels is not null) throw new InvalidOperationException("PackedWeights3x3: weights with placed blocks are packed once.");
        Pack(weight, bias, null, transposed);
    }

    private void Pack(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int[]? outputOrder, bool transposed)
    {
        int cout = Cout, cin = Cin;
        if (weight.Length != cout * cin * 9) throw new ArgumentException($"PackedWeights3x3: expected {cout * cin * 9} weights, got {weight.Length}.");
        if (!bias.IsEmpty && bias.Length != cout) throw new ArgumentException($"PackedWeights3x3: expected {cout} biases, got {bias.Length}.");
        int Original(int k) => outputOrder is null ? k : outputOrder[k];
        foreach (var g in Groups)
        {
            int i = g.Offset;
            // A range of a dense input: absolute input channels; a grouped conv's or a dense conv's: all of its Cin.
            int first = g.SrcCount > 0 ? g.SrcOffset : 0, end = g.SrcCount > 0 ? g.SrcOffset + g.SrcCount : cin;
            for (int ky = 0; ky < 3; ky++)
                for (int ci = first; ci < end; ci++)
                    for (int kx = 0; kx < 3; kx++)
                        for (int b = 0; b < g.Blocks; b++)
                            for (int lane = 0; lane < 16; lane++)
                            {
                                int oc = Original((g.FirstBlock + b) * 16 + lane);
                                Data[i++] = transposed
                                    ? weight[((ci * cout + oc) * 3 + 2 - ky) * 3 + 2 - kx]
                                    : weight[((oc * cin + ci) * 3 + ky) * 3 + kx];
                            }
        }
        if (bias.IsEmpty) Array.Clear(Bias);
        else for (int k = 0; k < cout; k++) Bias[k] = bias[Original(k)];
    }

    public int Cout { get; }

    /// <summary>Input channels (per group of a grouped conv).</summary>
    public int Cin { get; }

    public int ConvGroups { get; }

    /// <summary>Output channel each block's first lane is stored to (null: 16·b); see <see cref="WithInputRanges"/>.</summary>
    internal int[]? BlockChannels { get; private set; }

    /// <summary>With <see cref="BlockChannels"/>: output channels from here on are written zero.</summary>
    internal int ZeroFrom { get; private set; }

    internal BlockGroup[] Groups { get; }
    internal float[] Data { get; }
    internal float[] Bias { get; }
}

/// <summary>
/// A 1x1 convolution over several same-size sources that sum (a concatenation followed by a 1x1, read in
/// place), each source with its own column range of the original weight and a scale folded in (the
/// s-LWSR mixes). Per group of output blocks: [source][ci][block][16 lanes], ci over the channels of the source that
/// hold data (a padded map's padding is never read).
/// </summary>
public sealed class PackedWeights1x1
{
    /// <param name="weight">[Cout, K] (a [Cout, K, 1, 1] conv weight).</param>
    /// <param name="cin">channels of each source's map.</param>
    /// <param name="sources">per source: its first column in the weight and the factor its input is scaled by.</param>
    /// <param name="counts">per source: the channels read, its first ones (null: all cin).</param>
    public PackedWeights1x1(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int cout, int k, int cin, IReadOnlyList<(int Column, float Scale)> sources,
        IReadOnlyList<int>? counts = null)
    {
        if (cout % 16 != 0) throw new ArgumentException($"PackedWeights1x1: {cout} output channels is not a multiple of 16.");
        if (weight.Length != cout * k) throw new ArgumentException($"PackedWeights1x1: expected {cout * k} weights, got {weight.Length}.");
        if (counts is not null && (counts.Count != sources.Count || counts.Any(c => c < 1 || c > cin)))
            throw new ArgumentException($"PackedWeights1x1: channel counts [{string.Join(", ", counts)}] do not fit {sources.Count} sources of {cin}.");
        foreach (var (column, _) in sources)
            if (column < 0 || column + cin > k) throw new ArgumentException($"PackedWeights1x1: source columns {column}..{column + cin} outside the {k} inputs.");
        Cout = cout; Cin = cin; Sources = sources.Count;
        SourceCounts = counts?.ToArray() ?? Enumerable.Repeat(cin, sources.Count).ToArray();
        int perBlock = SourceCounts.Sum();
        Groups = PackedLayout.Groups(cout / 16, perBlock);
        Data = GC.AllocateArray<float>(cout * perBlock, pinned: true);
        Bias = GC.AllocateArray<float>(cout, pinned: true);
        foreach (var g in Groups)
        {
            int i = g.Offset;
            for (int j = 0; j < sources.Count; j++)
                for (int ci = 0, column = sources[j].Column, n = SourceCounts[j]; ci < n; ci++)
                    for (int b = 0; b < g.Blocks; b++)
                        for (int lane = 0; lane < 16; lane++)
                            Data[i++] = sources[j].Scale * weight[((g.FirstBlock + b) * 16 + lane) * k + column + ci];
        }
        if (!bias.IsEmpty) bias[..cout].CopyTo(Bias);
    }

    public int Cout { get; }
    public int Cin { get; }
    public int Sources { get; }

    /// <summary>Channels read of each source.</summary>
    internal int[] SourceCounts { get; }

    internal BlockGroup[] Groups { get; }
    internal float[] Data { get; }
    internal float[] Bias { get; }
}

/// <summary>
/// A small-output 3x3 convolution (s-LWSR's last conv, 3 channels) that writes channel-planar output:
/// per output channel and tap, the input channels in 16-wide vectors. Cin must be a multiple of 16.
/// </summary>
public sealed class PackedWeightsToPlanar
{
    public PackedWeightsToPlanar(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int cout, int cin)
    {
        if (cin % 16 != 0) throw new ArgumentException($"PackedWeightsToPlanar: {cin} input channels is not a multiple of 16.");
        if (cout is < 1 or > 3) throw new ArgumentException($"PackedWeightsToPlanar: {cout} output channels (1 to 3 supported).");
        Cout = cout; Cin = cin;
        Data = GC.AllocateArray<float>(3 * 9 * cin, pinned: true);   // unused output slots stay zero
        Bias = new float[3];
        for (int co = 0; co < cout; co++)
            for (int tap = 0; tap < 9; tap++)
                for (int ci = 0; ci < cin; ci++)
                    Data[(co * 9 + tap) * cin + ci] = weight[(co * cin + ci) * 9 + tap];
        if (!bias.IsEmpty) bias[..cout].CopyTo(Bias);
    }

    public int Cout { get; }
    public int Cin { get; }
    internal float[] Data { get; }
    internal float[] Bias { get; }
}

internal static class PackedLayout
{
    /// <summary>Tile groups for <paramref name="blocks"/> output blocks; each block holds perBlock·16 packed floats.</summary>
    /// <remarks>
    /// A grouped conv gives each block's conv group: only blocks of one group tile together, and each tile reads
    /// cinPerGroup channels from its group's offset.
    /// </remarks>
    public static BlockGroup[] Groups(int blocks, int perBlock, Func<int, int>? convGroupOf = null, int cinPerGroup = 0)
    {
        var groups = new List<BlockGroup>();
        int offset = 0;
        for (int b = 0; b < blocks;)
        {
            int cg = convGroupOf?.Invoke(b) ?? 0;
            int n = blocks == 1 || b + 1 == blocks || (convGroupOf is not null && convGroupOf(b + 1) != cg) ? 1 : 2;
            groups.Add(new BlockGroup(b, n, offset, cg * cinPerGroup));
            offset += n * perBlock * 16;
            b += n;
        }
        return groups.ToArray();
    }

    /// <summary>
    /// Tile groups for blocks that each read one contiguous range of the cin input channels (a range of all of them:
    /// the whole input); neighbouring blocks that read the same range tile together in pairs, and each block holds
    /// count·taps·16 floats. Returns the groups and the floats they take.
    /// </summary>
    public static (BlockGroup[] Groups, int Length) RangeGroups(int blocks, int cin, int taps, Func<int, (int Offset, int Count)> rangeOfBlock)
    {
        var groups = new List<BlockGroup>();
        int offset = 0;
        for (int b = 0; b < blocks;)
        {
            var (first, count) = rangeOfBlock(b);
            if (first < 0 || count < 1 || first + count > cin) throw new ArgumentException($"PackedWeights: block {b} reads inputs {first}..{first + count} of {cin}.");
            if (count == cin) (first, count) = (0, 0);
            int n = b + 1 < blocks && rangeOfBlock(b + 1) is var next && (next.Count == cin ? (0, 0) : next) == (first, count) ? 2 : 1;
            groups.Add(new BlockGroup(b, n, offset, first, count));
            offset += n * (count == 0 ? cin : count) * taps * 16;
            b += n;
        }
        return (groups.ToArray(), offset);
    }

    /// <summary>Placed blocks must lie inside the output and cover its real channels.</summary>
    public static void CheckPlacement(int[]? blockChannels, int cout, int realOutputs)
    {
        if (blockChannels is not null && (blockChannels.Length != cout / 16 || blockChannels.Any(c => c < 0 || c + 16 > cout)
                                           || realOutputs < 1 || realOutputs > cout
                                           || Enumerable.Range(0, realOutputs).Any(c => !blockChannels.Any(b => c >= b && c < b + 16))))
            throw new ArgumentException($"PackedWeights: blocks at [{string.Join(", ", blockChannels)}] do not cover {realOutputs} of {cout} outputs.");
    }

    /// <summary>Packed output channel k's original channel when block b is stored from blockChannels[b] on (null: none placed).</summary>
    public static int[]? PlacedOrder(int[]? blockChannels, int cout) =>
        blockChannels is null ? null : Enumerable.Range(0, cout).Select(k => blockChannels[k / 16] + k % 16).ToArray();
}
