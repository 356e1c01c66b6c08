using System.Diagnostics;
using SharpSR.Core.Autograd;
using SharpSR.Core.Kernels.Packed;
using SharpSR.Core.Tracing;

namespace SharpSR.Core.Lowering;

/// <summary>
/// A traced forward pass lowered for inference (<see cref="PackedLowering"/>): a list of steps, each a packed-kernel
/// convolution with its fused epilogue, an in-place concatenation read, a sum of maps, or one traced node run on
/// the graph kernels. Values live as padded <see cref="PackedMap"/>s or as planar tensors, converted only where a
/// step needs the other form; each is freed after its last reader, and maps go back to a pool per input size, so a
/// pass holds its live maps only and a second pass at the same size allocates no map. Weights are packed by
/// <see cref="Refresh"/> from the parameters the trace references. Height and width follow the input where the
/// trace is size-symbolic. Not thread-safe.
/// </summary>
public sealed class LoweredPlan : IDisposable
{
    private readonly SymbolicGraph _graph;
    private readonly IReadOnlyList<PlanStep> _steps;
    private readonly int[][] _freeAfter;   // per step: values whose last reader it is
    private readonly Dictionary<(int H, int W), MapPool> _pools = [];
    private readonly List<(int H, int W)> _recent = [];

    internal LoweredPlan(SymbolicGraph graph, IReadOnlyList<PlanStep> steps)
    {
        _graph = graph;
        _steps = steps;
        var g = graph.Graph;
        var last = new int[g.Values.Count];
        Array.Fill(last, -1);
        for (int i = 0; i < steps.Count; i++)
            foreach (int v in steps[i].Reads) last[v] = i;
        last[g.Output] = int.MaxValue;
        _freeAfter = new int[steps.Count][];
        for (int i = 0; i < steps.Count; i++)
            _freeAfter[i] = steps[i].Reads.Concat(steps[i].Writes).Distinct()
                .Where(v => g.Values[v].Kind is TracedValueKind.Node && (last[v] == i || (last[v] < 0 && steps[i].Writes.Contains(v)))).ToArray();
        Refresh();
    }

    public TracedGraph Graph => _graph.Graph;

    internal IReadOnlyList<PlanStep> Steps => _steps;

    /// <summary>The steps in order, one line each (what ran packed, what fell back to the graph kernels).</summary>
    public IEnumerable<string> Describe() => _steps.Select(s => s.Describe(_graph.Graph));

    /// <summary>Traced nodes covered by packed steps, and nodes run on the graph kernels, by op name.</summary>
    public (int Packed, IReadOnlyDictionary<string, int> Fallback) Coverage()
    {
        var fallback = _steps.OfType<FallbackStep>().GroupBy(s => s.Node.Op).ToDictionary(g => g.Key, g => g.Count());
        return (_graph.Graph.Nodes.Count - fallback.Values.Sum(), fallback);
    }

    /// <summary>Packs the weights again from the parameters (after loading or training them).</summary>
    public void Refresh()
    {
        foreach (var s in _steps) s.Pack(_graph.Graph);
    }

    /// <summary>When set, each run adds its step-by-step times to it (<c>sharpsr bench --profile</c>).</summary>
    public PlanProfile? Profile { get; set; }

    /// <summary>Runs the plan on [1, C, h, w]; the result is this input size's output buffer, valid until the next pass at that size.</summary>
    public Tensor Run(Tensor input)
    {
        var g = _graph.Graph;
        var traced = g.Values[g.Input].Shape;
        Shapes.RequireNchw(input, "plan");
        if (input.N != traced[0] || input.C != traced[1])
            throw new ArgumentException($"plan: traced for input {Shapes.Format(traced)}, given {Shapes.Format(input.Shape)}.");
        if (!_graph.IsDynamic && (input.H != traced[2] || input.W != traced[3]))
            throw new ArgumentException($"plan: traced for input {Shapes.Format(traced)}, given {Shapes.Format(input.Shape)}; trace again at this size.");
        var pool = Pool(input.H, input.W);
        var state = new PlanState(g, _graph, pool, input.H, input.W);
        state.Tensors[g.Input] = input;
        using var _ = NoGradScope.Enter();
        // Graph-kernel steps and planar values take their arrays from this size's arena, pass after pass: a fresh
        // array costs a page fault per 4 KB on first touch (PAN's 11 MB bilinear skip at 1280x720: 3 ms reused, ~35 fresh).
        var scope = pool.Arena.Activate();
        try
        {
            var profile = Profile?.For(this);
            if (profile is not null) state.TimeConversions = true;
            for (int i = 0; i < _steps.Count; i++)
            {
                long start = profile is null ? 0 : Stopwatch.GetTimestamp();
                _steps[i].Run(state);
                foreach (int v in _freeAfter[i]) state.Free(v);
                if (profile is null) continue;
                profile.Add(i, Stopwatch.GetTimestamp() - start, state.ConversionTicks);
                state.ConversionTicks = 0;
            }
            profile?.EndRun();
            var result = state.Planar(g.Output);
            if (!pool.Arena.Lends(result.Data)) return result;
            var output = pool.Output(result.C, result.H, result.W);   // the arena takes its arrays back below
            result.Data.AsSpan().CopyTo(output.Data);
            return output;
        }
        finally
        {
            state.FreeAll();
            scope.Dispose();
        }
    }

    /// <summary>The map pool of an input size; the pools of the two sizes used last are kept (the self-ensemble alternates an image and its transpose).</summary>
    private MapPool Pool(int h, int w)
    {
        _recent.Remove((h, w));
        _recent.Add((h, w));
        while (_recent.Count > 2)
        {
            if (_pools.Remove(_recent[0], out var old)) old.Dispose();
            _recent.RemoveAt(0);
        }
        if (!_pools.TryGetValue((h, w), out var pool)) _pools[(h, w)] = pool = new MapPool();
        return pool;
    }

    public void Dispose()
    {
        foreach (var p in _pools.Values) p.Dispose();
        _pools.Clear();
        _recent.Clear();
    }
}

/// <summary>Free maps by size, reused by later values and later passes.</summary>
internal sealed class MapPool : IDisposable
{
    /// <summary>Planar arrays of this size's passes (graph-kernel steps, conversions), reused by the next pass.</summary>
    public SharpSR.Core.Memory.TensorArena Arena { get; } = new();

    private readonly Dictionary<(int H, int W, int C), Stack<PackedMap>> _free = [];
    private readonly List<PackedMap> _all = [];

    public PackedMap Take(int h, int w, int c)
    {
        if (_free.TryGetValue((h, w, c), out var stack) && stack.TryPop(out var m)) return m;
        m = new PackedMap(h, w, c);
        _all.Add(m);
        return m;
    }

    private Tensor? _output;

    /// <summary>The output buffer of this size's passes.</summary>
    public Tensor Output(int c, int h, int w)
    {
        if (_output is null || _output.C != c || _output.H != h || _output.W != w) _output = new Tensor(new float[(long)c * h * w], 1, c, h, w);
        return _output;
    }

    public void Give(PackedMap m)
    {
        if (!_free.TryGetValue((m.H, m.W, m.C), out var stack)) _free[(m.H, m.W, m.C)] = stack = new Stack<PackedMap>();
        stack.Push(m);
    }

    public void Dispose()
    {
        foreach (var m in _all) m.Dispose();
        _all.Clear();
        _free.Clear();
        _output = null;
        Arena.Trim();
    }
}

/// <summary>The values of one pass: each as a map, a planar tensor, or both (converted on demand).</summary>
internal sealed class PlanState(TracedGraph graph, SymbolicGraph symbolic, MapPool pool, int height, int width)
{
    public readonly PackedMap?[] Maps = new PackedMap?[graph.Values.Count];
    public readonly Tensor?[] Tensors = new Tensor?[graph.Values.Count];
    public TracedGraph Graph => graph;
    public SymbolicGraph Symbolic => symbolic;
    public int Height => height;
    public int Width => width;

    /// <summary>Profiling: time spent converting values between maps and planar tensors since the step began.</summary>
    public bool TimeConversions;
    public long ConversionTicks;

    /// <summary>Real channels of a value (its map may hold more: padded to a multiple of 16).</summary>
    public int Channels(int v) => graph.Values[v].Shape[1];

    /// <summary>A planar tensor for a value: the graph's output reuses the pool's buffer (valid until the next pass).</summary>
    public Tensor NewPlanar(int v, int c, int h, int w)
    {
        var t = v == graph.Output ? pool.Output(c, h, w) : Tensor.Empty(1, c, h, w);
        Tensors[v] = t;
        return t;
    }

    public PackedMap NewMap(int v, int h, int w)
    {
        var m = pool.Take(h, w, PackedLowering.PaddedChannels(Channels(v)));
        Maps[v] = m;
        return m;
    }

    /// <summary>The value as a map (copied in from its tensor the first time it is asked for).</summary>
    public PackedMap Map(int v)
    {
        if (Maps[v] is { } m) return m;
        var t = Tensors[v] ?? throw new InvalidOperationException($"plan: value {v} read before it exists.");
        long start = TimeConversions ? Stopwatch.GetTimestamp() : 0;
        m = NewMap(v, t.H, t.W);
        m.CopyFromPlanar(t.Data, t.C);
        if (TimeConversions) ConversionTicks += Stopwatch.GetTimestamp() - start;
        return m;
    }

    /// <summary>The value as a tensor: a parameter or constant, or a map copied out the first time it is asked for.</summary>
    public Tensor Planar(int v)
    {
        if (graph.Values[v].Kind is TracedValueKind.Parameter or TracedValueKind.Constant) return graph.Tensors[v];
        if (Tensors[v] is { } t) return t;
        var m = Maps[v] ?? throw new InvalidOperationException($"plan: value {v} read before it exists.");
        int c = Channels(v);
        long start = TimeConversions ? Stopwatch.GetTimestamp() : 0;
        t = Tensor.Empty(1, c, m.H, m.W);
        m.CopyToPlanar(t.Data, c);
        if (TimeConversions) ConversionTicks += Stopwatch.GetTimestamp() - start;
        Tensors[v] = t;
        return t;
    }

    /// <summary>A map that belongs to no value (a step's inner buffer), from the pool; hand it back with <see cref="GiveBack"/>.</summary>
    public PackedMap Scratch(int h, int w, int c) => pool.Take(h, w, c);

    public void GiveBack(PackedMap m) => pool.Give(m);

    public void Free(int v)
    {
        if (Maps[v] is { } m) pool.Give(m);
        Maps[v] = null;
        Tensors[v] = null;
    }

    public void FreeAll()
    {
        for (int v = 0; v < Maps.Length; v++)
            if (Maps[v] is not null) Free(v);
    }
}
