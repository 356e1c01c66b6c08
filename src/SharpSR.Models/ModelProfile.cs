using SharpSR.Core;
using SharpSR.Core.Autograd;
using SharpSR.Core.Nn;

namespace SharpSR.Models;

/// <summary>Parameters and Multi-Adds of a network, with a per-part breakdown.</summary>
public sealed record ModelProfile(long Parameters, long MultiAdds, int LrWidth, int LrHeight, IReadOnlyList<(string Part, long Parameters, long MultiAdds)> Parts)
{
    /// <summary>
    /// Counts conv multiply-accumulates for an HR output of <paramref name="hrWidth"/>x<paramref name="hrHeight"/>
    /// (1280x720 by convention: the LR input is the HR size divided by the scale, rounded up) by running one
    /// forward pass without grad.
    /// </summary>
    public static ModelProfile Measure(SrNetwork net, int hrWidth = 1280, int hrHeight = 720) =>
        Measure(net, MultiAddsConvention.SharpSR, MultiAddsConvention.LrFor(hrWidth, hrHeight, net.Scale));

    /// <summary>
    /// Multi-Adds as <paramref name="convention"/> counts them, on its LR input or on <paramref name="lrInput"/>
    /// (one forward pass without grad).
    /// </summary>
    public static ModelProfile Measure(SrNetwork net, MultiAddsConvention convention, (int Width, int Height)? lrInput = null)
    {
        var (lrW, lrH) = lrInput ?? convention.LrInput(net.Scale);
        using var counter = MultiAddsCounter.Start();
        using (NoGradScope.Enter()) net.Forward(Tensor.Zeros(1, 3, lrH, lrW));

        var partOf = new Dictionary<Module, string>(ReferenceEqualityComparer.Instance);
        foreach (var (name, m) in net.NamedModules())
            if (name.Length > 0) partOf.TryAdd(m, name.Split('.')[0]);
        var macs = new Dictionary<string, long>();
        foreach (var call in counter.Calls)
        {
            string part = partOf.GetValueOrDefault(call.Conv, "(other)");
            macs[part] = macs.GetValueOrDefault(part) + convention.Count(call, (long)lrW * lrH);
        }
        var parts = net.Children()
            .Select(c => (c.Name, c.Child.ParameterCount(), macs.GetValueOrDefault(c.Name)))
            .ToList();
        return new ModelProfile(net.ParameterCount(), macs.Values.Sum(), lrW, lrH, parts);
    }
}
