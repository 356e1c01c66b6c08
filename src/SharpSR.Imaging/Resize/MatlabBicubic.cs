using SharpSR.Core;

namespace SharpSR.Imaging.Resize;

/// <summary>
/// MATLAB <c>imresize(img, scale, 'bicubic')</c>, the resize every SR benchmark's LR images were made with:
/// <list type="bullet">
/// <item>cubic kernel with a = −0.5 (Keys), support 4 taps;</item>
/// <item>when shrinking (scale &lt; 1) the kernel is stretched by 1/scale and scaled by scale (antialiasing),
/// so a ×1/s resize uses 4·s taps; the weights of every output sample are normalised to sum to 1;</item>
/// <item>output sample x (1-based) is centred on input coordinate u = x/scale + 0.5·(1 − 1/scale);</item>
/// <item>indices outside the image are mirrored symmetrically (1, 2, …, n, n, n−1, …, 1, repeating);</item>
/// <item>the output size is ceil(in·scale) (computed with integers for integer factors, so 1/3 never rounds up);</item>
/// <item>one 1-D pass per dimension; MATLAB orders them by ascending scale (largest reduction first) with a stable
/// sort, which for the uniform scales here means rows (height) first, then columns;</item>
/// <item>for 8-bit input each pass ends in a conversion to uint8 (round half away from zero, saturate), exactly
/// as MATLAB keeps the class of a uint8 image between the two passes. The float overloads never round.</item>
/// </list>
/// Sums are accumulated in double in tap order.
/// </summary>
public static class MatlabBicubic
{
    /// <summary>imresize(image, 1/factor, 'bicubic') for a uint8 image: output size ceil(in/factor).</summary>
    public static RgbImage Downscale(RgbImage image, int factor)
    {
        CheckFactor(factor);
        return Resize(image, 1.0 / factor, CeilDiv(image.Height, factor), CeilDiv(image.Width, factor));
    }

    /// <summary>imresize(image, factor, 'bicubic') for a uint8 image: output size in·factor.</summary>
    public static RgbImage Upscale(RgbImage image, int factor)
    {
        CheckFactor(factor);
        return Resize(image, factor, checked(image.Height * factor), checked(image.Width * factor));
    }

    /// <summary>Float (no rounding) resize of every N, C plane of an NCHW tensor by 1/factor.</summary>
    public static Tensor Downscale(Tensor image, int factor)
    {
        CheckFactor(factor);
        return Resize(image, 1.0 / factor, CeilDiv(image.H, factor), CeilDiv(image.W, factor));
    }

    /// <summary>Float (no rounding) resize of every N, C plane of an NCHW tensor by factor.</summary>
    public static Tensor Upscale(Tensor image, int factor)
    {
        CheckFactor(factor);
        return Resize(image, factor, checked(image.H * factor), checked(image.W * factor));
    }

    /// <summary>
    /// Float (no rounding) <c>imresize(image, [outHeight outWidth], 'bicubic')</c>: each dimension scaled by its own
    /// factor out/in (antialiased where it shrinks). Without rounding between them the two passes commute, so
    /// MATLAB's pass order does not matter here.
    /// </summary>
    public static Tensor Resize(Tensor image, int outHeight, int outWidth)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (outHeight <= 0 || outWidth <= 0) throw new ArgumentOutOfRangeException(nameof(outHeight), $"output size {outWidth}x{outHeight} must be positive");
        return Resize(image, (double)outHeight / image.H, (double)outWidth / image.W, outHeight, outWidth);
    }

    /// <summary>Top-left crop to a multiple of <paramref name="factor"/> in both dimensions (the benchmark "mod crop").</summary>
    public static RgbImage ModCrop(RgbImage image, int factor)
    {
        ArgumentNullException.ThrowIfNull(image);
        CheckFactor(factor);
        int w = image.Width / factor * factor, h = image.Height / factor * factor;
        if (w == 0 || h == 0) throw new ArgumentException($"image {image.Width}x{image.Height} is smaller than the factor {factor}");
        if (w == image.Width && h == image.Height) return image;
        return Crop(image, 0, 0, w, h);
    }

    /// <summary>The sub-image [x, x+width) × [y, y+height).</summary>
    public static RgbImage Crop(RgbImage image, int x, int y, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (x < 0 || y < 0 || width <= 0 || height <= 0 || x + width > image.Width || y + height > image.Height)
            throw new ArgumentOutOfRangeException(nameof(width), $"crop {width}x{height}+{x}+{y} is outside the {image.Width}x{image.Height} image");
        int c = image.Channels;
        var dst = new RgbImage(width, height, c);
        for (int r = 0; r < height; r++)
            image.Pixels.AsSpan(((y + r) * image.Width + x) * c, width * c).CopyTo(dst.Pixels.AsSpan(r * width * c));
        return dst;
    }

    // ---- weights --------------------------------------------------------------------------------

    /// <summary>The cubic convolution kernel with a = −0.5.</summary>
    public static double Cubic(double x)
    {
        double ax = Math.Abs(x), ax2 = ax * ax, ax3 = ax2 * ax;
        if (ax <= 1) return 1.5 * ax3 - 2.5 * ax2 + 1;
        if (ax <= 2) return -0.5 * ax3 + 2.5 * ax2 - 4 * ax + 2;
        return 0;
    }

    /// <summary>Per output sample: <see cref="Taps"/> source indices (0-based, already mirrored) and normalised weights.</summary>
    internal sealed record Contributions(int OutLength, int Taps, int[] Indices, double[] Weights);

    internal static Contributions ComputeContributions(int inLength, int outLength, double scale)
    {
        bool shrink = scale < 1;
        double kernelWidth = shrink ? 4 / scale : 4;
        int taps = (int)Math.Ceiling(kernelWidth) + 2;
        var indices = new int[outLength * taps];
        var weights = new double[outLength * taps];
        long period = 2L * inLength;
        for (int o = 0; o < outLength; o++)
        {
            double x = o + 1;
            double u = x / scale + 0.5 * (1 - 1 / scale);
            double left = Math.Floor(u - kernelWidth / 2);
            double sum = 0;
            for (int k = 0; k < taps; k++)
            {
                double j = left + k;                    // 1-based source index, may be outside 1..n
                double w = shrink ? scale * Cubic(scale * (u - j)) : Cubic(u - j);
                weights[o * taps + k] = w;
                sum += w;
                long m = ((long)j - 1) % period;
                if (m < 0) m += period;
                indices[o * taps + k] = (int)(m < inLength ? m : period - 1 - m);
            }
            for (int k = 0; k < taps; k++) weights[o * taps + k] /= sum;
        }
        return new Contributions(outLength, taps, indices, weights);
    }

    // ---- uint8 ----------------------------------------------------------------------------------

    private static RgbImage Resize(RgbImage image, double scale, int outHeight, int outWidth)
    {
        ArgumentNullException.ThrowIfNull(image);
        var rows = ComputeContributions(image.Height, outHeight, scale);
        var cols = ComputeContributions(image.Width, outWidth, scale);
        int c = image.Channels;

        // Pass 1: along the height, one whole row of samples at a time.
        var mid = new RgbImage(image.Width, outHeight, c);
        int rowLen = image.Width * c;
        var acc = new double[rowLen];
        for (int o = 0; o < outHeight; o++)
        {
            Array.Clear(acc);
            for (int k = 0; k < rows.Taps; k++)
            {
                double w = rows.Weights[o * rows.Taps + k];
                var src = image.Pixels.AsSpan(rows.Indices[o * rows.Taps + k] * rowLen, rowLen);
                for (int i = 0; i < rowLen; i++) acc[i] += w * src[i];
            }
            var dst = mid.Pixels.AsSpan(o * rowLen, rowLen);
            for (int i = 0; i < rowLen; i++) dst[i] = ToUInt8(acc[i]);
        }

        // Pass 2: along the width.
        var output = new RgbImage(outWidth, outHeight, c);
        for (int y = 0; y < outHeight; y++)
        {
            var src = mid.Pixels.AsSpan(y * rowLen, rowLen);
            var dst = output.Pixels.AsSpan(y * outWidth * c, outWidth * c);
            for (int o = 0; o < outWidth; o++)
                for (int ch = 0; ch < c; ch++)
                {
                    double s = 0;
                    for (int k = 0; k < cols.Taps; k++)
                        s += cols.Weights[o * cols.Taps + k] * src[cols.Indices[o * cols.Taps + k] * c + ch];
                    dst[o * c + ch] = ToUInt8(s);
                }
        }
        return output;
    }

    /// <summary>MATLAB's double → uint8 conversion: round half away from zero, then saturate.</summary>
    public static byte ToUInt8(double v)
    {
        double r = Math.Round(v, MidpointRounding.AwayFromZero);
        return r <= 0 || double.IsNaN(r) ? (byte)0 : r >= 255 ? (byte)255 : (byte)r;
    }

    // ---- float ----------------------------------------------------------------------------------

    private static Tensor Resize(Tensor image, double scale, int outHeight, int outWidth) => Resize(image, scale, scale, outHeight, outWidth);

    private static Tensor Resize(Tensor image, double scaleH, double scaleW, int outHeight, int outWidth)
    {
        ArgumentNullException.ThrowIfNull(image);
        int n = image.N, ch = image.C, h = image.H, w = image.W;
        var rows = ComputeContributions(h, outHeight, scaleH);
        var cols = ComputeContributions(w, outWidth, scaleW);
        var output = new float[(long)n * ch * outHeight * outWidth];
        var mid = new double[outHeight * w];
        for (int plane = 0; plane < n * ch; plane++)
        {
            var src = image.Data.AsSpan(plane * h * w, h * w);
            Array.Clear(mid);
            for (int o = 0; o < outHeight; o++)
                for (int k = 0; k < rows.Taps; k++)
                {
                    double wt = rows.Weights[o * rows.Taps + k];
                    var srow = src.Slice(rows.Indices[o * rows.Taps + k] * w, w);
                    for (int i = 0; i < w; i++) mid[o * w + i] += wt * srow[i];
                }
            var dst = output.AsSpan(plane * outHeight * outWidth, outHeight * outWidth);
            for (int y = 0; y < outHeight; y++)
                for (int o = 0; o < outWidth; o++)
                {
                    double s = 0;
                    for (int k = 0; k < cols.Taps; k++)
                        s += cols.Weights[o * cols.Taps + k] * mid[y * w + cols.Indices[o * cols.Taps + k]];
                    dst[y * outWidth + o] = (float)s;
                }
        }
        return new Tensor(output, n, ch, outHeight, outWidth);
    }

    private static int CeilDiv(int a, int b) => (a + b - 1) / b;

    private static void CheckFactor(int factor)
    {
        if (factor is < 1 or > 64) throw new ArgumentOutOfRangeException(nameof(factor), factor, "resize factor must be an integer from 1 to 64");
    }
}
