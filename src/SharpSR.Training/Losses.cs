using SharpSR.Core;

namespace SharpSR.Training;

/// <summary>Training losses by name.</summary>
public static class Losses
{
    public static Func<Tensor, Tensor, Tensor> Create(string name) => name switch
    {
        "l1" => Ops.L1Loss,
        "l1+hf" => (sr, hr) => HighFrequencyL1(sr, hr, 0.4f, 0.6f),
        _ => throw new ArgumentException($"unknown loss '{name}' (l1 or l1+hf)"),
    };

    /// <summary>
    /// G-IDRN's loss: a·mean|SR−HR| + b·mean|HF(SR)−HF(HR)| with HF(I) = I − G∗I, G a normalised 5x5
    /// Gaussian (σ = 1, replicate padding). HF is linear, so one filter pass over SR−HR suffices.
    /// </summary>
    public static Tensor HighFrequencyL1(Tensor sr, Tensor hr, float a, float b, int size = 5, double sigma = 1.0)
    {
        var diff = sr - hr;
        var hf = diff - Ops.DepthwiseFilter(diff, Gaussian(size, sigma), PaddingMode.Replicate);
        var zeros = Tensor.Zeros(diff.ShapeArray);
        return Ops.L1Loss(diff, zeros) * a + Ops.L1Loss(hf, zeros) * b;
    }

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
