namespace SharpSR.Core.Kernels.Packed;

/// <summary>
/// A 3x3 convolution's packed weights for the algorithm a plan chose: the direct register tiles
/// (<see cref="PackedWeights3x3"/>) or Winograd F(m×m, 3×3) (<see cref="PackedWeightsWinograd"/>), run with the same epilogues.
/// </summary>
public sealed class Conv3x3Kernel
{
    private readonly PackedWeights3x3? _direct;
    private readonly PackedWeightsWinograd? _winograd;

    /// <summary>Direct tiles packed already (dense, input ranges or grouped).</summary>
    public Conv3x3Kernel(PackedWeights3x3 direct) => _direct = direct;

    public Conv3x3Kernel(PackedWeightsWinograd winograd) => _winograd = winograd;

    /// <summary>"direct" or "winograd F(4x4)".</summary>
    public string Algorithm => _winograd is { } w ? $"winograd F({w.M}x{w.M})" : "direct";

    public void Run(PackedMap src, PackedMap dst, in PackedEpilogue e)
    {
        if (_winograd is not null) PackedConv.Conv3x3Winograd(src, _winograd, dst, e);
        else PackedConv.Conv3x3(src, _direct!, dst, e);
    }

    /// <summary>Conv then pixel shuffle (weights packed in <see cref="PackedConv.ShuffleOrder"/>).</summary>
    public void RunShuffle(PackedMap src, int r, PackedMap dst, bool relu = false)
    {
        if (_winograd is not null) PackedConv.Conv3x3WinogradShuffle(src, _winograd, r, dst, relu);
        else PackedConv.Conv3x3Shuffle(src, _direct!, r, dst, relu);
    }

    /// <summary>The last upsampler step (weights packed in <see cref="PackedConv.ShuffleOrder"/>) streamed into an RGB head, planar output.</summary>
    public void RunShuffleToPlanar(PackedMap src, int r, PackedWeightsToPlanar head, Span<float> output)
    {
        if (_winograd is not null) PackedConv.Conv3x3ShuffleToPlanar(src, _winograd, r, head, output);
        else PackedConv.Conv3x3ShuffleToPlanar(src, _direct!, r, head, output);
    }

    /// <summary>y = conv2(act(conv1(x))) + x (+ residual2; sumInto = y + sumWith), streamed by rows (direct) or tile rows (Winograd).</summary>
    public static void ResidualBlock(PackedMap x, Conv3x3Kernel first, bool relu, Conv3x3Kernel second, PackedMap y,
        PackedMap? residual2 = null, PackedMap? sumWith = null, PackedMap? sumInto = null)
    {
        if (first._winograd is { } w1 && second._winograd is { } w2)
            PackedConv.ResidualBlockWinograd(x, w1, relu, w2, y, residual2, sumWith, sumInto);
        else if (first._direct is { } d1 && second._direct is { } d2)
            PackedConv.ResidualBlock3x3(x, d1, relu, d2, y, residual2, sumWith, sumInto);
        else throw new ArgumentException("Conv3x3Kernel: a residual block's two convolutions use one algorithm.");
    }
}
