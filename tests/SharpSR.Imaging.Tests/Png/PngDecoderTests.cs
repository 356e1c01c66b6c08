using SharpSR.Imaging.Png;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Imaging.Tests.Png;

/// <summary>Our decoder against PIL's decode of the corpus (every colour type, depth, filter, Adam7, tRNS).</summary>
public class PngDecoderTests
{
    public static TheoryData<string> CorpusNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in TestFiles.PngCorpus()) data.Add(c.Name);
        return data;
    }

    private static TestFiles.PngCase Case(string name) => TestFiles.PngCorpus().Single(c => c.Name == name);

    [Fact]
    public void Corpus_Manifest_CoversEveryColourTypeDepthAndAdam7()
    {
        var corpus = TestFiles.PngCorpus();
        (int Type, int Depth)[] valid = [(0, 1), (0, 2), (0, 4), (0, 8), (0, 16), (2, 8), (2, 16), (3, 1), (3, 2), (3, 4), (3, 8), (4, 8), (4, 16), (6, 8), (6, 16)];
        foreach (var (type, depth) in valid)
        {
            Assert.Contains(corpus, c => c.ColorType == type && c.BitDepth == depth && !c.Interlaced);
            Assert.Contains(corpus, c => c.ColorType == type && c.BitDepth == depth && c.Interlaced);
        }
        Assert.True(corpus.Count(c => c.Name.Contains("trns")) >= 10);
    }

    [Theory]
    [MemberData(nameof(CorpusNames))]
    public void Decode_CorpusFile_MatchesPil(string name)
    {
        var c = Case(name);
        var image = PngDecoder.Decode(TestFiles.ReadFixture($"{TestFiles.PngDir}/{name}.png"));
        byte[] expected = TestFiles.ReadFixture($"{TestFiles.PngDir}/{name}.pil8.bin");
        Assert.Equal((c.Width, c.Height, c.Channels), (image.Width, image.Height, image.Channels));
        AssertBytesEqual(expected, image.Pixels, name, c.Width, c.Channels);
    }

    [Theory]
    [MemberData(nameof(CorpusNames))]
    public void DecodeRaw_CorpusFile_KeepsFullPrecision(string name)
    {
        var c = Case(name);
        var raw = PngDecoder.DecodeRaw(TestFiles.ReadFixture($"{TestFiles.PngDir}/{name}.png"));
        Assert.Equal((c.Width, c.Height, c.Channels, c.Depth), (raw.Width, raw.Height, raw.Channels, raw.BitDepth));
        ushort[] expected;
        if (c.Depth == 16)
        {
            byte[] bytes = TestFiles.ReadFixture($"{TestFiles.PngDir}/{name}.raw16.bin");
            expected = new ushort[bytes.Length / 2];
            for (int i = 0; i < expected.Length; i++) expected[i] = (ushort)(bytes[2 * i] | bytes[2 * i + 1] << 8);
        }
        else
        {
            expected = [.. TestFiles.ReadFixture($"{TestFiles.PngDir}/{name}.pil8.bin").Select(b => (ushort)b)];
        }
        Assert.Equal(expected.Length, raw.Samples.Length);
        int mismatch = expected.AsSpan().CommonPrefixLength(raw.Samples);
        Assert.True(mismatch == expected.Length, mismatch < expected.Length ? $"{name}: sample {mismatch} is {raw.Samples[mismatch]}, expected {expected[mismatch]}" : "");
    }

    [Fact]
    public void EncodeDecode_DatasetPhotos_RoundTripExactly()
    {
        // Real photographs (RGB and the greyscale Set14 bridge) through our encoder and back.
        string root = TestData.RequireDatasets();
        foreach (string path in new[] { "Set5/HR/bird.png", "Set14/HR/bridge.png" }.Select(p => Path.Combine(root, p)))
        {
            var png = PngDecoder.Load(path);
            var back = PngDecoder.Decode(PngEncoder.Encode(png, System.IO.Compression.CompressionLevel.Fastest));
            Assert.Equal((png.Width, png.Height, png.Channels), (back.Width, back.Height, back.Channels));
            Assert.Equal(png.Pixels, back.Pixels);
        }
    }

    [Fact]
    public void IsPng_Signature_Recognised()
    {
        Assert.True(PngDecoder.IsPng(TestFiles.ReadFixture(TestFiles.SmallRgbPng)));
        Assert.False(PngDecoder.IsPng("BM\0\0\0\0\0\0"u8));
        Assert.False(PngDecoder.IsPng([0x89, 0x50, 0x4E]));
    }

    internal static void AssertBytesEqual(byte[] expected, byte[] actual, string what, int width, int channels)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (expected[i] == actual[i]) continue;
            int pixel = i / channels;
            Assert.Fail($"{what}: first mismatch at x={pixel % width}, y={pixel / width}, channel {i % channels}: got {actual[i]}, expected {expected[i]}");
        }
    }
}
