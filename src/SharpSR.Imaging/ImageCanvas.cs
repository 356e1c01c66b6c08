using SharpSR.Core;

namespace SharpSR.Imaging;

/// <summary>
/// An 8- or 16-bit image filled region by region from float planes in 0..255, rounded as
/// <see cref="ImageTensor.ToImage"/> rounds. An upscaler writes each tile's output straight into it, so a
/// large photo's result never exists as a full-size float tensor (four times its 8-bit pixels).
/// </summary>
public sealed class ImageCanvas
{
    private readonly byte[]? _pixels;
    private readonly ushort[]? _samples;

    public ImageCanvas(int width, int height, int channels, int bitDepth = 8)
    {
        if (bitDepth is not (8 or 16)) throw new ArgumentException($"bit depth {bitDepth} must be 8 or 16");
        if (width <= 0 || height <= 0) throw new ArgumentException($"image size {width}x{height} must be positive");
        if (channels is < 1 or > 4) throw new ArgumentException($"image channel count {channels} must be 1 to 4");
        long n = (long)width * height * channels;
        if (n > Array.MaxLength) throw new ArgumentException($"image {width}x{height}x{channels} is too large");
        (Width, Height, Channels, BitDepth) = (width, height, channels, bitDepth);
        if (bitDepth == 16) _samples = new ushort[n];
        else _pixels = new byte[n];
    }

    public int Width { get; }
    public int Height { get; }
    public int Channels { get; }
    public int BitDepth { get; }

    /// <summary>The whole of [1, C, H, W] <paramref name="planes"/> (the canvas's size) into channels firstChannel.. firstChannel + C - 1.</summary>
    public void Write(Tensor planes, int firstChannel = 0)
    {
        ArgumentNullException.ThrowIfNull(planes);
        if (planes.Rank != 4 || planes.N != 1 || planes.H != Height || planes.W != Width)
            throw new ArgumentException($"expected a [1, C, {Height}, {Width}] tensor, got {Shapes.Format(planes.Shape)}");
        Write(planes, 0, 0, 0, 0, Height, Width, firstChannel);
    }

    /// <summary>
    /// Rows [sourceY, sourceY + height) × columns [sourceX, sourceX + width) of [1, C, h, w] <paramref name="planes"/>
    /// into the canvas at (y, x), channels firstChannel.. firstChannel + C - 1.
    /// </summary>
    public void Write(Tensor planes, int sourceY, int sourceX, int y, int x, int height, int width, int firstChannel = 0)
    {
        ArgumentNullException.ThrowIfNull(planes);
        int pc = planes.C, ph = planes.H, pw = planes.W, c = Channels;
        if (planes.Rank != 4 || planes.N != 1 || firstChannel < 0 || firstChannel + pc > c)
            throw new ArgumentException($"{Shapes.Format(planes.Shape)} does not fit channels {firstChannel}.. of a {c}-channel image");
        if (sourceY < 0 || sourceX < 0 || sourceY + height > ph || sourceX + width > pw || y < 0 || x < 0 || y + height > Height || x + width > Width)
            throw new ArgumentException($"region {width}x{height} from ({sourceX}, {sourceY}) to ({x}, {y}) lies outside the {pw}x{ph} source or the {Width}x{Height} image");
        var d = planes.Data;
        for (int k = 0; k < pc; k++)
            for (int row = 0; row < height; row++)
            {
                var from = d.AsSpan((k * ph + sourceY + row) * pw + sourceX, width);
                long at = ((long)(y + row) * Width + x) * c + firstChannel + k;
                if (_samples is { } deep)
                    for (int i = 0; i < width; i++) deep[at + (long)i * c] = ImageTensor.ToUInt16(from[i]);
                else
                    for (int i = 0; i < width; i++) _pixels![at + (long)i * c] = ImageTensor.ToByte(from[i]);
            }
    }

    /// <summary>Sets every sample of one channel to <paramref name="value"/> (0..255, rounded as <see cref="Write(Tensor, int)"/> rounds).</summary>
    public void Fill(int channel, float value)
    {
        if (channel < 0 || channel >= Channels) throw new ArgumentException($"channel {channel} of a {Channels}-channel image");
        int c = Channels;
        if (_samples is { } deep)
        {
            ushort v = ImageTensor.ToUInt16(value);
            for (long i = channel; i < deep.LongLength; i += c) deep[i] = v;
        }
        else
        {
            byte v = ImageTensor.ToByte(value);
            for (long i = channel; i < _pixels!.LongLength; i += c) _pixels[i] = v;
        }
    }

    /// <summary>The finished image. The canvas hands over its buffer: write nothing after this.</summary>
    public RgbImage ToImage() =>
        _samples is { } deep ? RgbImage.FromSamples16(Width, Height, Channels, deep) : new RgbImage(Width, Height, Channels, _pixels);
}
