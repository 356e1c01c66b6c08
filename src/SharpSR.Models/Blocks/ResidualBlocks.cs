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

/// <summary>
/// MobileNetV2 inverted residual used as s-LWSR's compression module in place of a residual-block body:
/// 1x1 n->t·n + ReLU6, depthwise 3x3 + ReLU6, 1x1 t·n->n (linear), plus identity.
/// Keys body.0 / body.2 / body.4 (activations take indices 1 and 3).
/// </summary>
public sealed class InvertedResidualBlock : Module
{
    private readonly Sequential _body;

    public InvertedResidualBlock(int features, int expansion, bool activation = true)
    {
        if (expansion < 1) throw new ArgumentException($"InvertedResidualBlock: expansion t must be >= 1, got {expansion}.");
        int hidden = features * expansion;
        HasActivation = activation;
        _body = Register("body", new Sequential(
            new Conv2d(features, hidden, 1),
            activation ? new Lambda(Ops.Relu6) : new Identity(),
            new Conv2d(hidden, hidden, 3, groups: hidden),
            activation ? new Lambda(Ops.Relu6) : new Identity(),
            new Conv2d(hidden, features, 1)));
    }

    public bool HasActivation { get; }

    public override Tensor Forward(Tensor x)
    {
        Tensor body = _body.Forward(x);
        Tensor y = x + body;
        TensorArena.Recycle(body);
        return y;
    }
}

/// <summary>
/// s-LWSR's RB2: a 1x1 conv fuses the concatenated [previous stage, mix] (2n -> n), then a residual block.
/// Keys conv.* and body.{0,2}.* — the block body may also be the compression module.
/// </summary>
public sealed class FusionResidualBlock : Module
{
    private readonly Conv2d _conv;
    private readonly Module _block;

    public FusionResidualBlock(int features, Module block)
    {
        _conv = Register("conv", new Conv2d(2 * features, features, 1));
        _block = block;
        // The residual block's own children become this module's (keys body.0, body.2), as in the authors' RB2.
        foreach (var (name, child) in block.Children()) Register(name, child);
    }

    public override Tensor Forward(Tensor x)
    {
        Tensor fused = _conv.Forward(x);
        Tensor y = _block.Forward(fused);
        TensorArena.Recycle(fused);
        return y;
    }
}
