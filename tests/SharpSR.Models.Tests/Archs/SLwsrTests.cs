using SharpSR.Core;
using SharpSR.Core.Autograd;
using SharpSR.Core.Serialization;
using SharpSR.Models.Archs;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Models.Tests.Archs;

public class SLwsrTests
{
    // docs/networks/s-lwsr.md § Parameters: x2 = 518n²+115n+27, x3 = 563n²+120n+27, x4 = 554n²+119n+27, x8 = 590n²+123n+27.
    [Theory]
    [InlineData("s-lwsr16", 4, 143_755)]
    [InlineData("s-lwsr32", 4, 571_131)]
    [InlineData("s-lwsr64", 4, 2_276_827)]
    [InlineData("s-lwsr16", 2, 134_475)]
    [InlineData("s-lwsr16", 3, 146_075)]
    [InlineData("s-lwsr32", 2, 534_139)]
    [InlineData("s-lwsr32", 3, 580_379)]
    [InlineData("s-lwsr64", 2, 2_129_115)]
    [InlineData("s-lwsr64", 3, 2_313_755)]
    [InlineData("s-lwsr32", 8, 608_123)]
    public void Preset_ParameterCount_MatchesPaper(string preset, int scale, long expected) =>
        Assert.Equal(expected, ArchRegistry.Create(preset, scale).ParameterCount());

    [Fact]
    public void StateDict_Keys_AreTheAuthorsKeys()
    {
        var keys = new SLwsr().StateDict().Keys.ToHashSet();
        Assert.Equal(125, keys.Count);   // the authors' checkpoint holds 125 tensors
        foreach (var k in new[] { "sub_mean.weight", "add_mean.bias", "head.0.weight", "feat2_1.body.0.weight", "feat6_2.body.2.bias",
                                  "conv1.weight", "feat7_1.conv.weight", "feat7_1.body.2.bias", "feat10_2.body.0.weight", "conv10.body.2.weight",
                                  "tail.0.0.weight", "tail.0.2.bias", "tail.1.weight" })
            Assert.Contains(k, keys);
        Assert.DoesNotContain("conv1.bias", keys);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void CompressionModule_ParameterCount_FollowsFormula(int t)
    {
        const int n = 16;
        var plain = new SLwsr(new() { Features = n });
        var one = new SLwsr(new() { Features = n, CompressionExpansion = t, CompressedBlocks = ["feat3_2"] });
        // An RB costs 18n²+2n; the inverted residual 2t·n²+11t·n+n (docs/networks/s-lwsr.md § Variants).
        Assert.Equal(plain.ParameterCount() - (18 * n * n + 2 * n) + (2 * t * n * n + 11 * t * n + n), one.ParameterCount());
    }

    [Fact]
    public void InformationPool_Variants_ChangeOnlyThePool()
    {
        const int n = 8;
        long on = new SLwsr(new() { Features = n }).ParameterCount();
        Assert.Equal(on - 6 * n * n, new SLwsr(new() { Features = n, Pool = InformationPool.Off }).ParameterCount());
        Assert.Equal(on + 9 * n * n, new SLwsr(new() { Features = n, Pool = InformationPool.AllFormer }).ParameterCount());
    }

    [Theory]
    [InlineData(ActivationPreset.All, 26)]
    [InlineData(ActivationPreset.TwoThirds, 18)]
    [InlineData(ActivationPreset.Half, 12)]
    [InlineData(ActivationPreset.OneThird, 9)]
    [InlineData(ActivationPreset.Rare, 4)]
    public void ActivationPreset_KeepsExpectedNumberOfRelus(ActivationPreset preset, int kept) =>
        Assert.Equal(kept, SLwsr.BlockNames.Count - SLwsr.BlocksWithoutActivation(preset).Count);

    [Fact]
    public void UnknownBlockName_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SLwsr(new() { BlocksWithoutActivation = ["feat11_1"] }));
        Assert.Contains("feat11_1", ex.Message);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(8)]
    public void Forward_OddInput_OutputIsScaleTimesInput(int scale)
    {
        var net = ArchRegistry.Create("s-lwsr", scale, """{"features":4}""");
        using var _ = NoGradScope.Enter();
        var y = net.Forward(Tensor.Uniform(new Random(1), 0, 255, 2, 3, 7, 5));
        Assert.Equal([2, 3, 7 * scale, 5 * scale], y.ShapeArray);
    }

    [Theory]
    [InlineData("slwsr_n4_x4", """{"features":4}""", 4)]
    [InlineData("slwsr_n4_x3_allpool_half", """{"features":4,"pool":"all-former","activations":"half"}""", 3)]
    [InlineData("slwsr_n4_x2_nopool_compressed", """{"features":4,"pool":"off","compressionExpansion":2,"compressedBlocks":["feat2_1","feat4_2","feat7_1","conv10"]}""", 2)]
    public void Forward_MatchesPyTorchReference(string fixture, string options, int scale)
    {
        var file = SafeTensorsFile.Read(TestData.RequireFixture($"models/{fixture}.safetensors"));
        var net = ArchRegistry.Create("s-lwsr", scale, options);
        net.LoadStateDict(Parity.Weights(file), strict: true);
        Parity.AssertForward(net.Forward, file);
    }

    [Theory]
    [InlineData("s-lwsr16", 10.19)]
    [InlineData("s-lwsr32", 39.90)]
    [InlineData("s-lwsr64", 157.89)]
    public void Profile_X4_MultiAddsMatchPaper(string preset, double expectedG)
    {
        var profile = ModelProfile.Measure(ArchRegistry.Create(preset, 4));
        Assert.Equal((320, 180), (profile.LrWidth, profile.LrHeight));
        Assert.Equal(expectedG, Math.Round(profile.MultiAdds / 1e9, 2));
        Assert.Equal(profile.MultiAdds, profile.Parts.Sum(p => p.MultiAdds));
    }

    public static TheoryData<string> ArenaVariants() => ["on", "off", "all-former", "compressed", "x3"];

    /// <summary>
    /// Inference in an arena recycles every dead intermediate early: the output must equal a pass on
    /// the GC heap bit for bit, also on the second pass (which runs entirely on recycled buffers), and
    /// the arena must end up holding far less than everything the pass creates.
    /// </summary>
    [Theory]
    [MemberData(nameof(ArenaVariants))]
    public void ArenaInference_RecyclesIntermediates_WithoutChangingTheOutput(string variant)
    {
        var o = new SLwsrOptions { Features = 8 };
        o = variant switch
        {
            "off" => o with { Pool = InformationPool.Off },
            "all-former" => o with { Pool = InformationPool.AllFormer },
            "compressed" => o with { CompressionExpansion = 2, CompressedBlocks = ["feat2_2", "feat7_1", "conv9"] },
            "x3" => o with { Scale = 3 },
            _ => o,
        };
        Core.Nn.Init.DefaultRng = new Random(9);
        var net = new SLwsr(o);
        var x = Tensor.Uniform(new Random(3), 0, 255, 1, 3, 13, 17);
        var everything = new Core.Memory.TensorArena();   // with grad on nothing is recycled: all a pass makes
        using (everything.Activate()) net.Forward(x);
        using var _ = NoGradScope.Enter();
        float[] expected = net.Forward(x).Data;

        var arena = new Core.Memory.TensorArena();
        for (int pass = 0; pass < 2; pass++)
        {
            float[] got;
            using (arena.Activate()) got = (float[])net.Forward(x).Data.Clone();
            Assert.Equal(expected, got);
        }
        Assert.True(arena.PooledFloats < 0.7 * everything.PooledFloats,   // without recycling: all of it
            $"the arena holds {arena.PooledFloats} floats; a pass makes {everything.PooledFloats}");
    }
}
