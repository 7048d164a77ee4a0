"""How long `askbrief eval` takes on the SQuAD tuning file (target: under 15 s on 2 cores).

    python tests/benchmarks/bench_eval.py [QUESTIONS]

Runs the command as a user would, three times, and prints wall time and the report's own
timing figures.
"""

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

DEFAULT = Path(__file__).resolve().parent.parent / "data" / "squad2-tune.json"


def main() -> None:
    questions = sys.argv[1] if len(sys.argv) > 1 else str(DEFAULT)
    walls = []
    for _ in range(3):
        t0 = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "askbrief", "eval", questions, "--json"],
                           capture_output=True, text=True, check=True)
        walls.append(time.perf_counter() - t0)
        report = json.loads(r.stdout)
    t = report["timing"]
    print(f"eval {Path(questions).name}: {report['questions']} questions")
    print(f"  wall time      median {statistics.median(walls):.2f} s  (runs: {', '.join(f'{w:.2f}' for w in walls)})")
    print(f"  per question   p50 {t['latency_p50_ms']:.1f} ms, p95 {t['latency_p95_ms']:.1f} ms")
    print(f"  overall F1     {report['overall']['f1']:.1f}")


if __name__ == "__main__":
    main()
