namespace SharpSR.Inference;

/// <summary>
/// An output size that need not be a model's native factor: a factor (1.5), a width, a height, or both. Such a
/// result is made by upscaling with the smallest native factor that reaches the size, then resizing down with
/// MATLAB bicubic (on the network's float output, rounded once).
/// </summary>
public sealed record OutputSize
{
    private OutputSize(double? factor, int? width, int? height)
    {
        Factor = factor;
        Width = width;
        Height = height;
    }

    public double? Factor { get; }
    public int? Width { get; }
    public int? Height { get; }

    /// <summary>Every side multiplied by <paramref name="factor"/> (at least 1), rounded up as MATLAB's imresize does.</summary>
    public static OutputSize ByFactor(double factor)
    {
        if (!(factor >= 1) || double.IsInfinity(factor) || factor > 64)
            throw new ArgumentException($"scale {factor} is out of range: a number from 1 to 64");
        return new OutputSize(factor, null, null);
    }

    /// <summary>A width and/or a height; with one of them, the other keeps the aspect ratio.</summary>
    public static OutputSize Exact(int? width, int? height)
    {
        if (width is null && height is null) throw new ArgumentException("give a width, a height or both");
        if (width is <= 0 || height is <= 0) throw new ArgumentException($"output size {width}x{height} must be positive");
        return new OutputSize(null, width, height);
    }

    /// <summary>The output size for an input of <paramref name="width"/> × <paramref name="height"/>.</summary>
    public (int Width, int Height) For(int width, int height)
    {
        if (Factor is { } f)
            return (Side(width * f), Side(height * f));
        int w = Width ?? Math.Max(1, (int)Math.Round((double)width * Height!.Value / height, MidpointRounding.AwayFromZero));
        int h = Height ?? Math.Max(1, (int)Math.Round((double)height * Width!.Value / width, MidpointRounding.AwayFromZero));
        return (w, h);
    }

    /// <summary>
    /// The smallest of <paramref name="native"/> factors that reaches the output size of this input, or a clear
    /// error naming what would be needed.
    /// </summary>
    public int NativeFactor(int width, int height, IEnumerable<int> native, string model)
    {
        var (w, h) = For(width, height);
        if (w < width || h < height)
            throw new ArgumentException($"{w}x{h} is smaller than the {width}x{height} input; SharpSR only enlarges (use `sharpsr resize` to shrink)");
        var fits = native.Where(s => (long)width * s >= w && (long)height * s >= h).Order().ToList();
        if (fits.Count > 0) return fits[0];
        double needed = Math.Max((double)w / width, (double)h / height);
        throw new ArgumentException($"{width}x{height} -> {w}x{h} needs x{needed:0.##}, more than {model} offers (x{string.Join(", x", native.Order())})");
    }

    // A tiny tolerance keeps 100 × 1.5 at 150 rather than rounding float noise up to 151.
    private static int Side(double v) => checked((int)Math.Ceiling(v - 1e-9));

    public override string ToString() => Factor is { } f ? $"x{f:0.###}" : $"{Width?.ToString() ?? "auto"}x{Height?.ToString() ?? "auto"}";
}
