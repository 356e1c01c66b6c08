namespace SharpSR.Core.Nn;

/// <summary>PyTorch's default initialisations, driven by a seeded generator so runs repeat.</summary>
public static class Init
{
    /// <summary>
    /// nn.Conv2d.reset_parameters: kaiming_uniform(a=√5) on the weight gives bound 1/√fan_in, and the
    /// bias is uniform in ±1/√fan_in, fan_in = (Cin/groups)·kh·kw.
    /// </summary>
    public static void ConvDefault(Tensor weight, Tensor? bias, Random rng)
    {
        int fanIn = weight.Length / weight.Dim(0);
        float bound = fanIn > 0 ? 1f / MathF.Sqrt(fanIn) : 0f;
        Uniform(weight, -bound, bound, rng);
        if (bias is not null) Uniform(bias, -bound, bound, rng);
    }

    public static void Uniform(Tensor t, float lo, float hi, Random rng)
    {
        var d = t.Data;
        for (int i = 0; i < d.Length; i++) d[i] = lo + (hi - lo) * (float)rng.NextDouble();
    }

    [ThreadStatic] private static Random? t_defaultRng;

    /// <summary>
    /// The generator for layers built without one. Per thread, so a seeded build (a training run) is
    /// never disturbed by networks built concurrently elsewhere; seed it for repeatable runs.
    /// </summary>
    public static Random DefaultRng
    {
        get => t_defaultRng ??= new Random(0);
        set => t_defaultRng = value;
    }

    /// <summary>Layers built on this thread draw from <paramref name="rng"/> until the scope ends (then the previous generator returns).</summary>
    public static RngScope Seeded(Random rng)
    {
        var previous = t_defaultRng;
        t_defaultRng = rng;
        return new RngScope(previous);
    }

    public readonly struct RngScope(Random? previous) : IDisposable
    {
        public void Dispose() => t_defaultRng = previous;
    }
}
