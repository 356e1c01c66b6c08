using SharpSR.Core.Autograd;
using SharpSR.Core.Kernels;

namespace SharpSR.Core;

/// <summary>Window geometry of AvgPool2d / MaxPool2d, for the ONNX tracer.</summary>
public sealed record Pool2dAttributes(int Kernel, int Stride, int Padding);

/// <summary>Output size of an adaptive average pool, for the ONNX tracer.</summary>
public sealed record AdaptivePoolAttributes(int OutH, int OutW);

public static partial class Ops
{
    /// <summary>
    /// k×k average with stride and zero padding, dividing by k² even where the window covers padding
    /// (PyTorch's count_include_pad=True, ceil_mode=False). Backward: dy/k² spread over each window.
    /// </summary>
    public static Tensor AvgPool2d(Tensor x, int kernel, int stride, int padding = 0)
    {
        var (p, q) = CheckPool(x, kernel, stride, padding, "AvgPool2d");
        int planes = x.N * x.C, h = x.H, w = x.W;
        var y = Tensor.Empty(x.N, x.C, p, q);
        PoolKernels.AvgForward(x.Data, planes, h, w, kernel, stride, padding, y.Data);
        return Backprop.Record(y, "AvgPool2d", [x], dy =>
        {
            var dx = Tensor.EmptyLike(x);
            PoolKernels.AvgBackward(dy.Data, planes, h, w, kernel, stride, padding, dx.Data);
            return [dx];
        }, new Pool2dAttributes(kernel, stride, padding));
    }

    /// <summary>
    /// Average over PyTorch's adaptive bins [floor(i·H/P), ceil((i+1)·H/P)) per axis (bins overlap when P does
    /// not divide H). Backward: dy / bin size spread over each bin.
    /// </summary>
    public static Tensor AdaptiveAvgPool2d(Tensor x, int outH, int outW)
    {
        Shapes.RequireNchw(x, "AdaptiveAvgPool2d");
        if (outH < 1 || outW < 1 || x.H < 1 || x.W < 1)
            throw new ArgumentException($"AdaptiveAvgPool2d: output {outH}x{outW} from input {Shapes.Format(x.Shape)}; both need positive sizes.");
        int planes = x.N * x.C, h = x.H, w = x.W;
        var y = Tensor.Empty(x.N, x.C, outH, outW);
        PoolKernels.AdaptiveAvgForward(x.Data, planes, h, w, outH, outW, y.Data);
        return Backprop.Record(y, "AdaptiveAvgPool2d", [x], dy =>
        {
            var dx = Tensor.EmptyLike(x);
            PoolKernels.AdaptiveAvgBackward(dy.Data, planes, h, w, outH, outW, dx.Data);
            return [dx];
        }, new AdaptivePoolAttributes(outH, outW));
    }

    /// <summary>
    /// k×k maximum with stride; padding is -∞ (never selected). Backward: dy goes to the first maximum of
    /// each window in row-major order, as in PyTorch.
    /// </summary>
    public static Tensor MaxPool2d(Tensor x, int kernel, int stride, int padding = 0)
    {
        var (p, q) = CheckPool(x, kernel, stride, padding, "MaxPool2d");
        if (2 * padding > kernel)
            throw new ArgumentException($"MaxPool2d: padding {padding} must be at most half the kernel {kernel}.");
        int planes = x.N * x.C, h = x.H, w = x.W;
        var y = Tensor.Empty(x.N, x.C, p, q);
        // Without gradients no argmax is kept, and the window's maximum is taken along rows, then columns (ESA's 7x7 pools).
        int[]? argmax = Backprop.IsEnabled ? new int[y.Length] : null;
        if (argmax is null) PoolKernels.MaxForwardSeparable(x.Data, planes, h, w, kernel, stride, padding, y.Data);
        else PoolKernels.MaxForward(x.Data, planes, h, w, kernel, stride, padding, y.Data, argmax);
        return Backprop.Record(y, "MaxPool2d", [x], dy =>
        {
            var dx = Tensor.EmptyLike(x);
            PoolKernels.MaxBackward(dy.Data, argmax!, planes, h, w, p, q, dx.Data);
            return [dx];
        }, new Pool2dAttributes(kernel, stride, padding));
    }

    private static (int P, int Q) CheckPool(Tensor x, int kernel, int stride, int padding, string op)
    {
        Shapes.RequireNchw(x, op);
        if (kernel < 1 || stride < 1 || padding < 0)
            throw new ArgumentException($"{op}: kernel {kernel}, stride {stride}, padding {padding}; expected kernel ≥ 1, stride ≥ 1, padding ≥ 0.");
        int p = PoolKernels.OutSize(x.H, kernel, stride, padding), q = PoolKernels.OutSize(x.W, kernel, stride, padding);
        if (x.H + 2 * padding < kernel || x.W + 2 * padding < kernel || p < 1 || q < 1)
            throw new ArgumentException($"{op}: kernel {kernel} with padding {padding} does not fit input {Shapes.Format(x.Shape)}.");
        return (p, q);
    }
}
