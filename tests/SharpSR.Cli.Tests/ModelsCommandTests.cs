using SharpSR.Models;
using Xunit;

namespace SharpSR.Cli.Tests;

/// <summary>`sharpsr models` and the --model-options help are read from the architectures' descriptors.</summary>
public class ModelsCommandTests
{
    [Fact]
    public void Models_ListsEveryArchitectureAndPresetWithItsCounts()
    {
        var (exit, output, err) = CliRunner.Run("models", "--scale", "3");
        Assert.True(exit == 0, err);
        foreach (var arch in ArchRegistry.Archs)
            Assert.Contains(arch.Name, output);
        foreach (var preset in ArchRegistry.Presets)
            Assert.Contains(preset.Name, output);
        Assert.Contains(ArchRegistry.Create("imdn", 3).ParameterCount().ToString("N0", System.Globalization.CultureInfo.InvariantCulture), output);
    }

    [Fact]
    public void Models_OneArchitecture_ExplainsEachOptionWithItsDefault()
    {
        var (exit, output, err) = CliRunner.Run("models", "carn-m");
        Assert.True(exit == 0, err);
        Assert.Contains("CARN-M", output);
        Assert.Contains("scales: 2, 3 or 4", output);
        foreach (var option in ArchRegistry.InfoOf("carn-m")!.Options)
            Assert.Contains(option.Name, output);
        Assert.Matches(@"groups\s*│\s*4\s*│", output);   // the default, read from the options record
    }

    [Fact]
    public void Models_Preset_ShowsItsArchitectureAndOptions()
    {
        var (exit, output, err) = CliRunner.Run("models", "s-lwsr16");
        Assert.True(exit == 0, err);
        Assert.Contains("""preset s-lwsr16: {"features":16}""", output);
        Assert.Contains("compressionExpansion", output);
    }

    [Fact]
    public void Models_UnknownArchitecture_OneLineError()
    {
        var (exit, _, err) = CliRunner.Run("models", "nope");
        Assert.Equal(1, exit);
        Assert.StartsWith("error: unknown architecture 'nope'", err);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public void TrainHelp_ModelOptions_NamesEveryArchitecturesKeys()
    {
        var (_, output, _) = CliRunner.Run("train", "--help");
        foreach (var arch in ArchRegistry.Archs)
            Assert.Contains($"{arch.Name}: {arch.Options[0].Name}", output.ReplaceLineEndings(" "));
    }
}
