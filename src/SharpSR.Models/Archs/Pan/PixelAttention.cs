using SharpSR.Core;
using SharpSR.Core.Nn;

namespace SharpSR.Models.Archs;

/// <summary>PAN's pixel attention: y = x · sigmoid(conv1x1 c->c (x)), one weight per pixel and channel. Key conv.</summary>
public sealed class PixelAttention : Module
{
    private readonly Conv2d _conv;

    public PixelAttention(int channels) => _conv = Register("conv", new Conv2d(channels, channels, 1));

    public override Tensor Forward(Tensor x) => x * Ops.Sigmoid(_conv.Forward(x));
}

/// <summary>
/// PAN's pixel-attention convolution: y = k4( k3(x) · sigmoid(k2(x)) ), k2 a 1x1 conv with bias,
/// k3 and k4 3x3 convs without bias. Keys k2, k3, k4.
/// </summary>
public sealed class PixelAttentionConv : Module
{
    private readonly Conv2d _k2, _k3, _k4;

    public PixelAttentionConv(int channels)
    {
        _k2 = Register("k2", new Conv2d(channels, channels, 1));
        _k3 = Register("k3", new Conv2d(channels, channels, 3, bias: false));
        _k4 = Register("k4", new Conv2d(channels, channels, 3, bias: false));
    }

    public override Tensor Forward(Tensor x) => _k4.Forward(_k3.Forward(x) * Ops.Sigmoid(_k2.Forward(x)));
}
