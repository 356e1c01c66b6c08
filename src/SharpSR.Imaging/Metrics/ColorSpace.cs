namespace SharpSR.Imaging.Metrics;

/// <summary>How the luma plane for metrics is computed.</summary>
public enum YVariant
{
    /// <summary>Y in double, not rounded: what BasicSR's <c>bgr2ycbcr(y_only=True)</c> gives.</summary>
    Exact,

    /// <summary>"Rounded-Y": Y rounded to uint8 (half away from zero), as MATLAB <c>rgb2ycbcr</c> does on a uint8
    /// image; the MATLAB evaluation scripts (RCAN/EDSR TestCode) measure this one.</summary>
    Rounded,
}

/// <summary>Colour conversions for evaluation (ITU-R BT.601, studio range, as MATLAB rgb2ycbcr).</summary>
public static class ColorSpace
{
    /// <summary>
    /// Y = 16 + 65.481·R + 128.553·G + 24.966·B with R, G, B in [0, 1] (the 0..255 samples divided by 255), in
    /// double, range 16..235. Grey images (1 or 2 channels) use their single grey channel as it is, the way
    /// BasicSR leaves single-channel images alone. Alpha is ignored.
    /// </summary>
    public static double[] RgbToY(RgbImage image, YVariant variant = YVariant.Exact)
    {
        ArgumentNullException.ThrowIfNull(image);
        int n = image.Width * image.Height, c = image.Channels;
        var y = new double[n];
        var p = image.Pixels;
        if (image.IsGrey)
        {
            for (int i = 0; i < n; i++) y[i] = p[i * c];
            return y;
        }
        for (int i = 0; i < n; i++)
        {
            double v = RgbToY(p[i * c], p[i * c + 1], p[i * c + 2]);
            y[i] = variant == YVariant.Rounded ? Math.Round(v, MidpointRounding.AwayFromZero) : v;
        }
        return y;
    }

    /// <summary>Y of one pixel from 0..255 samples (see <see cref="RgbToY(RgbImage, YVariant)"/>).</summary>
    public static double RgbToY(double r, double g, double b) =>
        16.0 + 65.481 * (r / 255.0) + 128.553 * (g / 255.0) + 24.966 * (b / 255.0);
}
