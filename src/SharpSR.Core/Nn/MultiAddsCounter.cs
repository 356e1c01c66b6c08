namespace SharpSR.Core.Nn;

/// <summary>One convolution call seen by a <see cref="MultiAddsCounter"/>: its weight and bias sizes and output pixels.</summary>
public readonly record struct ConvCall(Module Conv, long Weights, long Biases, long OutputPixels);

/// <summary>
/// Counts convolution multiply-accumulates (weights only, no bias/activation/add — the papers'
/// Multi-Adds convention) while a forward pass runs: <c>using var c = MultiAddsCounter.Start();</c>.
/// Counts are per sample (batch 1). <see cref="Calls"/> keeps each call, for conventions that count otherwise.
/// </summary>
public sealed class MultiAddsCounter : IDisposable
{
    [ThreadStatic] private static MultiAddsCounter? t_current;

    private readonly MultiAddsCounter? _previous;
    private readonly Dictionary<Module, long> _perModule = new(ReferenceEqualityComparer.Instance);
    private readonly List<ConvCall> _calls = [];

    private MultiAddsCounter(MultiAddsCounter? previous) => _previous = previous;

    public static MultiAddsCounter Start() => t_current = new MultiAddsCounter(t_current);

    public long Total => _perModule.Values.Sum();

    /// <summary>Multi-adds attributed to each conv module that ran.</summary>
    public IReadOnlyDictionary<Module, long> PerModule => _perModule;

    /// <summary>Every conv call in order.</summary>
    public IReadOnlyList<ConvCall> Calls => _calls;

    /// <summary>Called by conv layers after their forward pass; the bias is the module's own "bias" parameter, if any.</summary>
    public static void Report(Module conv, Tensor weight, Tensor output)
    {
        if (t_current is not { } c) return;
        long pixels = (long)output.H * output.W;
        long biases = conv.NamedParameters().Where(p => p.Name == "bias").Sum(p => (long)p.Param.Length);
        c._calls.Add(new ConvCall(conv, weight.Length, biases, pixels));
        c._perModule[conv] = c._perModule.GetValueOrDefault(conv) + pixels * weight.Length;
    }

    public void Dispose() => t_current = _previous;
}
