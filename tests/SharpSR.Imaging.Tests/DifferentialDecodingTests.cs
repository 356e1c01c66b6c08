using System.Text.Json;
using SharpSR.Imaging.Jpeg;
using SharpSR.Imaging.Png;
using Xunit;

namespace SharpSR.Imaging.Tests;

/// <summary>
/// Differential decoding on real-photo files (crops of samples/astronaut.png, tests/fixtures/differential,
/// written by make_differential_corpus.py): JPEG against libjpeg-turbo (through Pillow) within one level per
/// channel, PNG sample for sample against libpng.
/// </summary>
public sealed class DifferentialDecodingTests(ITestOutputHelper output)
{
    private const string Dir = "differential";

    public sealed record Case(string Name, string Kind, string File, string Reference, int Width, int Height, int Channels, int Depth, string Note)
    {
        public override string ToString() => Name;
    }

    private static readonly Lazy<Case[]> s_cases = new(() =>
        JsonSerializer.Deserialize<Case[]>(TestFiles.ReadFixture($"{Dir}/manifest.json"), new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!);

    private static Case Get(string name) => s_cases.Value.Single(c => c.Name == name);

    public static TheoryData<string> JpegCases() => new(s_cases.Value.Where(c => c.Kind == "jpeg").Select(c => c.Name));

    public static TheoryData<string> PngCases() => new(s_cases.Value.Where(c => c.Kind == "png").Select(c => c.Name));

    [Theory]
    [MemberData(nameof(JpegCases))]
    public void Jpeg_RealPhoto_WithinOneLevelOfLibjpegTurbo(string name)
    {
        var c = Get(name);
        var image = JpegDecoder.Decode(TestFiles.ReadFixture($"{Dir}/{c.File}"));
        byte[] expected = TestFiles.ReadFixture($"{Dir}/{c.Reference}");
        Assert.Equal((c.Width, c.Height, c.Channels), (image.Width, image.Height, image.Channels));
        int max = 0, at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            int d = Math.Abs(expected[i] - image.Pixels[i]);
            if (d > max) (max, at) = (d, i);
        }
        output.WriteLine($"{name} ({c.Note}): max |diff| {max}");
        Assert.True(max <= 1, $"{name}: {max} levels from libjpeg-turbo at x={at / c.Channels % c.Width}, y={at / c.Channels / c.Width}, channel {at % c.Channels}");
    }

    [Theory]
    [MemberData(nameof(PngCases))]
    public void Png_RealPhoto_EqualsLibpng(string name)
    {
        var c = Get(name);
        byte[] file = TestFiles.ReadFixture($"{Dir}/{c.File}");
        byte[] reference = TestFiles.ReadFixture($"{Dir}/{c.Reference}");
        ushort[] expected = c.Depth == 16
            ? [.. Enumerable.Range(0, reference.Length / 2).Select(i => (ushort)(reference[2 * i] | reference[2 * i + 1] << 8))]
            : [.. reference.Select(b => (ushort)b)];

        var raw = PngDecoder.DecodeRaw(file);
        Assert.Equal((c.Width, c.Height, c.Channels, c.Depth), (raw.Width, raw.Height, raw.Channels, raw.BitDepth));
        int mismatch = Enumerable.Range(0, expected.Length).FirstOrDefault(i => raw.Samples[i] != expected[i], -1);
        Assert.True(mismatch < 0, mismatch < 0 ? "" : $"{name}: sample {mismatch} is {raw.Samples[mismatch]}, libpng says {expected[mismatch]}");

        // The 8-bit form keeps a 16-bit sample's high byte (what libpng's png_set_strip_16 does).
        var image = PngDecoder.Decode(file);
        Assert.Equal(expected.Select(s => (byte)(c.Depth == 16 ? s >> 8 : s)), image.Pixels);
    }

    [Fact]
    public void Corpus_CoversEveryColourTypeDepthAndJpegMode()
    {
        var names = s_cases.Value.Select(c => c.Name).ToHashSet();
        string[] pngs = ["grey1", "grey2", "grey4", "grey8", "grey16", "rgb8", "rgb16", "pal1", "pal2", "pal4", "pal8", "greyalpha8", "greyalpha16", "rgba8", "rgba16"];
        foreach (var p in pngs) Assert.Contains("png_" + p, names);
        foreach (var mode in new[] { "base", "prog" })
            foreach (var sub in new[] { "444", "422", "420", "grey" })
                Assert.Contains($"jpeg_{mode}_{sub}", names);
        Assert.True(names.Count(n => n.StartsWith("jpeg_rst_", StringComparison.Ordinal)) >= 4);
    }
}
