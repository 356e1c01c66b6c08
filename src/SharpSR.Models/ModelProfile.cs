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
    public static ModelProfile Measure(SrNetwork net, int hrWidth = 1280, int hrHeight = 720)
    {
        int lrW = (hrWidth + net.Scale - 1) / net.Scale, lrH = (hrHeight + net.Scale - 1) / net.Scale;
        using var counter = MultiAddsCounter.Start();
        using (NoGradScope.Enter()) net.Forward(Tensor.Zeros(1, 3, lrH, lrW));

        var partOf = new Dictionary<Module, string>(ReferenceEqualityComparer.Instance);
        foreach (var (name, m) in net.NamedModules())
            if (name.Length > 0) partOf.TryAdd(m, name.Split('.')[0]);
        var macs = new Dictionary<string, long>();
        foreach (var (m, count) in counter.PerModule)
        {
            string part = partOf.GetValueOrDefault(m, "(other)");
            macs[part] = macs.GetValueOrDefault(part) + count;
        }
        var parts = net.Children()
            .Select(c => (c.Name, c.Child.ParameterCount(), macs.GetValueOrDefault(c.Name)))
            .ToList();
        return new ModelProfile(net.ParameterCount(), counter.Total, lrW, lrH, parts);
    }
}
