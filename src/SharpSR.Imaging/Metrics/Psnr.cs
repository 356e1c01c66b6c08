namespace SharpSR.Imaging.Metrics;

/// <summary>Peak signal-to-noise ratio with peak 255: 10·log10(255² / MSE); +∞ for identical inputs.</summary>
public static class Psnr
{
    public const double Peak = 255.0;

    public static double Compute(Plane a, Plane b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        CheckSameSize(a, b);
        double sum = 0;
        var va = a.Values;
        var vb = b.Values;
        for (int i = 0; i < va.Length; i++)
        {
            double d = va[i] - vb[i];
            sum += d * d;
        }
        double mse = sum / va.Length;
        return mse == 0 ? double.PositiveInfinity : 10.0 * Math.Log10(Peak * Peak / mse);
    }

    /// <summary>PSNR on the Y channel after removing <paramref name="shave"/> border pixels.</summary>
    public static double ComputeY(RgbImage a, RgbImage b, int shave, YVariant variant = YVariant.Exact) =>
        Compute(Plane.Y(a, variant).Shave(shave), Plane.Y(b, variant).Shave(shave));

    internal static void CheckSameSize(Plane a, Plane b)
    {
        if (a.Width != b.Width || a.Height != b.Height)
            throw new ArgumentException($"planes differ in size: {a.Width}x{a.Height} vs {b.Width}x{b.Height}");
    }
}
