using SharpSR.Core.Tests.Reference;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Core.Tests.Ops;

public class ActivationTests
{
    /// <summary>Values spread over [-8, 8] so ReLU6's upper kink is exercised too.</summary>
    private static Tensor Input(int n, int seed)
    {
        var t = Tensor.Uniform(new Random(seed), -8f, 8f, n);
        t.RequiresGrad = true;
        return t;
    }

    public static TheoryData<int> Lengths => new() { 1, 7, 8, 15, 16, 17, 31, 32, 33, 100 };

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Relu_Lengths_MatchesFiniteDifferences(int n) =>
        GradCheck.Check(t => Core.Ops.Relu(t[0]), xs => NaiveOps.Map(xs[0], v => Math.Max(v, 0)), [Input(n, n)]);

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Relu6_Lengths_MatchesFiniteDifferences(int n) =>
        GradCheck.Check(t => Core.Ops.Relu6(t[0]), xs => NaiveOps.Map(xs[0], v => Math.Clamp(v, 0, 6)), [Input(n, n + 1)]);

    [Theory]
    [MemberData(nameof(Lengths))]
    public void LeakyRelu_Lengths_MatchesFiniteDifferences(int n)
    {
        foreach (float slope in new[] { 0.05f, 0.2f })
            GradCheck.Check(t => Core.Ops.LeakyRelu(t[0], slope), xs => NaiveOps.Map(xs[0], v => v > 0 ? v : slope * v), [Input(n, n + 2)]);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Sigmoid_Lengths_MatchesFiniteDifferences(int n) =>
        GradCheck.Check(t => Core.Ops.Sigmoid(t[0]), xs => NaiveOps.Map(xs[0], v => 1 / (1 + Math.Exp(-v))), [Input(n, n + 3)]);

    [Fact]
    public void Relu_AtZero_GradientIsZeroLikePyTorch()
    {
        var x = Tensor.Zeros(5);
        x.RequiresGrad = true;
        Core.Ops.Relu(x).Backward(Tensor.Full(1f, 5));
        Assert.All(x.Grad!.Data, g => Assert.Equal(0f, g));
    }

    [Fact]
    public void Relu_WithoutGrad_RecordsNothing()
    {
        var x = Tensor.Zeros(4);
        x.RequiresGrad = true;
        using (SharpSR.Core.Autograd.NoGradScope.Enter()) Assert.Null(Core.Ops.Relu(x).Node);
    }
}
