using SharpSR.Core;
using SharpSR.Core.Nn;

namespace SharpSR.Models.Archs;

/// <summary>
/// PAN's self-calibrated block with pixel attention (SC-PA), n features split into two n/2 branches:
/// <code>
/// a = LReLU(k1 3x3 (LReLU(conv1_a 1x1 n->n/2 (x))))
/// b = LReLU(PAConv(LReLU(conv1_b 1x1 n->n/2 (x))))
/// y = conv3 1x1 n->n (cat[a, b]) + x
/// </code>
/// All convs bias-free except PAConv's 1x1 attention conv; LReLU slope 0.2. Keys conv1_a, conv1_b,
/// k1.0, PAConv.{k2,k3,k4}, conv3.
/// </summary>
public sealed class Scpa : Module
{
    public const float Slope = 0.2f;

    private readonly Conv2d _conv1A, _conv1B, _conv3;
    private readonly Sequential _k1;
    private readonly PixelAttentionConv _paConv;

    public Scpa(int features)
    {
        if (features < 2 || features % 2 != 0) throw new ArgumentException($"Scpa: features must be even and ≥ 2, got {features}.");
        int half = features / 2;
        _conv1A = Register("conv1_a", new Conv2d(features, half, 1, bias: false));
        _conv1B = Register("conv1_b", new Conv2d(features, half, 1, bias: false));
        _k1 = Register("k1", new Sequential(new Conv2d(half, half, 3, bias: false)));
        _paConv = Register("PAConv", new PixelAttentionConv(half));
        _conv3 = Register("conv3", new Conv2d(features, features, 1, bias: false));
    }

    public override Tensor Forward(Tensor x)
    {
        Tensor a = Ops.LeakyRelu(_k1.Forward(Ops.LeakyRelu(_conv1A.Forward(x), Slope)), Slope);
        Tensor b = Ops.LeakyRelu(_paConv.Forward(Ops.LeakyRelu(_conv1B.Forward(x), Slope)), Slope);
        return _conv3.Forward(Ops.Concat([a, b])) + x;
    }
}
