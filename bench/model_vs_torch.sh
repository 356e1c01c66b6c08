#!/usr/bin/env bash
# Side by side: s-LWSR inference and training step in PyTorch (our port, NCHW and channels_last, the
# faster taken) and in SharpSR, in one run on this machine; prints SharpSR/PyTorch ratios.
# Usage: bench/model_vs_torch.sh [reps] [threads]
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-7}
threads=${2:-2}
dotnet build src/SharpSR.Cli -c Release -v q -nologo >/dev/null
cli="dotnet src/SharpSR.Cli/bin/Release/net10.0/sharpsr.dll"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if /usr/bin/python3 -c "import torch" 2>/dev/null; then
    /usr/bin/python3 bench/torch_models.py --reps "$reps" --threads "$threads" > "$tmp/torch.jsonl"
else
    echo "PyTorch not importable by /usr/bin/python3: skipping the comparison (apt-get install python3-torch)"
fi
$cli bench --model s-lwsr16 --scale 4 --input 320x180 --reps "$reps" --threads "$threads" --json "$tmp/infer16.json" >/dev/null
$cli bench --model s-lwsr32 --scale 4 --input 320x180 --reps "$reps" --threads "$threads" --json "$tmp/infer32.json" >/dev/null
$cli bench --model s-lwsr16 --scale 4 --train --batch 16 --patch 48 --reps "$reps" --threads "$threads" --json "$tmp/train16.json" >/dev/null
# Scaling: one thread against two, and four times the pixels.
$cli bench --model s-lwsr16 --scale 4 --input 320x180 --reps "$reps" --threads 1 --json "$tmp/infer16_1t.json" >/dev/null
$cli bench --model s-lwsr16 --scale 4 --train --batch 16 --patch 48 --reps "$reps" --threads 1 --json "$tmp/train16_1t.json" >/dev/null
$cli bench --model s-lwsr16 --scale 4 --input 640x360 --reps "$reps" --threads "$threads" --json "$tmp/infer16_4x.json" >/dev/null

/usr/bin/python3 - "$tmp" <<'PY'
import json, os, sys
tmp = sys.argv[1]
torch = {}
path = os.path.join(tmp, "torch.jsonl")
if os.path.exists(path):
    for line in open(path):
        r = json.loads(line)
        best = torch.get(r["case"])
        if best is None or r["median_s"] < best["median_s"]:
            torch[r["case"]] = r
cases = [("s-lwsr16 x4 inference 320x180", "infer16.json"), ("s-lwsr32 x4 inference 320x180", "infer32.json"),
         ("s-lwsr16 x4 train step batch 16 patch 48", "train16.json")]
print(f"{'case':44} {'SharpSR s':>10} {'PyTorch s':>10} {'layout':>14} {'ratio':>7}")
for name, f in cases:
    s = json.load(open(os.path.join(tmp, f)))
    t = torch.get(name)
    ratio = f"{s['median_s'] / t['median_s']:.2f}" if t else "-"
    print(f"{name:44} {s['median_s']:10.4f} {t['median_s'] if t else float('nan'):10.4f} {t['layout'] if t else '-':>14} {ratio:>7}")
print("ratio = SharpSR median / best PyTorch median (lower is better); medians of", json.load(open(os.path.join(tmp, "infer16.json")))["threads"], "thread(s)")

def med(f):
    return json.load(open(os.path.join(tmp, f)))["median_s"]
print()
print(f"SharpSR two threads vs one: inference {med('infer16_1t.json') / med('infer16.json'):.2f}x, "
      f"training step {med('train16_1t.json') / med('train16.json'):.2f}x (target >= 1.8x)")
print(f"SharpSR 640x360 vs 320x180 (4x the pixels): {med('infer16_4x.json') / med('infer16.json'):.2f}x the time (target 3.6x to 4.4x)")
for f, what in [("infer16.json", "s-lwsr16 inference"), ("train16.json", "s-lwsr16 training step")]:
    d = json.load(open(os.path.join(tmp, f)))
    print(f"{what}: {d['gflops']:.0f} GFLOP/s = {100 * d['gflops'] / d['peak_gflops']:.0f}% of the measured FMA peak "
          f"{d['peak_gflops']:.0f} GFLOP/s; {d['allocated_bytes'] / 1e6:.2f} MB allocated per run")
PY
