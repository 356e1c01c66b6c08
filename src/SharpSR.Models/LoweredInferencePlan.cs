using SharpSR.Core;
using SharpSR.Core.Lowering;
using SharpSR.Core.Tracing;

namespace SharpSR.Models;

/// <summary>
/// A network's inference plan lowered from its traced forward pass (<see cref="PackedLowering"/>): what the packed
/// kernels cover runs on them, every other node on the graph kernels. The forward is traced once at two small
/// sizes so the plan serves any input size; a network whose size arithmetic the symbolic trace cannot follow is
/// traced again at each input size (the plans of the two sizes used last are kept).
/// </summary>
public sealed class LoweredInferencePlan : IInferencePlan
{
    private readonly SrNetwork _net;
    private readonly PlanOptions? _options;
    private readonly LoweredPlan? _dynamic;
    private readonly List<((int H, int W) Size, LoweredPlan Plan)> _fixed = [];

    private LoweredInferencePlan(SrNetwork net, PlanOptions? options)
    {
        _net = net;
        _options = options;
        try
        {
            _dynamic = PackedLowering.Lower(SizeSymbolicTracer.TraceDynamic(net, net.Forward, 1, 3, net.MinInputSize), options);
        }
        catch (NotSupportedException)
        {
            _dynamic = null;   // traced per input size instead
        }
    }

    /// <summary>The lowered plan of a network, or null on a machine without the packed kernels (AVX-512).</summary>
    /// <param name="options">how 3x3 convolutions are computed (default: fp32 direct).</param>
    public static LoweredInferencePlan? TryCreate(SrNetwork net, PlanOptions? options = null)
    {
        if (options?.Refusal() is { } refusal) throw new NotSupportedException(refusal);   // before a trace failure could hide it
        return PackedLowering.IsSupported ? new LoweredInferencePlan(net, options) : null;
    }

    /// <summary>The plan that serves every input size (null when the network is traced per size).</summary>
    public LoweredPlan? Plan => _dynamic;

    /// <summary>When set, every run adds its step-by-step times to it.</summary>
    public PlanProfile? Profile { get; set; }

    public void Refresh()
    {
        _dynamic?.Refresh();
        foreach (var (_, plan) in _fixed) plan.Refresh();
    }

    public Tensor Run(Tensor input)
    {
        Shapes.RequireNchw(input, _net.Arch);
        if (input.N != 1 || input.C != 3) throw new ArgumentException($"{_net.Arch} plan: expected one RGB image [1,3,h,w], got {Shapes.Format(input.Shape)}.");
        var plan = _dynamic ?? PlanFor(input);
        plan.Profile = Profile;
        return plan.Run(input);
    }

    private LoweredPlan PlanFor(Tensor input)
    {
        var size = (input.H, input.W);
        int i = _fixed.FindIndex(f => f.Size == size);
        if (i >= 0) return _fixed[i].Plan;
        if (_fixed.Count == 2)
        {
            _fixed[0].Plan.Dispose();
            _fixed.RemoveAt(0);
        }
        var plan = PackedLowering.Lower(SizeSymbolicTracer.TraceFixed(_net, _net.Forward, input), _options);
        _fixed.Add((size, plan));
        return plan;
    }

    public void Dispose()
    {
        _dynamic?.Dispose();
        foreach (var (_, plan) in _fixed) plan.Dispose();
        _fixed.Clear();
    }
}
