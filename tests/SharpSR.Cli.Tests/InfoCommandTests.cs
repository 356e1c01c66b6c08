using System.Globalization;
using SharpSR.Models;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Cli.Tests;

public class InfoCommandTests
{
    [Theory]
    [InlineData("s-lwsr16", "143,755", "10.19 G")]
    [InlineData("s-lwsr32", "571,131", "39.90 G")]
    [InlineData("s-lwsr64", "2,276,827", "157.89 G")]
    public void Info_Presets_PrintPaperCounts(string model, string parameters, string multiAdds)
    {
        var (exit, output, _) = CliRunner.Run("info", "--model", model, "--scale", "4");
        Assert.Equal(0, exit);
        Assert.Contains($"parameters: {parameters}", output);
        Assert.Contains($"multi-adds: {multiAdds}", output);
        Assert.Contains("feat7_1", output);   // the per-part breakdown
    }

    [Fact]
    public void Info_UnknownModel_OneLineErrorAndNonZeroExit()
    {
        var (exit, _, err) = CliRunner.Run("info", "--model", "nope");
        Assert.Equal(1, exit);
        Assert.StartsWith("error: unknown model 'nope'", err);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public void Info_ModelFile_DescribesItselfFromItsMetadata()
    {
        string dir = Directory.CreateDirectory(Path.Combine(TestData.NewTempDir(), "run")).FullName;
        string file = CliFiles.TinyModel(Path.Combine(dir, "model.safetensors"), scale: 2, options: """{"features":16}""");
        var (exit, output, err) = CliRunner.Run("info", "--model", file);
        Assert.True(exit == 0, err);
        Assert.Contains("s-lwsr16 (model.safetensors) x2", output);
        long expected = ArchRegistry.Create("s-lwsr16", 2).ParameterCount();
        Assert.Contains($"parameters: {expected.ToString("N0", CultureInfo.InvariantCulture)}", output);
    }

    [Fact]
    public void Info_Bicubic_HasNoParameters()
    {
        var (exit, output, err) = CliRunner.Run("info", "--model", "bicubic");
        Assert.True(exit == 0, err);
        Assert.Contains("parameters: 0", output);
    }
}
