using SharpSR.Core;
using SharpSR.Core.Nn;

namespace SharpSR.Models.Blocks;

/// <summary>
/// EDSR's MeanShift: a 1x1 conv 3->3, initialised to identity weight and bias sign·rgbRange·mean.
/// Stored checkpoints may hold trained values (s-LWSR's were trained), so it loads as an ordinary conv.
/// </summary>
public sealed class MeanShift : Module
{
    /// <summary>DIV2K RGB mean used by the EDSR family.</summary>
    public static readonly float[] Div2kMean = [0.4488f, 0.4371f, 0.4040f];

    public MeanShift(float rgbRange, int sign, float[]? mean = null)
    {
        mean ??= Div2kMean;
        Weight = RegisterParameter("weight", Parameter.Zeros(3, 3, 1, 1));
        Bias = RegisterParameter("bias", Parameter.Zeros(3));
        for (int c = 0; c < 3; c++)
        {
            Weight.Data[c * 3 + c] = 1f;
            Bias.Data[c] = sign * rgbRange * mean[c];
        }
    }

    public Parameter Weight { get; }
    public Parameter Bias { get; }

    public override Tensor Forward(Tensor x)
    {
        var y = Ops.Conv2d(x, Weight, Bias, Conv2dOptions.Same(1));
        MultiAddsCounter.Report(this, Weight, y);
        return y;
    }
}

/// <summary>The CARN authors' MeanShift, its 1x1 conv one level deeper (key shifter), in [0,1] units.</summary>
public sealed class CarnMeanShift : Module
{
    private readonly MeanShift _shifter;

    public CarnMeanShift(int sign) => _shifter = Register("shifter", new MeanShift(1f, sign));

    public override Tensor Forward(Tensor x) => _shifter.Forward(x);
}
