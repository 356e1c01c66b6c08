using SharpSR.Core;
using SharpSR.Core.Autograd;
using SharpSR.Core.Serialization;
using SharpSR.Models.Archs;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Models.Tests.Archs;

public class CarnTests(ITestOutputHelper log)
{
    // docs/networks/carn.md § Parameters. The multi-scale network holds 1,591,963 numbers, 1,591,939 without the two
    // frozen MeanShifts: the paper's 1,592K (and what tests/fixtures/gen/make_carn_goldens.py counts in PyTorch).
    // Heads: up2 = 64·256·9+256 = 147,712; up3 = 64·576·9+576 = 332,352; up4 = 2·147,712 = 295,424; the rest 816,475.
    [Theory]
    [InlineData(2, 964_187)]
    [InlineData(3, 1_148_827)]
    [InlineData(4, 1_111_899)]
    public void ParameterCount_WholeNetworkAndActivePath_MatchPaperAndArithmetic(int scale, long activePath)
    {
        var net = (Carn)ArchRegistry.Create("carn", scale);
        Assert.Equal(1_591_963, net.ParameterCount());
        long meanShifts = net.NamedParameters().Where(p => p.Name.Contains("shifter", StringComparison.Ordinal)).Sum(p => (long)p.Param.Length);
        Assert.Equal(24, meanShifts);
        Assert.Equal(1592, Math.Round((net.ParameterCount() - meanShifts) / 1000.0));
        Assert.Equal(activePath, net.ActivePathParameterCount());
        var single = new Carn(new() { Scale = scale, MultiScale = false });
        Assert.Equal(activePath, single.ParameterCount());
    }

    [Fact]
    public void StateDict_Keys_AreTheAuthorsKeys()
    {
        var sd = new Carn().StateDict();
        Assert.Equal(76, sd.Count);
        foreach (var k in new[] { "sub_mean.shifter.weight", "add_mean.shifter.bias", "entry.weight", "b1.b1.body.0.weight", "b1.b2.body.2.bias",
                                  "b3.b3.body.2.weight", "b2.c3.body.0.weight", "c1.body.0.weight", "c3.body.0.bias",
                                  "upsample.up2.body.0.weight", "upsample.up3.body.0.bias", "upsample.up4.body.3.weight", "exit.weight" })
            Assert.Contains(k, sd.Keys);
        Assert.DoesNotContain(sd.Keys, k => k.Contains(".body.4.", StringComparison.Ordinal));   // no 1x1 in CARN's residual units
        Assert.Equal([64, 64, 3, 3], sd["b2.b3.body.0.weight"].ShapeArray);                     // not grouped
        Assert.Equal([256, 64, 3, 3], sd["upsample.up4.body.0.weight"].ShapeArray);
        Assert.Equal([64, 256, 1, 1], sd["b1.c3.body.0.weight"].ShapeArray);
    }

    // tests/fixtures/gen/make_carn_goldens.py: a multi-scale CARN with 8 features and random weights through our
    // PyTorch reference (torch_carn.Carn, written from the paper's cascade), the same weights at every scale.
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Forward_MatchesPyTorchReference(int scale)
    {
        var file = SafeTensorsFile.Read(TestData.RequireFixture("models/carn_n8_multiscale.safetensors"));
        var net = ArchRegistry.Create("carn", scale, """{"features":8}""");
        net.LoadStateDict(Parity.Weights(file), strict: true);
        Tensor y;
        using (NoGradScope.Enter()) y = net.Forward(file.Tensors["input.x"]);
        var expected = file.Tensors[$"output.x{scale}"];
        Assert.Equal(expected.ShapeArray, y.ShapeArray);
        double rel = TensorAssert.RelativeMaxDiff(expected.Data, y.Data);
        log.WriteLine($"x{scale}: max relative difference {rel:E2}");
        Assert.True(rel < 1e-4, $"max relative difference {rel:E2}");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void ReceptiveFieldRadius_IsExactDependencyReach(int scale)
    {
        var net = (Carn)ArchRegistry.Create("carn", scale, """{"features":8}""");
        int reach = DependencyReach.Measure(net);
        log.WriteLine($"x{scale}: one LR pixel reaches outputs {reach} LR pixels away");
        Assert.Equal(21, net.ReceptiveFieldRadius);
        Assert.Equal(net.ReceptiveFieldRadius, reach);
    }

    // CARN paper: 222.8G / 118.8G / 90.9G Multi-Adds for a 720p output. x3 runs on a 427x240 LR in our convention
    // (docs/networks/README.md § Conventions), a little above the paper's figure.
    [Theory]
    [InlineData(2, 222.8, 0.05)]
    [InlineData(3, 118.8, 0.15)]
    [InlineData(4, 90.9, 0.05)]
    public void Profile_MultiAdds_MatchPaper(int scale, double paperG, double tolerance)
    {
        var profile = ModelProfile.Measure(ArchRegistry.Create("carn", scale));
        log.WriteLine($"x{scale}: {profile.MultiAdds / 1e9:F3} G on {profile.LrWidth}x{profile.LrHeight}");
        Assert.InRange(profile.MultiAdds / 1e9, paperG - tolerance, paperG + tolerance);
    }

    [Fact]
    public void InvalidOptions_Throw()
    {
        Assert.Throws<ArgumentException>(() => ArchRegistry.Create("carn", 8));
        Assert.Throws<ArgumentException>(() => new Carn(new() { Scale = 5 }));
        Assert.Throws<ArgumentException>(() => new Carn(new() { Features = 0 }));
        Assert.Throws<ArgumentException>(() => ArchRegistry.Create("carn", 4, """{"groups":4}"""));   // CARN's convs are not grouped
    }

    [Fact]
    public void Options_RoundTripThroughRegistryJson()
    {
        var net = (Carn)ArchRegistry.Create("carn", 3, """{"features":16,"multiScale":false}""");
        var again = (Carn)ArchRegistry.Create("carn", net.Scale, net.OptionsJson());
        Assert.Equal(net.Settings, again.Settings);
        Assert.Contains("upsample.up.body.0.weight", again.StateDict().Keys);
    }
}
