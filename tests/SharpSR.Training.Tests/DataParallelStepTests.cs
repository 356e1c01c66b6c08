using SharpSR.Core;
using SharpSR.Core.Memory;
using SharpSR.Models;
using Xunit;

namespace SharpSR.Training.Tests;

public class DataParallelStepTests
{
    private static (SrNetwork Net, Tensor Lr, Tensor Hr) Setup(int batch)
    {
        Core.Nn.Init.DefaultRng = new Random(11);
        var net = ArchRegistry.Create("s-lwsr", 2, """{"features":8}""");
        var rng = new Random(4);
        return (net, Tensor.Uniform(rng, 0, 255, batch, 3, 14, 10), Tensor.Uniform(rng, 0, 255, batch, 3, 28, 20));
    }

    private static Dictionary<string, float[]> Gradients(SrNetwork net) =>
        net.NamedParameters().Where(p => p.Param.Grad is not null).ToDictionary(p => p.Name, p => (float[])p.Param.Grad!.Data.Clone());

    /// <summary>Slices on separate workers give the whole batch's loss and gradients (up to float rounding).</summary>
    [Theory]
    [InlineData(2, 5)]
    [InlineData(3, 7)]
    [InlineData(4, 3)]   // more workers than images: one image each
    public void Run_MatchesOnePassOverTheBatch(int workers, int batch)
    {
        var (net, lr, hr) = Setup(batch);
        net.ZeroGrad();
        var whole = Ops.L1Loss(net.Forward(lr), hr);
        whole.Backward();
        var expected = Gradients(net);

        net.ZeroGrad();
        float loss = new DataParallelStep(net, Ops.L1Loss, workers).Run(lr, hr);
        var got = Gradients(net);

        Assert.Equal(whole.Item(), loss, 1e-3f * whole.Item());
        Assert.Equal(expected.Keys.Order(), got.Keys.Order());
        foreach (var (name, g) in expected)
            SharpSR.Testing.TensorAssert.Close(g, got[name], 1e-4 * Math.Max(1, g.Max(Math.Abs)), 1e-3, name);
    }

    /// <summary>Whichever thread runs which slice, the merged gradients are the same bits every time.</summary>
    [Fact]
    public void Run_IsDeterministic()
    {
        var (net, lr, hr) = Setup(6);
        var step = new DataParallelStep(net, Ops.L1Loss, 2);
        Dictionary<string, float[]>? first = null;
        for (int i = 0; i < 3; i++)
        {
            net.ZeroGrad();
            using (new TensorArena().Activate()) step.Run(lr, hr);
            var g = Gradients(net);
            first ??= g;
            foreach (var (name, v) in first) Assert.Equal(v, g[name]);
        }
    }
}
