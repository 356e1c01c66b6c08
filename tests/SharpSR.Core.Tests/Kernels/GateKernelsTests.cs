using SharpSR.Core.Kernels;
using Xunit;

namespace SharpSR.Core.Tests.Kernels;

public class GateKernelsTests
{
    [Fact]
    public void Gate_AllLengthsTo70_MatchesScalarDefinition()
    {
        var rng = new Random(5);
        for (int n = 0; n <= 70; n++)
        {
            var x = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 16 - 8)).ToArray();
            var v = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            var d = new float[n];
            GateKernels.Gate(x, v, 0f, 6f, 0.3f, d);
            for (int i = 0; i < n; i++)
                Assert.Equal(x[i] > 0 && x[i] < 6 ? v[i] : 0.3f * v[i], d[i]);
        }
    }

    [Fact]
    public void Gate_MismatchedSpans_Throws() =>
        Assert.Throws<ArgumentException>(() => GateKernels.Gate(new float[3], new float[4], 0, 1, 0, new float[4]));
}
