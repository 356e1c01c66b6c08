using SharpSR.Imaging.Jpeg;
using Xunit;

namespace SharpSR.Imaging.Tests.Jpeg;

public sealed class JpegDecoderTests(ITestOutputHelper output)
{
    public static TheoryData<string> CorpusNames() => new(JpegTestFiles.Cases.Select(c => c.Name));

    /// <summary>
    /// Every corpus file against Pillow's decode (libjpeg-turbo, ISLOW IDCT, fancy upsampling). We implement the
    /// same integer IDCT, upsampling filters and colour tables, so the expected difference is 0; the bound of 2
    /// levels is the tolerance the codec promises.
    /// </summary>
    [Theory]
    [MemberData(nameof(CorpusNames))]
    public void Decode_CorpusFile_MatchesPillowWithinTwoLevels(string name)
    {
        var c = JpegTestFiles.Get(name);
        var image = JpegDecoder.Decode(JpegTestFiles.Bytes(c.Jpeg));
        byte[] expected = JpegTestFiles.Bytes(c.Ref);

        Assert.Equal((c.Width, c.Height, c.Channels), (image.Width, image.Height, image.Channels));
        var (max, mean, at) = Diff(expected, image.Pixels);
        output.WriteLine($"{name} ({c.Note}): max |diff| {max}, mean {mean:F4} (first max at sample {at})");
        Assert.True(max <= 2, $"{name}: max difference {max} > 2 at sample {at}");
    }

    [Fact]
    public void Decode_WholeCorpus_IsBitExactWithPillow()
    {
        int worst = 0;
        double sum = 0;
        long n = 0;
        foreach (var c in JpegTestFiles.Cases)
        {
            var image = JpegDecoder.Decode(JpegTestFiles.Bytes(c.Jpeg));
            byte[] expected = JpegTestFiles.Bytes(c.Ref);
            var (max, mean, _) = Diff(expected, image.Pixels);
            worst = Math.Max(worst, max);
            sum += mean * expected.Length;
            n += expected.Length;
        }
        output.WriteLine($"{JpegTestFiles.Cases.Count} files: max |diff| {worst}, mean {sum / n:F6}");
        Assert.Equal(0, worst);
    }

    [Fact]
    public void Decode_RgbComponentIdsWithoutAdobeMarker_StillTreatedAsRgb()
    {
        // cjpeg -rgb names its components 'R', 'G', 'B' and writes Adobe transform 0; without the marker the ids decide.
        var c = JpegTestFiles.Get("rgb_adobe_nat_53x41");
        byte[] file = JpegSegments.Remove(JpegTestFiles.Bytes(c.Jpeg), 0xEE);
        Assert.Empty(JpegSegments.FindAll(file, 0xEE));
        Assert.Equal(JpegTestFiles.Bytes(c.Ref), JpegDecoder.Decode(file).Pixels);
    }

    [Fact]
    public void Decode_AdobeTransformOne_ConvertsFromYCbCr()
    {
        var c = JpegTestFiles.Get("rgb_adobe_nat_53x41");
        byte[] file = JpegTestFiles.Bytes(c.Jpeg);
        int app14 = JpegSegments.Find(file, 0xEE);
        Assert.Equal(0, file[app14 + 15]);            // transform flag: last byte of the 12-byte payload
        file[app14 + 15] = 1;
        var (max, _, _) = Diff(JpegTestFiles.Bytes(c.Ref), JpegDecoder.Decode(file).Pixels);
        Assert.True(max > 50, "the same samples read as YCbCr must give very different colours");
    }

    [Fact]
    public void Decode_FillBytesAndGarbageBetweenSegments_Ignored()
    {
        byte[] file = JpegTestFiles.Bytes(JpegTestFiles.Restart420);
        int dht = JpegSegments.Find(file, 0xC4);
        // 0xFF fill bytes before a header marker, and fill before EOI at the end of the entropy-coded data.
        byte[] padded = [.. file[..dht], 0xFF, 0xFF, 0xFF, .. file[dht..^2], 0xFF, 0xFF, 0xFF, 0xD9];
        Assert.Equal(JpegDecoder.Decode(file).Pixels, JpegDecoder.Decode(padded).Pixels);
    }

    [Fact]
    public void Decode_ExtendedSequentialSof1_SameAsBaseline()
    {
        byte[] file = JpegTestFiles.Bytes(JpegTestFiles.Baseline420);
        byte[] extended = (byte[])file.Clone();
        extended[JpegSegments.Find(file, 0xC0) + 1] = 0xC1;
        Assert.Equal(JpegDecoder.Decode(file).Pixels, JpegDecoder.Decode(extended).Pixels);
    }

    [Fact]
    public void Decode_Stream_SameAsSpan()
    {
        byte[] file = JpegTestFiles.Bytes(JpegTestFiles.Progressive420);
        var fromSpan = JpegDecoder.Decode(file);
        var fromStream = JpegDecoder.Decode(new MemoryStream(file));
        Assert.Equal(fromSpan.Pixels, fromStream.Pixels);
    }

    [Fact]
    public void Decode_ExifOrientation6_SwapsWidthAndHeight()
    {
        var image = JpegDecoder.Decode(JpegTestFiles.Bytes(JpegTestFiles.Exif6));
        Assert.Equal((29, 37), (image.Width, image.Height));
    }

    [Fact]
    public void Decode_Grey_ReturnsOneChannel()
    {
        var image = JpegDecoder.Decode(JpegTestFiles.Bytes(JpegTestFiles.Grey));
        Assert.Equal(1, image.Channels);
    }

    [Fact]
    public void IsJpeg_JpegAndPngSignatures_Distinguished()
    {
        Assert.True(JpegDecoder.IsJpeg(JpegTestFiles.Bytes(JpegTestFiles.Baseline420)));
        Assert.False(JpegDecoder.IsJpeg([0x89, (byte)'P', (byte)'N', (byte)'G']));
    }

    internal static (int Max, double Mean, int At) Diff(byte[] expected, byte[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        int max = 0, at = -1;
        long sum = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            int d = Math.Abs(expected[i] - actual[i]);
            sum += d;
            if (d > max) (max, at) = (d, i);
        }
        return (max, (double)sum / expected.Length, at);
    }
}
