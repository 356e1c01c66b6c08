#!/usr/bin/env python3
"""Fault injection on `sharpsr train`: SIGKILL at random moments, a full disk during a checkpoint, a loss
that blows up. Standard library only; run from the repository root, outside CI (a few minutes):

    python3 bench/train_faults.py [--kills 30] [--iterations 300] [--seed 1] [--work DIR] [--no-build]
    python3 bench/train_faults.py --only disk      (or: kills, nan)

1. kills: one uninterrupted reference run; then the same run killed with SIGKILL at --kills random moments
   (every third one the moment a checkpoint's temp file appears, i.e. during the write) and resumed with
   `train --resume` each time. Every resume must succeed and the final state (weights and Adam moments) and the
   log's iteration/loss/lr columns must be bit-identical to the reference.
2. disk: the run folder on a small tmpfs (needs root: mount); the process is paused after a checkpoint, the
   disk is filled, the process resumed: the next checkpoint must fail with one clear line and a non-zero exit,
   the previous checkpoint must be byte-identical and resumable once space is freed.
3. nan: the learning rate is multiplied by 1e9 at iteration 20: the run must stop with one line naming the
   kept checkpoint, whose weights are finite and from an iteration before the blow-up.
Prints a summary and writes it as JSON to WORK/summary.json. Exit status 1 when any check fails.
"""
import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import struct
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = os.path.join(ROOT, "src", "SharpSR.Cli", "bin", "Release", "net10.0", "sharpsr.dll")
FAILURES = []


def check(ok, what):
    print(("  ok    " if ok else "  FAIL  ") + what, flush=True)
    if not ok:
        FAILURES.append(what)
    return ok


def data_dir():
    for base in (os.environ.get("SHARPSR_DATA"), os.path.join(ROOT, "..", "shared", "datasets")):
        if base and os.path.isdir(os.path.join(base, "Set5", "HR")):
            return os.path.abspath(os.path.join(base, "Set5", "HR"))
    return os.path.join(ROOT, "samples")   # astronaut.png: one 512x512 photo is enough for a tiny run


def read_safetensors(path):
    """(metadata, {name: raw bytes}) of a safetensors file."""
    with open(path, "rb") as f:
        blob = f.read()
    n = struct.unpack("<Q", blob[:8])[0]
    header = json.loads(blob[8:8 + n])
    data = blob[8 + n:]
    meta = header.pop("__metadata__", {})
    return meta, {k: data[v["data_offsets"][0]:v["data_offsets"][1]] for k, v in header.items()}


def checkpoint_iteration(run, name="state.safetensors"):
    try:
        return int(read_safetensors(os.path.join(run, name))[0]["iteration"])
    except (OSError, ValueError, KeyError, struct.error):
        return None


def temp_files(run):
    return [f for f in os.listdir(run) if f.startswith(".") and f.endswith(".tmp")] if os.path.isdir(run) else []


def log_columns(run):
    """iteration, loss, lr of every row (elapsed time differs between runs by nature)."""
    with open(os.path.join(run, "log.csv")) as f:
        return [tuple(line.split(",")[:3]) for line in f.read().splitlines()[1:]]


def sharpsr(*args):
    return ["dotnet", CLI, *args]


def launch(args, log):
    return subprocess.Popen(sharpsr(*args), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def write_config(path, data, iterations, **extra):
    cfg = {"model": "s-lwsr16", "scale": 4, "trainDirs": [data], "iterations": iterations, "batchSize": 4,
           "patchSize": 24, "learningRate": 5e-4, "checkpointEvery": 5, "logEvery": 5, "validateEvery": 1000000, "seed": 7}
    cfg.update(extra)
    with open(path, "w") as f:
        json.dump(cfg, f)
    return path


def run_kills(work, data, kills, iterations, rng):
    print(f"== SIGKILL at {kills} random moments, {iterations} iterations, checkpoint every 5", flush=True)
    cfg = write_config(os.path.join(work, "kills.json"), data, iterations)
    ref, run = os.path.join(work, "ref"), os.path.join(work, "faulted")
    t0 = time.time()
    r = subprocess.run(sharpsr("train", "--config", cfg, "--run", ref), capture_output=True, text=True)
    ref_seconds = time.time() - t0
    check(r.returncode == 0, f"uninterrupted run finished ({ref_seconds:.0f} s)")

    stats = {"kills": 0, "during_checkpoint_write": 0, "orphan_temp_files_seen": 0, "before_first_checkpoint": 0,
             "resumes_started": 0, "resumes_confirmed": 0, "reference_seconds": round(ref_seconds, 1)}
    log_path = os.path.join(work, "faulted.log")
    moments = []
    with open(log_path, "w") as log:
        while stats["kills"] < kills:
            fresh = checkpoint_iteration(run) is None
            args = ["train", "--config", cfg, "--run", run] if fresh else ["train", "--resume", run]
            before = checkpoint_iteration(run)
            log.write(f"\n### launch {' '.join(args[1:])} (checkpoint {before})\n")
            log.flush()
            mark = os.path.getsize(log_path)
            temps_before = set(temp_files(run))
            p = launch(args, log)
            if not fresh:
                stats["resumes_started"] += 1
            # Three kinds of moment in turn: any time from launch (start-up, data loading, resume included),
            # a random time once iterations run, and the moment a checkpoint's temp file appears.
            kind = stats["kills"] % 3
            in_write = kind == 2
            deadline = time.time() + (30 if in_write or kind == 1 else rng.uniform(0.3, 8.0))
            training_delay = rng.uniform(0.0, 6.0) if kind == 1 else None
            killed_in_write = False
            while time.time() < deadline and p.poll() is None:
                if in_write and temp_files(run):
                    killed_in_write = True
                    break
                if training_delay is not None:
                    with open(log_path) as f:
                        f.seek(mark)
                        if "training images" in f.read():
                            deadline = time.time() + training_delay
                            training_delay = None
                time.sleep(0.001 if in_write else 0.02)
            if p.poll() is not None:
                log.write(f"### exited {p.returncode} before the kill\n")
                if p.returncode == 0:
                    break   # the run completed before this kill (raise --iterations for more kills)
                check(False, f"process exited {p.returncode} on its own (see {log_path})")
                break
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            stats["kills"] += 1
            orphan = bool(set(temp_files(run)) - temps_before)   # this kill cut a write short
            stats["orphan_temp_files_seen"] += orphan
            stats["during_checkpoint_write"] += killed_in_write
            with open(log_path) as f:
                f.seek(mark)
                out = f.read()
            if not fresh and "resuming" in out:
                stats["resumes_confirmed"] += 1
            if fresh:
                stats["before_first_checkpoint"] += checkpoint_iteration(run) is None
            moments.append({"checkpoint_before": before, "checkpoint_after": checkpoint_iteration(run),
                            "in_write": killed_in_write, "temp_file_left": orphan})
            log.write(f"### SIGKILL (in checkpoint write: {killed_in_write}, temp file left: {orphan})\n")
        log.write("\n### final resume\n")
        log.flush()
        p = launch(["train", "--resume", run], log)
        rc = p.wait()
    stats["final_resume_exit"] = rc
    check(rc == 0, f"final resume completed ({stats['kills']} kills, {stats['during_checkpoint_write']} during a checkpoint write, "
                   f"{stats['orphan_temp_files_seen']} left a temp file behind)")
    check(stats["kills"] >= kills, f"{stats['kills']} kills >= {kills}")
    check(not temp_files(run), "no temp files left after the final resume")
    with open(log_path) as f:
        text = f.read()
    check("Unhandled" not in text and "   at " not in text, "no stack trace in any session's output")
    if os.path.exists(os.path.join(run, "state.safetensors")) and os.path.exists(os.path.join(ref, "state.safetensors")):
        (mr, tr), (mf, tf) = read_safetensors(os.path.join(ref, "state.safetensors")), read_safetensors(os.path.join(run, "state.safetensors"))
        same = tr.keys() == tf.keys() and all(tr[k] == tf[k] for k in tr)
        weights = [k for k in tr if not k.startswith("optim:")]
        stats["tensors_compared"] = len(tr)
        stats["weight_tensors"] = len(weights)
        stats["bytes_compared"] = sum(len(v) for v in tr.values())
        check(mr["iteration"] == mf["iteration"] == str(iterations), f"both at iteration {iterations}")
        check(same, f"final weights and Adam moments bit-identical ({len(weights)} weight tensors, {len(tr)} tensors, {stats['bytes_compared']:,} bytes)")
        _, mref = read_safetensors(os.path.join(ref, "model.safetensors"))
        _, mrun = read_safetensors(os.path.join(run, "model.safetensors"))
        check(mref == mrun, "model.safetensors tensors bit-identical")
        check(log_columns(ref) == log_columns(run), f"log.csv iteration/loss/lr columns identical ({len(log_columns(ref))} rows)")
    stats["moments"] = moments
    return stats


def run_disk(work, data, iterations):
    print("== full disk during a checkpoint (tmpfs)", flush=True)
    mnt = os.path.join(work, "tmpfs")
    os.makedirs(mnt, exist_ok=True)
    m = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mnt], capture_output=True, text=True)
    if m.returncode != 0:
        print("  skipped: cannot mount a tmpfs here: " + m.stderr.strip(), flush=True)
        return {"skipped": m.stderr.strip()}
    stats = {}
    try:
        run = os.path.join(mnt, "run")
        cfg = write_config(os.path.join(work, "disk.json"), data, iterations)
        p = subprocess.Popen(sharpsr("train", "--config", cfg, "--run", run), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        while (checkpoint_iteration(run) or 0) < 10 and p.poll() is None:
            time.sleep(0.05)
        os.kill(p.pid, signal.SIGSTOP)
        time.sleep(0.2)
        # Freeze it between checkpoints (state and model of one iteration written), never mid-write.
        while temp_files(run) or checkpoint_iteration(run) != checkpoint_iteration(run, "model.safetensors"):
            os.kill(p.pid, signal.SIGCONT)
            time.sleep(0.01)
            os.kill(p.pid, signal.SIGSTOP)
        kept_iteration = checkpoint_iteration(run)
        with open(os.path.join(run, "state.safetensors"), "rb") as f:
            kept_hash = hashlib.sha256(f.read()).hexdigest()
        # Leave 256 KiB: log rows still fit, the next state file (about 1.7 MB) does not.
        filler = os.path.join(mnt, "filler")
        st = os.statvfs(mnt)
        with open(filler, "wb") as f:
            f.write(b"\0" * max(0, st.f_bavail * st.f_frsize - 256 * 1024))
        os.kill(p.pid, signal.SIGCONT)
        out, err = p.communicate(timeout=600)
        err_lines = [line for line in err.splitlines() if line.strip()]
        stats.update(exit=p.returncode, stderr=err_lines, kept_iteration=kept_iteration)
        print(f"  stderr: {err_lines}", flush=True)
        check(p.returncode == 1, f"stopped with exit 1 (got {p.returncode})")
        check(len(err_lines) == 1 and err_lines[0].startswith("error: ") and "No space left" in err_lines[0]
              and "state.safetensors" in err_lines[0], "one clear error line naming the checkpoint file and the full disk")
        with open(os.path.join(run, "state.safetensors"), "rb") as f:
            check(hashlib.sha256(f.read()).hexdigest() == kept_hash, f"checkpoint of iteration {kept_iteration} byte-identical")
        check(not temp_files(run), "no temp file left on the full disk")
        os.remove(filler)
        r = subprocess.run(sharpsr("train", "--resume", run, "--iterations", str(kept_iteration + 10)), capture_output=True, text=True)
        check(r.returncode == 0 and f"at iteration {kept_iteration}" in r.stdout, "after freeing space the run resumes from the kept checkpoint")
    finally:
        subprocess.run(["umount", mnt])
    return stats


def run_nan(work, data):
    print("== loss blows up at iteration 20", flush=True)
    run = os.path.join(work, "nan")
    cfg = write_config(os.path.join(work, "nan.json"), data, 200, lrMilestones=[20], lrGamma=1e9)
    r = subprocess.run(sharpsr("train", "--config", cfg, "--run", run), capture_output=True, text=True)
    err_lines = [line for line in r.stderr.splitlines() if line.strip()]
    print(f"  stderr: {err_lines}", flush=True)
    kept = checkpoint_iteration(run)
    check(r.returncode == 1, f"stopped with exit 1 (got {r.returncode})")
    check(len(err_lines) == 1 and "training diverged" in err_lines[0] and f"iteration {kept}" in err_lines[0],
          "one line naming the divergence and the kept checkpoint")
    _, tensors = read_safetensors(os.path.join(run, "state.safetensors"))
    finite = all(all(abs(x) < float("inf") and x == x for x in struct.unpack(f"<{len(b) // 4}f", b)) for b in tensors.values())
    check(kept is not None and 20 <= kept and finite, f"kept checkpoint (iteration {kept}) has finite weights and moments")
    check(not temp_files(run), "no temp file left")
    return {"exit": r.returncode, "stderr": err_lines, "kept_iteration": kept}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kills", type=int, default=30)
    ap.add_argument("--iterations", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", default=os.path.join(ROOT, ".tmp", "train_faults"))
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--only", choices=["kills", "disk", "nan"])
    a = ap.parse_args()
    if not a.no_build:
        subprocess.run(["dotnet", "build", os.path.join(ROOT, "src", "SharpSR.Cli"), "-c", "Release", "--nologo", "-v", "q"], check=True)
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    data = data_dir()
    print(f"training data: {data}", flush=True)
    summary = {"data": data}
    if a.only in (None, "kills"):
        summary["kills"] = run_kills(a.work, data, a.kills, a.iterations, random.Random(a.seed))
    if a.only in (None, "disk"):
        summary["disk"] = run_disk(a.work, data, a.iterations)
    if a.only in (None, "nan"):
        summary["nan"] = run_nan(a.work, data)
    summary["failures"] = FAILURES
    with open(os.path.join(a.work, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print(f"{len(FAILURES)} failed check(s); summary in {os.path.join(a.work, 'summary.json')}")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
