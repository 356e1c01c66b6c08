using SharpSR.Core.Autograd;
using SharpSR.Core.Kernels;

namespace SharpSR.Core;

public static partial class Ops
{
    /// <summary>
    /// 2-D cross-correlation, as torch.nn.functional.conv2d: x [N, C, H, W], weight [K, C/groups, R, S],
    /// bias [K] or null; stride, zero padding and dilation per axis, and groups from <paramref name="o"/>.
    /// Output [N, K, P, Q] with P = (H + 2·padH − dilH·(R−1) − 1) / strideH + 1 (likewise Q).
    /// Backward: dx = conv_transpose(dy, weight); dw = Σ dy ⊗ patches of x; db = Σ dy per channel —
    /// each computed only when its input requires grad.
    /// </summary>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias, Conv2dOptions o)
    {
        Conv2dShape s = CheckConv2d(x, weight, bias, o);
        Tensor y = Tensor.Empty(s.N, s.K, s.P, s.Q);
        Conv2dKernels.Forward(x.Data, weight.Data, bias is null ? default : bias.Data, s, y.Data);

        return Backprop.Record(y, "Conv2d", bias is null ? [x, weight] : [x, weight, bias],
                               dy => Conv2dBackward(x, weight, bias, s, dy), o);
    }

    /// <summary>
    /// y = act(conv2d(x, weight, bias)) + residual: a convolution with ReLU (or no
    /// activation) and a residual add done on each output tile while it is in cache, the way residual
    /// blocks use them (conv → ReLU, and x + conv). Identical to the three ops in sequence, element for
    /// element. Backward: dresidual = dy; dz = dy where y &gt; 0 (ReLU) — only one of the two may be used
    /// at a time, so the mask can be read from y — then Conv2d's backward with dz.
    /// </summary>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias, Conv2dOptions o, bool relu, Tensor? residual)
    {
        if (!relu && residual is null) return Conv2d(x, weight, bias, o);
        if (relu && residual is not null)
            throw new ArgumentException("Conv2d: a fused ReLU and residual add together are not supported; apply the ReLU separately.");
        Conv2dShape s = CheckConv2d(x, weight, bias, o);
        if (residual is not null && !residual.Shape.SequenceEqual([s.N, s.K, s.P, s.Q]))
            throw new ArgumentException($"Conv2d: residual {Shapes.Format(residual.Shape)} does not match the output {Shapes.Format([s.N, s.K, s.P, s.Q])}.");
        Tensor y = Tensor.Empty(s.N, s.K, s.P, s.Q);
        Conv2dKernels.Forward(x.Data, weight.Data, bias is null ? default : bias.Data, s, y.Data, relu, residual is null ? default : residual.Data);

        Tensor[] inputs = (bias, residual) switch
        {
            (null, null) => [x, weight],
            (null, _) => [x, weight, residual],
            (_, null) => [x, weight, bias],
            _ => [x, weight, bias, residual],
        };
        return Backprop.Record(y, relu ? "Conv2dRelu" : "Conv2dAdd", inputs, dy =>
        {
            Tensor dz = dy;
            if (relu)
            {
                dz = Tensor.EmptyLike(dy);
                GateKernels.Gate(y.Data, dy.Data, 0f, float.PositiveInfinity, 0f, dz.Data);
            }
            Tensor?[] conv = Conv2dBackward(x, weight, bias, s, dz);
            return residual is null ? conv : [.. conv, dy];
        }, o);
    }

    /// <summary>dx, dw (and db when there is a bias) of a convolution, each only when needed.</summary>
    private static Tensor?[] Conv2dBackward(Tensor x, Tensor weight, Tensor? bias, in Conv2dShape s, Tensor dy)
    {
        Tensor? dx = null;
        if (x.RequiresGrad)
        {
            dx = Tensor.Empty(x.ShapeArray);
            Conv2dKernels.BackwardData(dy.Data, weight.Data, s, dx.Data);
        }
        var (dw, db) = FilterGradients(x, dy, weight, bias, s);
        return bias is null ? [dx, dw] : [dx, dw, db];
    }

    /// <summary>dw and db of a convolution with input x and output gradient dy, each only when needed.</summary>
    private static (Tensor? Dw, Tensor? Db) FilterGradients(Tensor x, Tensor dy, Tensor weight, Tensor? bias, in Conv2dShape s)
    {
        Tensor? dw = null, db = null;
        if (bias is { RequiresGrad: true }) db = Tensor.Empty(bias.ShapeArray);
        if (weight.RequiresGrad)
        {
            dw = Tensor.Empty(weight.ShapeArray);
            Conv2dKernels.BackwardFilter(x.Data, dy.Data, s, dw.Data, db is null ? default : db.Data);
        }
        else if (db is not null)
        {
            Conv2dKernels.BackwardBias(dy.Data, s, db.Data);
        }
        return (dw, db);
    }

    private static Conv2dShape CheckConv2d(Tensor x, Tensor weight, Tensor? bias, Conv2dOptions o)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        Shapes.RequireNchw(x, "Conv2d", "input");
        if (weight.Rank != 4)
            throw new ArgumentException($"Conv2d: weight must be [out channels, in channels / groups, kH, kW] (rank 4), got shape {Shapes.Format(weight.Shape)}.");
        if (o.StrideH < 1 || o.StrideW < 1 || o.DilationH < 1 || o.DilationW < 1 || o.PadH < 0 || o.PadW < 0 || o.Groups < 1)
            throw new ArgumentException($"Conv2d: invalid options {o}: strides, dilations and groups must be >= 1 and padding >= 0.");
        int c = x.C, k = weight.Dim(0), r = weight.Dim(2), sw = weight.Dim(3);
        if (c % o.Groups != 0 || k % o.Groups != 0)
            throw new ArgumentException($"Conv2d: input channels {c} (input {Shapes.Format(x.Shape)}) and output channels {k} (weight {Shapes.Format(weight.Shape)}) must both be divisible by groups = {o.Groups}.");
        if (weight.Dim(1) != c / o.Groups)
            throw new ArgumentException($"Conv2d: weight {Shapes.Format(weight.Shape)} expects {weight.Dim(1) * o.Groups} input channels ({weight.Dim(1)} per group × {o.Groups} groups), but input {Shapes.Format(x.Shape)} has {c}.");
        if (r < 1 || sw < 1)
            throw new ArgumentException($"Conv2d: weight {Shapes.Format(weight.Shape)} has an empty kernel.");
        if (bias is not null && (bias.Rank != 1 || bias.Length != k))
            throw new ArgumentException($"Conv2d: bias must have shape [{k}] (one per output channel of weight {Shapes.Format(weight.Shape)}), got {Shapes.Format(bias.Shape)}.");
        int p = o.OutH(x.H, r), q = o.OutW(x.W, sw);
        if (x.H + 2 * o.PadH < o.DilationH * (r - 1) + 1 || x.W + 2 * o.PadW < o.DilationW * (sw - 1) + 1 || p < 1 || q < 1)
            throw new ArgumentException($"Conv2d: input {Shapes.Format(x.Shape)} with padding ({o.PadH}, {o.PadW}) is smaller than the dilated kernel {r}×{sw} (dilation {o.DilationH}, {o.DilationW}) of weight {Shapes.Format(weight.Shape)}.");
        return Conv2dShape.Of(x.N, c, x.H, x.W, k, r, sw, o);
    }
}
