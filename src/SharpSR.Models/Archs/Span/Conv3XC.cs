using SharpSR.Core;
using SharpSR.Core.Nn;

namespace SharpSR.Models.Archs;

/// <summary>
/// SPAN's re-parameterisable 3x3 convolution (Conv3XC), cin -> cout with expansion g, in one of two forms:
/// <code>
/// training:  y = conv.2 1x1 g·cout->cout (conv.1 3x3 pad 0 g·cin->g·cout (conv.0 1x1 cin->g·cin (pad1(x)))) + sk 1x1 (x)
/// folded:    y = eval_conv 3x3 pad 1 (x)
/// </code>
/// The chain is linear, so <see cref="FoldedWeights"/> collapses it exactly into the one 3x3 conv. conv.0
/// runs on the zero-padded input, so the padding ring carries its bias, as a 3x3 conv's padding does not;
/// the folded bias absorbs that through every tap of conv.1. Keys sk, conv.0..2 (training) or eval_conv (folded).
/// </summary>
public sealed class Conv3XC : Module
{
    private readonly Conv2d? _skip, _expand, _spatial, _reduce, _folded;

    public Conv3XC(int inChannels, int outChannels, int gain = 2, bool folded = true)
    {
        if (inChannels < 1 || outChannels < 1 || gain < 1)
            throw new ArgumentException($"Conv3XC: channels {inChannels}->{outChannels} and gain {gain} must be positive.");
        InChannels = inChannels;
        OutChannels = outChannels;
        Gain = gain;
        if (folded)
        {
            _folded = Register("eval_conv", new Conv2d(inChannels, outChannels, 3));
            return;
        }
        _skip = Register("sk", new Conv2d(inChannels, outChannels, 1));
        // padding 1 on the 1x1 conv = the authors' pad-then-convolve: the ring holds conv.0's bias.
        _expand = new Conv2d(inChannels, gain * inChannels, 1, padding: 1);
        _spatial = new Conv2d(gain * inChannels, gain * outChannels, 3, padding: 0);
        _reduce = new Conv2d(gain * outChannels, outChannels, 1);
        Register("conv", new Sequential(_expand, _spatial, _reduce));
    }

    public int InChannels { get; }
    public int OutChannels { get; }
    public int Gain { get; }
    public bool IsFolded => _folded is not null;

    public override Tensor Forward(Tensor x) =>
        _folded is not null ? _folded.Forward(x) : _reduce!.Forward(_spatial!.Forward(_expand!.Forward(x)), relu: false, residual: _skip!.Forward(x));

    /// <summary>
    /// The 3x3 weight [cout, cin, 3, 3] and bias [cout] of the folded form (accumulated in double):
    /// W[o,i,k] = Σ_b w2[o,b] Σ_a w1[b,a,k] w0[a,i] + (k = centre ? sk[o,i] : 0),
    /// bias[o] = b2[o] + Σ_b w2[o,b] (b1[b] + Σ_{a,k} w1[b,a,k] b0[a]) + sk_b[o]. A folded module returns its own.
    /// </summary>
    public (Tensor Weight, Tensor Bias) FoldedWeights()
    {
        if (_folded is not null) return (_folded.Weight, _folded.Bias!);
        int ci = InChannels, co = OutChannels, e = Gain * ci, m = Gain * co;
        float[] w0 = _expand!.Weight.Data, b0 = _expand.Bias!.Data, w1 = _spatial!.Weight.Data, b1 = _spatial.Bias!.Data;
        float[] w2 = _reduce!.Weight.Data, b2 = _reduce.Bias!.Data, sk = _skip!.Weight.Data, skb = _skip.Bias!.Data;

        // mid[b, i, k] = Σ_a w1[b, a, k] · w0[a, i]: the 1x1 expansion pushed into each 3x3 tap.
        var mid = new double[m * ci * 9];
        var midBias = new double[m];
        for (int b = 0; b < m; b++)
        {
            double bias = b1[b];
            for (int a = 0; a < e; a++)
                for (int k = 0; k < 9; k++)
                {
                    double w = w1[(b * e + a) * 9 + k];
                    bias += w * b0[a];
                    for (int i = 0; i < ci; i++) mid[(b * ci + i) * 9 + k] += w * w0[a * ci + i];
                }
            midBias[b] = bias;
        }

        var weight = new float[co * ci * 9];
        var outBias = new float[co];
        for (int o = 0; o < co; o++)
        {
            double bias = b2[o] + skb[o];
            for (int b = 0; b < m; b++) bias += w2[o * m + b] * midBias[b];
            outBias[o] = (float)bias;
            for (int i = 0; i < ci; i++)
                for (int k = 0; k < 9; k++)
                {
                    double w = k == 4 ? sk[o * ci + i] : 0;
                    for (int b = 0; b < m; b++) w += w2[o * m + b] * mid[(b * ci + i) * 9 + k];
                    weight[(o * ci + i) * 9 + k] = (float)w;
                }
        }
        return (Tensor.FromArray(weight, co, ci, 3, 3), Tensor.FromArray(outBias, co));
    }
}
