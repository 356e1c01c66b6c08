using System.Text.Json;
using SharpSR.Testing;

namespace SharpSR.Imaging.Tests;

/// <summary>Names of the committed fixtures this project reads (generators in tests/fixtures/gen).</summary>
public static class TestFiles
{
    public const string PngDir = "png";
    public const string PngManifest = "png/manifest.json";
    public const string BicubicGoldens = "imaging/bicubic.json";
    public const string MetricsGoldens = "imaging/metrics.json";

    /// <summary>A small valid RGB PNG from the corpus, used as the base of corruption tests.</summary>
    public const string SmallRgbPng = "png/ct2_d8.png";

    public static byte[] ReadFixture(string name) => File.ReadAllBytes(TestData.RequireFixture(name));

    public static JsonDocument ReadJson(string name) => JsonDocument.Parse(ReadFixture(name));

    /// <summary>One corpus entry (see make_png_corpus.py).</summary>
    public sealed record PngCase(string Name, int Width, int Height, int Channels, int Depth, bool Interlaced, int ColorType, int BitDepth)
    {
        public override string ToString() => Name;
    }

    public static IReadOnlyList<PngCase> PngCorpus()
    {
        var options = new JsonSerializerOptions { PropertyNameCaseInsensitive = true };
        return JsonSerializer.Deserialize<List<PngCase>>(ReadFixture(PngManifest), options)!;
    }
}
