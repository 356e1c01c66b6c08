using SharpSR.Core;
using SharpSR.Core.Memory;
using SharpSR.Core.Nn;

namespace SharpSR.Models.Blocks;

/// <summary>
/// EDSR-style residual block y = x + conv3x3(act(conv3x3(x))), keys body.0 / body.2.
/// Without activation (s-LWSR's activation removal) the body is two stacked linear convs.
/// </summary>
public sealed class ResidualBlock : Module
{
    private readonly Conv2d _conv1, _conv2;

    public ResidualBlock(int features, bool activation = true)
    {
        HasActivation = activation;
        _conv1 = new Conv2d(features, features, 3);
        _conv2 = new Conv2d(features, features, 3);
        Register("body", new Sequential(_conv1, activation ? new Lambda(Ops.Relu) : new Identity(), _conv2));
    }

    public bool HasActivation { get; }

    // One fused op: the ReLU, the skip add and their gradients ride in the convolutions' epilogues.
    public override Tensor Forward(Tensor x)
    {
        Tensor y = Ops.ResidualBlock(x, _conv1.Weight, _conv1.Bias, _conv1.Options, _conv2.Weight, _conv2.Bias, _conv2.Options, HasActivation);
        MultiAddsCounter.Report(_conv1, _conv1.Weight, y);   // both convolutions keep x's shape
        MultiAddsCounter.Report(_conv2, _conv2.Weight, y);
        return y;
    }
}
