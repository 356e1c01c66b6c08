using SharpSR.Core.Autograd;
using SharpSR.Core.Kernels;

namespace SharpSR.Core;

/// <summary>Target size and mode of a resize, for the ONNX tracer.</summary>
public sealed record ResizeAttributes(int OutH, int OutW, string Mode);

public static partial class Ops
{
    /// <summary>
    /// Bilinear resize to outH×outW, identical to PyTorch F.interpolate(mode='bilinear', align_corners=False):
    /// source coordinate (dst + 0.5)·in/out - 0.5 clamped at 0. Backward: dy spread with the same four weights.
    /// </summary>
    public static Tensor ResizeBilinear(Tensor x, int outH, int outW)
    {
        Shapes.RequireNchw(x, "ResizeBilinear");
        if (outH < 1 || outW < 1 || x.H < 1 || x.W < 1)
            throw new ArgumentException($"ResizeBilinear: output {outH}x{outW} from input {Shapes.Format(x.Shape)}; both need positive sizes.");
        int planes = x.N * x.C, h = x.H, w = x.W;
        var y = Tensor.Empty(x.N, x.C, outH, outW);
        InterpolateKernels.BilinearForward(x.Data, planes, h, w, outH, outW, y.Data);
        return Backprop.Record(y, "ResizeBilinear", [x], dy =>
        {
            var dx = Tensor.EmptyLike(x);
            InterpolateKernels.BilinearBackward(dy.Data, planes, h, w, outH, outW, dx.Data);
            return [dx];
        }, new ResizeAttributes(outH, outW, "bilinear"));
    }

    /// <summary>Nearest-neighbour upsampling by an integer factor. Backward: dy summed over each factor×factor block.</summary>
    public static Tensor UpsampleNearest(Tensor x, int factor)
    {
        Shapes.RequireNchw(x, "UpsampleNearest");
        if (factor < 1) throw new ArgumentException($"UpsampleNearest: factor {factor} for input {Shapes.Format(x.Shape)}; expected factor ≥ 1.");
        int planes = x.N * x.C, h = x.H, w = x.W;
        var y = Tensor.Empty(x.N, x.C, h * factor, w * factor);
        InterpolateKernels.NearestForward(x.Data, planes, h, w, factor, y.Data);
        return Backprop.Record(y, "UpsampleNearest", [x], dy =>
        {
            var dx = Tensor.EmptyLike(x);
            InterpolateKernels.NearestBackward(dy.Data, planes, h, w, factor, dx.Data);
            return [dx];
        }, new ResizeAttributes(h * factor, w * factor, "nearest"));
    }
}
