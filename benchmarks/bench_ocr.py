"""OCR throughput: seconds per scanned PDF page, and how many figures survive the scan.

    .venv/bin/python benchmarks/bench_ocr.py [--pages 1,2,7] [--repeat 1] [--pdf FILE]

Makes an image-only PDF from pages of a real report (each page rendered at 200 dpi and
saved back as a PDF page, as a scanner would), loads the OCR engine once (reported apart),
then reads each page with ``pipeline.ingest.ocr.ocr_page`` ``--repeat`` times and keeps the
best. Reports wall and CPU seconds per page (on a shared machine the CPU time is the
steadier figure; the load average is recorded), and, for the whole scanned file through
``process_file``, the quantity records that match those of the text-layer pages (value
and unit). Writes benchmarks/results/ocr.json. Not part of the tests: OCR is seconds of
CPU per page.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCAN_DPI = 200


def make_pdfs(src: Path, pages: list[int], tmp: Path) -> tuple[Path, Path]:
    """(text-layer PDF of ``pages``, image-only PDF of the same pages)."""
    import pypdfium2
    doc = pypdfium2.PdfDocument(str(src))
    text = pypdfium2.PdfDocument.new()
    text.import_pages(doc, [p - 1 for p in pages])
    text.save(str(tmp / "text.pdf"))
    images = [doc[p - 1].render(scale=SCAN_DPI / 72).to_pil().convert("RGB") for p in pages]
    images[0].save(tmp / "scan.pdf", resolution=SCAN_DPI, save_all=True, append_images=images[1:])
    return tmp / "text.pdf", tmp / "scan.pdf"


def figures(out: dict) -> Counter:
    return Counter((r["value"], r["unit"]) for r in out["records"] if r["type"] == "quantity")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pdf", default=str(ROOT / "corpus" / "stats-communique-zhoukou-2023.pdf"))
    ap.add_argument("--pages", default="1,2,7", help="1-based pages of --pdf to scan")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "ocr.json"))
    args = ap.parse_args()
    pages = [int(p) for p in args.pages.split(",")]

    from pipeline.ingest import ocr
    from pipeline.process import process_file, warm_up
    warm_up(use_model=False)
    t0 = time.perf_counter()
    ocr._engine()
    load_s = time.perf_counter() - t0

    with tempfile.TemporaryDirectory(prefix="bench-ocr-") as tmp:
        text_pdf, scan_pdf = make_pdfs(Path(args.pdf), pages, Path(tmp))
        per_page = []
        for i, page in enumerate(pages):
            best_wall = best_cpu = float("inf")
            for _ in range(args.repeat):
                w, c = time.perf_counter(), time.process_time()
                lines = ocr.ocr_page(scan_pdf, i)
                best_wall = min(best_wall, time.perf_counter() - w)
                best_cpu = min(best_cpu, time.process_time() - c)
            per_page.append({"page": page, "lines": len(lines),
                             "chars": sum(len(ln["text"]) for ln in lines),
                             "wall_seconds": round(best_wall, 2), "cpu_seconds": round(best_cpu, 2)})
        want = figures(process_file(text_pdf, use_model=False))
        w = time.perf_counter()
        scanned = process_file(scan_pdf, use_model=False)
        file_s = time.perf_counter() - w
        got = figures(scanned)

    n = len(per_page)
    result = {
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "cpus": os.cpu_count(), "load_average_1min": round(os.getloadavg()[0], 2),
        "python": platform.python_version(), "engine": ocr.engine_version(),
        "render_dpi": ocr.DPI, "scan_dpi": SCAN_DPI, "threads_per_page": 1,
        "pdf": os.path.relpath(args.pdf, ROOT), "pages": pages, "repeat": args.repeat,
        "engine_load_seconds": round(load_s, 2),
        "per_page": per_page,
        "wall_seconds_per_page": round(sum(p["wall_seconds"] for p in per_page) / n, 2),
        "cpu_seconds_per_page": round(sum(p["cpu_seconds"] for p in per_page) / n, 2),
        "whole_file": {"process_file_seconds": round(file_s, 2),
                       "figures_text_layer": sum(want.values()), "figures_ocr": sum(got.values()),
                       "figures_same": sum((want & got).values()),
                       "missed": sorted(f"{v} {u}" for (v, u) in (want - got).elements()),
                       "extra": sorted(f"{v} {u}" for (v, u) in (got - want).elements())},
    }
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
