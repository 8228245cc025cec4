"""End-to-end cost of the NER model: process_file with and without it over corpus/.

    .venv/bin/python benchmarks/bench_ner.py [--repeat N] [--corpus DIR]

Loads the model once (its load time is reported apart), warms every file up once in
each mode, then times ``--repeat`` passes over all files per mode and keeps the best
(least disturbed by other load on the machine). Also reports how many sentences the
model read (only candidate sentences go to it: pipeline.ner.candidate) and its own
time inside a pass. Writes benchmarks/results/ner.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def model_share(files) -> dict:
    """Time spent in apply_model alone, and the sentences it read, over one pass."""
    import pipeline.ner as ner
    from pipeline.ingest import read_document
    from pipeline.process import process_document
    sentences = read = 0
    seconds = 0.0
    by_source = {"rule": 0, "model": 0, "both": 0}
    added = []
    for f in files:
        doc = read_document(f)
        process_document(doc, use_model=False)
        sentences += len(doc.sentences)
        read += len(ner.sentences_to_read(doc))
        t0 = time.perf_counter()
        ner.apply_model(doc)
        seconds += time.perf_counter() - t0
        for r in doc.records:
            if r.type in ("agency", "case"):
                by_source[r.source] += 1
                if r.source == "model":
                    added.append(f"{f.name}: {doc.text[r.start:r.end]}")
    return {"sentences": sentences, "sentences_read_by_model": read,
            "apply_model_seconds": round(seconds, 3), "agency_case_records_by_source": by_source,
            "added_by_model": added}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--corpus", default=str(ROOT / "corpus"))
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "ner.json"))
    args = ap.parse_args()
    files = sorted(p for p in Path(args.corpus).iterdir()
                   if p.is_file() and p.suffix.lower() in (".txt", ".md", ".docx", ".pdf"))

    from bench_throughput import bench               # the same timed pass as the throughput benchmark

    from pipeline.ner import load_model, model_version
    from pipeline.process import process_file, warm_up
    warm_up(use_model=False)
    t0 = time.perf_counter()
    load_model()
    load_s = time.perf_counter() - t0

    runs = {}
    for mode, use_model in (("rules only (--no-model)", False), ("rules + model (default)", True)):
        for f in files:                                  # warm-up pass
            process_file(f, use_model=use_model)
        runs[mode] = bench(files, use_model, args.repeat)
    base, with_model = runs["rules only (--no-model)"], runs["rules + model (default)"]
    result = {
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "cpus": os.cpu_count(), "python": platform.python_version(),
        "model_version": model_version(), "model_load_seconds": round(load_s, 3),
        "repeat": args.repeat, "corpus": os.path.relpath(args.corpus, ROOT),
        "runs": runs,
        "model_overhead": round(with_model["seconds"] / base["seconds"] - 1, 3),
        "model_pass": model_share(files),
    }
    print(f"{'mode':26} {'files':>5} {'chars':>8} {'seconds':>8} {'chars/s':>9} {'records':>8}")
    for mode, r in runs.items():
        print(f"{mode:26} {r['files']:>5} {r['chars']:>8} {r['seconds']:>8} {r['chars_per_s']:>9} {r['records']:>8}")
    print(f"model load {load_s:.2f}s; overhead {result['model_overhead']:+.0%}; "
          f"model read {result['model_pass']['sentences_read_by_model']} of "
          f"{result['model_pass']['sentences']} sentences in {result['model_pass']['apply_model_seconds']}s")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
