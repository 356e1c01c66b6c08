using SharpSR.Core;
using SharpSR.Core.Autograd;
using SharpSR.Core.Serialization;
using Xunit;

namespace SharpSR.Testing;

/// <summary>Forward-pass parity with a PyTorch golden file holding 'input.x' and 'output.y' (and maybe weights).</summary>
public static class Parity
{
    /// <summary>The fixture's tensors other than input.* and output.*: the weights to load, if the file has them.</summary>
    public static Dictionary<string, Tensor> Weights(SafeTensorsContent golden) =>
        golden.Tensors.Where(kv => !kv.Key.StartsWith("input.", StringComparison.Ordinal) && !kv.Key.StartsWith("output.", StringComparison.Ordinal))
                      .ToDictionary(kv => kv.Key, kv => kv.Value);

    /// <summary>Runs <paramref name="forward"/> on the golden input without grad; asserts shape and max relative difference.</summary>
    public static double AssertForward(Func<Tensor, Tensor> forward, SafeTensorsContent golden, double maxRelative = 1e-4)
    {
        Tensor y;
        using (NoGradScope.Enter()) y = forward(golden.Tensors["input.x"]);
        var expected = golden.Tensors["output.y"];
        Assert.Equal(expected.ShapeArray, y.ShapeArray);
        double rel = TensorAssert.RelativeMaxDiff(expected.Data, y.Data);
        Assert.True(rel < maxRelative, $"max relative difference {rel:E2} (limit {maxRelative:E0})");
        return rel;
    }
}
