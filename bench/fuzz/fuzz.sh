#!/usr/bin/env bash
# Coverage-guided fuzzing of SharpSR's parsers: SharpFuzz-instrumented assemblies under AFL++, one target
# at a time, at low priority. Resumable: each call continues every target's findings where the last call
# stopped, until the target has --goal executions. Never run by CI.
#
#   bench/fuzz/fuzz.sh [--minutes M] [--goal N] [--timeout-ms T] [TARGET...]
#       M: wall-clock minutes per target in this call (default 10); N: executions per target (default 1,000,000);
#       T: an input running longer than this is a hang (default 1000). Targets: all (see `list`) unless named.
#   bench/fuzz/fuzz.sh --report      the ledger and the triage of every saved crash and hang
#
# Needs: the .NET SDK, afl-fuzz (Debian/Ubuntu package afl++), the SharpFuzz.CommandLine tool
# (`dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0`).
# Work folder: bench/fuzz/work (or $FUZZ_WORK): bin/ (instrumented), plain/ (not instrumented: seeds, triage),
# seeds/<target>/, findings/<target>/ (AFL's output: queue, crashes, hangs, fuzzer_stats), saved/<target>/ (every
# crash and hang ever found), ledger.tsv (one row per session; its crash and hang counts are that session's).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${FUZZ_WORK:-$ROOT/bench/fuzz/work}
PROJECT=$ROOT/bench/fuzz/SharpSR.Fuzz
MINUTES=10
GOAL=1000000
TIMEOUT_MS=1000
REPORT=0
TARGETS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) MINUTES=$2; shift 2 ;;
    --goal) GOAL=$2; shift 2 ;;
    --timeout-ms) TIMEOUT_MS=$2; shift 2 ;;
    --report) REPORT=1; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) TARGETS+=("$1"); shift ;;
  esac
done
export PATH="$PATH:$HOME/.dotnet/tools"
mkdir -p "$WORK"
PLAIN="$WORK/plain/SharpSR.Fuzz.dll"
LEDGER="$WORK/ledger.tsv"

stat_of() { # stat_of FILE KEY -> value from AFL's fuzzer_stats
  { sed -n "s/^$2 *: *//p" "$1" 2>/dev/null || true; } | head -1
}

# AFL++ empties crashes/ and hangs/ when it resumes a target: every finding is copied to saved/<target>/ first.
keep_findings() {
  local kind d
  for kind in crashes hangs; do
    d="$WORK/findings/$1/default/$kind"
    [ -d "$d" ] || continue
    mkdir -p "$WORK/saved/$1/$kind"
    find "$d" -name 'id:*' -exec cp -n {} "$WORK/saved/$1/$kind/" \;
  done
}

# Re-runs every saved crash and hang in the plain build: prints what each one is (a crash that no longer
# reproduces, or a "hang" that finishes fast, was noise from a loaded machine).
triage() {
  local t=$1 dir="$WORK/saved/$t"
  keep_findings "$t"
  for kind in crashes hangs; do
    local files=("$dir/$kind"/id:*)
    if [ -e "${files[0]}" ]; then
      echo "  $kind of $t:"
      dotnet "$PLAIN" replay "$t" "${files[@]}" | sed 's/^/    /' || true
    fi
  done
}

# (Re)build when a source changed since the last instrumented build (e.g. after fixing a finding).
if [ ! -f "$WORK/bin/.instrumented" ] || [ ! -f "$PLAIN" ] \
   || [ -n "$(find "$ROOT/src" "$PROJECT" -name '*.cs' -newer "$WORK/bin/.instrumented" -print -quit)" ]; then
  command -v afl-fuzz >/dev/null || { echo "fuzz.sh: afl-fuzz not found (apt-get install afl++)" >&2; exit 1; }
  command -v sharpfuzz >/dev/null || { echo "fuzz.sh: sharpfuzz not found (dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0)" >&2; exit 1; }
  rm -rf "$WORK/bin" "$WORK/plain"
  nice dotnet publish "$PROJECT" -c Release -o "$WORK/plain" --nologo -v q
  cp -r "$WORK/plain" "$WORK/bin"
  # Only SharpSR's own assemblies carry the coverage probes (the harness, SharpFuzz and the BCL do not).
  for dll in "$WORK"/bin/SharpSR.*.dll; do
    [ "$(basename "$dll")" = SharpSR.Fuzz.dll ] && continue
    sharpfuzz "$dll"
  done
  touch "$WORK/bin/.instrumented"
fi
[ -d "$WORK/seeds" ] || dotnet "$PLAIN" seeds "$WORK/seeds" "$ROOT"
[ ${#TARGETS[@]} -gt 0 ] || mapfile -t TARGETS < <(dotnet "$PLAIN" list | awk '{print $1}')
[ -f "$LEDGER" ] || printf 'utc\ttarget\tseconds\texecs_total\tcorpus\tcrashes\thangs\texecs_per_sec\n' > "$LEDGER"

if [ $REPORT = 1 ]; then
  column -t -s $'\t' "$LEDGER"
  for t in "${TARGETS[@]}"; do triage "$t"; done
  exit 0
fi

for t in "${TARGETS[@]}"; do
  stats="$WORK/findings/$t/default/fuzzer_stats"
  done_so_far=$(stat_of "$stats" execs_done); done_so_far=${done_so_far:-0}
  if [ "$done_so_far" -ge "$GOAL" ]; then echo "$t: $done_so_far executions, goal reached"; continue; fi
  input="$WORK/seeds/$t"
  [ -d "$WORK/findings/$t/default/queue" ] && input=-   # resume from the saved queue
  keep_findings "$t"
  echo "$t: $done_so_far executions so far; fuzzing for $MINUTES min"
  mkdir -p "$WORK/findings"
  start=$(date +%s)
  # AFL_NO_AFFINITY: the machine is shared; AFL_SKIP_BIN_CHECK: the target is `dotnet`, not an afl-cc binary.
  AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_AUTORESUME=1 \
  AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_FAST_CAL=1 DOTNET_TieredPGO=0 \
    timeout -k 30 $((MINUTES * 60 + 180)) nice -n 15 \
    afl-fuzz -i "$input" -o "$WORK/findings/$t" -t "$TIMEOUT_MS" -m none -V $((MINUTES * 60)) -E "$GOAL" \
    -- dotnet "$WORK/bin/SharpSR.Fuzz.dll" fuzz "$t" > "$WORK/afl_$t.log" 2>&1 || {
      echo "$t: afl-fuzz stopped with an error; last lines of $WORK/afl_$t.log:"; tail -5 "$WORK/afl_$t.log"; }
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" $(( $(date +%s) - start )) \
    "$(stat_of "$stats" execs_done)" "$(stat_of "$stats" corpus_count)" "$(stat_of "$stats" saved_crashes)" \
    "$(stat_of "$stats" saved_hangs)" "$(stat_of "$stats" execs_per_sec)" >> "$LEDGER"
  tail -1 "$LEDGER"
  triage "$t"
done
