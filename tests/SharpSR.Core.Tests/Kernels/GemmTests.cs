using SharpSR.Core.Kernels;
using Xunit;

namespace SharpSR.Core.Tests.Kernels;

public class GemmTests
{
    public static TheoryData<int, int, int> Sizes()
    {
        var data = new TheoryData<int, int, int>();
        int[] ms = [0, 1, 4, 7, 8, 9, 12, 17];
        int[] ns = [0, 1, 5, 12, 15, 16, 24, 47, 48, 49, 97];
        int[] ks = [0, 1, 3, 16, 37];
        foreach (int m in ms) foreach (int n in ns) foreach (int k in ks) data.Add(m, n, k);
        return data;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Multiply_AllRemainders_MatchReference(int m, int n, int k)
    {
        var rng = new Random(m * 10007 + n * 101 + k);
        int lda = k + 3, ldb = n + 2, ldc = n + 1;
        float[] a = Rand(rng, Math.Max(0, (m - 1) * lda + k)), b = Rand(rng, Math.Max(0, (k - 1) * ldb + n));
        float[] c = Rand(rng, Math.Max(0, (m - 1) * ldc + n));
        float[] c0 = (float[])c.Clone();
        foreach (bool accumulate in new[] { false, true })
        {
            float[] got = (float[])c0.Clone();
            Gemm.Multiply(m, n, k, a, lda, b, ldb, got, ldc, accumulate);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double e = accumulate ? c0[i * ldc + j] : 0;
                    for (int t = 0; t < k; t++) e += (double)a[i * lda + t] * b[t * ldb + j];
                    Assert.True(Math.Abs(got[i * ldc + j] - e) <= 1e-4 * (1 + Math.Abs(e)), $"C[{i},{j}] = {got[i * ldc + j]}, expected {e} (accumulate {accumulate})");
                }
            // Elements between rows (ldc padding) are untouched.
            for (int i = 0; i + 1 < m; i++)
                Assert.Equal(c0[i * ldc + n], got[i * ldc + n]);
        }
    }

    [Fact]
    public void Multiply_Large_IsDeterministicAcrossRuns()
    {
        var rng = new Random(3);
        int m = 64, n = 1000, k = 300;
        float[] a = Rand(rng, m * k), b = Rand(rng, k * n), c1 = new float[m * n], c2 = new float[m * n];
        Gemm.Multiply(m, n, k, a, k, b, n, c1, n);
        Gemm.Multiply(m, n, k, a, k, b, n, c2, n);
        Assert.Equal(c1, c2);
    }

    [Fact]
    public void Multiply_ShortSpan_ThrowsNamingOperand()
    {
        var ex = Assert.Throws<ArgumentException>(() => Gemm.Multiply(2, 2, 2, new float[3], 2, new float[4], 2, new float[4], 2));
        Assert.Contains("Gemm: A", ex.Message);
    }

    private static float[] Rand(Random rng, int n)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() * 2 - 1);
        return a;
    }
}
