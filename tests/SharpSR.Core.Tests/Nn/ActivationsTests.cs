using SharpSR.Core.Nn;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Core.Tests.Nn;

public class ActivationsTests
{
    [Fact]
    public void Layers_InSequential_EqualTheOpsAndHaveNoParameters()
    {
        var x = Tensor.Uniform(new Random(1), -2, 2, 1, 8, 3, 5);
        var net = new Sequential(new Relu6(), new LeakyRelu(0.2f), new Sigmoid(), new Relu(), new PixelShuffle(2));
        var y = net.Forward(x);
        var expected = Core.Ops.PixelShuffle(Core.Ops.Relu(Core.Ops.Sigmoid(Core.Ops.LeakyRelu(Core.Ops.Relu6(x), 0.2f))), 2);
        Assert.Equal(expected.ShapeArray, y.ShapeArray);
        Assert.Equal(expected.Data, y.Data);
        Assert.Empty(net.NamedParameters());
    }

    [Fact]
    public void LeakyRelu_Layer_UsesItsSlope()
    {
        var x = new Tensor([-1f, 2f], 2);
        Assert.Equal([-0.05f, 2f], new LeakyRelu(0.05f).Forward(x).Data);
    }

    [Fact]
    public void PixelShuffle_Layer_InvalidFactor_Throws() => Assert.Throws<ArgumentException>(() => new PixelShuffle(0));

    [Fact]
    public void Relu_Layer_PassesGradientThrough()
    {
        var x = GradCheck.Random(new Random(2), 9);
        new Relu().Forward(x).Backward(Tensor.Full(1f, 9));
        for (int i = 0; i < 9; i++) Assert.Equal(x.Data[i] > 0 ? 1f : 0f, x.Grad!.Data[i]);
    }
}
