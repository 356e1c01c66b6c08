using SharpSR.Benchmarks.Kernels;
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
            case "peers": return PeersCommand.Run(args[1..]);
            default:
                Console.WriteLine("usage: dotnet run -c Release --project bench/SharpSR.Benchmarks -- conv [--tsv] [--case TEXT] [--runs N] [--min] | gemm | packed | " + PeersCommand.Usage);
                return args.Length == 0 ? 0 : 2;
        }
    }
}
