using SharpSR.Core;
using SharpSR.Core.Autograd;
using SharpSR.Core.Nn;
using Xunit;

namespace SharpSR.Models.Tests;

public class ModelProfileTests
{
    public static TheoryData<string, int> EveryArchAndScale()
    {
        var data = new TheoryData<string, int>();
        foreach (var arch in ArchRegistry.Archs)
            foreach (int scale in arch.Scales)
                data.Add(arch.Name, scale);
        return data;
    }

    /// <summary>The thin passes give exactly the count of one full pass, strided and pooled layers (ESA, ANRB) included.</summary>
    [Theory]
    [MemberData(nameof(EveryArchAndScale))]
    public void Measure_EqualsOneFullPass(string arch, int scale)
    {
        var net = ArchRegistry.Create(arch, scale);
        const int hrW = 130, hrH = 94;    // odd sizes, so the LR input is no multiple of any stride or pool
        int lrW = (hrW + scale - 1) / scale, lrH = (hrH + scale - 1) / scale;
        long full;
        using (var counter = MultiAddsCounter.Start())
        {
            using (NoGradScope.Enter()) net.Forward(Tensor.Zeros(1, 3, lrH, lrW));
            full = counter.Total;
        }
        var profile = ModelProfile.Measure(net, hrW, hrH);
        Assert.Equal(full, profile.MultiAdds);
        Assert.Equal(full, profile.Parts.Sum(p => p.MultiAdds));
    }

    /// <summary>Counting must not cost a full-size pass (`sharpsr models` took 17 s and 1.8 GB that way).</summary>
    [Fact]
    public void Measure_NeverRunsAFullSizePass()
    {
        var net = new InputRecorder(ArchRegistry.Create("s-lwsr16", 4));
        var profile = ModelProfile.Measure(net);
        Assert.InRange(profile.MultiAdds, 10_185_000_000, 10_195_000_000);   // the paper's 10.19 G
        long fullPixels = 320L * 180;
        Assert.NotEmpty(net.InputPixels);
        Assert.All(net.InputPixels, p => Assert.True(p <= fullPixels / 100, $"a pass over {p} LR pixels (a full pass is {fullPixels})"));
    }

    /// <summary>A network that records the size of every input it sees.</summary>
    private sealed class InputRecorder : SrNetwork
    {
        private readonly SrNetwork _inner;

        public InputRecorder(SrNetwork inner) => _inner = Register("inner", inner);

        public List<long> InputPixels { get; } = [];
        public override string Arch => _inner.Arch;
        public override int Scale => _inner.Scale;
        public override object Options => _inner.Options;
        public override int ReceptiveFieldRadius => _inner.ReceptiveFieldRadius;

        public override Tensor Forward(Tensor x)
        {
            InputPixels.Add((long)x.H * x.W);
            return _inner.Forward(x);
        }
    }
}
