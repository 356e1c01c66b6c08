using SharpSR.Core;
using SharpSR.Core.Memory;
using SharpSR.Core.Nn;

namespace SharpSR.Models.Archs;

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
