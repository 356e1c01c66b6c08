using SharpSR.Core.Autograd;
using SharpSR.Core.Kernels;

namespace SharpSR.Core;

public static partial class Ops
{
    /// <summary>
    /// Bicubic upsampling by an integer factor, identical to PyTorch F.interpolate(mode='bicubic',
    /// align_corners=False): Keys cubic with a = -0.75, source coordinate (dst + 0.5)/f - 0.5 (unclamped),
    /// taps clamped to the border. Backward: dy spread with the same sixteen weights.
    /// </summary>
    public static Tensor UpsampleBicubic(Tensor x, int factor)
    {
        Shapes.RequireNchw(x, "UpsampleBicubic");
        if (factor < 1) throw new ArgumentException($"UpsampleBicubic: factor {factor} for input {Shapes.Format(x.Shape)}; expected factor ≥ 1.");
        int planes = x.N * x.C, h = x.H, w = x.W, p = h * factor, q = w * factor;
        var y = Tensor.Empty(x.N, x.C, p, q);
        InterpolateKernels.BicubicForward(x.Data, planes, h, w, p, q, y.Data);
        return Backprop.Record(y, "UpsampleBicubic", [x], dy =>
        {
            var dx = Tensor.EmptyLike(x);
            InterpolateKernels.BicubicBackward(dy.Data, planes, h, w, p, q, dx.Data);
            return [dx];
        }, new ResizeAttributes(p, q, "bicubic"));
    }
}
