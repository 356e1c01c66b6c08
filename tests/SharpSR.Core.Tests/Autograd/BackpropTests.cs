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
    public void Backward_NonScalarWithoutGradient_ThrowsNamingShape()
    {
        var x = Tensor.Zeros(2, 2); x.RequiresGrad = true;
        var ex = Assert.Throws<ArgumentException>(() => x.Reshape(4).Backward());
        Assert.Contains("[4]", ex.Message);
    }
}
