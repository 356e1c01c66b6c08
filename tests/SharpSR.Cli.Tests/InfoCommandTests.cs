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

    // s-LWSR Table II (x4): 8.3 / 32.9 / 131.1 G, here with two decimals beside SharpSR's own count.
    [Theory]
    [InlineData("s-lwsr16", "8.28 G", "10.19 G")]
    [InlineData("s-lwsr64", "131.15 G", "157.89 G")]
    public void Info_PaperMultiAdds_ShownBesideOurs(string model, string paper, string ours)
    {
        var (exit, output, err) = CliRunner.Run("info", "--model", model, "--multi-adds", "s-lwsr");
        Assert.True(exit == 0, err);
        Assert.Contains($"multi-adds: {ours}", output);
        Assert.Contains($"multi-adds (s-lwsr): {paper}", output);
        Assert.Contains("Multi-Adds (s-lwsr paper)", output);
    }

    [Theory]
    [InlineData("--model", "nope", "error: unknown model 'nope'")]
    [InlineData("--multi-adds", "flops", "error: invalid Multi-Adds convention 'flops'")]
    public void Info_BadOption_OneLineErrorAndNonZeroExit(string option, string value, string message)
    {
        var (exit, _, err) = CliRunner.Run("info", option, value);
        Assert.Equal(1, exit);
        Assert.StartsWith(message, err);
        Assert.Single(err.Trim().Split('\n'));
    }
}
