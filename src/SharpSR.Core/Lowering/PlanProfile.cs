using System.Diagnostics;

namespace SharpSR.Core.Lowering;

/// <summary>One step's share of a profiled plan's runs: what it is, whether packed kernels ran it, its time per run.</summary>
/// <param name="Step">The step as <see cref="LoweredPlan.Describe"/> prints it.</param>
/// <param name="Packed">False for a node run on the graph kernels.</param>
/// <param name="Seconds">Mean seconds per run, conversions included.</param>
/// <param name="ConversionSeconds">Of which: copying values between the packed and the planar layout for this step.</param>
public readonly record struct PlanStepTime(int Index, string Step, bool Packed, double Seconds, double ConversionSeconds);

/// <summary>
/// Step-by-step times of a <see cref="LoweredPlan"/> (set as its <see cref="LoweredPlan.Profile"/>), with the layout
/// conversions each step needed measured apart: where a plan's time goes, packed steps against graph-kernel ones.
/// </summary>
public sealed class PlanProfile
{
    private LoweredPlan? _plan;
    private long[] _ticks = [], _conversionTicks = [];
    private int _runs;

    internal PlanProfile For(LoweredPlan plan)
    {
        if (_plan != plan)
        {
            _plan = plan;
            _ticks = new long[plan.Steps.Count];
            _conversionTicks = new long[plan.Steps.Count];
            _runs = 0;
        }
        return this;
    }

    internal void Add(int step, long ticks, long conversionTicks)
    {
        _ticks[step] += ticks;
        _conversionTicks[step] += conversionTicks;
    }

    internal void EndRun() => _runs++;

    /// <summary>Runs profiled so far (of the plan profiled last).</summary>
    public int Runs => _runs;

    /// <summary>Every step of the plan profiled last, in plan order, with its mean time per run.</summary>
    public IReadOnlyList<PlanStepTime> Steps()
    {
        if (_plan is null || _runs == 0) return [];
        var steps = _plan.Steps;
        double perRun = 1.0 / (Stopwatch.Frequency * (double)_runs);
        return steps.Select((s, i) => new PlanStepTime(i, s.Describe(_plan.Graph), s is not FallbackStep, _ticks[i] * perRun, _conversionTicks[i] * perRun)).ToList();
    }
}
