namespace SharpSR.Core.Nn;

/// <summary>Result of <see cref="Module.LoadStateDict"/>: keys the module has but the dict lacks, and the reverse.</summary>
public sealed record StateDictLoadResult(IReadOnlyList<string> Missing, IReadOnlyList<string> Unexpected)
{
    public bool IsExact => Missing.Count == 0 && Unexpected.Count == 0;
}

/// <summary>
/// A network part with explicitly registered, named children and parameters. Names become the
/// dotted state-dict keys (<c>feat2_1.body.0.weight</c>), which are the contract with PyTorch checkpoints.
/// </summary>
public abstract class Module
{
    private readonly List<(string Name, Module Child)> _children = [];
    private readonly List<(string Name, Parameter Param)> _parameters = [];

    /// <summary>Training mode (affects nothing in our current layers; kept for parity with PyTorch).</summary>
    public bool IsTraining { get; private set; } = true;

    public abstract Tensor Forward(Tensor x);

    protected T Register<T>(string name, T child) where T : Module
    {
        CheckName(name);
        _children.Add((name, child));
        return child;
    }

    protected Parameter RegisterParameter(string name, Parameter p)
    {
        CheckName(name);
        _parameters.Add((name, p));
        return p;
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"Module: invalid child name '{name}' (non-empty, no dots).");
        if (_children.Exists(c => c.Name == name) || _parameters.Exists(p => p.Name == name))
            throw new ArgumentException($"Module: name '{name}' is already registered in {GetType().Name}.");
    }

    public IEnumerable<(string Name, Module Child)> Children() => _children;

    /// <summary>Every parameter with its dotted key, in registration order (parameters before children).</summary>
    public IEnumerable<(string Name, Parameter Param)> NamedParameters(string prefix = "")
    {
        foreach (var (name, p) in _parameters) yield return (prefix + name, p);
        foreach (var (name, child) in _children)
            foreach (var item in child.NamedParameters(prefix + name + "."))
                yield return item;
    }

    public IEnumerable<Parameter> Parameters() => NamedParameters().Select(p => p.Param);

    /// <summary>This module and all descendants with their dotted paths ("" for this one).</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules(string prefix = "")
    {
        yield return (prefix.TrimEnd('.'), this);
        foreach (var (name, child) in _children)
            foreach (var item in child.NamedModules(prefix + name + "."))
                yield return item;
    }

    public long ParameterCount() => NamedParameters().Sum(p => (long)p.Param.Length);

    /// <summary>Keys in registration order mapped to the live parameter tensors (no copies).</summary>
    public IReadOnlyDictionary<string, Tensor> StateDict()
    {
        var dict = new OrderedDictionary<string, Tensor>();
        foreach (var (name, p) in NamedParameters()) dict.Add(name, p);
        return dict;
    }

    /// <summary>
    /// Copies matching tensors into the parameters. A shape mismatch always throws; with
    /// <paramref name="strict"/> missing or unexpected keys throw too, listing them.
    /// </summary>
    public StateDictLoadResult LoadStateDict(IReadOnlyDictionary<string, Tensor> dict, bool strict = true)
    {
        var own = NamedParameters().ToList();
        var ownKeys = new HashSet<string>(own.Select(p => p.Name));
        var missing = own.Where(p => !dict.ContainsKey(p.Name)).Select(p => p.Name).ToList();
        var unexpected = dict.Keys.Where(k => !ownKeys.Contains(k)).ToList();
        if (strict && (missing.Count > 0 || unexpected.Count > 0))
            throw new InvalidDataException(
                $"LoadStateDict: {missing.Count} missing key(s) [{Preview(missing)}], {unexpected.Count} unexpected key(s) [{Preview(unexpected)}].");
        foreach (var (name, p) in own)
        {
            if (!dict.TryGetValue(name, out var src)) continue;
            if (!src.SameShape(p))
                throw new InvalidDataException($"LoadStateDict: '{name}' has shape {Shapes.Format(src.Shape)} in the file, {Shapes.Format(p.Shape)} in the model.");
            src.Data.AsSpan().CopyTo(p.Data);
        }
        return new StateDictLoadResult(missing, unexpected);
    }

    private static string Preview(List<string> keys) =>
        string.Join(", ", keys.Take(6)) + (keys.Count > 6 ? $", … ({keys.Count - 6} more)" : "");

    public void Train(bool on = true)
    {
        foreach (var (_, m) in NamedModules()) m.IsTraining = on;
    }

    public void Eval() => Train(false);

    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.Grad = null;
    }
}
