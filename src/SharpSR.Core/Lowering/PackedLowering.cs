using SharpSR.Core.Kernels.Packed;
using SharpSR.Core.Tracing;

namespace SharpSR.Core.Lowering;

/// <summary>
/// Lowers a traced forward pass to a <see cref="LoweredPlan"/> on the packed kernels. Covered: 3x3 and 1x1 "same"
/// convolutions (channels padded to a multiple of 16, at most 64 in; groups of two expanded to dense weights) with
/// bias, ReLU or leaky ReLU, up to two residual adds and an activation after them in the store, and a second sum
/// stored beside the output; EDSR's residual block streamed by rows; a concatenation followed by a 1x1 read in place,
/// with sums and scalings of its parts folded into the 1x1's weights; a pixel shuffle folded into the stores of the
/// conv before it, and streamed through a following RGB conv with a 1x1 affine map after it folded in; sums of maps.
/// Every other node runs on the graph kernels (<see cref="GraphInterpreter.Execute"/>).
/// </summary>
public static class PackedLowering
{
    /// <summary>The packed kernels need AVX-512; without it there is nothing to lower to.</summary>
    public static bool IsSupported => PackedConv.IsSupported;

    /// <summary>
    /// Grouped convolutions up to this many groups run as dense ones with zero blocks: twice the multiply-adds, on
    /// kernels several times faster than the graph's grouped path and without leaving the packed layout. CARN-M's
    /// four groups made dense (four times the work) ran slower than its graph.
    /// </summary>
    public const int MaxDenseGroups = 2;

    /// <summary>Channels of a value's map: a multiple of 16, except the 3 of an RGB map.</summary>
    public static int PaddedChannels(int c) => c == 3 ? 3 : (c + 15) / 16 * 16;

    /// <param name="options">how 3x3 convolutions are computed (default: <see cref="PlanOptions.Default"/>, fp32 Winograd F(4x4)); refused with one line when not available.</param>
    public static LoweredPlan Lower(SymbolicGraph graph, PlanOptions? options = null)
    {
        if (!IsSupported) throw new PlatformNotSupportedException("plan: the packed kernels need AVX-512.");
        if (options?.Refusal() is { } refusal) throw new NotSupportedException(refusal);
        return new LoweredPlan(graph, new Builder(graph.Graph) { WinogradTile = (options ?? PlanOptions.Default).WinogradTile }.Build());
    }

    private sealed class Builder
    {
        /// <summary>0: direct 3x3 kernels; 2 or 4: Winograd F(m×m, 3×3) where it covers the channels.</summary>
        public int WinogradTile { get; init; }

        private readonly TracedGraph _g;
        private readonly IReadOnlyList<TracedNode> _nodes;
        private readonly int[] _producer;
        private readonly List<int>[] _consumers;
        private readonly bool[] _virtual, _packed;
        private readonly HashSet<int> _consumed = [];
        private readonly Dictionary<int, Term[]> _terms = [];
        private readonly List<PlanStep> _steps = [];

        public Builder(TracedGraph g)
        {
            _g = g;
            _nodes = g.Nodes;
            int n = g.Values.Count;
            _producer = new int[n];
            Array.Fill(_producer, -1);
            _consumers = Enumerable.Range(0, n).Select(_ => new List<int>()).ToArray();
            for (int i = 0; i < _nodes.Count; i++)
            {
                _producer[_nodes[i].Output] = i;
                foreach (int v in _nodes[i].Inputs.Distinct()) _consumers[v].Add(i);
            }
            _virtual = new bool[n];
            _packed = new bool[n];
        }

        public List<PlanStep> Build()
        {
            MarkConvSums();
            MarkVirtual();
            MarkGates();
            MarkShuffleTails();
            for (int n = 0; n < _nodes.Count; n++)
            {
                if (_consumed.Contains(n)) continue;
                var node = _nodes[n];
                if (_virtual[node.Output])
                {
                    if (node.Op != "Concat") _terms[node.Output] = LinearTerms(node);
                    continue;
                }
                if (!(TryShuffleTail(n) || TryConv(n) || TryResidualBlock(n) || TryCombine(n) || TryGate(n) || TrySlice(n) || TryDirectConv(n) || TryResize(n)
                      || TryConcat(n) || TryChannelStat(n) || TryChannelScale(n) || TryActivation(n)))
                    Fallback(n);
            }
            FuseGates();
            return _steps;
        }

        /// <summary>
        /// A gate a · (sigmoid(b) + c) whose b is a conv's output read by nothing else is taken into that conv's store: ESA's
        /// mask and PAN's pixel attention (a another map), SiLU (a = b), SPAN's attention (a = b + x, the conv's second
        /// sum, read by nothing else either); then a sum that only adds earlier maps to the gated map (G-IDRN's and URNet's
        /// weighted shortcuts after a block). The logits, the gated map and the sum before it never exist.
        /// </summary>
        private void FuseGates()
        {
            for (int i = 0; i < _steps.Count; i++)
            {
                if (_steps[i] is not IConvStep conv || conv.Epilogue is not { Before: null, After: null, Residuals.Count: 0, HasGate: false } e) continue;
                int j = OnlyReader(i, conv.Output);
                if (j < 0 || _steps[j] is not GateStep gate || gate.B != conv.Output) continue;
                var reads = _steps[i].Reads.ToList();
                if (e.SumInto >= 0)
                {
                    // (out + x) · (sigmoid(out) + c): the sum exists for the gate alone.
                    if (gate.A != e.SumInto || OnlyReader(i, e.SumInto) != j) continue;
                    (e.MaskSelf, e.Mask, e.SumInto, e.SumWith) = (true, e.SumWith, -1, -1);
                }
                else if (gate.A == conv.Output) e.MaskSelf = true;
                else if (WrittenBefore(gate.A, i)) e.Mask = gate.A;
                else continue;
                e.MaskOffset = gate.Offset;
                int output = gate.Output;
                _steps.RemoveAt(j);
                int k = OnlyReader(i, output);
                if (k >= 0 && _steps[k] is CombineStep sum && sum.Terms.Count(t => t.Value == output) == 1
                    && sum.Terms.Single(t => t.Value == output) is { Scale: 1, Scalars.Length: 0 }
                    && sum.Terms.Where(t => t.Value != output).ToArray() is { Length: >= 1 and <= 2 } others
                    && others.All(t => WrittenBefore(t.Value, i)) && others.Select(t => t.Value).Distinct().Count() == others.Length)
                {
                    e.Residuals.AddRange(others);
                    output = sum.Output;
                    _steps.RemoveAt(k);
                }
                _steps[i] = conv.WithOutput(output, reads.Concat(e.Reads).Distinct().ToArray());
            }
        }

        /// <summary>The one step after step i that reads v (-1 when none, several, or v is the graph's output).</summary>
        private int OnlyReader(int i, int v)
        {
            if (IsOutput(v)) return -1;
            int found = -1;
            for (int k = i + 1; k < _steps.Count; k++)
            {
                if (!_steps[k].Reads.Contains(v)) continue;
                if (found >= 0) return -1;
                found = k;
            }
            return found;
        }

        /// <summary>v is the input or written by a step before step i.</summary>
        private bool WrittenBefore(int v, int i) =>
            _g.Values[v].Kind == TracedValueKind.Input || _steps.Take(i).Any(s => s.Writes.Contains(v));

        // ---- values --------------------------------------------------------------------------------------

        private int[] Shape(int v) => _g.Values[v].Shape;

        private int Channels(int v) => Shape(v)[1];

        private bool IsData(int v) => _g.Values[v].Kind is TracedValueKind.Node or TracedValueKind.Input;

        private bool IsWeight(int v) => _g.Values[v].Kind is TracedValueKind.Parameter or TracedValueKind.Constant;

        private bool IsImage(int v) => Shape(v) is [1, _, _, _];

        private bool IsOutput(int v) => v == _g.Output;

        private bool SameShape(int a, int b) => Shape(a).SequenceEqual(Shape(b));

        /// <summary>The value is written by a step that runs before the step of node n.</summary>
        private bool Before(int v, int n) => _g.Values[v].Kind == TracedValueKind.Input || (_producer[v] >= 0 && _producer[v] < n);

        private static bool InChannelsOk(int cp) => cp is 16 or 32 or 48 or 64;

        private bool MapOk(int v) => IsImage(v) && PaddedChannels(Channels(v)) % 16 == 0;

        // ---- convolutions ----------------------------------------------------------------------------------

        /// <summary>A traced convolution's input, weights and extras, when it is a stride-1 "same" 1x1 or 3x3 the packed kernels can run.</summary>
        private (int X, ConvWeights W, bool Relu, int Residual)? Conv(TracedNode node)
        {
            if (_convSums.TryGetValue(node.Output, out var sum)) return (sum.X, sum.W, false, -1);
            if (node.Op is not ("Conv2d" or "Conv2dRelu" or "Conv2dAdd") || node.Attributes is not Conv2dOptions o) return null;
            var ins = node.Inputs;
            int residual = node.Op == "Conv2dAdd" ? ins[^1] : -1;
            int args = ins.Length - (residual >= 0 ? 1 : 0);
            int x = ins[0], w = ins[1], b = args > 2 ? ins[2] : -1;
            if (!IsImage(x) || !IsWeight(w) || (b >= 0 && !IsWeight(b)) || Shape(w) is not [var cout, var cinG, var kh, var kw]) return null;
            // Groups of 16 input channels (CARN-M's four) run on grouped tiles; other small group counts are made dense.
            bool groupedTiles = o.Groups > 1 && kh == 3 && cinG == 16 && o.Groups is 2 or 4 && cout % (16 * o.Groups) == 0;
            if (kh != kw || kh is not (1 or 3) || o.StrideH != 1 || o.StrideW != 1 || o.DilationH != 1 || o.DilationW != 1
                || o.PadH != kh / 2 || o.PadW != kh / 2 || (o.Groups > MaxDenseGroups && !groupedTiles)) return null;
            if (residual >= 0 && (!IsData(residual) || !SameShape(residual, node.Output))) return null;
            return (x, new ConvWeights(w, b, cout, cinG * o.Groups, o.Groups, kh) { GroupedTiles = groupedTiles }, node.Op == "Conv2dRelu", residual);
        }

        private readonly Dictionary<int, (int X, ConvWeights W)> _convSums = [];

        /// <summary>A plain stride-1 "same" convolution with 1x1, 1x3, 3x1 or 3x3 kernel, its input, weight and bias (-1: none).</summary>
        private (int X, int Weight, int Bias)? SameConv(TracedNode node)
        {
            if (node.Op != "Conv2d" || node.Attributes is not Conv2dOptions { StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, Groups: 1 } o) return null;
            int w = node.Inputs[1], b = node.Inputs.Length > 2 ? node.Inputs[2] : -1;
            if (!IsImage(node.Inputs[0]) || !IsWeight(w) || (b >= 0 && !IsWeight(b)) || Shape(w) is not [_, _, var kh and (1 or 3), var kw and (1 or 3)]) return null;
            return o.PadH == kh / 2 && o.PadW == kw / 2 ? (node.Inputs[0], w, b) : null;
        }

        /// <summary>
        /// Sums of convolutions of one input (ACBlock: 3x3 + 3x1 + 1x3, nested adds) are one convolution with the kernels
        /// added, centred; found from the outermost sum, marked on its output.
        /// </summary>
        private void MarkConvSums()
        {
            for (int n = _nodes.Count - 1; n >= 0; n--)
            {
                if (_nodes[n].Op != "Add" || _consumed.Contains(n)) continue;
                var branches = new List<int>();
                var inner = new List<int>();
                void Gather(int v)
                {
                    int p = _producer[v];
                    if (p < 0 || _consumers[v].Count != 1 || IsOutput(v)) { branches.Add(-1); return; }
                    if (_nodes[p].Op == "Add" && _nodes[p].Inputs.Distinct().Count() == 2)
                    {
                        inner.Add(p);
                        foreach (int i in _nodes[p].Inputs) Gather(i);
                    }
                    else branches.Add(SameConv(_nodes[p]) is null ? -1 : p);
                }
                if (_nodes[n].Inputs.Distinct().Count() != 2) continue;
                foreach (int i in _nodes[n].Inputs) Gather(i);
                if (branches.Contains(-1)) continue;
                var convs = branches.Select(b => SameConv(_nodes[b])!.Value).ToArray();
                int x = convs[0].X, cout = Shape(convs[0].Weight)[0];
                if (convs.Any(c => c.X != x || Shape(c.Weight)[0] != cout)) continue;
                int kernel = convs.Max(c => Math.Max(Shape(c.Weight)[2], Shape(c.Weight)[3]));
                var w = new ConvWeights(convs[0].Weight, convs[0].Bias, cout, Channels(x), 1, kernel)
                    { Branches = convs.Skip(1).Select(c => (c.Weight, c.Bias)).ToArray() };
                _convSums[_nodes[n].Output] = (x, w);
                foreach (int c in branches.Concat(inner)) _consumed.Add(c);
            }
        }

        /// <summary>A value as the parts of the concatenations that made it, nested ones flattened (itself when no concatenation made it).</summary>
        private int[] FlatParts(int v) =>
            _producer[v] >= 0 && _nodes[_producer[v]] is { Op: "Concat", Attributes: ConcatAttributes { Axis: 1 } } c && c.Inputs.All(IsData)
                ? c.Inputs.SelectMany(FlatParts).ToArray()
                : [v];

        private bool PartsFit(int[] parts)
        {
            int cp = PaddedChannels(Channels(parts[0]));
            return parts.All(p => IsImage(p) && PaddedChannels(Channels(p)) == cp) && InChannelsOk(cp);
        }

        /// <summary>The parts a 1x1 reads in place: the concatenated parts when they fit, else the value itself; null when nothing fits.</summary>
        private int[]? Parts(int x)
        {
            var flat = FlatParts(x);
            if (PartsFit(flat)) return flat;
            return !_virtual[x] && PartsFit([x]) ? [x] : null;
        }

        /// <summary>Node c is a packed 1x1 that reads v (a concatenation or a sum) as its input and nothing else.</summary>
        private bool OneByOneReads(int c, int v, int[] parts)
        {
            var node = _nodes[c];
            if (Conv(node) is not { } conv || conv.W.Kernel != 1 || conv.X != v || conv.Residual == v || !MapOk(node.Output)) return false;
            return PartsFit(parts);
        }

        /// <summary>A learnable scalar times a map (G-IDRN's and URNet's weighted shortcuts): the scalar and the map.</summary>
        private (int Scalar, int X)? ScaledByParameter(TracedNode node)
        {
            if (node.Op != "Mul" || node.Inputs.Length != 2) return null;
            for (int side = 0; side < 2; side++)
            {
                int p = node.Inputs[side], x = node.Inputs[1 - side];
                if (IsWeight(p) && _g.Tensors[p] is { Length: 1 } && IsData(x) && SameShape(x, node.Output)) return (p, x);
            }
            return null;
        }

        /// <summary>Sums, differences and scalings of maps of one shape (by constants or learnable scalars).</summary>
        private bool IsLinear(TracedNode node) => node.Op is "Add" or "Sub" or "MulScalar" || ScaledByParameter(node) is not null;

        /// <summary>The maps a linear node combines.</summary>
        private int[] LinearInputs(TracedNode node) => ScaledByParameter(node) is { } m ? [m.X] : node.Inputs;

        /// <summary>A linear node with a learnable-scalar product among its inputs: no conv epilogue can take it in.</summary>
        private bool HasScaledInput(TracedNode node) =>
            node.Inputs.Any(i => _producer[i] >= 0 && ScaledByParameter(_nodes[_producer[i]]) is not null);

        /// <summary>
        /// Concatenations and sums/scalings of maps that only 1x1 convolutions read (directly or through each other)
        /// never exist: the 1x1 reads their parts in place with the scales in its weights. Decided from the last node
        /// back, so every reader is decided first.
        /// </summary>
        private void MarkVirtual()
        {
            for (int n = _nodes.Count - 1; n >= 0; n--)
            {
                var node = _nodes[n];
                int v = node.Output;
                if (IsOutput(v) || !IsImage(v) || _consumers[v].Count == 0 || _convSums.ContainsKey(v)) continue;
                if (IsLinear(node))
                {
                    var inputs = LinearInputs(node);
                    if (!inputs.All(i => IsData(i) && SameShape(i, v)) || inputs.Distinct().Count() != inputs.Length) continue;
                    // Scaled shortcuts and sums of them are folded into the one sum of maps (or the 1x1) that reads them.
                    bool folded = ScaledByParameter(node) is not null || HasScaledInput(node);
                    _virtual[v] = _consumers[v].All(c => (IsLinear(_nodes[c]) || _nodes[c].Op == "Concat") && _virtual[_nodes[c].Output]
                                                         || folded && IsLinear(_nodes[c]) && MapOk(_nodes[c].Output)
                                                         || OneByOneReads(c, v, [v]));
                }
                else if (node.Op == "Concat" && node.Attributes is ConcatAttributes { Axis: 1 } && node.Inputs.All(IsData)
                         && node.Inputs.Distinct().Count() == node.Inputs.Length)
                {
                    _virtual[v] = _consumers[v].All(c => OneByOneReads(c, v, FlatParts(v)) || _nodes[c].Op == "Concat" && _virtual[_nodes[c].Output]);
                }
            }
        }

        private Term[] Terms(int v) => _virtual[v] && _terms.TryGetValue(v, out var t) ? t : [new Term(v, 1f, [])];

        private Term[] LinearTerms(TracedNode node) => node.Op switch
        {
            "Add" => [.. Terms(node.Inputs[0]), .. Terms(node.Inputs[1])],
            "Sub" => [.. Terms(node.Inputs[0]), .. Terms(node.Inputs[1]).Select(t => t with { Scale = -t.Scale })],
            "MulScalar" => Terms(node.Inputs[0]).Select(t => t with { Scale = t.Scale * ((ScalarAttributes)node.Attributes!).Value }).ToArray(),
            _ => ScaledByParameter(node) is var (p, x) ? Terms(x).Select(t => t with { Scalars = [.. t.Scalars, p] }).ToArray()
                : throw new InvalidOperationException($"plan: {node.Op} is not linear."),
        };

        private bool TryConv(int n)
        {
            var node = _nodes[n];
            if (Conv(node) is not { } conv) return false;
            var (x, w, relu, residual) = conv;
            int cinP = PaddedChannels(w.Cin);
            if (w.Kernel == 1)
            {
                // A MeanShift on the planar input before a packed head: written straight into the head's map.
                if (w.Cin == 3 && w.Cout == 3 && w.Groups == 1 && !relu && residual < 0 && !_packed[x] && !IsOutput(node.Output)
                    && _consumers[node.Output].All(c => Conv(_nodes[c]) is { W.Kernel: 3, W.Cin: 3 } h && h.X == node.Output && h.Residual != node.Output))
                {
                    Add(new PlanarAffineStep(x, node.Output, w) { Reads = [x], Writes = [node.Output] }, node.Output);
                    return true;
                }
                if (!MapOk(node.Output) || Parts(x) is not { } parts) return false;
                var e = Epilogue(n, relu, residual, out int output, allowAfter: true);
                var partTerms = parts.Select(p => Terms(p)).ToArray();
                var reads = partTerms.SelectMany(t => t.Select(u => u.Value)).Concat(e.Reads).ToArray();
                Add(new Conv1x1Step(partTerms, parts.Select(Channels).ToArray(), output, w, e) { Reads = reads, Writes = Writes(output, e) }, output, e);
                return true;
            }
            if (_virtual[x] || !(InChannelsOk(cinP) || cinP == 3)) return false;
            int single = !IsOutput(node.Output) && _consumers[node.Output].Count == 1 ? _consumers[node.Output][0] : -1;
            // An RGB tail: at most 3 outputs, written planar, with a 1x1 affine map after it folded in.
            if (w.Cout <= 3 && cinP % 16 == 0 && !relu && residual < 0)
            {
                int output = node.Output;
                ConvWeights? affine = AffineAfter(output);
                if (affine is not null) output = _nodes[_consumers[output][0]].Output;
                var finish = FinishPlanar(n, ref output);
                Add(new ToPlanarStep(x, output, w, null, affine, finish) { Reads = [x, .. finish?.Adds.Select(a => a.Value) ?? []], Writes = [output] }, -1);
                return true;
            }
            // A pixel shuffle after the conv: folded into its stores, and streamed through a following RGB tail.
            // A ReLU between the conv and the shuffle commutes with it: applied in the store.
            int reluNode = single >= 0 && !relu && _nodes[single].Op == "Relu" && Single(_nodes[single].Output) is var afterRelu and >= 0
                           && _nodes[afterRelu].Op == "PixelShuffle" ? single : -1;
            if (reluNode >= 0) single = Single(_nodes[reluNode].Output);
            bool shuffleRelu = relu || reluNode >= 0;
            if (single >= 0 && _nodes[single].Op == "PixelShuffle" && residual < 0
                && _nodes[single].Attributes is PixelShuffleAttributes { Factor: var r } && r >= 2 && w.Cout % (r * r) == 0
                && PaddedChannels(w.Cout / (r * r)) % 16 == 0 && MapOk(_nodes[single].Output)
                && (!w.GroupedTiles || w.Cout / (r * r) % 16 == 0))
            {
                int z = _nodes[single].Output;
                _consumed.Add(single);
                if (reluNode >= 0) _consumed.Add(reluNode);
                int tail = !IsOutput(z) && _consumers[z].Count == 1 ? _consumers[z][0] : -1;
                if (tail >= 0 && !shuffleRelu && !w.GroupedTiles
                    && Conv(_nodes[tail]) is { W: { Kernel: 3, Cout: <= 3 } hw, Relu: false, Residual: < 0 } h && h.X == z && hw.Cin == w.Cout / (r * r))
                {
                    _consumed.Add(tail);
                    int output = _nodes[tail].Output;
                    ConvWeights? affine = AffineAfter(output);
                    if (affine is not null) output = _nodes[_consumers[output][0]].Output;
                    var finish = FinishPlanar(n, ref output);
                    Add(new ToPlanarStep(x, output, hw, (w, r), affine, finish, WinogradTile) { Reads = [x, .. finish?.Adds.Select(a => a.Value) ?? []], Writes = [output] }, -1);
                    return true;
                }
                Add(new ShuffleStep(x, z, w, r, shuffleRelu, WinogradTile) { Reads = [x], Writes = [z] }, z);
                return true;
            }
            if (!MapOk(node.Output)) return false;
            var ep = Epilogue(n, relu, residual, out int result, allowAfter: true);
            Add(new Conv3x3Step(x, result, w, ep, WinogradTile) { Reads = [x, .. ep.Reads], Writes = Writes(result, ep) }, result, ep);
            return true;
        }

        /// <summary>
        /// Scalings and sums with planar values written before node n that alone follow a planar result v (PAN's bilinear
        /// skip and ×255): taken into the step that writes v, which then writes the last of them; null when none follow.
        /// </summary>
        private PlanarFinish? FinishPlanar(int n, ref int v)
        {
            float scale = 1;
            var adds = new List<(int Value, float Scale)>();
            while (Single(v) is var c and >= 0)
            {
                var next = _nodes[c];
                if (next is { Op: "MulScalar", Attributes: ScalarAttributes { Value: var k } })
                {
                    scale *= k;
                    for (int i = 0; i < adds.Count; i++) adds[i] = (adds[i].Value, adds[i].Scale * k);
                }
                else if (next.Op == "Add" && next.Inputs.Distinct().Count() == 2 && OtherInput(next, v) is var o
                         && IsData(o) && !_virtual[o] && SameShape(o, v) && Before(o, n))
                    adds.Add((o, 1f));
                else break;
                _consumed.Add(c);
                v = next.Output;
            }
            return scale == 1 && adds.Count == 0 ? null : new PlanarFinish(scale, [.. adds]);
        }

        private static int OtherInput(TracedNode node, int v) => node.Inputs.First(i => i != v);

        /// <summary>A 1x1 3->3 (at most) conv that alone reads a planar RGB value: folded into the conv before it.</summary>
        private ConvWeights? AffineAfter(int v)
        {
            if (IsOutput(v) || _consumers[v].Count != 1) return null;
            int c = _consumers[v][0];
            if (Conv(_nodes[c]) is not { W: { Kernel: 1, Groups: 1 } w, Relu: false, Residual: < 0 } a || a.X != v || w.Cin != Channels(v) || w.Cout > 3) return null;
            _consumed.Add(c);
            return w;
        }

        private bool TryResidualBlock(int n)
        {
            var node = _nodes[n];
            if (node.Op != "ResidualBlock" || node.Attributes is not ValueTuple<Conv2dOptions, Conv2dOptions, bool> a) return false;
            var ins = node.Inputs;
            int i = 1, x = ins[0];
            int w1 = ins[i++], b1 = i < ins.Length && Shape(ins[i]).Length == 1 ? ins[i++] : -1;
            int w2 = ins[i++], b2 = i < ins.Length ? ins[i] : -1;
            int c = Channels(x);
            var same = Conv2dOptions.Same(3);
            if (!IsImage(x) || _virtual[x] || a.Item1 != same || a.Item2 != same || !InChannelsOk(PaddedChannels(c))
                || new[] { w1, w2 }.Any(w => !IsWeight(w) || !Shape(w).SequenceEqual([c, c, 3, 3]))) return false;
            var ep = Epilogue(n, relu: false, residual: -1, out int output, allowAfter: false, allowBefore: false, maxResiduals: 1);
            Add(new ResidualBlockStep(x, output, new ConvWeights(w1, b1, c, c, 1, 3), new ConvWeights(w2, b2, c, c, 1, 3), a.Item3, ep, WinogradTile)
                { Reads = [x, .. ep.Reads], Writes = Writes(output, ep) }, output, ep);
            return true;
        }

        /// <summary>
        /// Folds what follows a packed conv into its store: an activation, residual adds (of maps written earlier),
        /// an activation after them; then, when the result has other readers, one sum with an earlier map.
        /// </summary>
        private EpilogueSpec Epilogue(int n, bool relu, int residual, out int output, bool allowAfter, bool allowBefore = true, int maxResiduals = 2)
        {
            var e = new EpilogueSpec();
            if (relu) e.Before = 0;
            if (residual >= 0) e.AddResidual(residual);
            int cur = _nodes[n].Output;
            while (!IsOutput(cur) && _consumers[cur].Count == 1)
            {
                int c = _consumers[cur][0];
                var next = _nodes[c];
                if (_virtual[next.Output]) break;
                float? slope = next.Op switch
                {
                    "Relu" => 0f,
                    "LeakyRelu" when next.Attributes is LeakyReluAttributes { Slope: >= 0 and < 1 } l => l.Slope,
                    _ => null,
                };
                if (slope is not null)
                {
                    if (allowBefore && e.Before is null && e.Residuals.Count == 0 && e.After is null) e.Before = slope;
                    else if (allowAfter && e.After is null && e.Residuals.Count > 0) e.After = slope;
                    else break;
                }
                else if (next.Op == "Add" && e.Residuals.Count < maxResiduals && e.After is null
                         && next.Inputs.Distinct().Count() == 2 && next.Inputs.First(i => i != cur) is var o
                         && IsData(o) && !_virtual[o] && SameShape(o, cur) && Before(o, n))
                {
                    e.AddResidual(o);
                }
                else break;
                _consumed.Add(c);
                cur = next.Output;
            }
            if (!IsOutput(cur) && _consumers[cur].Count >= 2)
                foreach (int c in _consumers[cur])
                {
                    var next = _nodes[c];
                    if (next.Op != "Add" || _virtual[next.Output] || _consumed.Contains(c) || next.Inputs.Distinct().Count() != 2) continue;
                    int o = next.Inputs.First(i => i != cur);
                    if (!IsData(o) || _virtual[o] || !SameShape(o, cur) || !Before(o, n)) continue;
                    e.SumWith = o;
                    e.SumInto = next.Output;
                    _consumed.Add(c);
                    break;
                }
            output = cur;
            return e;
        }

        private static int[] Writes(int output, EpilogueSpec e) => e.SumInto >= 0 ? [output, e.SumInto] : [output];

        private readonly Dictionary<int, (int A, int B, float Offset)> _gates = [];

        /// <summary>
        /// a · (sigmoid(b) + c) over maps of one size (pixel attention, ESA's mask, SiLU with a = b, SPAN's
        /// attention with c = -0.5) is one pass: the sigmoid never exists, and zero borders stay zero.
        /// </summary>
        private void MarkGates()
        {
            for (int n = 0; n < _nodes.Count; n++)
            {
                var node = _nodes[n];
                if (node.Op != "Mul" || !MapOk(node.Output) || node.Inputs.Length != 2) continue;
                for (int side = 0; side < 2; side++)
                {
                    int s = node.Inputs[side], a = node.Inputs[1 - side];
                    if (s == a || !IsData(a) || !SameShape(a, node.Output) || !SameShape(s, node.Output) || Single(s) != n) continue;
                    float offset = 0;
                    var chain = new List<int>();
                    int p = _producer[s];
                    if (p >= 0 && _nodes[p] is { Op: "AddScalar", Attributes: ScalarAttributes sa } && Single(_nodes[p].Inputs[0]) == p)
                    {
                        offset = sa.Value;
                        chain.Add(p);
                        p = _producer[_nodes[p].Inputs[0]];
                    }
                    if (p < 0 || _nodes[p].Op != "Sigmoid" || !IsData(_nodes[p].Inputs[0]) || !SameShape(_nodes[p].Inputs[0], node.Output)) continue;
                    chain.Add(p);
                    foreach (int c in chain) _consumed.Add(c);
                    _gates[n] = (a, _nodes[p].Inputs[0], offset);
                    break;
                }
            }
        }

        private readonly Dictionary<int, ShuffleTailStep> _shuffleTails = [];

        /// <summary>A pixel shuffle from a map to at most 3 channels (the last step of most networks).</summary>
        private bool ShufflesToRgb(int n, int factor = 0) =>
            _nodes[n] is { Op: "PixelShuffle", Attributes: PixelShuffleAttributes { Factor: var r } } node && r >= 2 && (factor == 0 || r == factor)
            && Channels(node.Output) <= 3 && IsImage(node.Inputs[0]) && IsData(node.Inputs[0]) && MapOk(node.Inputs[0]);

        /// <summary>
        /// Pixel shuffles to RGB and what follows them on the RGB planes, read from maps and written planar in one pass:
        /// sums of shuffles (G-IDRN's two paths), planar values added (a bicubic skip), scalings (×255) and a 1x1 3->3
        /// affine map (MeanShift). The step runs where the last node it takes in was.
        /// </summary>
        private void MarkShuffleTails()
        {
            var claimed = new HashSet<int>();
            for (int n = 0; n < _nodes.Count; n++)
            {
                if (claimed.Contains(n) || !ShufflesToRgb(n)) continue;
                int r = ((PixelShuffleAttributes)_nodes[n].Attributes!).Factor;
                var maps = new List<(int Value, float Scale)> { (_nodes[n].Inputs[0], 1f) };
                var planar = new List<(int Value, float Scale)>();
                var nodes = new List<int> { n };
                ConvWeights? affine = null;
                float post = 1;
                int cur = _nodes[n].Output;
                while (Single(cur) is var c and >= 0)
                {
                    var next = _nodes[c];
                    if (next is { Op: "MulScalar", Attributes: ScalarAttributes { Value: var k } })
                    {
                        if (affine is null)
                        {
                            for (int i = 0; i < maps.Count; i++) maps[i] = (maps[i].Value, maps[i].Scale * k);
                            for (int i = 0; i < planar.Count; i++) planar[i] = (planar[i].Value, planar[i].Scale * k);
                        }
                        else post *= k;
                    }
                    else if (next.Op == "Add" && affine is null && next.Inputs.Distinct().Count() == 2 && next.Inputs.First(i => i != cur) is var o
                             && IsData(o) && SameShape(o, cur))
                    {
                        int q = _producer[o];
                        if (q >= 0 && !claimed.Contains(q) && Single(o) == c && ShufflesToRgb(q, r))
                        {
                            maps.Add((_nodes[q].Inputs[0], 1f));
                            nodes.Add(q);
                        }
                        else planar.Add((o, 1f));
                    }
                    else if (affine is null && Conv(next) is { W: { Kernel: 1, Groups: 1 } w, Relu: false, Residual: < 0 } a && a.X == cur
                             && w.Cin == Channels(cur) && w.Cout <= 3)
                    {
                        affine = w;
                    }
                    else break;
                    nodes.Add(c);
                    cur = next.Output;
                }
                int at = nodes.Max();
                foreach (int m in nodes)
                {
                    claimed.Add(m);
                    if (m != at) _consumed.Add(m);
                }
                _shuffleTails[at] = new ShuffleTailStep([.. maps], [.. planar], r, Channels(_nodes[n].Output), affine, post, cur)
                {
                    Reads = [.. maps.Select(m => m.Value), .. planar.Select(m => m.Value)],
                    Writes = [cur],
                };
            }
        }

        private bool TryShuffleTail(int n)
        {
            if (!_shuffleTails.TryGetValue(n, out var step)) return false;
            Add(step, -1);
            return true;
        }

        /// <summary>The one node that reads v (-1 when none or several, or v is the output).</summary>
        private int Single(int v) => !IsOutput(v) && _consumers[v].Count == 1 ? _consumers[v][0] : -1;

        private bool TryGate(int n)
        {
            if (!_gates.TryGetValue(n, out var gate)) return false;
            int output = _nodes[n].Output;
            Add(new GateStep(gate.A, gate.B, gate.Offset, output) { Reads = [gate.A, gate.B], Writes = [output] }, output);
            return true;
        }

        /// <summary>A channel range of a map copied into a map of its own (IMDN's distillation splits).</summary>
        private bool TrySlice(int n)
        {
            var node = _nodes[n];
            if (node is not { Op: "Split", Attributes: SplitAttributes { Axis: 1 } a } || !_packed[node.Inputs[0]] || !MapOk(node.Output)) return false;
            int first = a.Sizes.Take(a.Index).Sum();
            Add(new SliceStep(node.Inputs[0], first, a.Sizes[a.Index], node.Output) { Reads = [node.Inputs[0]], Writes = [node.Output] }, node.Output);
            return true;
        }

        private bool TryCombine(int n)
        {
            var node = _nodes[n];
            if (!IsLinear(node) || !MapOk(node.Output)) return false;
            var terms = LinearTerms(node);
            // Over maps (a planar input would be converted for it), or folding virtual inputs, which exist nowhere else.
            if (!terms.All(t => IsData(t.Value) && SameShape(t.Value, node.Output) && (_packed[t.Value] || LinearInputs(node).Any(i => _virtual[i]))))
                return false;
            Add(new CombineStep(node.Output, terms) { Reads = terms.Select(t => t.Value).Distinct().ToArray(), Writes = [node.Output] }, node.Output);
            return true;
        }

        /// <summary>
        /// A square convolution of a map the tiles do not cover (strided, unpadded, dilated), on the direct kernel:
        /// written as a map, or planar when its output is not a map's width or is strided (its readers are pools).
        /// </summary>
        private bool TryDirectConv(int n)
        {
            var node = _nodes[n];
            if (node.Op is not ("Conv2d" or "Conv2dRelu") || node.Attributes is not Conv2dOptions { Groups: <= MaxDenseGroups } o) return false;
            int x = node.Inputs[0], w = node.Inputs[1], b = node.Inputs.Length > 2 ? node.Inputs[2] : -1;
            if (!IsImage(x) || !_packed[x] || !IsWeight(w) || (b >= 0 && !IsWeight(b)) || Shape(w) is not [var cout, var cinG, var k, var kw] || k != kw) return false;
            if (o.DilationH != o.DilationW || o.StrideH != o.StrideW || cinG * o.Groups != Channels(x)) return false;
            // A stride-1 "same" conv the tiles refuse (more than 64 input channels) does better on the graph's GEMM.
            if (o.StrideH == 1 && o.DilationH == 1 && o.PadH == k / 2 && o.PadW == k / 2) return false;
            bool planar = !MapOk(node.Output) || o.StrideH > 1;
            var weights = new ConvWeights(w, b, cout, cinG * o.Groups, o.Groups, k);
            Add(new DirectConvStep(x, node.Output, weights, o, node.Op == "Conv2dRelu", planar) { Reads = [x], Writes = [node.Output] }, planar ? -1 : node.Output);
            return true;
        }

        /// <summary>Bilinear resizes and nearest upsamplings of maps, written as maps.</summary>
        private bool TryResize(int n)
        {
            var node = _nodes[n];
            if (node.Op is not ("ResizeBilinear" or "UpsampleNearest") || !IsImage(node.Inputs[0]) || !IsData(node.Inputs[0]) || !MapOk(node.Output)) return false;
            if (node.Op == "UpsampleNearest" && !_packed[node.Inputs[0]]) return false;
            Add(new ResizeStep(node) { Reads = [node.Inputs[0]], Writes = [node.Output] }, node.Output);
            return true;
        }

        /// <summary>A ReLU or leaky ReLU of a map, map to map.</summary>
        private bool TryActivation(int n)
        {
            var node = _nodes[n];
            float? slope = node.Op switch
            {
                "Relu" => 0f,
                "LeakyRelu" when node.Attributes is LeakyReluAttributes { Slope: >= 0 and < 1 } l => l.Slope,
                _ => null,
            };
            if (slope is null || !_packed[node.Inputs[0]] || !MapOk(node.Output)) return false;
            Add(new ActivationStep(node.Inputs[0], slope.Value, node.Output) { Reads = [node.Inputs[0]], Writes = [node.Output] }, node.Output);
            return true;
        }

        /// <summary>A concatenation of maps that something other than a 1x1 reads (IMDN's channel attention): copied into one map.</summary>
        private bool TryConcat(int n)
        {
            var node = _nodes[n];
            if (node is not { Op: "Concat", Attributes: ConcatAttributes { Axis: 1 } } || !MapOk(node.Output)) return false;
            if (!node.Inputs.All(i => IsData(i) && _packed[i] && !_virtual[i] && Shape(i)[2] == Shape(node.Output)[2] && Shape(i)[3] == Shape(node.Output)[3])) return false;
            Add(new ConcatStep(node.Inputs, node.Output) { Reads = node.Inputs.Distinct().ToArray(), Writes = [node.Output] }, node.Output);
            return true;
        }

        /// <summary>Per-channel mean or standard deviation of a map, to a planar [1, C, 1, 1].</summary>
        private bool TryChannelStat(int n)
        {
            var node = _nodes[n];
            if (node.Op is not ("ChannelMean" or "ChannelStd") || !_packed[node.Inputs[0]] || !IsImage(node.Inputs[0])) return false;
            Add(new ChannelStatStep(node.Inputs[0], node.Output, node.Op == "ChannelStd") { Reads = [node.Inputs[0]], Writes = [node.Output] }, -1);
            return true;
        }

        /// <summary>A map times a per-channel vector.</summary>
        private bool TryChannelScale(int n)
        {
            var node = _nodes[n];
            if (node.Op != "Mul" || node.Inputs.Length != 2 || !MapOk(node.Output)) return false;
            for (int side = 0; side < 2; side++)
            {
                int x = node.Inputs[side], v = node.Inputs[1 - side];
                if (!IsData(x) || !_packed[x] || !SameShape(x, node.Output) || !IsData(v) || Shape(v) is not [1, var c, 1, 1] || c != Channels(x)) continue;
                Add(new ChannelScaleStep(x, v, node.Output) { Reads = [x, v], Writes = [node.Output] }, node.Output);
                return true;
            }
            return false;
        }

        private void Fallback(int n)
        {
            var node = _nodes[n];
            _steps.Add(new FallbackStep(node) { Reads = node.Inputs.Where(IsData).Distinct().ToArray(), Writes = [node.Output] });
        }

        /// <summary>Adds a step; its map outputs are marked packed (-1: a planar output).</summary>
        private void Add(PlanStep step, int mapOutput, EpilogueSpec? e = null)
        {
            _steps.Add(step);
            if (mapOutput >= 0) _packed[mapOutput] = true;
            if (e is { SumInto: >= 0 }) _packed[e.SumInto] = true;
        }
    }
}
