using System.Text.Json;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Cli.Tests;

/// <summary>`sharpsr bench`: the figures it reports and the form of its JSON (timings themselves are not asserted).</summary>
public class BenchCommandTests
{
    [Theory]
    [InlineData("--input", "24x16")]
    [InlineData("--train", "--batch", "2", "--patch", "12")]
    public void Bench_WritesTheDocumentedJson_AndAProfile(params string[] mode)
    {
        string json = Path.Combine(TestData.NewTempDir(), "bench.json");
        var (exit, stdout, err) = CliRunner.Run(["bench", "--model", "s-lwsr16", "--scale", "2", "--reps", "3", "--json", json, "--profile", .. mode]);
        Assert.True(exit == 0, err);
        Assert.Contains("median", stdout);
        if (stdout.Contains("(lowered plan"))   // "(lowered plan)" or "(lowered plan, conv winograd)"
        {
            // Inference on the lowered plan: step by step, each step packed or on the graph kernels.
            Assert.Contains("step by step", stdout);
            Assert.Contains("packed", stdout);
        }
        else
        {
            Assert.Contains("op by op", stdout);
            Assert.Contains(mode[0] == "--train" ? "backward" : "forward", stdout);
        }
        var doc = JsonDocument.Parse(File.ReadAllText(json)).RootElement;
        double median = doc.GetProperty("median_s").GetDouble(), min = doc.GetProperty("min_s").GetDouble(), max = doc.GetProperty("max_s").GetDouble();
        Assert.True(min > 0 && min <= median && median <= max, $"min {min}, median {median}, max {max}");
        Assert.True(doc.GetProperty("gflops").GetDouble() > 0);
        Assert.True(doc.GetProperty("allocated_bytes").GetInt64() >= 0);
    }

    [Fact]
    public void Bench_BadSize_IsOneClearLine()
    {
        var (exit, _, err) = CliRunner.Run("bench", "--input", "big");
        Assert.NotEqual(0, exit);
        Assert.Contains("invalid size 'big'", err);
        Assert.DoesNotContain("   at ", err);
    }
}
