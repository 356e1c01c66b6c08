using SharpSR.Imaging.Png;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Imaging.Tests;

public sealed class ImageIOTests : IDisposable
{
    private readonly string _dir = TestData.NewTempDir("sharpsr-imageio");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static RgbImage Sample(int channels)
    {
        var img = new RgbImage(6, 5, channels);
        new Random(channels).NextBytes(img.Pixels);
        return img;
    }

    [Theory]
    [InlineData("a.png", 4, 4)]
    [InlineData("a.PNG", 1, 1)]
    [InlineData("a.bmp", 3, 3)]
    [InlineData("a.ppm", 3, 3)]
    [InlineData("a.pgm", 1, 1)]
    public void SaveThenLoad_ByExtension_RoundTrips(string name, int channels, int expectedChannels)
    {
        string path = Path.Combine(_dir, name);
        var img = Sample(channels);
        ImageIO.Save(img, path);
        var back = ImageIO.Load(path);
        Assert.Equal(expectedChannels, back.Channels);
        Assert.Equal(img.Pixels, back.Pixels);
        Assert.Equal([name], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void Load_WrongExtension_DispatchesBySignature()
    {
        string path = Path.Combine(_dir, "really-a-png.bmp");
        File.WriteAllBytes(path, PngEncoder.Encode(Sample(3)));
        Assert.Equal(Sample(3).Pixels, ImageIO.Load(path).Pixels);
    }

    [Fact]
    public void Load_UnknownFormat_SaysSoAndListsFormats()
    {
        string path = Path.Combine(_dir, "x.png");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5]);
        var e = Assert.Throws<InvalidDataException>(() => ImageIO.Load(path));
        Assert.Contains("unknown image format", e.Message);
        Assert.Contains("PNG", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Load_CorruptPng_MessageNamesFileAndProblem()
    {
        string path = Path.Combine(_dir, "bad.png");
        byte[] file = PngEncoder.Encode(Sample(3));
        File.WriteAllBytes(path, file[..(file.Length - 20)]);
        var e = Assert.Throws<InvalidDataException>(() => ImageIO.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("PNG:", e.Message);
    }

    [Fact]
    public void Save_UnknownExtension_ListsSupportedOnes()
    {
        var e = Assert.Throws<NotSupportedException>(() => ImageIO.Save(Sample(3), Path.Combine(_dir, "x.tiff")));
        Assert.Contains(".png", e.Message);
        Assert.Empty(Directory.GetFiles(_dir));
        Assert.Throws<ArgumentException>(() => ImageIO.Save(Sample(3), Path.Combine(_dir, "noext")));
    }

    [Fact]
    public void Save_FormatCannotHoldImage_LeavesNoFile()
    {
        Assert.Throws<ArgumentException>(() => ImageIO.Save(Sample(4), Path.Combine(_dir, "x.bmp")));
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public void RgbImage_LoadAndSave_UseImageIO()
    {
        string path = Path.Combine(_dir, "c.png");
        var img = Sample(2);
        img.Save(path);
        Assert.Equal(img.Pixels, RgbImage.Load(path).Pixels);
    }

    [Fact]
    public void Register_CustomCodec_IsUsedForItsExtensionAndSignature()
    {
        ImageIO.Register(new ToyCodec());
        string path = Path.Combine(_dir, "t.toy");
        var img = Sample(1);
        ImageIO.Save(img, path);
        Assert.Equal("TOY", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(path), 0, 3));
        Assert.Equal(img.Pixels, ImageIO.Load(path).Pixels);
        Assert.Same(ImageIO.Codecs[0], ImageIO.Detect("TOY"u8));
    }

    /// <summary>"TOY" + width + height bytes + grey samples: enough to exercise the registration hook.</summary>
    private sealed class ToyCodec : IImageCodec
    {
        public string Name => "TOY";
        public IReadOnlyList<string> Extensions { get; } = [".toy"];
        public bool CanDecode(ReadOnlySpan<byte> header) => header.StartsWith("TOY"u8);
        public RgbImage Decode(ReadOnlySpan<byte> file, long maxPixels) => new(file[3], file[4], 1, file[5..].ToArray());
        public bool CanEncode => true;
        public void Encode(RgbImage image, Stream output)
        {
            output.Write("TOY"u8);
            output.WriteByte((byte)image.Width);
            output.WriteByte((byte)image.Height);
            output.Write(image.Pixels);
        }
    }
}
