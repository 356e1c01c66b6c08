using SharpSR.Testing;
using Xunit;
using static SharpSR.Core.Tests.Ops.OpTestHelpers;

namespace SharpSR.Core.Tests.Ops;

public class BicubicTests
{
    /// <summary>Keys cubic (a = -0.75) at PyTorch's align_corners=False coordinates, taps clamped, in double.</summary>
    private static double[] Reference(double[] x, int planes, int h, int w, int f)
    {
        static double Kernel(double d)
        {
            const double a = -0.75;
            d = Math.Abs(d);
            return d <= 1 ? ((a + 2) * d - (a + 3)) * d * d + 1 : d < 2 ? ((a * d - 5 * a) * d + 8 * a) * d - 4 * a : 0;
        }
        int p = h * f, q = w * f;
        var y = new double[planes * p * q];
        for (int nc = 0; nc < planes; nc++)
            for (int oy = 0; oy < p; oy++)
                for (int ox = 0; ox < q; ox++)
                {
                    double sy = (oy + 0.5) / f - 0.5, sx = (ox + 0.5) / f - 0.5, s = 0;
                    int y0 = (int)Math.Floor(sy), x0 = (int)Math.Floor(sx);
                    for (int iy = y0 - 1; iy <= y0 + 2; iy++)
                        for (int ix = x0 - 1; ix <= x0 + 2; ix++)
                            s += Kernel(sy - iy) * Kernel(sx - ix) * x[(nc * h + Math.Clamp(iy, 0, h - 1)) * w + Math.Clamp(ix, 0, w - 1)];
                    y[(nc * p + oy) * q + ox] = s;
                }
        return y;
    }

    [Theory]
    [InlineData(1, 2, 4, 5, 2)]
    [InlineData(2, 1, 3, 3, 3)]
    [InlineData(1, 1, 2, 6, 4)]
    [InlineData(1, 1, 1, 1, 2)]
    [InlineData(1, 2, 3, 4, 1)]
    public void UpsampleBicubic_Shapes_MatchesFiniteDifferences(int n, int c, int h, int w, int f) =>
        GradCheck.Check(t => Core.Ops.UpsampleBicubic(t[0], f), xs => Reference(xs[0], n * c, h, w, f),
            [GradCheck.Random(new Random(h * 7 + f), n, c, h, w)]);

    [Theory]
    [InlineData("x2", 2)]
    [InlineData("x3", 3)]
    [InlineData("x4", 4)]
    public void UpsampleBicubic_PyTorchGolden_Matches(string prefix, int f) =>
        CheckGoldenCase(LoadGolden("upsample_bicubic.safetensors"), prefix, x => Core.Ops.UpsampleBicubic(x, f));

    [Fact]
    public void UpsampleBicubic_ConstantImage_StaysConstant()
    {
        var y = Core.Ops.UpsampleBicubic(Tensor.Full(3.5f, 1, 1, 4, 5), 3);
        Assert.All(y.Data, v => Assert.Equal(3.5f, v, 5));
    }
}
