using SharpSR.Core;
using SharpSR.Core.Autograd;
using Xunit;

namespace SharpSR.Core.Tests.Autograd;

public class BackpropTests
{
    [Fact]
    public void Reshape_Backward_ReturnsGradientInInputShape()
    {
        var x = Tensor.Uniform(new Random(1), -1, 1, 2, 3, 4);
        x.RequiresGrad = true;
        var y = x.Reshape(6, -1);
        Assert.Equal([6, 4], y.ShapeArray);
        var dy = Tensor.Uniform(new Random(2), -1, 1, 6, 4);
        y.Backward(dy);
        Assert.Equal([2, 3, 4], x.Grad!.ShapeArray);
        Assert.Equal(dy.Data, x.Grad.Data);
    }

    [Fact]
    public void Record_InsideNoGradScope_RecordsNothing()
    {
        var x = Tensor.Zeros(4);
        x.RequiresGrad = true;
        Tensor y;
        using (NoGradScope.Enter()) y = x.Reshape(2, 2);
        Assert.Null(y.Node);
        Assert.False(y.RequiresGrad);
        Assert.NotNull(x.Reshape(2, 2).Node);
    }

    [Fact]
    public void Backward_SameGradientTensorToTwoInputs_DoesNotAlias()
    {
        // A closure may hand dy itself to two inputs; Backprop must copy on the second use.
        var a = Tensor.Zeros(3); a.RequiresGrad = true;
        var b = Tensor.Zeros(3); b.RequiresGrad = true;
        var y = Backprop.Record(Tensor.Zeros(3), "Pair", [a, b], dy => [dy, dy]);
        y.Backward(Tensor.Full(2f, 3));
        Assert.NotSame(a.Grad, b.Grad);
        a.Grad!.Data[0] = 5;
        Assert.Equal(2f, b.Grad!.Data[0]);
    }

    [Fact]
    public void Backward_AccumulatingIntoAnInput_LeavesTheCallersOutputGradientAlone()
    {
        // x feeds y twice; its gradient is built in place from dy's flow, which must not be the caller's tensor.
        var x = Tensor.Full(1f, 3); x.RequiresGrad = true;
        var dy = Tensor.Full(2f, 3);
        (x + x * 3f).Backward(dy);
        Assert.All(dy.Data, v => Assert.Equal(2f, v));
        Assert.All(x.Grad!.Data, v => Assert.Equal(8f, v));
    }

    /// <summary>A gradient handed on to an input is that input's own: the next accumulation must not reach other tensors.</summary>
    [Fact]
    public void Backward_GradientPassedThroughAChain_IsOwnedByOneTensorOnly()
    {
        var a = Tensor.Zeros(3); a.RequiresGrad = true;
        var b = Tensor.Zeros(3); b.RequiresGrad = true;
        var mid = Backprop.Record(Tensor.Zeros(3), "Pass", [a], dy => [dy]);
        var y = Backprop.Record(Tensor.Zeros(3), "Pair", [mid, b], dy => [dy, dy]);
        y.Backward(Tensor.Full(1f, 3));
        a.Grad!.Data[0] = 7;
        Assert.Equal(1f, b.Grad!.Data[0]);
    }

    [Fact]
    public void Backward_NonScalarWithoutGradient_ThrowsNamingShape()
    {
        var x = Tensor.Zeros(2, 2); x.RequiresGrad = true;
        var ex = Assert.Throws<ArgumentException>(() => x.Reshape(4).Backward());
        Assert.Contains("[4]", ex.Message);
    }
}
