using SharpSR.Testing;
using Xunit;
using static SharpSR.Core.Tests.Ops.OpTestHelpers;

namespace SharpSR.Core.Tests.Ops;

public class ChannelShuffleTests
{
    /// <summary>Output channel j·g + i = input channel i·k + j, written from the definition.</summary>
    private static double[] Reference(double[] x, int n, int c, int plane, int g)
    {
        int k = c / g;
        var y = new double[x.Length];
        for (int b = 0; b < n; b++)
            for (int i = 0; i < g; i++)
                for (int j = 0; j < k; j++)
                    Array.Copy(x, (b * c + i * k + j) * plane, y, (b * c + j * g + i) * plane, plane);
        return y;
    }

    [Theory]
    [InlineData(1, 4, 2, 3, 2)]
    [InlineData(2, 6, 3, 2, 3)]
    [InlineData(1, 8, 2, 2, 4)]
    [InlineData(2, 6, 1, 3, 1)]
    [InlineData(1, 5, 2, 2, 5)]
    public void ChannelShuffle_Shapes_MatchesFiniteDifferences(int n, int c, int h, int w, int g) =>
        GradCheck.Check(t => Core.Ops.ChannelShuffle(t[0], g), xs => Reference(xs[0], n, c, h * w, g),
            [GradCheck.Random(new Random(c * 10 + g), n, c, h, w)]);

    [Theory]
    [InlineData("g2", 2)]
    [InlineData("g4", 4)]
    public void ChannelShuffle_PyTorchGolden_Matches(string prefix, int g) =>
        CheckGoldenCase(LoadGolden("channel_shuffle.safetensors"), prefix, x => Core.Ops.ChannelShuffle(x, g), 0, 0);

    [Fact]
    public void ChannelShuffle_GroupsNotDividingChannels_ThrowsNamingBoth()
    {
        var ex = Assert.Throws<ArgumentException>(() => Core.Ops.ChannelShuffle(Tensor.Zeros(1, 6, 2, 2), 4));
        Assert.Contains("6 channels", ex.Message);
        Assert.Contains("4 groups", ex.Message);
    }
}
