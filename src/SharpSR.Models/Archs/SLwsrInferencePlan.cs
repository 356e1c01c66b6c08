using SharpSR.Core;
using SharpSR.Core.Kernels.Packed;

namespace SharpSR.Models.Archs;

/// <summary>
/// s-LWSR's forward on packed kernels (docs/networks/s-lwsr.md § Graph, same function as <see cref="SLwsr.Forward"/>):
/// every feature map keeps a zero border so each conv writes straight into the next one's input; the
/// encoder's skip sums ride in the blocks' epilogues, the 0.5/0.5 mixes and the concatenations are folded
/// into the fusion 1x1s' weights (read in place), the global residual into the last block's epilogue, the
/// pixel shuffle into the upsampler's stores and add_mean into the last conv. The maps of the last two
/// input sizes are kept and reused (the self-ensemble alternates an input with its transpose); older ones
/// are freed, and all of them when the plan is disposed.
/// </summary>
internal sealed class SLwsrInferencePlan : IInferencePlan
{
    private readonly SLwsr _net;
    private readonly SLwsrOptions _o;
    private readonly HashSet<string> _withoutActivation;

    // Packed weights (Refresh).
    private float[] _subWeight = [], _subBias = [];
    private PackedWeights3x3 _head = null!;
    private readonly Dictionary<string, (PackedWeights3x3 First, PackedWeights3x3 Second)> _blocks = [];
    private readonly Dictionary<string, PackedWeights1x1> _fusions = [];
    private PackedWeights1x1? _pool;
    private readonly List<(PackedWeights3x3 Weights, int Factor)> _upsampler = [];
    private PackedWeightsToPlanar _tail = null!;

    // Maps for the current input size, and for the one before.
    private MapSet? _maps, _spare;

    private SLwsrInferencePlan(SLwsr net)
    {
        _net = net;
        _o = net.Settings;
        _withoutActivation = new HashSet<string>(_o.BlocksWithoutActivation ?? SLwsr.BlocksWithoutActivation(_o.Activations));
        Refresh();
    }

    /// <summary>The packed path covers plain residual blocks of 16, 32, 48 or 64 features on AVX-512 machines.</summary>
    public static bool Supports(SLwsrOptions o) =>
        PackedConv.IsSupported && o.Features % 16 == 0 && PackedConv.SupportsInputChannels(o.Features)
        && (o.CompressionExpansion == 0 || o.CompressedBlocks is { Count: 0 });

    public static SLwsrInferencePlan? TryCreate(SLwsr net) => Supports(net.Settings) ? new SLwsrInferencePlan(net) : null;

    public void Refresh()
    {
        int n = _o.Features;
        var p = _net.StateDict();
        float[] W(string key) => p[key].Data;

        _subWeight = (float[])W("sub_mean.weight").Clone();
        _subBias = (float[])W("sub_mean.bias").Clone();
        _head = new PackedWeights3x3(W("head.0.weight"), W("head.0.bias"), n, 3);
        _blocks.Clear();
        _fusions.Clear();
        foreach (var name in SLwsr.BlockNames)
        {
            _blocks[name] = (new PackedWeights3x3(W(name + ".body.0.weight"), W(name + ".body.0.bias"), n, n),
                             new PackedWeights3x3(W(name + ".body.2.weight"), W(name + ".body.2.bias"), n, n));
            if (!SLwsr.IsFusionBlock(name)) continue;
            // conv1x1(cat[s, (1-w)·skip + w·pool]) = the 1x1 over three sources, the mix folded into the columns.
            (int, float)[] sources = _o.Pool == InformationPool.Off
                ? [(0, 1f), (n, 1f)]
                : [(0, 1f), (n, 1 - _o.PoolMix), (n, _o.PoolMix)];
            _fusions[name] = new PackedWeights1x1(W(name + ".conv.weight"), W(name + ".conv.bias"), n, 2 * n, n, sources);
        }
        _pool = null;
        if (_o.Pool != InformationPool.Off)
        {
            int k = _o.Pool == InformationPool.On ? 6 : 15;
            _pool = new PackedWeights1x1(W("conv1.weight"), [], n, k * n, n, Enumerable.Range(0, k).Select(i => (i * n, 1f)).ToArray());
        }
        _upsampler.Clear();
        int factor = _o.Scale == 3 ? 3 : 2, steps = _o.Scale == 3 ? 1 : (int)Math.Log2(_o.Scale);
        for (int i = 0; i < steps; i++)
            _upsampler.Add((new PackedWeights3x3(W($"tail.0.{2 * i}.weight"), W($"tail.0.{2 * i}.bias"), n * factor * factor, n,
                PackedConv.ShuffleOrder(n, factor)), factor));

        // add_mean after the last conv is one affine map: fold it in (W' = M·W, b' = M·b + m).
        float[] tw = W("tail.1.weight"), tb = W("tail.1.bias"), m = W("add_mean.weight"), mb = W("add_mean.bias");
        var folded = new float[3 * n * 9];
        var foldedBias = new float[3];
        for (int co = 0; co < 3; co++)
        {
            foldedBias[co] = mb[co];
            for (int k = 0; k < 3; k++)
            {
                foldedBias[co] += m[co * 3 + k] * tb[k];
                for (int i = 0; i < n * 9; i++) folded[co * n * 9 + i] += m[co * 3 + k] * tw[k * n * 9 + i];
            }
        }
        _tail = new PackedWeightsToPlanar(folded, foldedBias, 3, n);
    }

    public Tensor Run(Tensor input)
    {
        Shapes.RequireNchw(input, "s-LWSR");
        if (input.N != 1 || input.C != 3) throw new ArgumentException($"s-LWSR plan: expected one RGB image [1,3,h,w], got {Shapes.Format(input.Shape)}.");
        int h = input.H, w = input.W, s = _o.Scale;
        Prepare(h, w);
        SubMean(input);

        var x1 = Take();
        PackedConv.Conv3x3(_maps!.Input, _head, x1);

        bool allFormer = _o.Pool == InformationPool.AllFormer;
        var kept = new List<PackedMap>();   // encoder outputs the pool reads
        // Encoder stage k: three blocks; the last one's epilogue also writes the next stage's input (first + last).
        (PackedMap First, PackedMap Last, PackedMap Next) Stage(int k, PackedMap x, bool dropInput)
        {
            var first = Block($"feat{k}_1", x);
            if (dropInput) Give(x);
            var middle = Block($"feat{k}_2", first);
            var next = Take();
            var last = Block($"feat{k}_3", middle, sumWith: first, sumInto: next);
            if (allFormer) kept.AddRange([first, middle, last]); else Give(middle);
            return (first, last, next);
        }

        var (f21, f23, u3) = Stage(2, x1, dropInput: false);
        if (!allFormer) Give(f21);
        var (f31, f33, u4) = Stage(3, u3, dropInput: true);
        var (f41, f43, u5) = Stage(4, u4, dropInput: true);
        var (f51, f53, u6) = Stage(5, u5, dropInput: true);
        var f61 = Block("feat6_1", u6);
        Give(u6);
        var f62 = Block("feat6_2", f61);

        PackedMap? pool = null;
        if (_pool is not null)
        {
            pool = Take();
            PackedMap[] sources = allFormer
                ? [x1, .. kept, f61, f62]
                : [x1, f31, f41, f51, f61, f62];
            PackedConv.Conv1x1(sources, _pool, pool);
        }
        // Features read by nothing but the pool are dead now; the skips f23..f53 live on.
        foreach (var f in allFormer ? kept.Except([f23, f33, f43, f53]).Append(f61) : [f31, f41, f51, f61]) Give(f);

        PackedMap stage = f62;
        foreach (var (name, skip) in new[] { ("7", f53), ("8", f43), ("9", f33), ("10", f23) })
        {
            var fused = Take();
            PackedConv.Conv1x1(pool is null ? [stage, skip] : [stage, skip, pool], _fusions["feat" + name + "_1"], fused);
            Give(stage); Give(skip);
            var t1 = Block("feat" + name + "_1", fused);
            Give(fused);
            var t2 = Block("feat" + name + "_2", t1);
            Give(t1);
            // The last block also adds the global residual x1.
            stage = Block("conv" + name, t2, residual2: name == "10" ? x1 : null);
            Give(t2);
        }
        if (pool is not null) Give(pool);
        Give(x1);

        // Every upsampler step but the last writes its map; the last streams its rows through the tail
        // (the full-resolution feature map, 59 MB for a 720p output, never goes to memory).
        PackedMap current = stage;
        for (int i = 0; i < _upsampler.Count - 1; i++)
        {
            PackedConv.Conv3x3Shuffle(current, _upsampler[i].Weights, _upsampler[i].Factor, _maps.Upsampled[i]);
            current = _maps.Upsampled[i];
        }
        var (lastWeights, lastFactor) = _upsampler[^1];
        PackedConv.Conv3x3ShuffleToPlanar(current, lastWeights, lastFactor, _tail, _maps.Output);
        Give(stage);
        return new Tensor(_maps.Output, 1, 3, h * s, w * s);
    }

    /// <summary>A residual block (or an RB2's body): x + conv(act(conv(x))), with the epilogue extras; streamed by rows, so its inner map stays in cache.</summary>
    private PackedMap Block(string name, PackedMap x, PackedMap? residual2 = null, PackedMap? sumWith = null, PackedMap? sumInto = null)
    {
        var (first, second) = _blocks[name];
        var y = Take();
        PackedConv.ResidualBlock3x3(x, first, !_withoutActivation.Contains(name), second, y, residual2, sumWith, sumInto);
        return y;
    }

    /// <summary>x0 = sub_mean(I): the 1x1 3->3 affine map, written into the padded 3-channel input map.</summary>
    private unsafe void SubMean(Tensor input)
    {
        int h = input.H, w = input.W;
        float[] m = _subWeight, b = _subBias, data = input.Data;
        int plane = h * w;
        for (int y = 0; y < h; y++)
        {
            float* p = _maps!.Input.At(y, 0);
            for (int x = 0, i = y * w; x < w; x++, i++, p += 3)
            {
                float r = data[i], g = data[plane + i], bl = data[2 * plane + i];
                p[0] = m[0] * r + m[1] * g + m[2] * bl + b[0];
                p[1] = m[3] * r + m[4] * g + m[5] * bl + b[1];
                p[2] = m[6] * r + m[7] * g + m[8] * bl + b[2];
            }
        }
    }

    private PackedMap Take() => _maps!.Take();

    private void Give(PackedMap m) => _maps!.Give(m);

    private void Prepare(int h, int w)
    {
        if (_maps is { } current && current.H == h && current.W == w) return;   // every map of the last run was given back
        if (_spare is { } spare && spare.H == h && spare.W == w)
        {
            (_maps, _spare) = (spare, _maps);
            return;
        }
        int size = 1;
        foreach (var (_, factor) in _upsampler) size *= factor;
        if (3L * h * w * size * size > Array.MaxLength) throw new ArgumentException("s-LWSR plan: image too large for one pass; tile it.");
        _spare?.Dispose();
        _spare = _maps;
        _maps = new MapSet(h, w, _o.Features, _upsampler.Select(u => u.Factor).ToArray());
    }

    private void FreeMaps()
    {
        _maps?.Dispose();
        _spare?.Dispose();
        _maps = _spare = null;
    }

    /// <summary>The maps of one input size: the RGB input, a pool of feature maps, the upsampler's outputs but the last, and the planar output.</summary>
    private sealed class MapSet : IDisposable
    {
        private readonly int _features;
        private readonly Stack<PackedMap> _free = new();
        private readonly List<PackedMap> _all = [];

        public MapSet(int h, int w, int features, int[] factors)
        {
            H = h; W = w; _features = features;
            Input = new PackedMap(h, w, 3);
            int size = 1;
            for (int i = 0; i < factors.Length; i++)
            {
                size *= factors[i];
                if (i < factors.Length - 1) Upsampled.Add(new PackedMap(h * size, w * size, features));
            }
            Output = new float[3 * h * w * size * size];
        }

        public int H { get; }
        public int W { get; }
        public PackedMap Input { get; }
        public List<PackedMap> Upsampled { get; } = [];
        public float[] Output { get; }

        public PackedMap Take()
        {
            if (_free.TryPop(out var m)) return m;
            m = new PackedMap(H, W, _features);
            _all.Add(m);
            return m;
        }

        public void Give(PackedMap m) => _free.Push(m);

        public void Dispose()
        {
            Input.Dispose();
            foreach (var m in _all.Concat(Upsampled)) m.Dispose();
            _all.Clear();
            _free.Clear();
        }
    }

    public void Dispose() => FreeMaps();
}
