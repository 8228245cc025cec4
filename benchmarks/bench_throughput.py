"""Throughput of the whole chain on the shipped corpus: characters per second,
text formats (txt/md/docx) and PDF separately, rules only and with the NER model.

    .venv/bin/python benchmarks/bench_throughput.py [--repeat N] [--corpus DIR]

Writes benchmarks/results/throughput.json and prints a table. Each file is processed
once to warm up (jieba dictionary, rules, model), then timed ``--repeat`` times; the
best run counts (least disturbed by other load on the machine).
"""
from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

from pipeline.process import process_file, warm_up

ROOT = Path(__file__).resolve().parent.parent
GROUPS = {"text (txt/md/docx)": (".txt", ".md", ".docx"), "pdf": (".pdf",)}


def bench(files, use_model: bool, repeat: int) -> dict:
    chars = records = 0
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        c = r = 0
        for f in files:
            out = process_file(f, use_model=use_model)
            c += len(out["document"]["text"])
            r += len(out["records"])
        best = min(best, time.perf_counter() - t0)
        chars, records = c, r
    return {"files": len(files), "chars": chars, "records": records, "seconds": round(best, 3),
            "chars_per_s": round(chars / best), "docs_per_s": round(len(files) / best, 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--corpus", default=str(ROOT / "corpus"))
    args = ap.parse_args()
    files = sorted(p for p in Path(args.corpus).iterdir() if p.is_file())
    modes = [("rules only", False)]
    try:
        warm_up(use_model=True)
        modes.append(("rules + model", True))
    except Exception as e:          # no model shipped in this tree
        print(f"(model not available: {e})")
        warm_up(use_model=False)
    results = {"machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
               "python": platform.python_version(), "repeat": args.repeat, "runs": []}
    print(f"{'group':22} {'mode':14} {'files':>5} {'chars':>8} {'seconds':>8} {'chars/s':>9}")
    for group, suffixes in GROUPS.items():
        chosen = [f for f in files if f.suffix.lower() in suffixes]
        if not chosen:
            continue
        for mode, use_model in modes:
            for f in chosen:                       # warm-up pass
                process_file(f, use_model=use_model)
            r = bench(chosen, use_model, args.repeat)
            r.update(group=group, mode=mode)
            results["runs"].append(r)
            print(f"{group:22} {mode:14} {r['files']:>5} {r['chars']:>8} {r['seconds']:>8} {r['chars_per_s']:>9}")
    out = ROOT / "benchmarks" / "results" / "throughput.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
