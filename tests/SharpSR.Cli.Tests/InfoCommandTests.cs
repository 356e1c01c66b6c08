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
}
