namespace SharpSR.Core.Nn;

/// <summary>nn.ReLU as a layer (no parameters; takes an index in a Sequential like PyTorch's).</summary>
public sealed class Relu : Module
{
    public override Tensor Forward(Tensor x) => Ops.Relu(x);
}

/// <summary>nn.ReLU6 as a layer.</summary>
public sealed class Relu6 : Module
{
    public override Tensor Forward(Tensor x) => Ops.Relu6(x);
}

/// <summary>nn.LeakyReLU(negative_slope) as a layer.</summary>
public sealed class LeakyRelu(float slope) : Module
{
    public float Slope { get; } = slope;

    public override Tensor Forward(Tensor x) => Ops.LeakyRelu(x, Slope);
}

/// <summary>nn.Sigmoid as a layer.</summary>
public sealed class Sigmoid : Module
{
    public override Tensor Forward(Tensor x) => Ops.Sigmoid(x);
}

/// <summary>nn.PixelShuffle(upscale_factor) as a layer.</summary>
public sealed class PixelShuffle : Module
{
    public PixelShuffle(int factor)
    {
        if (factor < 1) throw new ArgumentException($"PixelShuffle: factor {factor}; expected ≥ 1.");
        Factor = factor;
    }

    public int Factor { get; }

    public override Tensor Forward(Tensor x) => Ops.PixelShuffle(x, Factor);
}
