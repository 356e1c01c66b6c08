using SharpSR.Imaging.Jpeg;
using Xunit;

namespace SharpSR.Imaging.Tests.Jpeg;

public sealed class JpegEncoderTests(ITestOutputHelper output)
{
    /// <summary>Photo-like content: smooth gradients and low-frequency waves, a soft edge, mild colour.</summary>
    private static RgbImage Smooth(int w, int h, int channels = 3)
    {
        var img = new RgbImage(w, h, channels);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < channels; c++)
                {
                    double v = 128 + 60 * Math.Sin(x * 0.11 + c) * Math.Cos(y * 0.07 - c) + 30.0 * (x - y) / (w + h)
                               + 25 * Math.Tanh((x - w / 2.0) / 3.0) * (c == 1 ? -1 : 1);
                    img[x, y, c] = (byte)Math.Clamp(Math.Round(v), 0, 255);
                }
        return img;
    }

    private static double Psnr(RgbImage a, RgbImage b)
    {
        Assert.Equal((a.Width, a.Height, a.Channels), (b.Width, b.Height, b.Channels));
        double se = 0;
        for (int i = 0; i < a.Pixels.Length; i++)
        {
            double d = a.Pixels[i] - b.Pixels[i];
            se += d * d;
        }
        return se == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 * a.Pixels.Length / se);
    }

    private double RoundTripPsnr(RgbImage image, JpegEncoderOptions options)
    {
        byte[] file = JpegEncoder.Encode(image, options);
        double psnr = Psnr(image, JpegDecoder.Decode(file));
        output.WriteLine($"{image} q{options.Quality} {options.Subsampling}: {file.Length} bytes, PSNR {psnr:F2} dB");
        return psnr;
    }

    [Theory]
    [InlineData(JpegSubsampling.Chroma420)]
    [InlineData(JpegSubsampling.Chroma444)]
    public void Encode_Quality95_RoundTripPsnrAbove40(JpegSubsampling subsampling) =>
        Assert.True(RoundTripPsnr(Smooth(96, 72), new JpegEncoderOptions(95, subsampling)) > 40);

    [Theory]
    [InlineData(JpegSubsampling.Chroma420)]
    [InlineData(JpegSubsampling.Chroma444)]
    public void Encode_Quality75_RoundTripPsnrAbove38(JpegSubsampling subsampling) =>
        Assert.True(RoundTripPsnr(Smooth(96, 72), new JpegEncoderOptions(75, subsampling)) > 38);

    [Fact]
    public void Encode_GreyQuality95_RoundTripPsnrAbove40() =>
        Assert.True(RoundTripPsnr(Smooth(61, 47, channels: 1), new JpegEncoderOptions(95)) > 40);

    /// <summary>
    /// Quality parity with libjpeg on a hard image (the corpus's 37×29 noisy source): Pillow 9.4 with optimize=True
    /// reached these PSNRs (measured while writing the corpus); we must not be more than 0.3 dB below.
    /// </summary>
    [Theory]
    [InlineData(75, JpegSubsampling.Chroma420, 26.58)]
    [InlineData(75, JpegSubsampling.Chroma444, 31.78)]
    [InlineData(95, JpegSubsampling.Chroma420, 29.84)]
    [InlineData(95, JpegSubsampling.Chroma444, 36.55)]
    [InlineData(100, JpegSubsampling.Chroma444, 50.43)]
    public void Encode_CorpusSource_PsnrNoWorseThanPillow(int quality, JpegSubsampling subsampling, double pillowPsnr)
    {
        var source = new RgbImage(JpegTestFiles.OursEncodedWidth, JpegTestFiles.OursEncodedHeight, 3, JpegTestFiles.Bytes(JpegTestFiles.OursEncodedSource));
        double psnr = RoundTripPsnr(source, new JpegEncoderOptions(quality, subsampling));
        Assert.InRange(psnr, pillowPsnr - 0.3, double.PositiveInfinity);
    }

    /// <summary>The committed file was written by this encoder and checked with Pillow and djpeg (no warnings);
    /// re-encoding the committed source must reproduce it byte for byte.</summary>
    [Fact]
    public void Encode_CorpusSource_ReproducesCommittedFile()
    {
        var source = new RgbImage(JpegTestFiles.OursEncodedWidth, JpegTestFiles.OursEncodedHeight, 3, JpegTestFiles.Bytes(JpegTestFiles.OursEncodedSource));
        Assert.Equal(JpegTestFiles.Bytes(JpegTestFiles.OursEncoded), JpegEncoder.Encode(source, new JpegEncoderOptions(90)));
    }

    [Fact]
    public void Decode_OurEncodedFile_MatchesPillowDecodeExactly()
    {
        var image = JpegDecoder.Decode(JpegTestFiles.Bytes(JpegTestFiles.OursEncoded));
        Assert.Equal(JpegTestFiles.Bytes(JpegTestFiles.OursEncodedPillowDecode), image.Pixels);
    }

    [Fact]
    public void Encode_Grey_WritesOneComponentJfif()
    {
        byte[] file = JpegEncoder.Encode(Smooth(20, 10, channels: 1));
        Assert.Equal(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, file[..4]);
        Assert.Equal("JFIF\0"u8.ToArray(), file[6..11]);
        int sof = JpegSegments.Find(file, 0xC0);
        Assert.Equal(1, file[sof + 9]);
        Assert.Equal(1, JpegDecoder.Decode(file).Channels);
    }

    [Fact]
    public void Encode_Rgb420_WritesBaselineFrameWithTwoByTwoLuma()
    {
        byte[] file = JpegEncoder.Encode(Smooth(20, 10));
        int sof = JpegSegments.Find(file, 0xC0);
        Assert.Equal(3, file[sof + 9]);
        Assert.Equal(new byte[] { 0x22, 0x11, 0x11 }, new[] { file[sof + 11], file[sof + 14], file[sof + 17] });
        Assert.Equal(new byte[] { 0xFF, 0xD9 }, file[^2..]);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 3)]
    [InlineData(8, 8)]
    [InlineData(9, 17)]
    [InlineData(16, 16)]
    [InlineData(17, 15)]
    [InlineData(33, 1)]
    [InlineData(1, 40)]
    public void Encode_OddSizes_RoundTripKeepsSizeAndContent(int w, int h)
    {
        foreach (int channels in new[] { 1, 3 })
            foreach (var sub in new[] { JpegSubsampling.Chroma420, JpegSubsampling.Chroma444 })
            {
                var image = Smooth(w, h, channels);
                double psnr = Psnr(image, JpegDecoder.Decode(JpegEncoder.Encode(image, new JpegEncoderOptions(95, sub))));
                Assert.True(psnr > 30, $"{w}x{h}x{channels} {sub}: PSNR {psnr:F2}");
            }
    }

    [Fact]
    public void Encode_LowerQuality_SmallerFile()
    {
        var image = Smooth(64, 64);
        int[] sizes = [.. new[] { 20, 50, 80, 95 }.Select(q => JpegEncoder.Encode(image, new JpegEncoderOptions(q)).Length)];
        output.WriteLine(string.Join(", ", sizes));
        Assert.True(sizes[0] < sizes[1] && sizes[1] < sizes[2] && sizes[2] < sizes[3]);
    }

    [Fact]
    public void Encode_Saturated_ExtremesSurvive()
    {
        var image = new RgbImage(16, 16, 3);
        for (int i = 0; i < image.Pixels.Length; i += 3) (image.Pixels[i], image.Pixels[i + 1], image.Pixels[i + 2]) = i % 2 == 0 ? ((byte)255, (byte)0, (byte)0) : ((byte)0, (byte)0, (byte)255);
        var back = JpegDecoder.Decode(JpegEncoder.Encode(image, new JpegEncoderOptions(100, JpegSubsampling.Chroma444)));
        Assert.True(Psnr(image, back) > 35);
    }

    [Fact]
    public void Encode_Alpha_ThrowsArgument()
    {
        var e = Assert.Throws<ArgumentException>(() => JpegEncoder.Encode(new RgbImage(4, 4, 4), new MemoryStream()));
        Assert.Contains("alpha", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public void Encode_QualityOutOfRange_Throws(int quality) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => JpegEncoder.Encode(new RgbImage(4, 4, 3), new MemoryStream(), quality));

    /// <summary>Our quality scaling against the DQT tables Pillow (libjpeg's jpeg_set_quality) wrote into the corpus.</summary>
    [Theory]
    [InlineData("base_444_nat_37x29_q50.jpg", 50)]
    [InlineData("base_444_nat_64x48_q75.jpg", 75)]
    [InlineData("base_444_nat_100x75_q95.jpg", 95)]
    [InlineData("q100_444_syn_37x29.jpg", 100)]
    [InlineData("q5_420_syn_37x29.jpg", 5)]
    public void QuantizationScale_Quality_EqualsLibjpegTables(string file, int quality)
    {
        byte[] bytes = JpegTestFiles.Bytes(file);
        var tables = new List<byte[]>();
        foreach (int at in JpegSegments.FindAll(bytes, 0xDB))
        {
            int end = at + JpegSegments.Length(bytes, at);
            for (int p = at + 4; p < end; p += 65)
            {
                var natural = new byte[64];
                for (int k = 0; k < 64; k++) natural[JpegConstants.ZigZag[k]] = bytes[p + 1 + k];
                tables.Add(natural);
            }
        }
        Assert.Equal(2, tables.Count);
        Assert.Equal(tables[0], JpegQuantization.Scale(JpegQuantization.Luminance, quality));
        Assert.Equal(tables[1], JpegQuantization.Scale(JpegQuantization.Chrominance, quality));
    }
}
