using SharpSR.Core;
using SharpSR.Core.Autograd;
using SharpSR.Core.Nn;

namespace SharpSR.Models;

/// <summary>Parameters and Multi-Adds of a network, with a per-part breakdown.</summary>
public sealed record ModelProfile(long Parameters, long MultiAdds, int LrWidth, int LrHeight, IReadOnlyList<(string Part, long Parameters, long MultiAdds)> Parts)
{
    /// <summary>
    /// Counts conv multiply-accumulates for an HR output of <paramref name="hrWidth"/>x<paramref name="hrHeight"/>
    /// (1280x720 by convention: the LR input is the HR size divided by the scale, rounded up).
    /// </summary>
    public static ModelProfile Measure(SrNetwork net, int hrWidth = 1280, int hrHeight = 720) =>
        Measure(net, MultiAddsConvention.SharpSR, MultiAddsConvention.LrFor(hrWidth, hrHeight, net.Scale));

    /// <summary>Multi-Adds as <paramref name="convention"/> counts them, on its LR input or on <paramref name="lrInput"/>.</summary>
    /// <remarks>
    /// A conv's count depends on its output height × width and its weight (and bias) count, and every layer of
    /// these networks (convs, pooling, interpolation, pixel shuffle) maps heights to heights and widths to widths
    /// independently. So two thin passes, one full-height strip and one full-width strip, give each conv call's
    /// output height and width exactly, at a small fraction of a full pass's time and memory (strided and pooled
    /// layers included, floors and all). Should the two passes not run the same convs in the same order (a
    /// network branching on its input size), one full-size pass counts instead.
    /// </remarks>
    public static ModelProfile Measure(SrNetwork net, MultiAddsConvention convention, (int Width, int Height)? lrInput = null)
    {
        var (lrW, lrH) = lrInput ?? convention.LrInput(net.Scale);
        int thin = Math.Max(1, net.MinInputSize);
        var rows = ConvCalls(net, lrH, Math.Min(thin, lrW));
        var cols = ConvCalls(net, Math.Min(thin, lrH), lrW);
        var calls = SameCalls(rows, cols)
            ? rows.Select((r, i) => r with { W = cols[i].W }).ToList()
            : ConvCalls(net, lrH, lrW);

        var partOf = new Dictionary<Module, string>(ReferenceEqualityComparer.Instance);
        foreach (var (name, m) in net.NamedModules())
            if (name.Length > 0) partOf.TryAdd(m, name.Split('.')[0]);
        var macs = new Dictionary<string, long>();
        foreach (var call in calls)
        {
            string part = partOf.GetValueOrDefault(call.Conv, "(other)");
            macs[part] = macs.GetValueOrDefault(part) + convention.Count(call, (long)lrW * lrH);
        }
        var parts = net.Children()
            .Select(c => (c.Name, c.Child.ParameterCount(), macs.GetValueOrDefault(c.Name)))
            .ToList();
        return new ModelProfile(net.ParameterCount(), macs.Values.Sum(), lrW, lrH, parts);
    }

    /// <summary>The conv calls of one forward pass on an LR input of the given size (no grad).</summary>
    public static IReadOnlyList<ConvCall> ConvCalls(SrNetwork net, int lrHeight, int lrWidth)
    {
        using var counter = MultiAddsCounter.Start();
        using (NoGradScope.Enter()) net.Forward(Tensor.Zeros(1, 3, lrHeight, lrWidth));
        return counter.Calls.ToList();
    }

    private static bool SameCalls(IReadOnlyList<ConvCall> a, IReadOnlyList<ConvCall> b) =>
        a.Count == b.Count && a.Zip(b).All(p => ReferenceEquals(p.First.Conv, p.Second.Conv) && p.First.Weights == p.Second.Weights);
}
