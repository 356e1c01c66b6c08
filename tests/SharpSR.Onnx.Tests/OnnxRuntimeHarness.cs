using Microsoft.ML.OnnxRuntime;
using SharpSR.Cli;
using SharpSR.Core;
using SharpSR.Core.Autograd;
using SharpSR.Imaging;
using SharpSR.Models;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Onnx.Tests;

/// <summary>Exports through the CLI, runs the file in ONNX Runtime and measures it against SharpSR's own forward.</summary>
public static class OnnxRuntimeHarness
{
    /// <summary>The largest |ORT − SharpSR| allowed on the 0..255 scale.</summary>
    public const double Tolerance = 1e-3;

    private static readonly Lazy<Tensor> s_astronaut = new(() => ImageTensor.ToTensor(ImageIO.Load(Path.Combine(TestData.RepoRoot, "samples", "astronaut_lr.png"))));

    /// <summary>A [1,3,h,w] window of the real test photo (samples/astronaut_lr.png, 128x128) in 0..255.</summary>
    public static Tensor AstronautCrop(int x0, int y0, int w, int h)
    {
        var image = s_astronaut.Value;
        var crop = Tensor.Empty(1, 3, h, w);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < h; y++)
                image.Data.AsSpan((c * image.H + y0 + y) * image.W + x0, w).CopyTo(crop.Data.AsSpan((c * h + y) * w, w));
        return crop;
    }

    /// <summary>Runs `sharpsr export` in process; asserts success and returns the file written.</summary>
    public static string Export(string dir, params string[] args)
    {
        string path = Path.Combine(dir, "model.onnx");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = Program.Run(["export", "--onnx", path, .. args], stdout, stderr);
        Assert.True(exit == 0, $"export failed: {stderr}");
        Assert.True(File.Exists(path));
        return path;
    }

    /// <summary>SharpSR's output as the exported graph defines it: the network's forward, clipped to 0..255.</summary>
    public static float[] SharpSrOutput(SrNetwork net, Tensor x)
    {
        Tensor y;
        using (NoGradScope.Enter()) y = net.Forward(x);
        return y.Data.Select(v => Math.Clamp(v, 0f, 255f)).ToArray();
    }

    /// <summary>Runs the model once in ONNX Runtime, with graph optimisations all on or all off.</summary>
    public static (float[] Data, long[] Shape) Run(string modelPath, Tensor x, bool optimise)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = optimise ? GraphOptimizationLevel.ORT_ENABLE_ALL : GraphOptimizationLevel.ORT_DISABLE_ALL,
            IntraOpNumThreads = 1,
        };
        using var session = new InferenceSession(modelPath, options);
        using var input = OrtValue.CreateTensorValueFromMemory(x.Data, x.ShapeArray.Select(d => (long)d).ToArray());
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [OnnxExporter.InputName], [input], [OnnxExporter.OutputName]);
        var y = outputs[0];
        return (y.GetTensorDataAsSpan<float>().ToArray(), y.GetTensorTypeAndShape().Shape);
    }

    /// <summary>
    /// Max |ORT − SharpSR| for one input with ORT's optimisations off and on, and max |ORT on − ORT off|: how far two
    /// float32 evaluations of the same graph drift apart on this network. Asserts the output shape on the way.
    /// </summary>
    public static (double Plain, double Optimised, double OrtSpread) MaxDifferences(string modelPath, SrNetwork net, Tensor x)
    {
        float[] expected = SharpSrOutput(net, x);
        long[] shape = [1, 3, (long)x.H * net.Scale, (long)x.W * net.Scale];
        float[] RunChecked(bool optimise)
        {
            var (data, actualShape) = Run(modelPath, x, optimise);
            Assert.Equal(shape, actualShape);
            return data;
        }
        float[] plain = RunChecked(false), optimised = RunChecked(true);
        return (MaxAbsDifference(expected, plain), MaxAbsDifference(expected, optimised), MaxAbsDifference(plain, optimised));
    }

    private static double MaxAbsDifference(float[] a, float[] b)
    {
        double max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs((double)a[i] - b[i]));
        return max;
    }
}
