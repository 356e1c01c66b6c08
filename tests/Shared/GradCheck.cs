using SharpSR.Core;
using Xunit;

namespace SharpSR.Testing;

/// <summary>
/// Checks an op's float32 forward and backward against its float64 reference twin: the forward
/// must agree, and the analytic input gradients (from a random output gradient r) must match central
/// differences of L(x) = Σ r·ref(x), computed entirely in double.
/// </summary>
public static class GradCheck
{
    /// <param name="op">The op under test, on float tensors.</param>
    /// <param name="reference">The same function in double on flat row-major arrays (one per input).</param>
    /// <param name="inputs">Inputs; gradients are checked for those with RequiresGrad (all when none set).</param>
    public static void Check(Func<Tensor[], Tensor> op, Func<double[][], double[]> reference, Tensor[] inputs,
                             double eps = 1e-3, double atol = 1e-3, double rtol = 1e-3, double forwardTol = 1e-4, int seed = 1)
    {
        bool any = inputs.Any(t => t.RequiresGrad);
        if (!any) foreach (var t in inputs) t.RequiresGrad = true;
        foreach (var t in inputs) t.Grad = null;

        double[][] xs = inputs.Select(t => t.Data.Select(v => (double)v).ToArray()).ToArray();
        double[] yRef = reference(xs);

        Tensor y = op(inputs);
        Assert.True(y.Length == yRef.Length, $"forward: {y.Length} outputs, reference has {yRef.Length}");
        double yScale = Math.Max(1.0, yRef.Max(Math.Abs));
        for (int i = 0; i < yRef.Length; i++)
            Assert.True(Math.Abs(y.Data[i] - yRef[i]) <= forwardTol * yScale,
                $"forward[{i}]: got {y.Data[i]:G7}, reference {yRef[i]:G7} (of {yRef.Length})");

        var rng = new Random(seed);
        var r = new double[yRef.Length];
        for (int i = 0; i < r.Length; i++) r[i] = rng.NextDouble() * 2 - 1;
        y.Backward(new Tensor(r.Select(v => (float)v).ToArray(), y.ShapeArray));

        for (int k = 0; k < inputs.Length; k++)
        {
            if (!inputs[k].RequiresGrad) continue;
            Tensor? g = inputs[k].Grad;
            Assert.True(g is not null, $"input {k}: no gradient was computed");
            var numeric = new double[xs[k].Length];
            for (int j = 0; j < numeric.Length; j++)
            {
                double saved = xs[k][j];
                xs[k][j] = saved + eps;
                double lp = Dot(r, reference(xs));
                xs[k][j] = saved - eps;
                double lm = Dot(r, reference(xs));
                xs[k][j] = saved;
                numeric[j] = (lp - lm) / (2 * eps);
            }
            double scale = Math.Max(1.0, numeric.Max(Math.Abs));
            for (int j = 0; j < numeric.Length; j++)
            {
                double d = Math.Abs(g!.Data[j] - numeric[j]);
                Assert.True(d <= atol * scale + rtol * Math.Abs(numeric[j]),
                    $"input {k} grad[{j}] of {numeric.Length}: analytic {g.Data[j]:G7}, numeric {numeric[j]:G7}");
            }
        }
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>A tensor of uniform values in [-1, 1) that requires grad.</summary>
    public static Tensor Random(Random rng, params int[] shape)
    {
        var t = Tensor.Uniform(rng, -1f, 1f, shape);
        t.RequiresGrad = true;
        return t;
    }
}
