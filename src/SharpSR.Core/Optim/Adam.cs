using SharpSR.Core.Nn;

namespace SharpSR.Core.Optim;

/// <summary>
/// Adam with exactly torch.optim.Adam's update (amsgrad off, maximize off), per parameter:
/// <code>
/// t += 1;  g += weight_decay · θ
/// m = β1·m + (1-β1)·g;   v = β2·v + (1-β2)·g²
/// step_size = lr / (1 - β1^t);   denom = √v / √(1 - β2^t) + ε
/// θ -= step_size · m / denom
/// </code>
/// Bias corrections are computed in double, as Python does, then used in float like PyTorch's kernels.
/// Parameters without a gradient are skipped and keep their own step count, as in PyTorch.
/// </summary>
public sealed class Adam : IOptimizer
{
    private readonly (string Name, Parameter Param)[] _params;
    private readonly float[][] _m, _v;
    private readonly long[] _steps;

    public Adam(IEnumerable<(string Name, Parameter Param)> parameters, float learningRate = 1e-3f,
                double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _params = parameters.ToArray();
        if (learningRate < 0 || beta1 is < 0 or >= 1 || beta2 is < 0 or >= 1 || eps < 0 || weightDecay < 0)
            throw new ArgumentException($"Adam: lr {learningRate}, betas ({beta1}, {beta2}), eps {eps}, weight decay {weightDecay}; " +
                                        "expected lr ≥ 0, 0 ≤ β < 1, eps ≥ 0, weight decay ≥ 0.");
        var names = new HashSet<string>();
        foreach (var (name, _) in _params)
            if (!names.Add(name)) throw new ArgumentException($"Adam: parameter name '{name}' appears twice.");
        LearningRate = learningRate;
        Beta1 = beta1; Beta2 = beta2; Eps = eps; WeightDecay = weightDecay;
        _m = _params.Select(p => new float[p.Param.Length]).ToArray();
        _v = _params.Select(p => new float[p.Param.Length]).ToArray();
        _steps = new long[_params.Length];
    }

    /// <summary>Adam over a module's parameters, keyed by their state-dict names.</summary>
    public Adam(Module module, float learningRate = 1e-3f, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0)
        : this(module.NamedParameters(), learningRate, beta1, beta2, eps, weightDecay) { }

    public float LearningRate { get; set; }
    // Hyper-parameters are doubles like Python floats; each becomes a float where PyTorch's kernels round it.
    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Eps { get; }
    public double WeightDecay { get; }

    /// <summary>Steps taken by the first parameter (all of them when every parameter always has a gradient).</summary>
    public long StepCount => _steps.Length == 0 ? 0 : _steps[0];

    public void Step()
    {
        float b1 = (float)Beta1, b2 = (float)Beta2, eps = (float)Eps, wd = (float)WeightDecay;
        float oneMinusB1 = (float)(1.0 - Beta1), oneMinusB2 = (float)(1.0 - Beta2);
        for (int k = 0; k < _params.Length; k++)
        {
            Parameter p = _params[k].Param;
            if (p.Grad is not { } gradT) continue;
            long t = ++_steps[k];
            double bc1 = 1.0 - Math.Pow(Beta1, t);
            double bc2 = 1.0 - Math.Pow(Beta2, t);
            float stepSize = (float)((double)LearningRate / bc1);
            float bc2Sqrt = (float)Math.Sqrt(bc2);
            float[] theta = p.Data, g = gradT.Data, m = _m[k], v = _v[k];
            for (int i = 0; i < theta.Length; i++)
            {
                float gi = wd != 0 ? g[i] + wd * theta[i] : g[i];
                m[i] = m[i] * b1 + oneMinusB1 * gi;
                v[i] = v[i] * b2 + oneMinusB2 * gi * gi;
                float denom = MathF.Sqrt(v[i]) / bc2Sqrt + eps;
                theta[i] -= stepSize * (m[i] / denom);
            }
        }
    }

    public void ZeroGrad()
    {
        foreach (var (_, p) in _params) p.Grad = null;
    }

    /// <summary>
    /// The optimizer state as named tensors: "&lt;param&gt;.step" ([1], exact up to 2^24 steps),
    /// "&lt;param&gt;.exp_avg" and "&lt;param&gt;.exp_avg_sq" (the parameter's shape). Copies, not views.
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> ExportState()
    {
        var d = new OrderedDictionary<string, Tensor>();
        for (int k = 0; k < _params.Length; k++)
        {
            var (name, p) = _params[k];
            d.Add(name + ".step", Tensor.Scalar(_steps[k]));
            d.Add(name + ".exp_avg", new Tensor((float[])_m[k].Clone(), p.ShapeArray));
            d.Add(name + ".exp_avg_sq", new Tensor((float[])_v[k].Clone(), p.ShapeArray));
        }
        return d;
    }

    /// <summary>Restores a state from <see cref="ExportState"/>; every key must be present with the right shape.</summary>
    public void ImportState(IReadOnlyDictionary<string, Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        for (int k = 0; k < _params.Length; k++)
        {
            var (name, p) = _params[k];
            Tensor step = Get(state, name + ".step", [1]);
            float s = step.Data[0];
            if (s < 0 || s != MathF.Floor(s)) throw new InvalidDataException($"Adam: state '{name}.step' is {s}, not a step count.");
            Get(state, name + ".exp_avg", p.Shape).Data.AsSpan().CopyTo(_m[k]);
            Get(state, name + ".exp_avg_sq", p.Shape).Data.AsSpan().CopyTo(_v[k]);
            _steps[k] = (long)s;
        }
    }

    private static Tensor Get(IReadOnlyDictionary<string, Tensor> state, string key, ReadOnlySpan<int> shape)
    {
        if (!state.TryGetValue(key, out var t))
            throw new InvalidDataException($"Adam: optimizer state lacks '{key}'.");
        if (!t.Shape.SequenceEqual(shape))
            throw new InvalidDataException($"Adam: state '{key}' has shape {Shapes.Format(t.Shape)}, expected {Shapes.Format(shape)}.");
        return t;
    }
}
