using SharpSR.Core;
using SharpSR.Core.Autograd;
using SharpSR.Core.Nn;
using SharpSR.Models.Archs;
using SharpSR.Models.Blocks;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Models.Tests.Archs;

public class UrNetTests
{
    // docs/networks/urnet.md § Parameters (= the authors' urn_x{2,3,4}.pt and README's 612K/621K/633K).
    [Theory]
    [InlineData(2, 611_905)]
    [InlineData(3, 620_560)]
    [InlineData(4, 632_677)]
    public void Default_ParameterCount_MatchesReleasedCheckpoints(int scale, long expected) =>
        Assert.Equal(expected, ArchRegistry.Create("urnet", scale).ParameterCount());

    // Our convention (conv weights only, MeanShift included, ANRB's products not) gives 133.71 / 60.36 / 34.63 G.
    // docs/networks/urnet.md § Parameters, the other count 133.75 / 60.38 / 34.63 G: ours without the two MeanShift 1x1 convs and with
    // ANRB's two products (q·k and A·v, H·W·S multiply-adds each, S = 110) counted.
    [Theory]
    [InlineData(2, 133.71, 133.75)]
    [InlineData(3, 60.36, 60.38)]
    [InlineData(4, 34.63, 34.63)]
    public void Profile_MultiAdds_OursAndTheSpecConvention(int scale, double oursG, double specG)
    {
        var profile = ModelProfile.Measure(ArchRegistry.Create("urnet", scale));
        Assert.Equal(oursG, Math.Round(profile.MultiAdds / 1e9, 2));
        Assert.Equal(profile.MultiAdds, profile.Parts.Sum(p => p.MultiAdds));

        long meanShift = profile.Parts.Where(p => p.Part is "sub_mean" or "add_mean").Sum(p => p.MultiAdds);
        Assert.Equal(9L * profile.LrWidth * profile.LrHeight * (1 + scale * scale), meanShift);
        long anrbProducts = 2L * profile.LrWidth * profile.LrHeight * 110;
        Assert.Equal(specG, Math.Round((profile.MultiAdds - meanShift + anrbProducts) / 1e9, 2));
    }

    [Theory]
    [InlineData(2, "aspp")]
    [InlineData(3, "cfpb")]
    [InlineData(4, "aspp")]
    public void StateDict_Keys_AreTheAuthorsKeys(int scale, string cfpb)
    {
        var keys = ArchRegistry.Create("urnet", scale).StateDict().Keys.ToHashSet();
        Assert.Equal(499, keys.Count);   // every urn_x*.pt holds 499 tensors
        foreach (var k in new[] { "sub_mean.weight", "add_mean.bias", "head.square_conv.weight", "head.ver_conv.weight", "head.hor_conv.weight",
                                  "down.0.block.0.c1_d.weight", "down.0.block.1.bias", "down.2.block.1.weight", "down.3.block.0.esa.conv4.bias",
                                  "up.0.w0", "up.0.w_m3", "up.1.m2.c4.weight", $"up.2.{cfpb}.convs.1.weight", $"up.0.{cfpb}.fuse_conv.bias",
                                  $"up.1.{cfpb}.atrous_block6.weight", "up.2.conv.bias", "up.3.c5.weight", "up.3.esa.conv_f.weight",
                                  "conv.weight", "anrb.f_query.bias", "anrb.W.weight", "tail_up.0.weight" })
            Assert.Contains(k, keys);
        Assert.DoesNotContain("down.3.block.1.weight", keys);
        Assert.DoesNotContain("head.square_conv.bias", keys);
    }

    [Fact]
    public void CfpbName_Option_RenamesTheChildOnly()
    {
        var net = ArchRegistry.Create("urnet", 4, """{"features":32,"cfpbName":"cfpb"}""");
        var keys = net.StateDict().Keys.ToList();
        Assert.Contains("up.1.cfpb.atrous_block3.weight", keys);
        Assert.DoesNotContain(keys, k => k.Contains(".aspp."));
        Assert.Equal(ArchRegistry.Create("urnet", 4, """{"features":32}""").ParameterCount(), net.ParameterCount());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Forward_OutputIsScaleTimesInput(int scale)
    {
        var net = ArchRegistry.Create("urnet", scale, """{"features":32}""");
        using var _ = NoGradScope.Enter();
        var y = net.Forward(Tensor.Uniform(new Random(1), 0, 255, 2, 3, 16, 15));
        Assert.Equal([2, 3, 16 * scale, 15 * scale], y.ShapeArray);
        Assert.DoesNotContain(y.Data, v => !float.IsFinite(v));
    }

    [Theory]
    [InlineData(24)]
    [InlineData(30)]
    public void Constructor_BadWidth_Throws(int features) =>
        Assert.Throws<ArgumentException>(() => new UrNet(new UrNetOptions { Features = features }));

    [Fact]
    public void OptionsJson_RoundTrip_KeepsPoolsAndCfpbName()
    {
        var net = ArchRegistry.Create("urnet", 3, """{"features":32,"anrbPoolSizes":[1,2,3,6],"cfpbName":"aspp"}""");
        var again = (UrNet)ArchRegistry.Create(net.Arch, net.Scale, net.OptionsJson());
        Assert.Equal([1, 2, 3, 6], again.Settings.AnrbPoolSizes!);
        Assert.Equal("aspp", again.Settings.CfpbName);
        Assert.Equal(net.StateDict().Keys, again.StateDict().Keys);
    }

    // ---- blocks --------------------------------------------------------------------------------

    [Fact]
    public void Anrb_ParameterCount_Is5CPlus3() => Assert.Equal(5 * 64 + 3, new Anrb(64).ParameterCount());

    [Theory]
    [InlineData(new int[] { 1, 3, 6, 8 }, 110)]
    [InlineData(new int[] { 1, 2, 3, 6 }, 50)]
    public void Anrb_SampledPoints_AreSumOfSquares(int[] sizes, int s) => Assert.Equal(s, new Anrb(8, sizes).SampledPoints);

    [Fact]
    public void Anrb_Fresh_IsIdentity()
    {
        var x = Tensor.Uniform(new Random(3), -2, 2, 1, 6, 9, 7);
        using var _ = NoGradScope.Enter();
        Assert.Equal(x.Data, new Anrb(6).Forward(x).Data);
    }

    // The full non-local case at 48x48 has 2304² affinities, more than one chunk: covers the blockwise softmax.
    [Theory]
    [InlineData(new int[] { 1, 3, 6, 8 }, 2, 13, 11)]
    [InlineData(new int[] { 1, 2, 3, 6 }, 1, 10, 17)]
    [InlineData(new int[0], 1, 9, 8)]
    [InlineData(new int[0], 1, 48, 48)]
    public void Anrb_Forward_MatchesNaiveReference(int[] sizes, int batch, int h, int w)
    {
        const int c = 5;
        var block = new Anrb(c, sizes);
        var rng = new Random(7);
        foreach (var p in block.Parameters()) Init.Uniform(p, -1, 1, rng);
        var x = Tensor.Uniform(rng, -1, 1, batch, c, h, w);
        Tensor y;
        using (NoGradScope.Enter()) y = block.Forward(x);
        var expected = NaiveAnrb(block, x, sizes);
        TensorAssert.Close(expected, y.Data, 1e-5, 1e-4, "ANRB");
    }

    [Fact]
    public void Anrb_Backward_MatchesFiniteDifferences()
    {
        var block = new Anrb(3);
        var rng = new Random(11);
        foreach (var p in block.Parameters()) Init.Uniform(p, -1, 1, rng);
        var x = Tensor.Uniform(rng, -1, 1, 1, 3, 9, 10);
        x.RequiresGrad = true;
        Ops.Sum(block.Forward(x) * block.Forward(x)).Backward();
        var q = block.NamedParameters().First(p => p.Name == "f_query.weight").Param;
        foreach (var (t, i) in new (Tensor T, int I)[] { (x, 17), (x, 200), (q, 1) })
        {
            float saved = t.Data[i];
            double Loss(float v)
            {
                t.Data[i] = v;
                using var _ = NoGradScope.Enter();
                return block.Forward(x).Data.Sum(e => (double)e * e);
            }
            const float eps = 1e-2f;
            double numeric = (Loss(saved + eps) - Loss(saved - eps)) / (2 * eps);
            t.Data[i] = saved;
            Assert.True(Math.Abs(numeric - t.Grad!.Data[i]) <= 2e-2 * Math.Max(1, Math.Abs(numeric)), $"grad[{i}] {t.Grad!.Data[i]} vs numeric {numeric}");
        }
    }

    [Fact]
    public void AcBlock_Fuse_EqualsThreeBranches()
    {
        var block = new AcBlock(3, 7);
        var x = Tensor.Uniform(new Random(5), 0, 1, 1, 3, 6, 9);
        using var _ = NoGradScope.Enter();
        TensorAssert.Close(block.Forward(x), block.Fuse().Forward(x), 1e-5, 1e-5, "fused ACBlock");
    }

    [Fact]
    public void Fdprg_WithoutCfpb_DropsOnlyTheCfpb()
    {
        long with = new Fdprg(16).ParameterCount(), without = new Fdprg(16, cfpbName: null).ParameterCount();
        Assert.Equal(new Cfpb(16).ParameterCount(), with - without);
        Assert.Equal(2 * 16 * 9 * 16 + 2 * 16 + 2 * (2 * 16 * 16 + 16) + 3 * 16 * 16 + 16, new Cfpb(16).ParameterCount());
    }

    [Fact]
    public void Fdprg_CustomBlockFactory_IsUsedForAllThree()
    {
        var group = new Fdprg(16, block: c => new Rfdb(c, new RfdbOptions { RefineGroups = 2 }));
        Assert.All(group.Blocks, b => Assert.Equal(2, ((Rfdb)b).Settings.RefineGroups));
        Assert.Equal(new Fdprg(16).ParameterCount() - 3 * 3 * (16 * 8 * 9), group.ParameterCount());
    }

    /// <summary>Plain loops in double: 1x1 convs, PyTorch's adaptive bins, softmax over the samples.</summary>
    private static float[] NaiveAnrb(Anrb block, Tensor x, int[] sizes)
    {
        var p = block.NamedParameters().ToDictionary(e => e.Name, e => e.Param.Data);
        int n = x.N, c = x.C, h = x.H, w = x.W, hw = h * w;
        var y = new float[x.Length];
        for (int b = 0; b < n; b++)
        {
            double[] Map(string name)
            {
                var m = new double[hw];
                for (int i = 0; i < hw; i++)
                {
                    double s = p[name + ".bias"][0];
                    for (int k = 0; k < c; k++) s += p[name + ".weight"][k] * x.Data[(b * c + k) * hw + i];
                    m[i] = s;
                }
                return m;
            }
            double[] q = Map("f_query"), km = Map("f_key"), vm = Map("f_value");
            List<double> Sample(double[] m)
            {
                if (sizes.Length == 0) return [.. m];
                var list = new List<double>();
                foreach (int o in sizes)
                    for (int i = 0; i < o; i++)
                        for (int j = 0; j < o; j++)
                        {
                            int y0 = i * h / o, y1 = ((i + 1) * h + o - 1) / o, x0 = j * w / o, x1 = ((j + 1) * w + o - 1) / o;
                            double s = 0;
                            for (int yy = y0; yy < y1; yy++) for (int xx = x0; xx < x1; xx++) s += m[yy * w + xx];
                            list.Add(s / ((y1 - y0) * (x1 - x0)));
                        }
                return list;
            }
            var keys = Sample(km);
            var values = Sample(vm);
            for (int i = 0; i < hw; i++)
            {
                double max = keys.Max(k => q[i] * k), den = 0, num = 0;
                for (int j = 0; j < keys.Count; j++)
                {
                    double e = Math.Exp(q[i] * keys[j] - max);
                    den += e;
                    num += e * values[j];
                }
                double ctx = num / den;
                for (int k = 0; k < c; k++)
                    y[(b * c + k) * hw + i] = (float)(p["W.weight"][k] * ctx + p["W.bias"][k] + x.Data[(b * c + k) * hw + i]);
            }
        }
        return y;
    }
}
