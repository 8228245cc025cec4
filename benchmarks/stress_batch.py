"""Run the batch tests many times in a row to catch rare hangs (not part of the suite).

    .venv/bin/python benchmarks/stress_batch.py                 # 50 runs of tests/test_batch.py
    .venv/bin/python benchmarks/stress_batch.py --runs 10 -k "crashing or killed"

Each run is one pytest process with a wall-clock limit; a run past it counts as a hang
(its process group is killed, and the test names still running are reported from
pytest's verbose log). Results: benchmarks/results/stress_batch.json.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "stress_batch.json"


def one_run(tests: str, select: str | None, limit_s: float) -> dict:
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-v", "-x", tests]
    if select:
        cmd += ["-k", select]
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=limit_s)
        outcome = "passed" if proc.returncode == 0 else "failed"
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        outcome = "hang"
    lines = out.splitlines()
    last_test = next((ln.split(" ")[0] for ln in reversed(lines) if "::" in ln), None)
    failed = [ln for ln in lines if ln.startswith("FAILED")]
    return {"outcome": outcome, "seconds": round(time.monotonic() - t0, 1),
            "last_test": last_test if outcome == "hang" else None, "failed": failed}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--tests", default="tests/test_batch.py")
    ap.add_argument("-k", dest="select", default=None, help="pytest -k expression")
    ap.add_argument("--limit", type=float, default=900.0, help="seconds before a run is a hang")
    args = ap.parse_args()
    runs = []
    for i in range(args.runs):
        r = one_run(args.tests, args.select, args.limit)
        runs.append(r)
        print(f"run {i + 1}/{args.runs}: {r['outcome']} in {r['seconds']} s"
              + (f" (stuck in {r['last_test']})" if r["last_test"] else "")
              + "".join(f"\n  {f}" for f in r["failed"]), flush=True)
    counts = {k: sum(r["outcome"] == k for r in runs) for k in ("passed", "failed", "hang")}
    result = {"tests": args.tests, "select": args.select, "runs": args.runs, **counts,
              "max_seconds": max(r["seconds"] for r in runs),
              "details": [r for r in runs if r["outcome"] != "passed"]}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "details"}))
    return 0 if counts["passed"] == args.runs else 1


if __name__ == "__main__":
    sys.exit(main())
