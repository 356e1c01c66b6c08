using SharpSR.Core.Nn;
using SharpSR.Core.Optim;
using Xunit;

namespace SharpSR.Core.Tests.Optim;

public class LrScheduleTests
{
    [Fact]
    public void StepLr_EachIteration_EqualsBaseTimesGammaPowerOfCompletedPeriods()
    {
        var s = new StepLr(1e-3f, 3, 0.5f);
        for (int t = 0; t < 20; t++)
            Assert.Equal((float)(1e-3f * Math.Pow(0.5f, t / 3)), s.At(t));
    }

    [Fact]
    public void StepLr_AtAnyIteration_SameAsStepwiseMultiplication()
    {
        // PyTorch's recursive form: multiply by gamma whenever t is a positive multiple of the period.
        var s = new StepLr(2e-4f, 200, 0.5f);
        double lr = 2e-4f;
        for (int t = 0; t <= 1000; t++)
        {
            if (t > 0 && t % 200 == 0) lr *= 0.5f;
            Assert.Equal((float)lr, s.At(t), 1e-12f);
        }
    }

    [Fact]
    public void MultiStepLr_AroundMilestones_DropsByGammaAtEach()
    {
        var s = new MultiStepLr(5e-4f, [5, 2], 0.1f);
        for (int t = 0; t < 9; t++)
        {
            int passed = (t >= 2 ? 1 : 0) + (t >= 5 ? 1 : 0);
            Assert.Equal((float)(5e-4f * Math.Pow(0.1f, passed)), s.At(t));
        }
    }

    [Fact]
    public void Apply_Optimizer_SetsLearningRate()
    {
        var adam = new Adam([("w", new Parameter(Tensor.Zeros(1)))], learningRate: 1f);
        new StepLr(0.4f, 1, 0.5f).Apply(adam, 2);
        Assert.Equal(0.1f, adam.LearningRate);
    }

    [Fact]
    public void StepLr_NonPositivePeriod_Throws() => Assert.Throws<ArgumentException>(() => new StepLr(1e-3f, 0, 0.5f));

    [Fact]
    public void At_NegativeIteration_Throws() => Assert.Throws<ArgumentOutOfRangeException>(() => new StepLr(1e-3f, 2, 0.5f).At(-1));
}
