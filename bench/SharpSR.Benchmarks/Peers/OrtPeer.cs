using Microsoft.ML.OnnxRuntime;

namespace SharpSR.Benchmarks.Peers;

/// <summary>ONNX Runtime's CPU execution provider on the ONNX models SharpSR's exporter wrote, all graph optimisations on.</summary>
public static class OrtPeer
{
    public static int Run(string dir, IEnumerable<string> nets, int threads, int reps, string suffix)
    {
        int[] shape = PeerRun.InputShape(dir);
        float[] input = PeerRun.ReadFloats(Path.Combine(dir, "input.bin"));
        foreach (string net in nets)
        {
            string model = Path.Combine(dir, net + suffix);
            using var options = new SessionOptions
            {
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                IntraOpNumThreads = threads,
                InterOpNumThreads = 1,
            };
            using var session = new InferenceSession(model, options);
            using var value = OrtValue.CreateTensorValueFromMemory(input, shape.Select(d => (long)d).ToArray());
            using var runOptions = new RunOptions();
            string[] inputNames = [session.InputNames[0]], outputNames = [session.OutputNames[0]];
            OrtValue[] inputs = [value];
            double diff;
            using (var first = session.Run(runOptions, inputNames, inputs, outputNames))
                diff = PeerRun.MaxAbsDiff(first[0].GetTensorDataAsSpan<float>(), PeerRun.ReadFloats(Path.Combine(dir, net + ".ref.bin")));
            var (median, min, max) = PeerRun.Time(() =>
            {
                using var outputs = session.Run(runOptions, inputNames, inputs, outputNames);
            }, reps);
            PeerRun.Emit(new
            {
                net, runtime = "ONNX Runtime " + OrtEnv.Instance().GetVersionString(), layout = "NCHW in (graph opts: all)",
                model = Path.GetFileName(model), threads, median_s = median, min_s = min, max_s = max, max_abs_diff_vs_pytorch = diff,
            });
        }
        return 0;
    }
}
