namespace SharpSR.Imaging.Metrics;

/// <summary>A single-channel image of doubles, row-major (a Y plane for metrics).</summary>
public sealed class Plane
{
    public Plane(int width, int height, double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (width <= 0 || height <= 0) throw new ArgumentException($"plane size {width}x{height} must be positive");
        if (values.LongLength != (long)width * height) throw new ArgumentException($"plane {width}x{height} needs {(long)width * height} values, got {values.LongLength}");
        Width = width;
        Height = height;
        Values = values;
    }

    public int Width { get; }
    public int Height { get; }
    public double[] Values { get; }

    public double this[int x, int y] => Values[y * Width + x];

    /// <summary>The Y plane of an image (see <see cref="ColorSpace.RgbToY(RgbImage, YVariant)"/>).</summary>
    public static Plane Y(RgbImage image, YVariant variant = YVariant.Exact) => new(image.Width, image.Height, ColorSpace.RgbToY(image, variant));

    /// <summary>This plane with <paramref name="border"/> pixels removed on every side.</summary>
    public Plane Shave(int border)
    {
        if (border < 0) throw new ArgumentOutOfRangeException(nameof(border), border, "border must be non-negative");
        if (border == 0) return this;
        int w = Width - 2 * border, h = Height - 2 * border;
        if (w <= 0 || h <= 0) throw new ArgumentException($"shaving {border} pixels leaves nothing of a {Width}x{Height} plane");
        var v = new double[w * h];
        for (int y = 0; y < h; y++) Array.Copy(Values, (y + border) * Width + border, v, y * w, w);
        return new Plane(w, h, v);
    }
}
