#!/usr/bin/env bash
# SharpSR against the CPU runtimes a .NET or Python user would pick instead, in one run on this machine:
# for every network (x4, one WxH input, N threads each) SharpSR (`sharpsr bench`: the network's fastest
# inference path), ONNX Runtime (in-process from C#, on the ONNX model `sharpsr export` writes), LibTorch
# through TorchSharp (in-process from C#, TorchScript traced by PyTorch 1.13 from our reference ports;
# NCHW and channels_last) and PyTorch 1.13 (NCHW and channels_last); then the s-lwsr16 training step
# (batch 16 of 48x48) against PyTorch 1.13 and LibTorch. Medians; prints every ratio SharpSR / fastest peer.
# ONNX Runtime and LibTorch run the same weights as the PyTorch reference, and their outputs are checked
# against it. Usage: bench/peers.sh [reps] [threads] [WxH] [net,net,...]   (work folder: $PEERS_DIR)
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-5}
threads=${2:-2}
size=${3:-320x180}
nets=${4:-s-lwsr16,s-lwsr32,g-idrn,pan,imdn,e-rfdn,urnet,carn-m,span,rlfn}
dir=${PEERS_DIR:-${TMPDIR:-/tmp}/sharpsr-peers}
py=/usr/bin/python3
if ! $py -c "import torch" 2>/dev/null; then
    echo "PyTorch not importable by $py: the peers need it (apt-get install python3-torch)"; exit 1
fi
mkdir -p "$dir"
echo "building..." >&2
dotnet build src/SharpSR.Cli -c Release -v q -nologo >/dev/null
dotnet build bench/SharpSR.Benchmarks -c Release -v q -nologo >/dev/null
cli="dotnet src/SharpSR.Cli/bin/Release/net10.0/sharpsr.dll"
peers="bench/SharpSR.Benchmarks/bin/Release/net10.0/SharpSR.Benchmarks peers"

# Trace once per reference change, size and network list: it takes a while and is not timed.
stamp="$size $nets $(cat tests/fixtures/gen/torch_*.py bench/peers/*.py | sha1sum | cut -c1-12)"
if [ "$(cat "$dir/stamp" 2>/dev/null)" != "$stamp" ]; then
    echo "tracing the PyTorch references into $dir..." >&2
    w=${size%x*}; h=${size#*x}
    $py bench/peers/trace_peers.py "$dir" --width "$w" --height "$h" --nets "$nets" 2> "$dir/trace.log"
    for net in ${nets//,/ }; do
        $cli export --model "$dir/$net.safetensors" --scale 4 --onnx "$dir/$net.onnx" >> "$dir/trace.log"
    done
    echo "$stamp" > "$dir/stamp"
fi

start=$(date +%s)
echo "SharpSR..." >&2
rm -f "$dir"/sharpsr.*
for net in ${nets//,/ }; do
    $cli bench --model "$net" --scale 4 --input "$size" --reps "$reps" --threads "$threads" --json "$dir/sharpsr.$net.json" > "$dir/sharpsr.$net.txt"
done
$cli bench --model s-lwsr16 --scale 4 --train --batch 16 --patch 48 --reps "$reps" --threads "$threads" --json "$dir/sharpsr.train.json" > "$dir/sharpsr.train.txt"
echo "ONNX Runtime..." >&2
$peers ort "$dir" --nets "$nets" --threads "$threads" --reps "$reps" > "$dir/ort.jsonl"
if [[ ",$nets," == *",g-idrn,"* ]]; then
    $peers ort-torch-export "$dir" --nets g-idrn --threads "$threads" --reps "$reps" > "$dir/ort_torch_export.jsonl"
fi
echo "LibTorch..." >&2
$peers libtorch "$dir" --nets "$nets" --threads "$threads" --reps "$reps" > "$dir/libtorch.jsonl"
$peers libtorch-train "$dir" --threads "$threads" --reps "$reps" > "$dir/libtorch_train.jsonl"
echo "PyTorch..." >&2
$py bench/torch_models.py --nets "$nets" --input "$size" --reps "$reps" --threads "$threads" > "$dir/torch.jsonl"
end=$(date +%s)

$py bench/peers/report.py "$dir" "$nets" "$size" "$threads" "$reps" "$start" "$end"
