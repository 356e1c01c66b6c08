namespace SharpSR.Benchmarks.Peers;

/// <summary>
/// `peers ort|libtorch|libtorch-train DIR [--nets a,b] [--layouts nchw,channels_last] [--threads N] [--reps N]`:
/// times the peers in-process on what bench/peers/trace_peers.py and `sharpsr export` wrote into DIR, one JSON
/// line per case (median/min/max seconds, and the largest difference from the PyTorch reference's output).
/// bench/peers.sh runs each runtime in its own process, so one runtime's idle threads never share a core with another's timing.
/// </summary>
public static class PeersCommand
{
    public const string Usage = "peers ort|ort-torch-export|libtorch|libtorch-train DIR [--nets a,b] [--layouts nchw,channels_last] [--threads 2] [--reps 5] [--batch 16 --patch 48 --scale 4]";

    public static int Run(string[] args)
    {
        if (args.Length < 2) { Console.Error.WriteLine("usage: " + Usage); return 2; }
        string kind = args[0], dir = args[1];
        string Option(string name, string fallback)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        string[] nets = Option("--nets", "s-lwsr16").Split(',', StringSplitOptions.RemoveEmptyEntries);
        string[] layouts = Option("--layouts", "nchw,channels_last").Split(',', StringSplitOptions.RemoveEmptyEntries);
        int threads = int.Parse(Option("--threads", "2")), reps = int.Parse(Option("--reps", "5"));
        switch (kind)
        {
            case "ort": return OrtPeer.Run(dir, nets, threads, reps, ".onnx");
            // The same network exported by PyTorch 1.13 itself (G-IDRN: pools as matrix products), as a cross-check.
            case "ort-torch-export": return OrtPeer.Run(dir, nets, threads, reps, ".torch.onnx");
            case "libtorch": return LibTorchPeer.Inference(dir, nets, layouts, threads, reps);
            case "libtorch-train":
                return LibTorchPeer.Train(dir, layouts, int.Parse(Option("--batch", "16")), int.Parse(Option("--patch", "48")),
                                          int.Parse(Option("--scale", "4")), threads, reps);
            default: Console.Error.WriteLine("usage: " + Usage); return 2;
        }
    }
}
