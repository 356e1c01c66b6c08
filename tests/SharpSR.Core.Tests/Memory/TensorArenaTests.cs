using SharpSR.Core.Memory;
using SharpSR.Core.Nn;
using SharpSR.Core.Optim;
using Xunit;

namespace SharpSR.Core.Tests.Memory;

public class TensorArenaTests
{
    [Fact]
    public void StorageIsReusedByTheNextScope_AndZerosAreZeroAgain()
    {
        var arena = new TensorArena();
        float[] first;
        using (arena.Activate())
        {
            var t = Tensor.Zeros(2, 3);
            t.Fill(7f);
            first = t.Data;
        }
        using (arena.Activate())
        {
            var again = Tensor.Zeros(2, 3);
            Assert.Same(first, again.Data);
            Assert.All(again.Data, v => Assert.Equal(0f, v));
            var other = Tensor.Empty(2, 3);        // the only array of that length is lent already
            Assert.NotSame(first, other.Data);
        }
        Assert.Equal(12, arena.PooledFloats);
    }

    [Fact]
    public void OutsideAScope_TensorsComeFromTheHeap()
    {
        var arena = new TensorArena();
        using (arena.Activate()) Tensor.Zeros(4);
        var t = Tensor.Zeros(4);
        Assert.Equal(0, arena.LentCount);
        using (arena.Activate()) Assert.NotSame(t.Data, Tensor.Zeros(4).Data);
    }

    [Fact]
    public void ScopesNestAndRestoreTheOuterArena()
    {
        var outer = new TensorArena();
        var inner = new TensorArena();
        using (outer.Activate())
        {
            Tensor.Empty(3);
            using (inner.Activate()) Tensor.Empty(5);
            Tensor.Empty(7);
            Assert.Equal(2, outer.LentCount);
        }
        Assert.Equal(10, outer.PooledFloats);
        Assert.Equal(5, inner.PooledFloats);
        Assert.Throws<InvalidOperationException>(() => { using var a = outer.Activate(); using var b = outer.Activate(); });
    }

    /// <summary>Training with the arena reproduces training without it exactly, step after step.</summary>
    [Fact]
    public void TrainingStepsInAnArenaMatchStepsOnTheHeap()
    {
        var heap = Train(arena: null);
        var pooled = Train(new TensorArena());
        Assert.Equal(heap.Losses, pooled.Losses);
        Assert.Equal(heap.Weights, pooled.Weights);
    }

    [Fact]
    public void ParameterGradientsOutliveTheScope()
    {
        var w = new Parameter(Tensor.Full(2f, 1, 1, 1, 1));
        var arena = new TensorArena();
        using (arena.Activate())
        {
            var x = Tensor.Full(3f, 1, 1, 2, 2);
            Core.Ops.Sum(Core.Ops.Conv2d(x, w, null, Conv2dOptions.Same(1))).Backward();
        }
        using (arena.Activate())
            for (int i = 0; i < 4; i++) Tensor.Full(-1f, 1, 1, 2, 2);   // would overwrite a recycled gradient
        Assert.Equal(12f, w.Grad!.Data[0]);
    }

    private static (List<float> Losses, float[] Weights) Train(TensorArena? arena)
    {
        var rng = new Random(5);
        var w1 = new Parameter(Tensor.Uniform(rng, -0.3f, 0.3f, 4, 3, 3, 3));
        var w2 = new Parameter(Tensor.Uniform(rng, -0.3f, 0.3f, 3, 4, 3, 3));
        var x = Tensor.Uniform(rng, 0, 1, 2, 3, 9, 7);
        var target = Tensor.Uniform(rng, 0, 1, 2, 3, 9, 7);
        var adam = new Adam([("w1", w1), ("w2", w2)], 1e-2f);
        var options = Conv2dOptions.Same(3);
        var losses = new List<float>();
        for (int step = 0; step < 5; step++)
        {
            TensorArena.Scope scope = arena?.Activate() ?? default;
            using (scope)
            {
                adam.ZeroGrad();
                var y = Core.Ops.Conv2d(Core.Ops.Relu(Core.Ops.Conv2d(x, w1, null, options)), w2, null, options);
                var loss = Core.Ops.L1Loss(y, target);
                loss.Backward();
                adam.Step();
                losses.Add(loss.Item());
            }
        }
        return (losses, [.. w1.Data, .. w2.Data]);
    }
}
