using SharpSR.Testing;
using Xunit;

namespace SharpSR.Core.Tests.Ops;

public class ScalarAttentionTests
{
    /// <summary>ctx_i = Σ_j softmax_j(q_i k_j) v_j, the affinity matrix built whole, in double.</summary>
    private static double[] Reference(double[] q, double[] k, double[] v, int n, int len, int s)
    {
        var ctx = new double[n * len];
        for (int b = 0; b < n; b++)
            for (int i = 0; i < len; i++)
            {
                var a = Enumerable.Range(0, s).Select(j => q[b * len + i] * k[b * s + j]).ToArray();
                double m = a.Max(), z = a.Sum(x => Math.Exp(x - m));
                ctx[b * len + i] = Enumerable.Range(0, s).Sum(j => Math.Exp(a[j] - m) / z * v[b * s + j]);
            }
        return ctx;
    }

    [Theory]
    [InlineData(1, 5, 3)]
    [InlineData(2, 7, 1)]
    [InlineData(2, 4, 9)]
    [InlineData(1, 300, 6)]     // more query rows than one parallel item holds
    [InlineData(1, 20, 20)]     // S = L, the full non-local case
    public void ScalarAttention_Shapes_MatchesFiniteDifferences(int n, int len, int s)
    {
        var rng = new Random(len * 31 + s);
        var q = GradCheck.Random(rng, n, len);
        var k = GradCheck.Random(rng, n, s);
        var v = GradCheck.Random(rng, n, s);
        foreach (var t in new[] { q, k, v }) for (int i = 0; i < t.Length; i++) t.Data[i] *= 3;   // peaked rows, both signs of q
        GradCheck.Check(t => Core.Ops.ScalarAttention(t[0], t[1], t[2]), xs => Reference(xs[0], xs[1], xs[2], n, len, s), [q, k, v]);
    }

    [Fact]
    public void ScalarAttention_LargeAffinities_StayFinite()
    {
        var q = new Tensor([200f, -200f], [1, 2]);
        var k = new Tensor([1f, 2f, -3f], [1, 3]);
        var v = new Tensor([10f, 20f, 30f], [1, 3]);
        var y = Core.Ops.ScalarAttention(q, k, v);
        Assert.Equal(20f, y.Data[0], 4);   // q > 0 attends to the largest key
        Assert.Equal(30f, y.Data[1], 4);   // q < 0 to the smallest
    }

    [Fact]
    public void ScalarAttention_MismatchedShapes_ThrowNamingThem()
    {
        var e = Assert.Throws<ArgumentException>(() => Core.Ops.ScalarAttention(Tensor.Zeros(1, 4), Tensor.Zeros(1, 3), Tensor.Zeros(1, 2)));
        Assert.Contains("[1, 3]", e.Message);
    }
}
