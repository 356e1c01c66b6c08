namespace SharpSR.Core.Nn;

/// <summary>nn.Conv2d: weight [Cout, Cin/groups, kh, kw], optional bias [Cout], keys "weight" and "bias".</summary>
public sealed class Conv2d : Module
{
    public Conv2d(int inChannels, int outChannels, int kernel, int stride = 1, int padding = -1,
                  int dilation = 1, int groups = 1, bool bias = true, Random? rng = null)
        : this(inChannels, outChannels, (kernel, kernel), (stride, stride),
               padding < 0 ? (dilation * (kernel - 1) / 2, dilation * (kernel - 1) / 2) : (padding, padding),
               (dilation, dilation), groups, bias, rng)
    { }

    /// <summary>Rectangular form: kernel, stride, padding and dilation as (height, width).</summary>
    public Conv2d(int inChannels, int outChannels, (int H, int W) kernel, (int H, int W) stride, (int H, int W) padding,
                  (int H, int W) dilation, int groups = 1, bool bias = true, Random? rng = null)
    {
        if (inChannels <= 0 || outChannels <= 0 || groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"Conv2d: channels {inChannels}->{outChannels} are not divisible into {groups} groups.");
        InChannels = inChannels;
        OutChannels = outChannels;
        Options = new Conv2dOptions(stride.H, stride.W, padding.H, padding.W, dilation.H, dilation.W, groups);
        Weight = RegisterParameter("weight", Parameter.Zeros(outChannels, inChannels / groups, kernel.H, kernel.W));
        Bias = bias ? RegisterParameter("bias", Parameter.Zeros(outChannels)) : null;
        Init.ConvDefault(Weight, Bias, rng ?? Init.DefaultRng);
    }

    public int InChannels { get; }
    public int OutChannels { get; }
    public Conv2dOptions Options { get; }
    public Parameter Weight { get; }
    public Parameter? Bias { get; }

    public override Tensor Forward(Tensor x) => Forward(x, relu: false, residual: null);

    /// <summary>act(conv(x)) + residual in one pass (see the fused <see cref="Ops.Conv2d(Tensor, Tensor, Tensor?, Conv2dOptions, bool, Tensor?)"/>).</summary>
    public Tensor Forward(Tensor x, bool relu, Tensor? residual)
    {
        var y = Ops.Conv2d(x, Weight, Bias, Options, relu, residual);
        MultiAddsCounter.Report(this, Weight, y);
        return y;
    }
}
