"""PyTorch side of the SharpSR side-by-side benchmark: s-LWSR (our own PyTorch port of
docs/networks/s-lwsr.md, tests/fixtures/gen/torch_archs.py) timed for inference and one training step,
in NCHW and channels_last, 2 threads. Prints one JSON object per case; the faster layout is the
reference. With --nets, every network of bench/peers/peer_nets.py instead (bench/peers.sh).
Usage: python3 bench/torch_models.py [--reps 7] [--threads 2] [--nets s-lwsr16,g-idrn,... --input 320x180]"""
import argparse
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "gen"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "peers"))
import peer_nets  # noqa: E402
import torch_archs  # noqa: E402


def timed(fn, reps, warmup=2, warmup_s=1.0):
    # The same warm-up as `sharpsr bench`: two runs, and at least a second.
    start = time.perf_counter()
    done = 0
    while done < warmup or time.perf_counter() - start < warmup_s:
        fn()
        done += 1
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), min(times), max(times)


def bench_inference(n, scale, w, h, layout, reps):
    net = (torch_archs.SLwsr(n=n, scale=scale) if isinstance(n, int) else peer_nets.build_255(n, scale)).eval()
    x = torch.rand(1, 3, h, w) * 255
    if layout == "channels_last":
        net = net.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    with torch.no_grad():
        return timed(lambda: net(x), reps)


def bench_train(n, scale, batch, patch, layout, reps):
    net = torch_archs.SLwsr(n=n, scale=scale).train()
    x = torch.rand(batch, 3, patch, patch) * 255
    y = torch.rand(batch, 3, patch * scale, patch * scale) * 255
    if layout == "channels_last":
        net = net.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
        y = y.contiguous(memory_format=torch.channels_last)
    opt = torch.optim.Adam(net.parameters(), lr=1e-4)

    def step():
        opt.zero_grad()
        loss = torch.nn.functional.l1_loss(net(x), y)
        loss.backward()
        opt.step()
    return timed(step, reps)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--nets", help="networks of bench/peers/peer_nets.py to time at inference (x4, --input), "
                                   "then the s-lwsr16 training step; default: the s-LWSR cases above")
    ap.add_argument("--input", default="320x180")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    cases = [("infer", 16, 4, (320, 180)), ("infer", 32, 4, (320, 180)), ("train", 16, 4, (16, 48))]
    if a.nets:
        # The training step first (the table's last row), then every network at inference.
        for layout in ("nchw", "channels_last"):
            med, lo, hi = bench_train(16, 4, 16, 48, layout, a.reps)
            print(json.dumps({"case": "s-lwsr16 x4 train step batch 16 patch 48", "layout": layout, "threads": a.threads,
                              "median_s": med, "min_s": lo, "max_s": hi, "runtime": "PyTorch " + torch.__version__}), flush=True)
        cases = []
        w, h = (int(v) for v in a.input.split("x"))
        for name in a.nets.split(","):
            for layout in ("nchw", "channels_last"):
                med, lo, hi = bench_inference(name, 4, w, h, layout, a.reps)
                print(json.dumps({"net": name, "layout": layout, "threads": a.threads, "median_s": med, "min_s": lo, "max_s": hi,
                                  "runtime": "PyTorch " + torch.__version__}), flush=True)
    for kind, n, s, dims in cases:
        for layout in ("nchw", "channels_last"):
            if kind == "infer":
                med, lo, hi = bench_inference(n, s, dims[0], dims[1], layout, a.reps)
                name = f"s-lwsr{n} x{s} inference {dims[0]}x{dims[1]}"
            else:
                med, lo, hi = bench_train(n, s, dims[0], dims[1], layout, a.reps)
                name = f"s-lwsr{n} x{s} train step batch {dims[0]} patch {dims[1]}"
            print(json.dumps({"case": name, "layout": layout, "threads": a.threads, "median_s": med, "min_s": lo, "max_s": hi,
                              "torch": torch.__version__, "runtime": "PyTorch " + torch.__version__}), flush=True)
