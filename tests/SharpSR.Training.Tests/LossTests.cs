using SharpSR.Core;
using SharpSR.Core.Serialization;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Training.Tests;

public class LossTests
{
    /// <summary>a·mean|d| + b·mean|d − G∗d| with d = SR − HR, G applied with replicate padding, all in double.</summary>
    private static double[] Reference(double[] sr, double[] hr, int planes, int h, int w, double a, double b, int size, double sigma)
    {
        var g = Losses.Gaussian(size, sigma);
        int r = size / 2;
        double l1 = 0, hf = 0;
        for (int p = 0; p < planes; p++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    int i = (p * h + y) * w + x;
                    double d = sr[i] - hr[i], low = 0;
                    for (int ky = 0; ky < size; ky++)
                        for (int kx = 0; kx < size; kx++)
                        {
                            int j = (p * h + Math.Clamp(y + ky - r, 0, h - 1)) * w + Math.Clamp(x + kx - r, 0, w - 1);
                            low += g[ky, kx] * (sr[j] - hr[j]);
                        }
                    l1 += Math.Abs(d);
                    hf += Math.Abs(d - low);
                }
        double count = planes * h * w;
        return [a * l1 / count + b * hf / count];
    }

    [Theory]
    [InlineData("hf:0.4,0.6", 0.4, 0.6, 5, 1.0)]
    [InlineData("hf:0,1", 0.0, 1.0, 7, 1.5)]
    [InlineData("hf:1,0", 1.0, 0.0, 5, 1.0)]
    [InlineData("l1", 1.0, 0.0, 5, 1.0)]
    public void Loss_MatchesFiniteDifferences(string spec, double a, double b, int size, double sigma)
    {
        var loss = Losses.Create(spec, size, sigma);
        var rng = new Random(size + (int)(10 * b));
        var hr = Tensor.Uniform(rng, -1f, 1f, 2, 2, 6, 7);
        GradCheck.Check(t => loss(t[0], hr), xs => Reference(xs[0], hr.Data.Select(v => (double)v).ToArray(), 4, 6, 7, a, b, size, sigma),
            [GradCheck.Random(rng, 2, 2, 6, 7)]);
    }

    [Theory]
    [InlineData("a0.4_b0.6_k5_s1", "hf:0.4,0.6", 5, 1.0)]
    [InlineData("a0_b1_k7_s1.5", "hf:0,1", 7, 1.5)]
    public void Loss_PyTorchGolden_Matches(string prefix, string spec, int size, double sigma)
    {
        var golden = SafeTensorsFile.Read(TestData.RequireFixture(Path.Combine("ops", "hf_loss.safetensors"))).Tensors;
        var sr = golden[prefix + ".x"].Clone();
        sr.RequiresGrad = true;
        var y = Losses.Create(spec, size, sigma)(sr, golden[prefix + ".hr"]);
        TensorAssert.Close(golden[prefix + ".y"], y.Reshape(1), 1e-5, 1e-5, "loss");
        y.Backward();
        TensorAssert.Close(golden[prefix + ".dx"], sr.Grad!, 1e-7, 1e-4, "gradient");
    }

    [Theory]
    [InlineData("l1", 1.0, 0.0)]
    [InlineData("L1", 1.0, 0.0)]
    [InlineData("hf:0.4,0.6", 0.4, 0.6)]
    [InlineData("l1+hf", 0.4, 0.6)]
    [InlineData("hf:1e-1,2", 0.1, 2.0)]
    public void LossSpec_Parse_ReadsTheWeights(string text, double a, double b)
    {
        var s = LossSpec.Parse(text);
        Assert.Equal(a, s.L1Weight, 12);
        Assert.Equal(b, s.HighFrequencyWeight, 12);
    }

    [Theory]
    [InlineData("l2")]
    [InlineData("hf:")]
    [InlineData("hf:0.4")]
    [InlineData("hf:0.4,0.6,1")]
    [InlineData("hf:-1,2")]
    [InlineData("hf:0,0")]
    [InlineData("hf:a,b")]
    public void LossSpec_Parse_RefusesBadSpecsWithTheAcceptedForms(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => LossSpec.Parse(text));
        Assert.Contains($"'{text}'", e.Message);
        Assert.Contains("hf:A,B", e.Message);
    }

    [Theory]
    [InlineData(4, 1.0)]
    [InlineData(1, 1.0)]
    [InlineData(5, 0.0)]
    [InlineData(5, double.NaN)]
    public void Create_BadGaussian_Refused(int size, double sigma) =>
        Assert.Throws<ArgumentException>(() => Losses.Create("hf:0.4,0.6", size, sigma));
}
