using SharpSR.Core.Autograd;
using SharpSR.Core.Kernels;

namespace SharpSR.Core;

/// <summary>Upscale factor of a pixel shuffle, for the ONNX tracer (DepthToSpace, CRD mode).</summary>
public sealed record PixelShuffleAttributes(int Factor);

public static partial class Ops
{
    /// <summary>
    /// [N, C·r², H, W] → [N, C, H·r, W·r] with out[c, y·r+i, x·r+j] = in[c·r² + i·r + j, y, x].
    /// Backward: the inverse permutation.
    /// </summary>
    public static Tensor PixelShuffle(Tensor x, int factor)
    {
        Shapes.RequireNchw(x, "PixelShuffle");
        if (factor < 1 || x.C % (factor * factor) != 0)
            throw new ArgumentException($"PixelShuffle: input {Shapes.Format(x.Shape)} needs channels divisible by factor² = {factor}² and factor ≥ 1.");
        int n = x.N, c = x.C / (factor * factor), h = x.H, w = x.W;
        var y = Tensor.Empty(n, c, h * factor, w * factor);
        PixelShuffleKernels.Forward(x.Data, n, c, h, w, factor, y.Data);
        return Backprop.Record(y, "PixelShuffle", [x], dy =>
        {
            var dx = Tensor.EmptyLike(x);
            PixelShuffleKernels.Backward(dy.Data, n, c, h, w, factor, dx.Data);
            return [dx];
        }, new PixelShuffleAttributes(factor));
    }
}
