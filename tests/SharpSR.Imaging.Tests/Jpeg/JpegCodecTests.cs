using SharpSR.Imaging.Jpeg;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Imaging.Tests.Jpeg;

public sealed class JpegCodecTests
{
    [Fact]
    public void SaveThenLoad_RgbImage_RoundTripsAndLeavesNoTempFiles()
    {
        string dir = TestData.NewTempDir("sharpsr-jpeg");
        try
        {
            var image = JpegDecoder.Decode(JpegTestFiles.Bytes(JpegTestFiles.Baseline444));
            string path = Path.Combine(dir, "out.jpg");
            JpegCodec.Save(image, path, new JpegEncoderOptions(100, JpegSubsampling.Chroma444));
            var back = JpegCodec.Load(path);
            Assert.Equal((image.Width, image.Height, 3), (back.Width, back.Height, back.Channels));
            var (max, _, _) = JpegDecoderTests.Diff(image.Pixels, back.Pixels);
            Assert.True(max <= 8, $"max difference {max} after a quality-100 4:4:4 round trip");
            Assert.Equal(["out.jpg"], Directory.GetFiles(dir).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Save_AlphaImage_ThrowsAndWritesNothing()
    {
        string dir = TestData.NewTempDir("sharpsr-jpeg");
        try
        {
            Assert.Throws<ArgumentException>(() => JpegCodec.Save(new RgbImage(2, 2, 4), Path.Combine(dir, "a.jpg")));
            Assert.Empty(Directory.GetFiles(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Load_CorruptFile_MessageNamesThePath()
    {
        string dir = TestData.NewTempDir("sharpsr-jpeg");
        try
        {
            string path = Path.Combine(dir, "bad.jpg");
            File.WriteAllBytes(path, JpegTestFiles.Bytes(JpegTestFiles.Baseline420)[..300]);
            var e = Assert.Throws<InvalidDataException>(() => JpegCodec.Load(path));
            Assert.Contains("bad.jpg", e.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
