using System.Text.Json;
using SharpSR.Interop.Torch;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Interop.Tests.Torch;

/// <summary>
/// The authors' checkpoints (outside the repository; skipped when absent). Counts come from
/// docs/networks/README.md § Checkpoints; values from checkpoints_expected.json, written by make_pt_fixtures.py with torch 1.13.
/// </summary>
public class RealCheckpointTests
{
    // file -> (tensors, total elements) as docs/networks/README.md § Checkpoints states them
    public static TheoryData<string, int, long> Documented => new()
    {
        { "slwsr32_x4_epoch1.pt", 125, 571_131 },
        { "imdn_x2.pth", 92, 694_404 },
        { "imdn_x3.pth", 92, 703_059 },
        { "imdn_x4.pth", 92, 715_176 },
        { "erfdn_x4.pth", 128, 433_448 },
        { "pan_x2.pth", 140, 261_403 },
        { "pan_x3.pth", 140, 261_403 },
        { "pan_x4.pth", 146, 272_419 },
        { "carn_m.pth", 58, 414_811 },
        { "urnet_x2.pt", 499, 611_905 },
        { "urnet_x3.pt", 499, 620_560 },
        { "urnet_x4.pt", 499, 632_677 },
    };

    private static readonly Lazy<JsonElement> s_expected = new(() =>
        JsonDocument.Parse(File.ReadAllBytes(TestData.RequireFixture("torch/checkpoints_expected.json"))).RootElement);

    [Theory]
    [MemberData(nameof(Documented))]
    public void Read_AuthorsCheckpoint_MatchesDocumentedCounts(string file, int tensors, long elements)
    {
        var ckpt = TorchCheckpointReader.Read(TestData.RequireCheckpoint(file));

        Assert.Equal(TorchCheckpointFormat.Legacy, ckpt.Format);
        Assert.Equal(tensors, ckpt.Tensors.Count);
        Assert.Equal(elements, ckpt.TotalElements);
        Assert.Empty(ckpt.Skipped);
        Assert.Empty(ckpt.WrapperPath);
        Assert.All(ckpt.Info.Values, i => Assert.Equal(TorchDType.Float32, i.DType));
        Assert.Equal(file.StartsWith("imdn", StringComparison.Ordinal) ? tensors : 0, ckpt.PrefixStripped);
        Assert.DoesNotContain(ckpt.Tensors.Keys, k => k.StartsWith("module.", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Documented))]
    public void Read_AuthorsCheckpoint_ValuesMatchTorch(string file, int tensors, long elements)
    {
        var ckpt = TorchCheckpointReader.Read(TestData.RequireCheckpoint(file));
        var expected = s_expected.Value.GetProperty(file);

        Assert.Equal(tensors, expected.GetProperty("tensors").GetInt32());
        Assert.Equal(elements, expected.GetProperty("elements").GetInt64());
        foreach (var spot in expected.GetProperty("spot").EnumerateObject())
        {
            string key = spot.Name.StartsWith("module.", StringComparison.Ordinal) ? spot.Name["module.".Length..] : spot.Name;
            var t = ckpt.Tensors[key];
            Assert.Equal(spot.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()), t.ShapeArray);
            float[] first8 = [.. spot.Value.GetProperty("first8").EnumerateArray().Select(v => (float)v.GetDouble())];
            Assert.Equal(first8, t.Data.Take(first8.Length));
            double sum = 0, abs = 0;
            foreach (float v in t.Data) { sum += v; abs += Math.Abs(v); }
            double want = spot.Value.GetProperty("sum").GetDouble();
            Assert.True(Math.Abs(sum - want) <= 1e-9 * abs + 1e-12, $"{file} {key}: sum {sum:R}, torch {want:R}");
        }
    }
}
