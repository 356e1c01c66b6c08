using SharpSR.Core;
using SharpSR.Core.Autograd;
using SharpSR.Core.Serialization;
using SharpSR.Models.Archs;
using SharpSR.Models.Blocks;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Models.Tests.Archs;

public class GIdrnTests
{
    private static long Count(string json, int scale = 4) => ArchRegistry.Create("g-idrn", scale, json).ParameterCount();

    // docs/networks/g-idrn.md: the default lands on the paper's 580K (x4) / 554K-class (x2). x3 follows from x2 by the
    // two reconstruction convs' 27 instead of 12 outputs: 560,723 + (56·9 + 3·9 + 1)·15 = 568,718.
    [Theory]
    [InlineData(2, 560_723)]
    [InlineData(3, 568_718)]
    [InlineData(4, 579_911)]
    public void Default_ParameterCount_MatchesTheReconstruction(int scale, long expected) =>
        Assert.Equal(expected, ArchRegistry.Create("g-idrn", scale).ParameterCount());

    [Fact]
    public void Default_MultiAdds_AtX4() =>
        Assert.Equal(30.98, Math.Round(ModelProfile.Measure(ArchRegistry.Create("g-idrn", 4)).MultiAdds / 1e9, 2));

    // Each switch changes the count by exactly its own parameters (n = 56, N = 2 groups, B = 3 blocks).
    [Theory]
    [InlineData("""{"block":"rfdb"}""", 6 * 27 * 56 * 56 / 2)]            // ungrouped refinement convs: 27n²(1 - 1/g) more per block
    [InlineData("""{"blockGroups":4}""", -6 * 27 * 56 * 56 / 4)]          // g = 4 instead of 2
    [InlineData("""{"shortcuts":"fixed"}""", -12)]                        // six scalars per group
    [InlineData("""{"shortcuts":"off"}""", -12)]
    [InlineData("""{"cfpb":true}""", 2 * (25 * 56 * 56 + 5 * 56))]       // two dilated 3x3, two 2n->n and one 3n->n 1x1 per group
    [InlineData("""{"anrb":"off"}""", -(5 * 56 + 3))]
    [InlineData("""{"anrb":"inf"}""", 0)]
    [InlineData("""{"head":"conv"}""", 56 - 2 * 3 * 56 * 3)]              // 3x3 with bias instead of ACB's 3x3 + 3x1 + 1x3
    [InlineData("""{"reconstruction":"single"}""", -(3 * 48 * 9 + 48))]
    [InlineData("""{"reconstruction":"b"}""", -(3 * 48 * 9 + 48))]
    [InlineData("""{"reconstruction":"c"}""", 53 * 48 * 9)]               // the skip conv reads n features instead of 3
    [InlineData("""{"channelShuffle":true}""", 0)]
    public void Switch_ChangesTheCountByItsOwnParameters(string json, long delta) =>
        Assert.Equal(579_911 + delta, Count(json));

    [Fact]
    public void BlocksPerGroup_WithoutShortcuts_AnyCount()
    {
        const long perBlock = 76_720;   // n²(10.8125 + 27/g) + 8.5n at n = 56, g = 2
        Assert.Equal(579_911 - 12 + 2 * 2 * perBlock, Count("""{"shortcuts":"off","blocksPerGroup":5}"""));
    }

    [Theory]
    [InlineData("gidrn_n8_x4_default", """{"features":8}""", 4)]
    [InlineData("gidrn_n8_x2_shuffle_cfpb_s50_bicubic", """{"features":8,"channelShuffle":true,"cfpb":true,"anrb":"50","reconstruction":"b"}""", 2)]
    [InlineData("gidrn_n8_x3_rfdb_fixed_inf_conv_c", """{"features":8,"block":"rfdb","shortcuts":"fixed","anrb":"inf","head":"conv","reconstruction":"c"}""", 3)]
    [InlineData("gidrn_n8_x4_g4_off_b2_n1_s222_single", """{"features":8,"groups":1,"blocksPerGroup":2,"blockGroups":4,"shortcuts":"off","anrb":"222","reconstruction":"single"}""", 4)]
    public void Forward_MatchesPyTorchReference(string fixture, string options, int scale)
    {
        var file = SafeTensorsFile.Read(TestData.RequireFixture($"models/{fixture}.safetensors"));
        var net = ArchRegistry.Create("g-idrn", scale, options);
        net.LoadStateDict(Parity.Weights(file), strict: true);
        Parity.AssertForward(net.Forward, file);
    }

    [Theory]
    [InlineData("""{"anrb":"7"}""", "ANRB sampling '7' is not one of off, 50, 110, 222, inf")]
    [InlineData("""{"blockGroups":3}""", "56 features do not split into 3 groups")]
    [InlineData("""{"features":50}""", "50 features; a multiple of 4")]
    [InlineData("""{"groups":0}""", "0 residual groups")]
    [InlineData("""{"blocksPerGroup":4}""", "dense shortcuts are defined for 3 blocks")]
    public void BadOptions_RefusedWithTheReason(string json, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => ArchRegistry.Create("g-idrn", 4, json));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Options_RoundTripThroughJson()
    {
        var net = (GIdrn)ArchRegistry.Create("g-idrn", 3, """{"features":16,"anrb":"inf","reconstruction":"c","shortcuts":"fixed"}""");
        var again = (GIdrn)ArchRegistry.Create("g-idrn", 3, net.OptionsJson());
        Assert.Equal(net.Settings, again.Settings);
        Assert.Equal(net.ParameterCount(), again.ParameterCount());
    }

    [Fact]
    public void Backward_ReachesEveryParameter()
    {
        var net = ArchRegistry.Create("g-idrn", 2, """{"features":8,"cfpb":true}""");
        var rng = new Random(2);
        foreach (var p in net.Parameters())   // random, since the zero-initialised ANRB output conv would block its inputs' gradients
            for (int i = 0; i < p.Length; i++) p.Data[i] = (float)(rng.NextDouble() * 0.2 - 0.1);
        var y = net.Forward(Tensor.Uniform(new Random(3), 0, 255, 1, 3, 48, 48));   // ESA keeps a 5x5 pooled map
        Ops.L1Loss(y, Tensor.Zeros(y.ShapeArray)).Backward();
        // Every parameter is on the graph and gets a non-zero gradient, except that ESA's pooled branch (two ReLUs on
        // a few pixels of n/4 = 2 channels) may be dead at random weights.
        foreach (var (name, p) in net.NamedParameters())
        {
            Assert.True(p.Grad is not null, $"{name}: not reached by backward");
            Assert.True(name.Contains(".esa.") || p.Grad.Data.Any(v => v != 0), $"{name}: all-zero gradient");
        }
    }

    // S = inf on a 90x160 map: the full affinity matrix would hold 14,400² floats (829 MB); rebuilt one query
    // row at a time, the block allocates little more than its maps (8 x 14,400 floats each).
    [Fact]
    public void Anrb_EveryPosition_NeverHoldsTheAffinityMatrix()
    {
        var anrb = new Anrb(8, []);
        foreach (var p in anrb.Parameters()) p.Fill(0.1f);
        var x = Tensor.Uniform(new Random(5), -1, 1, 1, 8, 90, 160);
        long before = GC.GetAllocatedBytesForCurrentThread();   // the process total would count tests running beside this one
        Tensor y;
        using (NoGradScope.Enter()) y = anrb.Forward(x);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 20_000_000, $"ANRB (S = inf) allocated {allocated / 1e6:F0} MB for 14,400 positions");
        Assert.All(y.Data, v => Assert.True(float.IsFinite(v)));
    }
}
