"""Prints bench/peers.sh's table from the files its runs left in DIR (one JSON line or file per case)."""
import datetime
import json
import os
import platform
import re
import sys

d, nets, size, threads, reps, start, end = sys.argv[1:8]
nets = nets.split(",")


def lines(name):
    path = os.path.join(d, name)
    return [json.loads(l) for l in open(path)] if os.path.exists(path) else []


def route(net):
    m = re.search(r"\(([^()]*)\), \d+ thread", open(os.path.join(d, f"sharpsr.{net}.txt")).read())
    return m.group(1) if m else "?"


sharp = {n: json.load(open(os.path.join(d, f"sharpsr.{n}.json"))) for n in nets if os.path.exists(os.path.join(d, f"sharpsr.{n}.json"))}
peers = {n: [] for n in nets}
for r in lines("ort.jsonl"):
    peers[r["net"]].append(("ONNX Runtime", "NCHW (its own NCHWc inside)", r))
for r in lines("libtorch.jsonl"):
    peers[r["net"]].append(("LibTorch", r["layout"], r))
for r in lines("torch.jsonl"):
    if "net" in r:
        peers[r["net"]].append(("PyTorch", r["layout"], r))

versions = sorted({r["runtime"] for n in nets for _, _, r in peers[n]})
peaks = [v["peak_gflops"] for v in sharp.values()]
print(f"date {datetime.datetime.utcfromtimestamp(int(start)).strftime('%Y-%m-%d %H:%M')}-"
      f"{datetime.datetime.utcfromtimestamp(int(end)).strftime('%H:%M')} UTC; {platform.node()}; {os.cpu_count()} cores; "
      f"load average at the end {os.getloadavg()[0]:.1f}")
print(f"x4, input {size}, {threads} threads each, medians of {reps} after a warm-up of two runs and at least a second")
print("runtimes: SharpSR (sharpsr bench); " + "; ".join(versions))
print(f"measured FMA peak ({threads} threads, FmaPeak before each SharpSR case): median {sorted(peaks)[len(peaks) // 2]:.0f} GFLOP/s "
      f"(min {min(peaks):.0f}, max {max(peaks):.0f})")
print()
cols = ["ONNX Runtime/NCHW (its own NCHWc inside)", "LibTorch/nchw", "LibTorch/channels_last", "PyTorch/nchw", "PyTorch/channels_last"]
head = f"{'network':9} {'SharpSR s':>9} {'path':15} {'% peak':>6} | {'ORT':>7} {'LT nchw':>7} {'LT cl':>7} {'PT nchw':>7} {'PT cl':>7} | {'fastest peer':22} {'ratio':>6}"
print(head)
print("-" * len(head))
for n in nets:
    if n not in sharp:
        print(f"{n:9} (no SharpSR result)")
        continue
    s = sharp[n]
    by = {f"{rt}/{lay}": r for rt, lay, r in peers[n]}
    # '*': that peer's output is off the reference by more than 0.01 (of 255); see the checks below.
    cells = [(f"{by[c]['median_s']:6.3f}" + ("*" if by[c].get("max_abs_diff_vs_pytorch", 0) > 0.01 else " ")) if c in by else f"{'-':>7}" for c in cols]
    best = min(peers[n], key=lambda p: p[2]["median_s"]) if peers[n] else None
    ratio = f"{s['median_s'] / best[2]['median_s']:6.2f}" if best else f"{'-':>6}"
    bname = f"{best[0]} {best[1].split(' ')[0]}" if best else "-"
    print(f"{n:9} {s['median_s']:9.3f} {route(n):15} {100 * s['gflops'] / s['peak_gflops']:5.0f}% | {' '.join(cells)} | {bname:22} {ratio}")
print("ratio = SharpSR median / fastest peer's median (lower is better); * = output off the reference by more than 0.01; % peak: SharpSR's GFLOP/s (2 x Multi-Adds / time) over the FMA peak measured in its run")

t = json.load(open(os.path.join(d, "sharpsr.train.json"))) if os.path.exists(os.path.join(d, "sharpsr.train.json")) else {"median_s": float("nan"), "gflops": 0, "peak_gflops": 1}
train = [("PyTorch", r) for r in lines("torch.jsonl") if "case" in r and "train" in r["case"]] + [("LibTorch", r) for r in lines("libtorch_train.jsonl")]
print()
print(f"s-lwsr16 x4 training step, batch 16 of 48x48: SharpSR {t['median_s']:.3f} s ({100 * t['gflops'] / t['peak_gflops']:.0f}% of peak); "
      + ", ".join(f"{rt} {r['layout']} {r['median_s']:.3f} s" for rt, r in train))
if train:
    rt, r = min(train, key=lambda p: p[1]["median_s"])
    print(f"ratio SharpSR / fastest ({rt} {r['layout']}): {t['median_s'] / r['median_s']:.2f}")

print()
print("checks: largest |difference| from the PyTorch 1.13 reference's output (same weights, 0..255, clipped):")
for n in nets:
    diffs = [f"{rt} {lay.split(' ')[0]} {r['max_abs_diff_vs_pytorch']:.2g}" for rt, lay, r in peers[n] if "max_abs_diff_vs_pytorch" in r]
    print(f"  {n:9} " + ", ".join(diffs))
for r in lines("ort_torch_export.jsonl"):
    print(f"  g-idrn exported by PyTorch 1.13 itself (pooling matrices, traced at 64x48, free H/W) in ONNX Runtime: "
          f"{r['median_s']:.3f} s, |difference| from the reference {r['max_abs_diff_vs_pytorch']:.2g}")
