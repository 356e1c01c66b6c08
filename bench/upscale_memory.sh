#!/usr/bin/env bash
# Time and peak resident memory of `sharpsr upscale` on a 1920x1080 photo at x4 with the default model
# (auto tiling). Target: under 2 GB. Usage: bench/upscale_memory.sh [tile]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/SharpSR.Cli -c Release -v q -nologo >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Memory does not depend on the content: random pixels in a PPM need no image library.
{ printf 'P6\n1920 1080\n255\n'; head -c $((1920 * 1080 * 3)) /dev/urandom; } > "$tmp/in.ppm"
args=("$tmp/in.ppm" -o "$tmp/out.png")
[ $# -ge 1 ] && args+=(--tile "$1")
/usr/bin/time -f "1920x1080 -> 7680x4320: %e s wall, peak resident %M KB" \
    dotnet src/SharpSR.Cli/bin/Release/net10.0/sharpsr.dll upscale "${args[@]}" > /dev/null
