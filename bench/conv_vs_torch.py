#!/usr/bin/env python3
"""SharpSR vs PyTorch convolution throughput on the shapes of bench/SharpSR.Benchmarks `conv`.

Runs the C# benchmark (--tsv), then the same shapes in PyTorch with torch.set_num_threads(2), in NCHW
and channels_last (the faster is kept), and prints both side by side. Training shapes time forward +
backward (dx, dw, db); inference shapes time forward only under torch.no_grad(). Skips PyTorch with
a message when torch is not importable.
Usage: /usr/bin/python3 bench/conv_vs_torch.py [--threads N] [--min] [--runs N]
  --threads N  both sides on N threads (DOTNET_PROCESSOR_COUNT=N, torch.set_num_threads(N)); default 2
  --min        fastest run instead of the median (a steadier estimate on a shared, loaded machine)
"""
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

def _arg(name, default):
    return type(default)(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


RUNS = _arg("--runs", 9)
THREADS = _arg("--threads", 2)
USE_MIN = "--min" in sys.argv

# Must match Conv2dBench.Cases: name -> (N, C, H, W, K, R, S, padding, backward)
CASES = {
    "train 3x3 16->16 b16 48x48": (16, 16, 48, 48, 16, 3, 3, 1, True),
    "train 3x3 32->32 b16 48x48": (16, 32, 48, 48, 32, 3, 3, 1, True),
    "infer 3x3 16->16 1x180x320": (1, 16, 180, 320, 16, 3, 3, 1, False),
    "infer 3x3 16->64 1x180x320": (1, 16, 180, 320, 64, 3, 3, 1, False),
    "infer 1x1 96->16 1x180x320": (1, 96, 180, 320, 16, 1, 1, 0, False),
}


def sharpsr():
    subprocess.run(["dotnet", "build", "-c", "Release", "bench/SharpSR.Benchmarks", "-v", "q", "--nologo"],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    args = ["dotnet", "bench/SharpSR.Benchmarks/bin/Release/net10.0/SharpSR.Benchmarks.dll", "conv", "--tsv", "--runs", str(RUNS)]
    if USE_MIN:
        args.append("--min")
    env = dict(os.environ, DOTNET_PROCESSOR_COUNT=str(THREADS))
    out = subprocess.run(args, cwd=ROOT, check=True, capture_output=True, text=True, env=env).stdout
    res = {}
    for line in out.strip().splitlines():
        name, ms, gflops = line.split("\t")
        res[name] = (float(ms), float(gflops))
    return res


def torch_times():
    try:
        import torch
    except ImportError as e:
        print(f"PyTorch skipped: torch is not importable ({e})")
        return None
    torch.set_num_threads(THREADS)
    res = {}
    for name, (n, c, h, w, k, r, s, pad, backward) in CASES.items():
        best = None
        for fmt in (torch.contiguous_format, torch.channels_last):
            x = torch.rand(n, c, h, w).to(memory_format=fmt)
            conv = torch.nn.Conv2d(c, k, (r, s), padding=pad).to(memory_format=fmt)
            if backward:
                x.requires_grad_()
                dy = torch.rand(n, k, h, w).to(memory_format=fmt)

                def step():
                    conv.zero_grad(set_to_none=True)
                    x.grad = None
                    conv(x).backward(dy)
            else:
                def step():
                    with torch.no_grad():
                        conv(x)
            for _ in range(3):
                step()
            t = []
            for _ in range(RUNS):
                t0 = time.perf_counter()
                step()
                t.append(time.perf_counter() - t0)
            ms = (min(t) if USE_MIN else statistics.median(t)) * 1e3
            label = "NCHW" if fmt is torch.contiguous_format else "channels_last"
            if best is None or ms < best[0]:
                best = (ms, label)
        macs = n * k * h * w * c * r * s
        gflops = (3 if backward else 1) * 2 * macs / (best[0] * 1e-3) / 1e9
        res[name] = (best[0], gflops, best[1])
    return res


def main():
    print(f"{THREADS} thread(s), {'fastest' if USE_MIN else 'median'} of {RUNS} runs; load average before: {os.getloadavg()}")
    ours = sharpsr()
    theirs = torch_times()
    print(f"{'shape':30} {'SharpSR ms':>10} {'GFLOP/s':>8} | {'PyTorch ms':>10} {'GFLOP/s':>8} {'layout':>13} | {'speed-up':>8}")
    for name, (ms, gf) in ours.items():
        if name not in CASES:
            continue   # SharpSR-only diagnostic shapes
        if theirs and name in theirs:
            tms, tgf, layout = theirs[name]
            print(f"{name:30} {ms:10.2f} {gf:8.0f} | {tms:10.2f} {tgf:8.0f} {layout:>13} | {tms / ms:7.2f}x")
        else:
            print(f"{name:30} {ms:10.2f} {gf:8.0f} | {'skipped':>10}")
    print(f"load average after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
