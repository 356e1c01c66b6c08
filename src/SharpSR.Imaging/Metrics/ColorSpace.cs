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
    /// BasicSR leaves single-channel images alone, unless <paramref name="widenGrey"/> converts them as three equal
    /// channels (see <see cref="GreyPolicy"/>). Alpha is ignored.
    /// </summary>
    public static double[] RgbToY(RgbImage image, YVariant variant = YVariant.Exact, bool widenGrey = false)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.IsGrey && !widenGrey) return GreyLevels(image, variant);
        return PerPixel(image, variant, (r, g, b) => RgbToY(r, g, b));
    }

    /// <summary>
    /// Grey levels 0..255: a grey image's own samples; for a colour image its full-range luma (Y − 16)·255/219
    /// = 0.299·R + 0.587·G + 0.114·B, so that a colour image with three equal channels v gives v back.
    /// </summary>
    public static double[] GreyLevels(RgbImage image, YVariant variant = YVariant.Exact)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (!image.IsGrey) return PerPixel(image, variant, (r, g, b) => (RgbToY(r, g, b) - 16.0) * (255.0 / 219.0));
        int n = image.Width * image.Height, c = image.Channels;
        var y = new double[n];
        for (int i = 0; i < n; i++) y[i] = image.Pixels[i * c];
        return y;
    }

    // Grey images enter as three equal channels.
    private static double[] PerPixel(RgbImage image, YVariant variant, Func<double, double, double, double> luma)
    {
        int n = image.Width * image.Height, c = image.Channels;
        int gOffset = image.IsGrey ? 0 : 1, bOffset = image.IsGrey ? 0 : 2;
        var y = new double[n];
        var p = image.Pixels;
        for (int i = 0; i < n; i++)
        {
            double v = luma(p[i * c], p[i * c + gOffset], p[i * c + bOffset]);
            y[i] = variant == YVariant.Rounded ? Math.Round(v, MidpointRounding.AwayFromZero) : v;
        }
        return y;
    }

    /// <summary>Y of one pixel from 0..255 samples (see <see cref="RgbToY(RgbImage, YVariant)"/>).</summary>
    public static double RgbToY(double r, double g, double b) =>
        16.0 + 65.481 * (r / 255.0) + 128.553 * (g / 255.0) + 24.966 * (b / 255.0);
}
