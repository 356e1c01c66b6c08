using SharpSR.Benchmarks.Kernels;
using SharpSR.Benchmarks.Quality;
using SharpSR.Benchmarks.Peers;

namespace SharpSR.Benchmarks;

public static class Program
{
    public static int Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "conv": return Conv2dBench.Run(args[1..]);
            case "gemm": return GemmBench.Run();
            case "packed": return PackedBench.Run(args[1..]);
            case "winograd": return WinogradBench.Run(args[1..]);
            case "plans": return Plans.PlanBench.Run(args[1..]);
            case "peers": return PeersCommand.Run(args[1..]);
            case "tile-margin": return TileMarginBench.Run(args[1..]);
            case "serve-load": return ServeLoad.Run(args[1..]);
            case "allreduce": return Distributed.AllreduceBench.Run(args[1..]);   // under mpirun
            default:
                Console.WriteLine("usage: dotnet run -c Release --project bench/SharpSR.Benchmarks -- MODE, MODE one of:\n" +
                                  "  conv [--tsv] [--case TEXT] [--runs N] [--min] | gemm | packed\n" +
                                  "  winograd [--threads N] [--runs N] [--case TEXT]   (direct against Winograd, layer by layer)\n" +
                                  "  plans [MODEL...] [--input WxH] [--scale S] [--reps N] [--describe]\n" +
                                  "  " + PeersCommand.Usage + "\n" +
                                  "  tile-margin MODEL_FILE TILE MARGIN[,MARGIN…] IMAGE…\n" +
                                  "  serve-load [--url U] [--requests N] [--concurrency C]   (bench/serve_load.sh)\n" +
                                  "  allreduce [REPS]   (under mpirun -np N)");
                return args.Length == 0 ? 0 : 2;
        }
    }
}
