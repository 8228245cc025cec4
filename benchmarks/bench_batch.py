"""Batch throughput of ``govreport extract`` with 1 and 2 worker processes (and more with
--jobs), over a generated corpus of distinct documents.

    .venv/bin/python benchmarks/bench_batch.py [--docs 500] [--jobs 1,2] [--no-model]

The corpus: the real reports' text files (/work/shared/corpus/real, else corpus/), each
copy a different document made by shuffling its paragraphs and keeping a random share of
them (the first line, which names the region and year, stays first). Every run is a real
``govreport extract`` subprocess into an empty folder, timed end to end (worker start-up
and model loading included). Reports documents/s, characters/s, the peak memory of each
worker (its own getrusage, collected in the run manifest) and of the parent, and the
speed-up over --jobs 1; checks that every job count gives byte-identical outputs.
Writes benchmarks/results/batch.json and prints a table. Not part of the tests.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [Path("/work/shared/corpus/real"), ROOT / "corpus"]
RESULTS = ROOT / "benchmarks" / "results" / "batch.json"


def read_text(path: Path) -> str:
    data = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def make_corpus(dest: Path, n: int, seed: int = 2024) -> tuple[int, int]:
    """``n`` distinct .txt/.md documents in ``dest``; returns (files, bytes)."""
    src_dir = next(d for d in SOURCES if d.is_dir())
    sources = sorted(p for p in src_dir.iterdir() if p.suffix in (".txt", ".md"))
    texts = [(p, [ln for ln in read_text(p).splitlines() if ln.strip()]) for p in sources]
    texts = [(p, lines) for p, lines in texts if len(lines) >= 5]
    rng = random.Random(seed)
    total = 0
    for i in range(n):
        p, lines = texts[i % len(texts)]
        head, body = lines[:1], lines[1:]
        body = body[:]
        rng.shuffle(body)
        keep = max(4, int(len(body) * rng.uniform(0.4, 1.0)))
        text = "\n".join(head + body[:keep]) + "\n"
        out = dest / f"{i:04d}-{p.stem}{p.suffix}"
        out.write_text(text, encoding="utf-8")
        total += len(text.encode("utf-8"))
    return n, total


def outputs_digest(outdir: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(outdir.glob("*.json")):
        if not p.name.startswith("_"):
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def run_extract(src: Path, outdir: Path, jobs: int, use_model: bool) -> dict:
    cmd = [sys.executable, "-m", "pipeline", "extract", str(src), "-o", str(outdir),
           "--jobs", str(jobs), "--progress", "none"]
    if not use_model:
        cmd.append("--no-model")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU seconds of the run (parent and workers): on a machine busy with other work the
    # wall time says little, CPU time per document and cores used say more
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"extract failed ({proc.returncode}): {proc.stderr[-2000:]}")
    manifest = json.loads((outdir / "_run.json").read_text(encoding="utf-8"))
    if manifest.get("state") != "finished":
        raise SystemExit(f"extract --jobs {jobs} did not finish: {proc.stderr.strip()[-2000:]}")
    s = manifest["summary"]
    workers = manifest["workers"]
    peaks = [w["peak_rss_mb"] for w in workers.values()]
    return {
        "jobs": jobs, "wall_s": round(wall, 2), "documents": s["documents"], "ok": s["ok"],
        "errors": s["errors"], "records": s["records"], "chars": s["chars"],
        "docs_per_s": round(s["documents"] / wall, 2), "chars_per_s": round(s["chars"] / wall),
        "cpu_s": round(cpu, 2), "cpu_ms_per_doc": round(1000 * cpu / max(s["documents"], 1), 1),
        "cores_used": round(cpu / wall, 2),
        "workers": len(workers),
        "peak_rss_mb_per_worker": {"max": max(peaks, default=0.0),
                                   "mean": round(sum(peaks) / len(peaks), 1) if peaks else 0.0},
        # the largest process this benchmark has waited for so far (parent or worker)
        "peak_rss_mb_largest_process": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "digest": outputs_digest(outdir),
        "summary_line": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "",
    }


def bench_export(outdir: Path, db: Path) -> dict:
    """``govreport export`` of one run's outputs into a fresh SQLite file, then again."""
    times = []
    for _ in range(2):
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "pipeline", "export", str(outdir), "--db", str(db)],
                              cwd=ROOT, capture_output=True, text=True)
        times.append(round(time.perf_counter() - t0, 2))
        if proc.returncode:
            raise SystemExit(f"export failed: {proc.stderr[-2000:]}")
    import sqlite3
    with sqlite3.connect(db) as conn:
        n = conn.execute("SELECT count(*) FROM records").fetchone()[0]
    return {"first_s": times[0], "again_s": times[1], "records": n}


def model_available() -> bool:
    try:
        import pipeline.ner as ner
        ner.model_version()
        return True
    except Exception:
        return False


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=500)
    ap.add_argument("--jobs", default="1,2", help="comma-separated job counts (default 1,2)")
    ap.add_argument("--no-model", action="store_true", help="rules only")
    ap.add_argument("--keep", action="store_true", help="keep the generated corpus and outputs")
    args = ap.parse_args()
    use_model = not args.no_model and model_available()
    jobs_list = [int(j) for j in args.jobs.split(",")]

    load_before = os.getloadavg()
    tmp = Path(tempfile.mkdtemp(prefix="govreport-bench-"))
    src = tmp / "corpus"
    src.mkdir()
    n, nbytes = make_corpus(src, args.docs)
    # one snapshot of rules/ for every run, so that the runs compare byte for byte
    import shutil
    rules = tmp / "rules"
    shutil.copytree(Path(os.environ.get("GOVREPORT_RULES") or ROOT / "rules"), rules)
    os.environ["GOVREPORT_RULES"] = str(rules)
    runs = []
    for jobs in jobs_list:
        runs.append(run_extract(src, tmp / f"out-j{jobs}", jobs, use_model))
        print(f"  jobs={jobs}: {runs[-1]['summary_line']}", file=sys.stderr)
    export = bench_export(tmp / f"out-j{jobs_list[0]}", tmp / "export.sqlite")
    base = runs[0]["wall_s"]
    for r in runs:
        r["speedup"] = round(base / r["wall_s"], 2)
    identical = len({r.pop("digest") for r in runs}) == 1
    result = {
        "benchmark": "govreport extract, whole runs as subprocesses",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(),
                    # other work on the machine skews the figures, the speed-up most
                    "load_average_before": [round(x, 2) for x in load_before],
                    "load_average_after": [round(x, 2) for x in os.getloadavg()]},
        "corpus": {"documents": n, "bytes": nbytes, "made_from": str(next(d for d in SOURCES if d.is_dir())),
                   "how": "paragraphs of each real .txt/.md report shuffled, 40-100% kept"},
        "use_model": use_model,
        "identical_outputs_across_job_counts": identical,
        "runs": runs,
        "export_sqlite": export,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    print(f"\n{n} documents, {nbytes / 1e6:.1f} MB, model {'on' if use_model else 'off'}, "
          f"{os.cpu_count()} CPUs")
    head = f"{'jobs':>4} {'wall s':>8} {'docs/s':>8} {'chars/s':>10} {'records':>9} {'errors':>6} " \
           f"{'worker MB max':>13} {'cores used':>10} {'speed-up':>8}"
    print(head)
    print("-" * len(head))
    for r in runs:
        print(f"{r['jobs']:>4} {r['wall_s']:>8.1f} {r['docs_per_s']:>8.2f} {r['chars_per_s']:>10,} "
              f"{r['records']:>9,} {r['errors']:>6} {r['peak_rss_mb_per_worker']['max']:>13.0f} "
              f"{r['cores_used']:>10.2f} {r['speedup']:>8.2f}")
    print(f"load average before/after: {result['machine']['load_average_before'][0]:.2f} / "
          f"{result['machine']['load_average_after'][0]:.2f} (other work on the machine slows "
          f"the runs; with fewer free cores than jobs there is no speed-up to be had)")
    print(f"identical outputs across job counts: {identical}")
    print(f"export to SQLite: {export['first_s']:.1f} s ({export['records']:,} records), "
          f"again (unchanged): {export['again_s']:.1f} s")
    print(f"-> {RESULTS.relative_to(ROOT)}")
    if args.keep:
        print(f"kept {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
