using SharpSR.Core;
using SharpSR.Core.Nn;
using SharpSR.Models.Blocks;

namespace SharpSR.Models.Archs;

/// <summary>
/// Options of SPAN. Defaults give the NTIRE 2024 efficient-SR winner as released (team 38,
/// <c>span_ch28_slim</c>): 28 features, 6 SPABs, x4, every Conv3XC folded (150,688 parameters).
/// </summary>
public sealed record SpanOptions
{
    public int Features { get; init; } = 28;
    public int Blocks { get; init; } = 6;
    public int Scale { get; init; } = 4;

    /// <summary>
    /// True: each Conv3XC is one 3x3 conv (eval_conv), the released inference form. False: the training
    /// form (1x1 -> 3x3 -> 1x1 chain plus a 1x1 skip), which <see cref="Span.Fold"/> turns into the folded one.
    /// </summary>
    public bool Folded { get; init; } = true;

    /// <summary>Expansion of the training form's chain (gain1 in the authors' code).</summary>
    public int Gain { get; init; } = 2;
}

/// <summary>
/// SPAN (Wan et al., "Swift Parameter-free Attention Network for Efficient Super-Resolution", CVPRW 2024):
/// conv_1 (Conv3XC), a chain of SPABs, conv_2 (Conv3XC) on the last block, a 1x1 conv_cat over
/// [conv_1 out, conv_2 out, block 1 out, the last block's activated first conv (see <see cref="Spab"/>)],
/// and a one-step sub-pixel tail.
/// Trained on RGB 0..1 with the DIV2K mean subtracted and the result scaled by 255; the output is 0..1.
/// Forward takes and returns 0..255 like every SrNetwork. Keys conv_1, block_1..block_k, conv_cat,
/// conv_2, upsampler.0 (the authors' names).
/// </summary>
public sealed class Span : SrNetwork
{
    private readonly Conv3XC _conv1, _conv2;
    private readonly List<Spab> _blocks = [];
    private readonly Conv2d _convCat;
    private readonly Sequential _upsampler;
    private readonly SpanOptions _options;
    private readonly Tensor _mean;

    public Span(SpanOptions? options = null)
    {
        var o = _options = options ?? new SpanOptions();
        int n = o.Features;
        if (n < 1) throw new ArgumentException($"SPAN: {n} features; at least one is needed.");
        if (o.Blocks < 1) throw new ArgumentException($"SPAN: {o.Blocks} blocks; at least one is needed.");
        _conv1 = Register("conv_1", new Conv3XC(3, n, o.Gain, o.Folded));
        for (int i = 1; i <= o.Blocks; i++) _blocks.Add(Register($"block_{i}", new Spab(n, o.Gain, o.Folded)));
        _convCat = Register("conv_cat", new Conv2d(4 * n, n, 1));
        _conv2 = Register("conv_2", new Conv3XC(n, n, o.Gain, o.Folded));
        _upsampler = Register("upsampler", Upsampler.SubPixel(n, o.Scale));
        // (x/255 - mean)·255 = x - 255·mean on our 0..255 input.
        _mean = Tensor.FromArray(MeanShift.Div2kMean.Select(m => 255f * m).ToArray(), 1, 3, 1, 1);
    }

    public override string Arch => "span";
    public override int Scale => _options.Scale;
    public override object Options => _options;
    public SpanOptions Settings => _options;

    /// <summary>conv_1, three 3x3 convs per SPAB, conv_2 and the tail conv (conv_cat is 1x1).</summary>
    public override int ReceptiveFieldRadius => 1 + _options.Blocks * Spab.ReceptiveFieldRadius + 1 + 1;

    public override Tensor Forward(Tensor input)
    {
        CheckInput(input, "SPAN");
        Tensor feature = _conv1.Forward(input - _mean);
        Tensor b = feature, firstBlockOut = feature, lastTap = feature;
        for (int i = 0; i < _blocks.Count; i++)
        {
            (b, lastTap) = _blocks[i].ForwardWithTap(b);
            if (i == 0) firstBlockOut = b;
        }
        Tensor fused = _convCat.Forward(Ops.Concat([feature, _conv2.Forward(b), firstBlockOut, lastTap]));
        return _upsampler.Forward(fused) * 255f;
    }

    /// <summary>
    /// The folded (inference) network with the same function: every Conv3XC collapsed into its 3x3
    /// conv, the other weights copied. A folded network returns a copy of itself.
    /// </summary>
    public Span Fold()
    {
        var folded = new Span(_options with { Folded = true });
        var target = folded.StateDict();
        var own = StateDict();
        var weights = own.Where(kv => target.ContainsKey(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
        foreach (var (name, module) in NamedModules())
        {
            if (module is not Conv3XC conv) continue;
            var (w, bias) = conv.FoldedWeights();
            weights[$"{name}.eval_conv.weight"] = w;
            weights[$"{name}.eval_conv.bias"] = bias;
        }
        folded.LoadStateDict(weights, strict: true);
        return folded;
    }
}
