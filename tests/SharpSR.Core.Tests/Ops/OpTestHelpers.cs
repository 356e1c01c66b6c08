using SharpSR.Core.Serialization;
using SharpSR.Testing;

namespace SharpSR.Core.Tests.Ops;

/// <summary>Shared plumbing of the op tests: shape strings in theory data and PyTorch golden cases.</summary>
internal static class OpTestHelpers
{
    /// <summary>"2,3,5" → [2, 3, 5] (theory data stays readable in the test explorer).</summary>
    public static int[] ParseShape(string s) => s.Split(',').Select(int.Parse).ToArray();

    public static double[] ToDouble(Tensor t) => t.Data.Select(v => (double)v).ToArray();

    public static IReadOnlyDictionary<string, Tensor> LoadGolden(string name) =>
        SafeTensorsFile.Read(TestData.RequireFixture(Path.Combine("ops", name))).Tensors;

    /// <summary>
    /// Replays one golden case "prefix.{x,y,dy,dx}": forward must match y and backward from dy must match dx.
    /// </summary>
    public static void CheckGoldenCase(IReadOnlyDictionary<string, Tensor> golden, string prefix, Func<Tensor, Tensor> op,
                                       double atol = 1e-5, double rtol = 1e-5)
    {
        var x = golden[prefix + ".x"].Clone();
        x.RequiresGrad = true;
        var y = op(x);
        TensorAssert.Close(golden[prefix + ".y"], y, atol, rtol, prefix + " forward");
        y.Backward(golden[prefix + ".dy"]);
        TensorAssert.Close(golden[prefix + ".dx"], x.Grad!, atol, rtol, prefix + " input gradient");
    }
}
