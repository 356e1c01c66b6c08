using System.Diagnostics;
using System.Globalization;
using SharpSR.Core;
using SharpSR.Core.Autograd;
using SharpSR.Core.Memory;
using SharpSR.Models;

namespace SharpSR.Benchmarks.Plans;

/// <summary>
/// Whole-network inference, one process: the autograd graph (as the upscaler ran it before plans: in an arena when
/// the network recycles), the plan the network creates, and the plan lowered from its trace, interleaved run by run
/// so drift in the machine's load falls on all of them alike; medians after a warm-up.
/// </summary>
public static class PlanBench
{
    public static int Run(string[] args)
    {
        int w = 320, h = 180, reps = 9, scale = 4;
        var models = new List<string>();
        bool describe = false;
        for (int i = 0; i < args.Length; i++)
            switch (args[i])
            {
                case "--input": var p = args[++i].Split('x'); w = int.Parse(p[0]); h = int.Parse(p[1]); break;
                case "--reps": reps = int.Parse(args[++i]); break;
                case "--scale": scale = int.Parse(args[++i]); break;
                case "--describe": describe = true; break;
                default: models.Add(args[i]); break;
            }
        if (models.Count == 0) models.AddRange(["s-lwsr16", "s-lwsr32", "g-idrn", "imdn", "e-rfdn", "pan", "urnet", "carn-m", "span", "rlfn"]);
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"x{scale} inference on {w}x{h}, {Engine.Threads} threads, medians of {reps} (seconds)");
        Console.WriteLine($"{"model",-10} {"graph",8} {"own plan",9} {"lowered",8} {"graph/lowered",14} {"lowered/own",12}");
        foreach (var name in models)
        {
            var net = ArchRegistry.Create(name, scale);
            var x = Tensor.Uniform(new Random(1), 0, 255, 1, 3, h, w);
            var arena = net.RecyclesIntermediates ? new TensorArena() : null;
            void Graph()
            {
                using var _ = NoGradScope.Enter();
                TensorArena.Scope scope = arena?.Activate() ?? default;
                using (scope) net.Forward(x);
            }
            using var own = net.CreateInferencePlan();
            using var lowered = LoweredInferencePlan.TryCreate(net);
            if (describe && lowered?.Plan is { } plan) foreach (var line in plan.Describe()) Console.WriteLine("  " + line);
            var runs = new List<(string Name, Action Run)> { ("graph", Graph) };
            // The network's own plan is the lowered one unless it overrides CreateInferencePlan.
            if (own is not null && own is not LoweredInferencePlan) runs.Add(("own", () => own.Run(x)));
            if (lowered is not null) runs.Add(("lowered", () => lowered.Run(x)));
            var times = runs.ToDictionary(r => r.Name, _ => new List<double>());
            var warm = Stopwatch.StartNew();
            for (int i = 0; i < 2 || warm.Elapsed.TotalSeconds < 1; i++) foreach (var r in runs) r.Run();
            for (int i = 0; i < reps; i++)
                foreach (var r in runs)
                {
                    var sw = Stopwatch.StartNew();
                    r.Run();
                    times[r.Name].Add(sw.Elapsed.TotalSeconds);
                }
            double Median(string k) => times.TryGetValue(k, out var t) ? t.Order().ElementAt(t.Count / 2) : double.NaN;
            double g = Median("graph"), o = Median("own"), l = Median("lowered");
            Console.WriteLine($"{name,-10} {g.ToString("F4", inv),8} {(double.IsNaN(o) ? "-" : o.ToString("F4", inv)),9} {l.ToString("F4", inv),8} {(g / l).ToString("F2", inv) + "x",14} {(double.IsNaN(o) ? "-" : (l / o).ToString("F3", inv)),12}");
        }
        return 0;
    }
}
