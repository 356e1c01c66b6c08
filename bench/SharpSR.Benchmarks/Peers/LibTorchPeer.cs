using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

namespace SharpSR.Benchmarks.Peers;

/// <summary>LibTorch through TorchSharp on TorchScript files traced by PyTorch 1.13 from our reference ports.</summary>
public static class LibTorchPeer
{
    public static string Version =>
        $"LibTorch {LibTorchVersion} (TorchSharp {typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]})";

    /// <summary>The version of the libtorch-cpu package TorchSharp-cpu brought, as the build's dependency file records it.</summary>
    private static string LibTorchVersion
    {
        get
        {
            string deps = Path.Combine(AppContext.BaseDirectory, Assembly.GetEntryAssembly()!.GetName().Name + ".deps.json");
            var match = System.Text.RegularExpressions.Regex.Match(File.Exists(deps) ? File.ReadAllText(deps) : "", "\"libtorch-cpu-linux-x64/([^\"]+)\"");
            return match.Success ? match.Groups[1].Value : "(version unknown)";
        }
    }

    /// <summary>Before TorchSharp loads its native library: the build output's copy must not demand a newer libstdc++ than the system's.</summary>
    public static void PrepareNativeLibrary()
    {
        foreach (string candidate in new[] { Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"),
                                             Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so") })
            if (File.Exists(candidate)) ElfVersionNeeds.MarkWeak(candidate, "GLIBCXX_3.4.32");
    }

    private static void Setup(int threads)
    {
        PrepareNativeLibrary();
        torch.set_num_threads(threads);
        torch.set_num_interop_threads(1);
    }

    public static int Inference(string dir, IEnumerable<string> nets, IEnumerable<string> layouts, int threads, int reps)
    {
        Setup(threads);
        int[] shape = PeerRun.InputShape(dir);
        using var x = torch.tensor(PeerRun.ReadFloats(Path.Combine(dir, "input.bin")), shape.Select(d => (long)d).ToArray());
        foreach (string net in nets)
        {
            float[] reference = PeerRun.ReadFloats(Path.Combine(dir, net + ".ref.bin"));
            foreach (string layout in layouts)
            {
                using var module = torch.jit.load<Tensor, Tensor>(Path.Combine(dir, $"{net}.{(layout == "channels_last" ? "cl" : "nchw")}.pt"));
                module.eval();
                double diff;
                using (torch.no_grad())
                using (var y = module.forward(x))
                    diff = PeerRun.MaxAbsDiff(y.contiguous().data<float>().ToArray(), reference);
                var (median, min, max) = PeerRun.Time(() =>
                {
                    using var _ = torch.no_grad();
                    using var scope = torch.NewDisposeScope();
                    module.forward(x);
                }, reps);
                PeerRun.Emit(new { net, runtime = Version, layout, threads, median_s = median, min_s = min, max_s = max, max_abs_diff_vs_pytorch = diff });
            }
        }
        return 0;
    }

    /// <summary>One training step as bench/torch_models.py times it: zero_grad, forward, L1 loss, backward, Adam.</summary>
    public static int Train(string dir, IEnumerable<string> layouts, int batch, int patch, int scale, int threads, int reps)
    {
        Setup(threads);
        var gen = new Generator(1);
        using var x = torch.rand([batch, 3, patch, patch], generator: gen) * 255;
        using var y = torch.rand([batch, 3, patch * scale, patch * scale], generator: gen) * 255;
        foreach (string layout in layouts)
        {
            using var module = torch.jit.load<Tensor, Tensor>(Path.Combine(dir, $"s-lwsr16.train.{(layout == "channels_last" ? "cl" : "nchw")}.pt"));
            module.train();
            // TorchSharp has no memory_format argument: NHWC storage seen through an NCHW permutation is channels_last.
            using var target = layout == "channels_last" ? y.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2) : y.alias();
            var adam = torch.optim.Adam(module.parameters(), lr: 1e-4);
            var (median, min, max) = PeerRun.Time(() =>
            {
                using var scope = torch.NewDisposeScope();
                adam.zero_grad();
                var loss = torch.nn.functional.l1_loss(module.forward(x), target);
                loss.backward();
                adam.step();
            }, reps);
            PeerRun.Emit(new { net = "s-lwsr16", train = true, batch, patch, runtime = Version, layout, threads, median_s = median, min_s = min, max_s = max });
        }
        return 0;
    }
}
