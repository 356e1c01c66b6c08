#!/usr/bin/env bash
# Time and peak resident memory of `sharpsr upscale` at x4 with the default model (auto tiling), for a photo
# of WxH saved as png or jpg. Memory does not depend on the content: random pixels in a PPM need no image
# library. Run two sizes to see time and memory scale with the pixels.
# Usage: bench/upscale_memory.sh [WxH=3000x2000] [png|jpg] [tile]
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-3000x2000}; format=${2:-png}
w=${size%x*}; h=${size#*x}
dotnet build src/SharpSR.Cli -c Release -v q -nologo >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{ printf 'P6\n%d %d\n255\n' "$w" "$h"; head -c $((w * h * 3)) /dev/urandom; } > "$tmp/in.ppm"
args=("$tmp/in.ppm" -o "$tmp/out.$format")
[ $# -ge 3 ] && args+=(--tile "$3")
/usr/bin/time -f "${w}x${h} -> $((4 * w))x$((4 * h)) $format: %e s wall, %U s user, peak resident %M KB" \
    dotnet src/SharpSR.Cli/bin/Release/net10.0/sharpsr.dll upscale "${args[@]}" > /dev/null
