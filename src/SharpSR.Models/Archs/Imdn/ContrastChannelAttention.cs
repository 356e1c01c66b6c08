using SharpSR.Core;
using SharpSR.Core.Nn;

namespace SharpSR.Models.Archs;

/// <summary>
/// IMDN's contrast-aware channel attention: per channel s = std + mean over the whole plane (population
/// std), w = sigmoid(conv1x1 c/r->c (ReLU(conv1x1 c->c/r (s)))), output x·w. Keys conv_du.0 / conv_du.2.
/// The statistics are global, so the output at a pixel depends on the whole image.
/// </summary>
public sealed class ContrastChannelAttention : Module
{
    private readonly Sequential _convDu;

    public ContrastChannelAttention(int channels, int reduction = 16)
    {
        if (reduction < 1 || channels / reduction < 1)
            throw new ArgumentException($"ContrastChannelAttention: {channels} channels cannot be reduced by {reduction}.");
        _convDu = Register("conv_du", new Sequential(
            new Conv2d(channels, channels / reduction, 1),
            new Relu(),
            new Conv2d(channels / reduction, channels, 1),
            new Sigmoid()));
    }

    public override Tensor Forward(Tensor x)
    {
        Tensor s = Ops.ChannelStd(x) + Ops.ChannelMean(x);
        return x * _convDu.Forward(s);
    }
}
