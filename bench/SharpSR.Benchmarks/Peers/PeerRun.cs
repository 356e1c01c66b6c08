using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace SharpSR.Benchmarks.Peers;

/// <summary>What the peer runners share: the traced folder's files, the timing protocol and the JSON line per case.</summary>
public static class PeerRun
{
    /// <summary>As `sharpsr bench` and bench/torch_models.py: two runs and at least a second of warm-up, then medians.</summary>
    public static (double Median, double Min, double Max) Time(Action run, int reps)
    {
        var warmUp = Stopwatch.StartNew();
        for (int i = 0; i < 2 || warmUp.Elapsed.TotalSeconds < 1; i++) run();
        var times = new double[reps];
        for (int i = 0; i < reps; i++)
        {
            var clock = Stopwatch.StartNew();
            run();
            times[i] = clock.Elapsed.TotalSeconds;
        }
        Array.Sort(times);
        return (times[reps / 2], times[0], times[^1]);
    }

    public static int[] InputShape(string dir)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "trace.json")));
        return doc.RootElement.GetProperty("input").EnumerateArray().Select(e => e.GetInt32()).ToArray();
    }

    public static float[] ReadFloats(string path) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray();

    /// <summary>Largest absolute difference from the PyTorch reference's clipped output (float.MaxValue when the sizes differ or an output is NaN).</summary>
    public static double MaxAbsDiff(ReadOnlySpan<float> output, ReadOnlySpan<float> reference)
    {
        // A wrong size or a NaN output counts as the largest float: JSON has no NaN or infinity, and the record must be written.
        if (output.Length != reference.Length) return float.MaxValue;
        double worst = 0;
        for (int i = 0; i < output.Length; i++)
        {
            double d = Math.Abs(Math.Clamp(output[i], 0f, 255f) - reference[i]);
            if (double.IsNaN(d)) return float.MaxValue;
            worst = Math.Max(worst, d);
        }
        return worst;
    }

    public static void Emit(object record) => Console.WriteLine(JsonSerializer.Serialize(record));
}
