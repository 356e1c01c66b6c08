using System.IO.Compression;
using SharpSR.Imaging.Png;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Imaging.Tests.Png;

public class PngRoundTripTests
{
    public static TheoryData<int, int> ChannelsAndDepths() => new() { { 1, 8 }, { 2, 8 }, { 3, 8 }, { 4, 8 }, { 1, 16 }, { 2, 16 }, { 3, 16 }, { 4, 16 } };

    private static PngRawImage RandomRaw(int width, int height, int channels, int depth, int seed)
    {
        var rng = new Random(seed);
        var samples = new ushort[width * height * channels];
        int max = (1 << depth) - 1;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < channels; c++)
                {
                    // Half smooth (so every filter wins somewhere), half noise; corners hit 0 and max.
                    int smooth = (x * 37 + y * 11 + c * 50) * (max / 255) % (max + 1);
                    samples[(y * width + x) * channels + c] = (ushort)(y % 2 == 0 ? smooth : rng.Next(max + 1));
                }
        samples[0] = 0;
        samples[^1] = (ushort)max;
        return new PngRawImage(width, height, channels, depth, samples);
    }

    [Theory]
    [MemberData(nameof(ChannelsAndDepths))]
    public void EncodeRaw_ThenDecodeRaw_IsExact(int channels, int depth)
    {
        foreach (var (w, h) in new[] { (1, 1), (7, 3), (33, 17) })
        {
            var image = RandomRaw(w, h, channels, depth, seed: w * 100 + channels * 10 + depth);
            byte[] file = PngEncoder.EncodeRaw(image);
            var back = PngDecoder.DecodeRaw(file);
            Assert.Equal((w, h, channels, depth), (back.Width, back.Height, back.Channels, back.BitDepth));
            Assert.Equal(image.Samples, back.Samples);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Encode_ThenDecode_IsExactForEightBitImages(int channels)
    {
        var image = RandomRaw(29, 13, channels, 8, seed: channels).ToRgbImage();
        var back = PngDecoder.Decode(PngEncoder.Encode(image, CompressionLevel.Fastest));
        Assert.Equal(channels, back.Channels);
        Assert.Equal(image.Pixels, back.Pixels);
    }

    [Theory]
    [MemberData(nameof(PngDecoderTests.CorpusNames), MemberType = typeof(PngDecoderTests))]
    public void ReEncode_CorpusFile_DecodesToSameSamples(string name)
    {
        var raw = PngDecoder.DecodeRaw(TestFiles.ReadFixture($"{TestFiles.PngDir}/{name}.png"));
        var again = PngDecoder.DecodeRaw(PngEncoder.EncodeRaw(raw));
        Assert.Equal(raw.BitDepth, again.BitDepth);
        Assert.Equal(raw.Samples, again.Samples);
    }

    [Fact]
    public void Encode_LargeImage_SplitsIdatAndStillRoundTrips()
    {
        var image = RandomRaw(600, 400, 3, 8, seed: 5).ToRgbImage(); // noise rows: > 256 KiB compressed
        byte[] file = PngEncoder.Encode(image, CompressionLevel.Fastest);
        Assert.True(CountChunks(file, "IDAT") > 1, "expected more than one IDAT chunk");
        Assert.Equal(image.Pixels, PngDecoder.Decode(file).Pixels);
    }

    [Fact]
    public void Encode_SmoothImage_UsesSeveralFilterTypes()
    {
        var image = RandomRaw(64, 32, 3, 8, seed: 9).ToRgbImage();
        byte[] file = PngEncoder.Encode(image);
        var filters = FilterBytes(file, rowBytes: 64 * 3, rows: 32);
        Assert.True(filters.Distinct().Count() >= 2, $"adaptive filtering chose only {string.Join(",", filters.Distinct())}");
    }

    [Fact]
    public void Save_ToPath_WritesAtomicallyAndLeavesNoTempFile()
    {
        string dir = TestData.NewTempDir();
        try
        {
            string path = Path.Combine(dir, "out.png");
            var image = RandomRaw(10, 10, 3, 8, seed: 1).ToRgbImage();
            File.WriteAllText(path, "old contents");
            PngEncoder.Save(image, path);
            Assert.Equal(image.Pixels, PngDecoder.Load(path).Pixels);
            Assert.Equal(["out.png"], Directory.GetFiles(dir).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    internal static int CountChunks(byte[] file, string type)
    {
        int count = 0;
        for (int pos = 8; pos + 8 <= file.Length;)
        {
            int len = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(pos));
            if (System.Text.Encoding.ASCII.GetString(file, pos + 4, 4) == type) count++;
            pos += 12 + len;
        }
        return count;
    }

    private static byte[] FilterBytes(byte[] file, int rowBytes, int rows)
    {
        using var idat = new MemoryStream();
        for (int pos = 8; pos + 8 <= file.Length;)
        {
            int len = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(pos));
            if (System.Text.Encoding.ASCII.GetString(file, pos + 4, 4) == "IDAT") idat.Write(file, pos + 8, len);
            pos += 12 + len;
        }
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        var data = new byte[rows * (rowBytes + 1)];
        z.ReadExactly(data);
        return [.. Enumerable.Range(0, rows).Select(r => data[r * (rowBytes + 1)])];
    }
}
