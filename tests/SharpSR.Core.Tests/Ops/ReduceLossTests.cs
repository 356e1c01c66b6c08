using SharpSR.Testing;
using Xunit;

namespace SharpSR.Core.Tests.Ops;

public class ReduceLossTests
{
    public static TheoryData<int> Lengths => new() { 1, 7, 16, 17, 40 };

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Sum_Lengths_MatchesFiniteDifferences(int n) =>
        GradCheck.Check(t => Core.Ops.Sum(t[0]), xs => [xs[0].Sum()], [GradCheck.Random(new Random(n), 2, n)]);

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Mean_Lengths_MatchesFiniteDifferences(int n) =>
        GradCheck.Check(t => Core.Ops.Mean(t[0]), xs => [xs[0].Average()], [GradCheck.Random(new Random(n), 2, n)]);

    [Theory]
    [MemberData(nameof(Lengths))]
    public void L1Loss_Lengths_MatchesFiniteDifferencesForBothInputs(int n)
    {
        var rng = new Random(n + 9);
        GradCheck.Check(t => Core.Ops.L1Loss(t[0], t[1]), xs => [xs[0].Zip(xs[1], (p, q) => Math.Abs(p - q)).Average()],
            [GradCheck.Random(rng, 3, n), GradCheck.Random(rng, 3, n)]);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void MseLoss_Lengths_MatchesFiniteDifferencesForBothInputs(int n)
    {
        var rng = new Random(n + 5);
        GradCheck.Check(t => Core.Ops.MseLoss(t[0], t[1]), xs => [xs[0].Zip(xs[1], (p, q) => (p - q) * (p - q)).Average()],
            [GradCheck.Random(rng, 3, n), GradCheck.Random(rng, 3, n)]);
    }

    [Fact]
    public void L1Loss_ShapeMismatch_ThrowsNamingShapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => Core.Ops.L1Loss(Tensor.Zeros(1, 3, 4, 4), Tensor.Zeros(1, 3, 4, 5)));
        Assert.Contains("L1Loss", ex.Message);
        Assert.Contains("[1, 3, 4, 5]", ex.Message);
    }

    [Fact]
    public void L1Loss_EqualInputs_ZeroGradientLikePyTorchSign()
    {
        var p = Tensor.Full(2f, 5);
        p.RequiresGrad = true;
        Core.Ops.L1Loss(p, Tensor.Full(2f, 5)).Backward();
        Assert.All(p.Grad!.Data, g => Assert.Equal(0f, g));
    }
}
