using System.Text.Json;
using SharpSR.Testing;

namespace SharpSR.Imaging.Tests.Jpeg;

/// <summary>The JPEG corpus in tests/fixtures/jpeg (made by tests/fixtures/gen/make_jpeg_corpus.py) and its Pillow reference decodes.</summary>
internal static class JpegTestFiles
{
    public const string Folder = "jpeg";
    public const string Manifest = "manifest.json";
    public const string Arithmetic = "arith_420_37x29.jpg";
    public const string Baseline420 = "base_420_nat_64x48_q75.jpg";
    public const string Baseline444 = "base_444_nat_64x48_q75.jpg";
    public const string Progressive420 = "prog_420_nat_64x48_q75.jpg";
    public const string Restart420 = "rst_rows_420_nat_53x41.jpg";
    public const string Grey = "base_grey_nat_64x48_q75.jpg";
    public const string Exif6 = "exif_orient6_37x29.jpg";
    public const string OursEncoded = "sharpsr_enc_420_q90_37x29.jpg";
    public const string OursEncodedPillowDecode = "sharpsr_enc_420_q90_37x29.rgb";
    public const string OursEncodedSource = "sharpsr_enc_source_37x29.rgb";
    public const int OursEncodedWidth = 37, OursEncodedHeight = 29;

    public sealed record Case(string Name, string Jpeg, string Ref, int Width, int Height, int Channels, string Note);

    private static readonly Lazy<Case[]> s_cases = new(() =>
    {
        string json = File.ReadAllText(Path(Manifest));
        return JsonSerializer.Deserialize<Case[]>(json, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
    });

    public static IReadOnlyList<Case> Cases => s_cases.Value;

    public static Case Get(string name) => Cases.Single(c => c.Name == name);

    public static string Path(string file) => TestData.RequireFixture(System.IO.Path.Combine(Folder, file));

    public static byte[] Bytes(string file) => File.ReadAllBytes(Path(file));
}
