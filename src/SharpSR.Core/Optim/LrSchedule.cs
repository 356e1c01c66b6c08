namespace SharpSR.Core.Optim;

/// <summary>A learning rate as a pure function of the iteration number (0-based), so a resumed run gets the same value.</summary>
public abstract class LrSchedule
{
    protected LrSchedule(float baseLearningRate)
    {
        if (baseLearningRate < 0) throw new ArgumentException($"LrSchedule: base learning rate {baseLearningRate}; expected ≥ 0.");
        BaseLearningRate = baseLearningRate;
    }

    public float BaseLearningRate { get; }

    /// <summary>The learning rate for iteration <paramref name="iteration"/>.</summary>
    public abstract float At(long iteration);

    /// <summary>Sets the optimizer's rate for <paramref name="iteration"/>.</summary>
    public void Apply(IOptimizer optimizer, long iteration)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        optimizer.LearningRate = At(iteration);
    }

    /// <summary>base · γ^k in double, then rounded once to float (PyTorch's closed form).</summary>
    protected float Decayed(double gamma, long k) => (float)(BaseLearningRate * Math.Pow(gamma, k));

    protected static void CheckIteration(long iteration)
    {
        if (iteration < 0) throw new ArgumentOutOfRangeException(nameof(iteration), $"LrSchedule: iteration {iteration} is negative.");
    }
}

/// <summary>StepLR: the rate is multiplied by γ every <c>stepSize</c> iterations: base · γ^⌊t / stepSize⌋.</summary>
public sealed class StepLr : LrSchedule
{
    public StepLr(float baseLearningRate, int stepSize, float gamma) : base(baseLearningRate)
    {
        if (stepSize < 1) throw new ArgumentException($"StepLr: step size {stepSize}; expected ≥ 1.");
        StepSize = stepSize;
        Gamma = gamma;
    }

    public int StepSize { get; }
    public float Gamma { get; }

    public override float At(long iteration)
    {
        CheckIteration(iteration);
        return Decayed(Gamma, iteration / StepSize);
    }
}

/// <summary>MultiStepLR: the rate is multiplied by γ at each milestone reached: base · γ^(#milestones ≤ t).</summary>
public sealed class MultiStepLr : LrSchedule
{
    private readonly long[] _milestones;

    public MultiStepLr(float baseLearningRate, IEnumerable<long> milestones, float gamma) : base(baseLearningRate)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        _milestones = milestones.Order().ToArray();
        if (_milestones.Any(m => m < 0)) throw new ArgumentException($"MultiStepLr: milestones [{string.Join(", ", _milestones)}] must be ≥ 0.");
        Gamma = gamma;
    }

    public IReadOnlyList<long> Milestones => _milestones;
    public float Gamma { get; }

    public override float At(long iteration)
    {
        CheckIteration(iteration);
        long passed = 0;
        foreach (long m in _milestones) if (m <= iteration) passed++;
        return Decayed(Gamma, passed);
    }
}
