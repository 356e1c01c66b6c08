using System.Globalization;
using SharpSR.Core;

namespace SharpSR.Training;

/// <summary>
/// A training loss as written on the command line: "l1", or "hf:A,B" = A·L1 + B·HF-L1 (G-IDRN's loss,
/// best at 0.4,0.6 in its paper). "l1+hf" is kept as a name for hf:0.4,0.6.
/// </summary>
public sealed record LossSpec(double L1Weight, double HighFrequencyWeight)
{
    public const string Help = "l1, or hf:A,B for A·L1 + B·(L1 of the high-frequency residual), e.g. hf:0.4,0.6";

    public bool IsPlainL1 => HighFrequencyWeight == 0 && L1Weight == 1;

    public static LossSpec Parse(string text)
    {
        string t = text.Trim().ToLowerInvariant();
        if (t == "l1") return new(1, 0);
        if (t == "l1+hf") return new(0.4, 0.6);
        if (t.StartsWith("hf:", StringComparison.Ordinal))
        {
            var parts = t[3..].Split(',');
            if (parts.Length == 2
                && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double a)
                && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double b)
                && a >= 0 && b >= 0 && a + b > 0 && double.IsFinite(a + b))
                return new(a, b);
        }
        throw new ArgumentException($"unknown loss '{text}': {Help}");
    }
}

/// <summary>Training losses.</summary>
public static class Losses
{
    /// <summary>The loss function of a spec, with the HF filter's Gaussian side and sigma.</summary>
    public static Func<Tensor, Tensor, Tensor> Create(string spec, int kernel = 5, double sigma = 1.0)
    {
        var s = LossSpec.Parse(spec);
        CheckGaussian(kernel, sigma);
        if (s.IsPlainL1) return Ops.L1Loss;
        var g = Gaussian(kernel, sigma);
        return (sr, hr) => HighFrequencyL1(sr, hr, (float)s.L1Weight, (float)s.HighFrequencyWeight, g);
    }

    public static void CheckGaussian(int kernel, double sigma)
    {
        if (kernel < 3 || kernel % 2 == 0) throw new ArgumentException($"HF Gaussian side {kernel} must be odd and at least 3.");
        if (!(sigma > 0) || !double.IsFinite(sigma)) throw new ArgumentException($"HF Gaussian sigma {sigma} must be positive.");
    }

    /// <summary>
    /// G-IDRN's loss: a·mean|SR−HR| + b·mean|HF(SR)−HF(HR)| with HF(I) = I − G∗I, G a normalised Gaussian
    /// (replicate padding). HF is linear, so one filter pass over SR−HR suffices.
    /// </summary>
    public static Tensor HighFrequencyL1(Tensor sr, Tensor hr, float a, float b, float[,] gaussian)
    {
        var diff = sr - hr;
        var zeros = Tensor.Zeros(diff.ShapeArray);
        var l1 = Ops.L1Loss(diff, zeros);
        if (b == 0) return l1 * a;
        var hf = HighPass(diff, gaussian);
        var hfL1 = Ops.L1Loss(hf, zeros);
        return a == 0 ? hfL1 * b : l1 * a + hfL1 * b;
    }

    /// <summary>HF(I) = I − G∗I per channel, replicate padding.</summary>
    public static Tensor HighPass(Tensor x, float[,] gaussian) => x - Ops.DepthwiseFilter(x, gaussian, PaddingMode.Replicate);

    public static float[,] Gaussian(int size, double sigma)
    {
        var k = new float[size, size];
        double sum = 0;
        int r = size / 2;
        var w = new double[size, size];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
                sum += w[y, x] = Math.Exp(-((x - r) * (x - r) + (y - r) * (y - r)) / (2 * sigma * sigma));
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
                k[y, x] = (float)(w[y, x] / sum);
        return k;
    }
}
