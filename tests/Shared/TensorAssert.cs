using SharpSR.Core;
using Xunit;

namespace SharpSR.Testing;

/// <summary>Element-wise closeness with a message that names the worst element and the first mismatch.</summary>
public static class TensorAssert
{
    /// <summary>Passes when |a - e| &lt;= atol + rtol·|e| for every element.</summary>
    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double atol, double rtol, string what = "tensor")
    {
        Assert.True(expected.Length == actual.Length, $"{what}: length {actual.Length}, expected {expected.Length}");
        int firstBad = -1, worst = -1;
        double worstExcess = double.NegativeInfinity, maxAbs = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i], d = Math.Abs(a - e);
            if (double.IsNaN(a) && !double.IsNaN(e)) d = double.PositiveInfinity;
            maxAbs = Math.Max(maxAbs, d);
            double excess = d - (atol + rtol * Math.Abs(e));
            if (excess > worstExcess) { worstExcess = excess; worst = i; }
            if (excess > 0 && firstBad < 0) firstBad = i;
        }
        if (firstBad >= 0)
            Assert.Fail($"{what}: max |diff| {maxAbs:G4} (atol {atol:G3}, rtol {rtol:G3}); worst at [{worst}] expected {expected[worst]:G7} got {actual[worst]:G7}; first mismatch at [{firstBad}] expected {expected[firstBad]:G7} got {actual[firstBad]:G7}");
    }

    public static void Close(Tensor expected, Tensor actual, double atol, double rtol, string what = "tensor")
    {
        Assert.True(expected.SameShape(actual), $"{what}: shape {Shapes.Format(actual.Shape)}, expected {Shapes.Format(expected.Shape)}");
        Close(expected.Data, actual.Data, atol, rtol, what);
    }

    /// <summary>Max |a-e| / max(|e|) over all elements: the "relative" difference quoted in acceptance criteria.</summary>
    public static double RelativeMaxDiff(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        double maxDiff = 0, scale = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs((double)actual[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs((double)expected[i]));
        }
        return scale == 0 ? maxDiff : maxDiff / scale;
    }
}
