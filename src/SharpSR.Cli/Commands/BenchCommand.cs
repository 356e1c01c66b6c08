using SharpSR.Core.Memory;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SharpSR.Core;
using SharpSR.Core.Autograd;
using SharpSR.Core.Lowering;
using SharpSR.Core.Kernels;
using SharpSR.Core.Optim;
using SharpSR.Core.Serialization;
using SharpSR.Models;
using SharpSR.Training;

namespace SharpSR.Cli.Commands;

/// <summary>
/// `sharpsr bench --model M --scale S (--input WxH | --train --batch B --patch P) [--threads N] [--reps N] [--json F]`:
/// warm-up, then median/min/max of timed runs, GFLOP/s from the Multi-Add count, share of the measured
/// FMA peak, and memory (peak working set, managed bytes allocated per run).
/// </summary>
public static class BenchCommand
{
    public static Command Create(CliOutput output)
    {
        var model = new Option<string>("--model", "-m") { Description = "architecture or preset (random weights)", DefaultValueFactory = _ => "s-lwsr16" };
        var options = ModelOptions.ArchOptions();
        var scale = new Option<int>("--scale", "-s") { Description = "scale", DefaultValueFactory = _ => 4 };
        var input = new Option<string>("--input") { Description = "inference LR size WxH", DefaultValueFactory = _ => "320x180" };
        var train = new Option<bool>("--train") { Description = "time one training step (forward, L1, backward, Adam) instead" };
        var batch = new Option<int>("--batch") { Description = "training batch", DefaultValueFactory = _ => 16 };
        var patch = new Option<int>("--patch") { Description = "training LR patch", DefaultValueFactory = _ => 48 };
        var threads = new Option<int>("--threads") { Description = "engine threads (default: all cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var reps = new Option<int>("--reps") { Description = "timed runs", DefaultValueFactory = _ => 7 };
        var json = new Option<string?>("--json") { Description = "write the figures as JSON" };
        var profile = new Option<bool>("--profile") { Description = "after timing, break a run down: the lowered plan step by step (packed or graph kernels, layout conversions apart), or op by op with --graph or --train" };
        var graph = new Option<bool>("--graph") { Description = "time inference through the autograd graph, not the network's packed-kernel plan" };
        var cmd = new Command("bench", "Time inference or a training step of a network") { model, options, scale, input, train, batch, patch, threads, reps, json, profile, graph };
        var planChoice = new PlanChoiceOptions();
        planChoice.AddTo(cmd);
        cmd.SetAction(r => CliErrors.Guard(output, () =>
        {
            var planOptions = planChoice.Read(r, output);
            int n = r.GetValue(reps), t = r.GetValue(threads);
            if (n < 1 || t < 1) throw new ArgumentException("--reps and --threads must be positive");
            Engine.Threads = t;
            var net = ArchRegistry.Create(r.GetValue(model)!, r.GetValue(scale), r.GetValue(options));
            bool isTrain = r.GetValue(train);
            int b = r.GetValue(batch), p = r.GetValue(patch);
            var (w, h) = isTrain ? (p, p) : ParseSize(r.GetValue(input)!);
            long macs = ModelProfile.Measure(net, w * net.Scale, h * net.Scale).MultiAdds;
            // A training step costs about three forward passes (forward, grad of inputs, grad of weights).
            double flops = 2.0 * macs * (isTrain ? 3 * b : 1);
            var (run, route, plan) = isTrain ? (TrainStep(net, b, p), "", null) : Inference(net, w, h, graph: r.GetValue(graph), planOptions);

            // The peak first: after the runs, the thread pool's spinning workers would take a core from it.
            double peak = FmaPeak.Measure(t);
            // Warm-up, as a long run would be: JIT tiers settled, pools filled (two runs, and at least a second).
            var warmUp = Stopwatch.StartNew();
            for (int i = 0; i < 2 || warmUp.Elapsed.TotalSeconds < 1; i++) run();
            var times = new List<double>();
            long allocated = 0;
            for (int i = 0; i < n; i++)
            {
                long before = GC.GetTotalAllocatedBytes(precise: true);
                var clock = Stopwatch.StartNew();
                run();
                times.Add(clock.Elapsed.TotalSeconds);
                allocated += GC.GetTotalAllocatedBytes(precise: true) - before;
            }
            times.Sort();
            double median = times[n / 2];
            double gflops = flops / median / 1e9;
            long peakWorkingSet = Process.GetCurrentProcess().PeakWorkingSet64;
            var inv = CultureInfo.InvariantCulture;
            string what = isTrain ? $"training step, batch {b} of {p}x{p}" : $"inference {w}x{h} -> {w * net.Scale}x{h * net.Scale} ({route})";
            output.Out.WriteLine($"{r.GetValue(model)} x{net.Scale} {what}, {t} thread(s), {n} runs");
            output.Out.WriteLine($"median {median.ToString("F4", inv)} s  (min {times[0].ToString("F4", inv)}, max {times[^1].ToString("F4", inv)})");
            output.Out.WriteLine($"{gflops.ToString("F1", inv)} GFLOP/s = {(100 * gflops / peak).ToString("F1", inv)}% of the measured FMA peak {peak.ToString("F0", inv)} GFLOP/s");
            output.Out.WriteLine($"allocated {(allocated / n / 1e6).ToString("F2", inv)} MB per run; peak working set {(peakWorkingSet / 1e6).ToString("F0", inv)} MB");
            if (r.GetValue(profile))
            {
                if (plan is not null) PrintPlanProfile(output, plan, run, n, median);
                else PrintProfile(output, run, n, median);
            }
            if (r.GetValue(json) is { } path)
            {
                EvalCommand.CheckOutputFolder(path);
                var doc = new { median_s = median, min_s = times[0], max_s = times[^1], gflops, peak_gflops = peak, allocated_bytes = allocated / n, peak_working_set_bytes = peakWorkingSet, threads = t };
                AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(doc, new JsonSerializerOptions { WriteIndented = true }));
            }
            return 0;
        }));
        return cmd;
    }

    /// <summary>Runs <paramref name="n"/> more times under the op profiler and prints the costliest ops per run.</summary>
    private static void PrintProfile(CliOutput output, Action run, int n, double median)
    {
        using var profiler = OpProfiler.Start();
        for (int i = 0; i < n; i++) { profiler.Mark(); run(); }
        var rows = profiler.Results();
        double total = rows.Sum(x => x.Seconds) / n;
        var inv = CultureInfo.InvariantCulture;
        output.Out.WriteLine();
        output.Out.WriteLine($"op by op (mean of {n} runs; ops account for {(1e3 * total).ToString("F1", inv)} ms of the {(1e3 * median).ToString("F1", inv)} ms median):");
        output.Out.WriteLine($"{"ms/run",9} {"share",6} {"calls",6}  {"pass",-8} {"op",-12} output");
        foreach (var x in rows.Take(24))
        {
            double ms = 1e3 * x.Seconds / n;
            output.Out.WriteLine($"{ms.ToString("F2", inv),9} {(100 * x.Seconds / n / total).ToString("F1", inv),5}% {x.Calls / n,6}  {(x.Backward ? "backward" : "forward"),-8} {x.Op,-12} {x.Shape}");
        }
    }

    /// <summary>Runs <paramref name="n"/> more times with the plan's steps timed and prints the costliest steps per run.</summary>
    private static void PrintPlanProfile(CliOutput output, LoweredInferencePlan plan, Action run, int n, double median)
    {
        var profile = new PlanProfile();
        plan.Profile = profile;
        for (int i = 0; i < n; i++) run();
        plan.Profile = null;
        var steps = profile.Steps();
        var inv = CultureInfo.InvariantCulture;
        string Ms(double s) => (1e3 * s).ToString("F1", inv);
        double total = steps.Sum(x => x.Seconds), graphKernels = steps.Where(x => !x.Packed).Sum(x => x.Seconds);
        double conversions = steps.Sum(x => x.ConversionSeconds);
        output.Out.WriteLine();
        output.Out.WriteLine($"step by step (mean of {n} runs; steps account for {Ms(total)} ms of the {Ms(median)} ms median):");
        output.Out.WriteLine($"  packed kernels {Ms(total - graphKernels)} ms, graph kernels {Ms(graphKernels)} ms, of all that layout conversions {Ms(conversions)} ms; {steps.Count(x => x.Packed)} packed steps, {steps.Count(x => !x.Packed)} graph-kernel steps");
        foreach (var op in steps.Where(x => !x.Packed).GroupBy(x => x.Step.Split(' ')[1]).OrderByDescending(g => g.Sum(x => x.Seconds)))
            output.Out.WriteLine($"  graph {op.Key}: {op.Count()} step(s), {Ms(op.Sum(x => x.Seconds))} ms");
        // Steps of one kind (same op and shapes, other tensors) summed: where a network's time goes at a glance.
        output.Out.WriteLine($"by kind:");
        output.Out.WriteLine($"{"ms/run",8} {"share",6} {"steps",6}  kind");
        foreach (var kind in steps.GroupBy(x => StepKind(x.Step)).OrderByDescending(g => g.Sum(x => x.Seconds)).Take(20))
            output.Out.WriteLine($"{(1e3 * kind.Sum(x => x.Seconds)).ToString("F2", inv),8} {(100 * kind.Sum(x => x.Seconds) / total).ToString("F1", inv),5}% {kind.Count(),6}  {kind.Key}");
        output.Out.WriteLine();
        output.Out.WriteLine($"{"ms/run",8} {"share",6} {"conv.",6}  {"kernels",-7} step");
        foreach (var x in steps.OrderByDescending(x => x.Seconds).Take(30))
            output.Out.WriteLine($"{(1e3 * x.Seconds).ToString("F2", inv),8} {(100 * x.Seconds / total).ToString("F1", inv),5}% {(1e3 * x.ConversionSeconds).ToString("F2", inv),6}  {(x.Packed ? "packed" : "graph"),-7} #{x.Index} {x.Step}");
    }

    /// <summary>A step's text without its tensor names and operand lists: "conv3x3 56->56 g2 (blocks by group) -> v [+v, then lrelu 0.05]".</summary>
    private static string StepKind(string step)
    {
        var kind = System.Text.RegularExpressions.Regex.Replace(step, @"\bv\d+\b", "v");
        kind = System.Text.RegularExpressions.Regex.Replace(kind, @"\[(v(, | \+ )?)+\]", "[..]");
        return System.Text.RegularExpressions.Regex.Replace(kind, @"(v( \+ v)*) -> v", "-> v");
    }

    /// <summary>One inference pass as the upscaler runs it, which path that is, and the lowered plan when it is one.</summary>
    private static (Action Run, string Path, LoweredInferencePlan? Plan) Inference(SrNetwork net, int w, int h, bool graph, SharpSR.Core.Lowering.PlanOptions planOptions)
    {
        var x = Tensor.Uniform(new Random(1), 0, 255, 1, 3, h, w);
        // The network's forward lowered to the packed kernels (none without AVX-512).
        var plan = graph ? null : net.CreateInferencePlan(planOptions);
        if (plan is not null)
            return (() => plan.Run(x), planOptions.Conv == SharpSR.Core.Lowering.ConvAlgorithm.Direct ? "lowered plan" : $"lowered plan, conv {planOptions.Conv.ToString().ToLowerInvariant()}", plan as LoweredInferencePlan);
        // As the upscaler runs it: networks that recycle their intermediates reuse an arena's buffers.
        var arena = net.RecyclesIntermediates ? new TensorArena() : null;
        return (() =>
        {
            using var _ = NoGradScope.Enter();
            TensorArena.Scope scope = arena?.Activate() ?? default;
            using (scope) net.Forward(x);
        }, "autograd graph", null);
    }

    private static Action TrainStep(SrNetwork net, int batch, int patch)
    {
        var x = Tensor.Uniform(new Random(1), 0, 255, batch, 3, patch, patch);
        var y = Tensor.Uniform(new Random(2), 0, 255, batch, 3, patch * net.Scale, patch * net.Scale);
        var adam = new Adam(net.NamedParameters(), 1e-4f);
        // As the trainer does it: data-parallel slices, and a steady-state step reuses its buffers.
        var arena = new TensorArena();
        var step = new DataParallelStep(net, Ops.L1Loss, Engine.Threads);
        return () =>
        {
            using var _ = arena.Activate();
            adam.ZeroGrad();
            step.Run(x, y);
            adam.Step();
        };
    }

    internal static (int W, int H) ParseSize(string text)
    {
        var parts = text.ToLowerInvariant().Split('x');
        if (parts.Length != 2 || !int.TryParse(parts[0], out int w) || !int.TryParse(parts[1], out int h) || w < 1 || h < 1)
            throw new ArgumentException($"invalid size '{text}' (WxH, e.g. 320x180)");
        return (w, h);
    }
}
