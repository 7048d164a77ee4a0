"""Start-up benchmark: one-shot ``askbrief "question"`` against importing its dependencies.

Run by hand (pytest does not collect it):

    python tests/benchmarks/bench_startup.py                 # 9 runs of each, alternating
    python tests/benchmarks/bench_startup.py --runs 15 --question "Who took Gharyan?"

The target (issue 6): with a warm index cache on the bundled seeds, the one-shot wall time is
at most 1.3x that of ``python -c "import numpy, pydantic, rank_bm25, platformdirs"``. Both are
timed in the same run, alternating, and the ratio of the medians is the figure that survives a
noisy machine. Data and cache directories are a fresh temporary directory, warmed by one run
first. Bytecode is written to a temporary ``PYTHONPYCACHEPREFIX`` (also warmed) whatever
``PYTHONDONTWRITEBYTECODE`` says, as an installed askbrief would have it: ``--no-bytecode``
measures with the environment as it is instead.

Two more lines split the floor: the same imports with ``OPENBLAS_NUM_THREADS=1`` (how the
command line imports NumPy since issue 19: no BLAS thread pool, a third of NumPy's import on
two cores) and ``python -c pass`` (the interpreter alone).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

BASELINE = [sys.executable, "-c", "import numpy, pydantic, rank_bm25, platformdirs"]
INTERPRETER = [sys.executable, "-c", "pass"]
TARGET = 1.3


def _time(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one run; CPU (user + system) suffers less from a busy machine."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read()
    if proc.returncode != 0 or stderr:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {stderr.decode()[:500]}")
    return elapsed, usage.ru_utime + usage.ru_stime


def measure(question: str, runs: int, bytecode: bool = True) -> dict[str, list[tuple[float, float]]]:
    """(wall, CPU) of each run of the one-shot ``askbrief question`` and of the baseline imports,
    alternating, in a fresh temporary data/cache directory warmed first."""
    ask = [sys.executable, "-m", "askbrief", question]
    with tempfile.TemporaryDirectory(prefix="askbrief-startup-") as tmp:
        env = dict(os.environ, ASKBRIEF_DATA_DIR=os.path.join(tmp, "data"),
                   ASKBRIEF_CACHE_DIR=os.path.join(tmp, "cache"))
        env.pop("ASKBRIEF_CORPUS", None)
        if bytecode:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = os.path.join(tmp, "pycache")
        env.pop("OPENBLAS_NUM_THREADS", None)
        one_thread = dict(env, OPENBLAS_NUM_THREADS="1")
        cmds = {"askbrief": (ask, env), "baseline": (BASELINE, env), "1 thread": (BASELINE, one_thread),
                "python": (INTERPRETER, env)}
        for cmd, e in cmds.values():  # warm: the index cache, bytecode, the OS's file cache
            _time(cmd, e)
            _time(cmd, e)
        out: dict[str, list[tuple[float, float]]] = {k: [] for k in cmds}
        for _ in range(runs):
            for k, (cmd, e) in cmds.items():
                out[k].append(_time(cmd, e))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=9, help="timed runs of each command (default 9)")
    ap.add_argument("--question", default="Who took Gharyan?")
    ap.add_argument("--no-bytecode", action="store_true",
                    help="keep PYTHONDONTWRITEBYTECODE as set (sources compiled on every run)")
    args = ap.parse_args()
    runs = measure(args.question, args.runs, bytecode=not args.no_bytecode)
    wall = {k: statistics.median(w for w, _ in v) for k, v in runs.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in runs.items()}
    labels = {"askbrief": f"askbrief {args.question!r}", "baseline": BASELINE[-1],
              "1 thread": f"OPENBLAS_NUM_THREADS=1 {BASELINE[-1]}", "python": INTERPRETER[-1]}
    print(f"medians of {args.runs} runs each, alternating"
          f"{' (sources compiled every run)' if args.no_bytecode and os.environ.get('PYTHONDONTWRITEBYTECODE') else ''}")
    for k, label in labels.items():
        walls = [w for w, _ in runs[k]]
        print(f"  {k:9} wall {wall[k] * 1000:5.0f} ms (min {min(walls) * 1000:.0f}, max {max(walls) * 1000:.0f})"
              f"  cpu {cpu[k] * 1000:5.0f} ms   {label}")
    ratio = wall["askbrief"] / wall["baseline"]
    print(f"  ratio     wall {ratio:.2f}x (target <= {TARGET}x){'' if ratio <= TARGET else ' MISSED'}"
          f"   cpu {cpu['askbrief'] / cpu['baseline']:.2f}x")
    print(f"  against the imports with one BLAS thread: wall {wall['askbrief'] / wall['1 thread']:.2f}x"
          f"   cpu {cpu['askbrief'] / cpu['1 thread']:.2f}x")


if __name__ == "__main__":
    main()
