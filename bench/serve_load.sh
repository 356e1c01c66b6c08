#!/usr/bin/env bash
# Load on `sharpsr serve` over loopback: 200 requests at concurrency 8, a third hostile (truncated PNG, a
# 100000x100000 header, random bytes, an upload over the limit, bad options, a model named as a path).
# Checks every answer (valid: the library's pixels; hostile: the exact error status), prints p50/p95 latency
# and the server's peak resident memory (target: at most 1.5 GB). Bounded: 10 minutes at most.
# Usage: bench/serve_load.sh [requests] [concurrency]
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-200} concurrency=${2:-8} port=${PORT:-5391} upload_mb=2
dotnet build src/SharpSR.Cli -c Release -v q -nologo >/dev/null
dotnet build bench/SharpSR.Benchmarks -c Release -v q -nologo >/dev/null
dotnet src/SharpSR.Cli/bin/Release/net10.0/sharpsr.dll serve --port "$port" --max-upload-mb "$upload_mb" > /tmp/sharpsr-serve-load.log 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
status=0
timeout 600 dotnet bench/SharpSR.Benchmarks/bin/Release/net10.0/SharpSR.Benchmarks.dll serve-load \
    --url "http://127.0.0.1:$port" --requests "$requests" --concurrency "$concurrency" --max-upload-mb "$upload_mb" || status=$?
if kill -0 "$server" 2>/dev/null; then
    peak_kb=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
    echo "server alive after the run; peak resident $((peak_kb / 1024)) MB (limit 1536 MB)"
    [ "$peak_kb" -le $((1536 * 1024)) ] || status=1
else
    echo "server died"; cat /tmp/sharpsr-serve-load.log; status=1
fi
exit $status
