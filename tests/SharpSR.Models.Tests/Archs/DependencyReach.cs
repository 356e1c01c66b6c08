using SharpSR.Core;
using SharpSR.Core.Autograd;

namespace SharpSR.Models.Tests.Archs;

/// <summary>
/// Puts NaN in one LR pixel and finds the farthest HR output (in LR units, floor(Y/s)) it reaches. NaN survives
/// every multiply and ReLU, so this traces the structural dependency cone independently of the weights.
/// </summary>
internal static class DependencyReach
{
    public static int Measure(SrNetwork net, int size = 61)
    {
        int centre = size / 2, scale = net.Scale;
        var x = Tensor.Uniform(new Random(3), 0, 255, 1, 3, size, size);
        x[0, 1, centre, centre] = float.NaN;
        using var _ = NoGradScope.Enter();
        var y = net.Forward(x);
        int reach = 0, hr = size * scale;
        for (int c = 0; c < 3; c++)
            for (int v = 0; v < hr; v++)
                for (int u = 0; u < hr; u++)
                    if (float.IsNaN(y[0, c, v, u]))
                        reach = Math.Max(reach, Math.Max(Math.Abs(v / scale - centre), Math.Abs(u / scale - centre)));
        return reach;
    }
}
