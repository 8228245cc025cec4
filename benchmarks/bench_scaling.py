"""Time, peak memory and output size against input size, on inputs shaped to hit the
pipeline's worst cases (not part of the test suite).

    .venv/bin/python benchmarks/bench_scaling.py                  # up to 5 MB of text
    .venv/bin/python benchmarks/bench_scaling.py --max-mb 1 --shapes single-line

Shapes, all made from the text of the shipped reports in corpus/ (so they hold the
figures, agencies and headings real reports do):

- ``single-line``: every report's text on one line with its sentence ends (。！？) removed,
  as a file that lost both its line breaks and its full stops;
- ``headings``: a Markdown file of short sections, one ``#`` heading and one short
  paragraph each (40 characters a section);
- ``paragraphs``: a .docx of one short paragraph per real sentence, repeated.

Each size runs ``govreport extract FILE --jobs 0`` (rules + model, the default) in a fresh
process; peak memory is that process's own maximum resident set, CPU seconds its own
user + system time (what compares on a busy machine). Results:
benchmarks/results/scaling.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "scaling.json"
SOURCES = ["tianhe-ip-2023.txt", "stats-communique-luoyang-2023.txt",
           "gov-work-report-hangzhou-2024.txt"]
SHAPES = ("single-line", "headings", "paragraphs")


def corpus_text() -> str:
    return "\n".join((ROOT / "corpus" / n).read_text(encoding="utf-8") for n in SOURCES)


def _repeat_to(parts: list[str], n_bytes: int, sep: str = "") -> str:
    out, size, i = [], 0, 0
    while size < n_bytes:
        p = parts[i % len(parts)]
        out.append(p)
        size += len((p + sep).encode("utf-8"))
        i += 1
    return sep.join(out)


def make_input(shape: str, n_bytes: int, folder: Path) -> tuple[Path, int]:
    """The input file and the UTF-8 size of its text."""
    text = corpus_text()
    if shape == "single-line":
        line = re.sub(r"[。！？!?\s]+", "", text)
        body = _repeat_to([line], n_bytes)
        body = body.encode("utf-8")[:n_bytes].decode("utf-8", "ignore")
        path = folder / "single-line.txt"
        path.write_text("2023年天河区知识产权工作报告" + body + "\n", encoding="utf-8")
        return path, len(path.read_bytes())
    sentences = [s for s in re.split(r"(?<=[。！？])", text.replace("\n", "")) if 8 <= len(s) <= 60]
    if shape == "headings":
        sections = [f"# 第{i}项工作\n{s[:30]}\n" for i, s in enumerate(sentences[:2000])]
        body = _repeat_to(sections, n_bytes)
        path = folder / "headings.md"
        path.write_text("2023年天河区知识产权工作报告\n" + body, encoding="utf-8")
        return path, len(path.read_bytes())
    if shape == "paragraphs":
        import docx
        d = docx.Document()
        d.add_paragraph("2023年天河区知识产权工作报告")
        paras = _repeat_to(sentences, n_bytes, sep="\n").split("\n")
        for p in paras:
            d.add_paragraph(p)
        path = folder / "paragraphs.docx"
        d.save(path)
        return path, sum(len(p.encode("utf-8")) + 1 for p in paras)
    raise ValueError(shape)


def measure(path: Path, outdir: Path, timeout: float) -> dict:
    cmd = [sys.executable, "-m", "pipeline", "extract", str(path), "-o", str(outdir), "--jobs",
           "0", "--force", "--progress", "none", "--timeout", str(timeout)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    err = proc.stderr.read().decode("utf-8", "replace").strip()
    proc.stderr.close()
    out = outdir / f"{path.name}.json"
    # CPU time as well as wall time: on a shared machine only the former compares.
    result = {"seconds": round(seconds, 2),
              "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
              "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
              "exit": os.waitstatus_to_exitcode(status)}
    if out.exists():
        obj = json.loads(out.read_bytes())
        result.update(output_bytes=out.stat().st_size, records=len(obj["records"]),
                      sections=len(obj["sections"]), chars=len(obj["document"]["text"]))
    if result["exit"] != 0:
        result["error"] = err.splitlines()[-1:] if err else []
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--max-mb", type=float, default=5.0)
    ap.add_argument("--steps", type=int, default=5, help="sizes, halving down from --max-mb")
    ap.add_argument("--shapes", nargs="+", choices=SHAPES, default=list(SHAPES))
    ap.add_argument("--timeout", type=float, default=1800.0, help="--timeout of each run")
    args = ap.parse_args()
    sizes = [int(args.max_mb * 1024 * 1024 / 2 ** k) for k in reversed(range(args.steps))]
    rows = []
    with tempfile.TemporaryDirectory(prefix="govreport-scaling-") as tmp:
        tmp = Path(tmp)
        for shape in args.shapes:
            for n in sizes:
                path, text_bytes = make_input(shape, n, tmp)
                r = {"shape": shape, "text_bytes": text_bytes, "file_bytes": path.stat().st_size,
                     **measure(path, tmp / "out", args.timeout)}
                r["output_per_text_byte"] = round(r.get("output_bytes", 0) / text_bytes, 1)
                r["mb_per_s"] = round(text_bytes / 2 ** 20 / r["seconds"], 3)
                rows.append(r)
                print(json.dumps(r, ensure_ascii=False), flush=True)
                path.unlink()
    result = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                         f"{platform.python_version()}",
              "command": "govreport extract FILE --jobs 0 (rules + model)", "runs": rows}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
