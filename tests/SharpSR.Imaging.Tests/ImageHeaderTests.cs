using SharpSR.Testing;
using Xunit;

namespace SharpSR.Imaging.Tests;

public class ImageHeaderTests
{
    public static TheoryData<string> Fixtures()
    {
        var data = new TheoryData<string>();
        foreach (var dir in new[] { "jpeg", "png" })
            foreach (var f in Directory.GetFiles(TestData.Fixture(dir)).Order(StringComparer.Ordinal))
                if (f.EndsWith(".jpg", StringComparison.Ordinal) || f.EndsWith(".png", StringComparison.Ordinal)) data.Add(Path.Combine(dir, Path.GetFileName(f)));
        return data;
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void ReadSize_Fixture_PixelCountOfTheDecodedImage(string name)
    {
        string path = TestData.RequireFixture(name);
        RgbImage image;
        try { image = ImageIO.Load(path); }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException) { return; }   // broken or unsupported on purpose: nothing to compare with
        var size = ImageHeader.ReadSize(path);
        Assert.NotNull(size);
        // EXIF orientations 5-8 transpose the decoded image; the count of pixels is what a scheduler weighs.
        Assert.Equal((long)image.Width * image.Height, (long)size.Value.Width * size.Value.Height);
        Assert.Contains(size.Value, new[] { (image.Width, image.Height), (image.Height, image.Width) });
    }

    [Theory]
    [InlineData(".bmp")]
    [InlineData(".ppm")]
    [InlineData(".pgm")]
    public void ReadSize_WrittenFile_ItsSize(string extension)
    {
        var image = new RgbImage(23, 11, extension == ".pgm" ? 1 : 3);
        string path = Path.Combine(TestData.NewTempDir("sharpsr-header"), "a" + extension);
        ImageIO.Save(image, path);
        Assert.Equal((23, 11), ImageHeader.ReadSize(path));
    }

    [Fact]
    public void ReadSize_NotAnImageOrTruncated_Null()
    {
        Assert.Null(ImageHeader.ReadSize("hello world, not an image"u8));
        Assert.Null(ImageHeader.ReadSize([0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10]));
        Assert.Null(ImageHeader.ReadSize([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]));   // cut inside the first segment
        Assert.Null(ImageHeader.ReadSize("P6\n# only a comment\n"u8));
    }
}
