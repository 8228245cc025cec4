"""Exporters: output JSON files -> tables (a database, CSV, Parquet).

They read only the output files (docs/OUTPUT.md), never the pipeline, so they work on the
outputs of any earlier run. Every exporter sees the same three tables, built here:

- documents: one row per output file, keyed by ``name`` (the output file name without
  ``.json``, unique within an output folder even where two inputs share a file name);
- sections:  (document, id) -> marker, title, level, offsets, parent;
- records:   (document, id) -> the record's typed fields; a quantity's ``period`` is split
  into ``period_start`` and ``period_end`` (years or year-months) beside its ``status``.
  A case's ``case_number``; a case number's ``year``, ``court_code``, ``case_type`` and
  ``serial``.
"""
from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

SKIP_PREFIXES = ("_", ".")      # _run.json and temp files are not outputs

DOCUMENT_COLUMNS = (
    "name", "source", "format", "encoding", "sha256", "title", "region_name", "region_district",
    "region_city", "region_province", "region_level", "year", "reference_year", "schema_version",
    "pipeline_version", "rules_version", "output_sha256", "n_sections", "n_records", "text")
SECTION_COLUMNS = ("id", "marker", "title", "level", "start_offset", "end_offset", "parent_id",
                   "path")
RECORD_COLUMNS = (
    "id", "type", "text", "start_offset", "end_offset", "sentence", "sentence_start",
    "sentence_end", "section_id", "section_path", "page", "paragraph", "source", "value",
    "value_max", "unit", "kind", "role", "direction", "qualifier", "metric", "period_start",
    "period_end", "status", "canonical", "parties", "case_number", "year", "court_code", "case_type",
    "serial", "indicator")
JSON_COLUMNS = {"section_path", "parties", "path"}      # lists of strings
INT_COLUMNS = {"year", "reference_year", "n_sections", "n_records", "level", "start_offset", "end_offset",
               "sentence_start", "sentence_end", "page", "paragraph", "serial"}
FLOAT_COLUMNS = {"value", "value_max"}
_INT64 = 2 ** 63


class ExportError(Exception):
    """An output file that cannot be exported; the message names the file and why."""


@dataclass
class Output:
    name: str            # document key: the output file name without .json
    path: Path
    sha256: str          # of the output file's bytes: tells a re-extracted document
    data: dict


def output_files(outdir: str | Path) -> list[Path]:
    outdir = Path(outdir)
    if not outdir.is_dir():
        raise ExportError(f"{outdir}: no such folder")
    return sorted(p for p in outdir.glob("*.json")
                  if p.is_file() and not p.name.startswith(SKIP_PREFIXES))


def read_output(path: Path) -> Output:
    try:
        raw = path.read_bytes()
        data = json.loads(raw.decode("utf-8"))
    except OSError as e:
        raise ExportError(f"{path}: cannot read: {e.strerror or e}") from None
    except (UnicodeDecodeError, ValueError) as e:
        raise ExportError(f"{path}: not a valid output JSON file ({type(e).__name__})") from None
    if not (isinstance(data, dict) and isinstance(data.get("document"), dict)
            and isinstance(data.get("records"), list)):
        raise ExportError(f"{path}: not a govreport output (no document or records)")
    return Output(name=path.name[:-len(".json")], path=path,
                  sha256=hashlib.sha256(raw).hexdigest(), data=data)


def iter_outputs(outdir: str | Path) -> Iterator[Output | ExportError]:
    """Each output in name order, read one at a time (a folder may hold thousands);
    a broken file comes as an ExportError in its place, so the caller can go on."""
    for path in output_files(outdir):
        try:
            yield read_output(path)
        except ExportError as e:
            yield e


def readable_outputs(outdir: str | Path, errors: list[str], on_error=None) -> Iterator[Output]:
    """The outputs of ``outdir`` that can be read; each broken one is added to ``errors``
    (and passed to ``on_error``) instead, so an export goes on past it."""
    for out in iter_outputs(outdir):
        if isinstance(out, ExportError):
            errors.append(str(out))
            if on_error:
                on_error(str(out))
            continue
        yield out


def outputs_of_paths(paths: list[str], errors: list[str]) -> Iterator[Output]:
    """The readable outputs named on a command line: folders (their output files in name
    order) and single output files; each one that cannot be read goes to ``errors``."""
    for arg in paths:
        path = Path(arg)
        if path.is_dir():
            yield from readable_outputs(path, errors)
            continue
        try:
            yield read_output(path)
        except ExportError as e:
            errors.append(str(e))


def document_row(out: Output) -> dict:
    doc = out.data["document"]
    region = doc.get("region") or {}
    return {
        "name": out.name, "source": doc.get("source"), "format": doc.get("format"),
        "encoding": doc.get("encoding"), "sha256": doc.get("sha256"), "title": doc.get("title"),
        "region_name": region.get("name"), "region_district": region.get("district"),
        "region_city": region.get("city"), "region_province": region.get("province"),
        "region_level": region.get("level"), "year": doc.get("year"),
        "reference_year": doc.get("reference_year"),
        "schema_version": out.data.get("schema_version"),
        "pipeline_version": out.data.get("pipeline_version"),
        "rules_version": out.data.get("rules_version"), "output_sha256": out.sha256,
        "n_sections": len(out.data.get("sections") or ()), "n_records": len(out.data["records"]),
        "text": doc.get("text"),
    }


def section_rows(out: Output) -> list[dict]:
    sections = out.data.get("sections") or []
    by_id = {s.get("id"): s for s in sections}
    rows = []
    for s in sections:
        path, cur, seen = [], s, set()
        while cur is not None and cur.get("id") not in seen:    # titles, outermost first
            seen.add(cur.get("id"))
            path.append(cur.get("title"))
            cur = by_id.get(cur.get("parent"))
        rows.append({"id": s.get("id"), "marker": s.get("marker"), "title": s.get("title"),
                     "level": s.get("level"), "start_offset": s.get("start"),
                     "end_offset": s.get("end"), "parent_id": s.get("parent"),
                     "path": path[::-1]})
    return rows


def period_bounds(period) -> tuple[str | None, str | None]:
    """``"2019/2023"`` → ("2019", "2023"); ``"2023-01/2023-10"`` → ("2023-01", "2023-10");
    ``"2023"`` → ("2023", "2023"). Years and year-months compare correctly as text, so a
    query can ask ``period_start >= '2023' AND period_end <= '2023-12'``."""
    if not isinstance(period, str) or not period:
        return None, None
    start, _, end = period.partition("/")
    return start, end or start


def record_rows(out: Output) -> list[dict]:
    rows = []
    for r in out.data["records"]:
        row = {c: r.get(c) for c in RECORD_COLUMNS}
        row["period_start"], row["period_end"] = period_bounds(r.get("period"))
        row["start_offset"] = r.get("start")
        row["end_offset"] = r.get("end")
        for c in ("value", "value_max"):
            if isinstance(row[c], bool) or not isinstance(row[c], (int, float, type(None))):
                row[c] = None           # a typed column takes numbers only
            elif row[c] is not None:
                row[c] = float(row[c])
        rows.append(row)
    return rows


def rows_of(out: Output) -> dict[str, list[dict]]:
    """The ``documents``, ``sections`` and ``records`` rows of one output, each value of
    the type its column takes; ExportError naming the file and the first value that does
    not fit (a hand-edited or foreign file: ``"sections": "oops"``, a value of 400
    digits), so that file fails alone and the export goes on."""
    try:
        rows = {"documents": [document_row(out)], "sections": section_rows(out),
                "records": record_rows(out)}
    except (TypeError, ValueError, OverflowError, AttributeError, KeyError) as e:
        raise ExportError(f"{out.path}: not a valid output file ({type(e).__name__}: "
                          f"{' '.join(str(e).split())[:120]})") from None
    for table, table_rows in rows.items():
        for i, row in enumerate(table_rows):
            for col, v in row.items():
                problem = _type_problem(col, v)
                if problem:
                    raise ExportError(f"{out.path}: not a valid output file ({table} row {i + 1}, "
                                      f"{col}: {problem})")
    return rows


def _type_problem(col: str, v) -> str | None:
    if v is None:
        return None
    if col in INT_COLUMNS:
        if isinstance(v, bool) or not isinstance(v, int):
            return f"expected an integer, got {type(v).__name__}"
        if not -_INT64 <= v < _INT64:
            return "integer out of range"
    elif col in FLOAT_COLUMNS:
        if not isinstance(v, float) or not math.isfinite(v):
            return "expected a finite number"
    elif col in JSON_COLUMNS:
        if not isinstance(v, list) or not all(x is None or isinstance(x, str) for x in v):
            return "expected a list of strings"
    elif not isinstance(v, str):
        return f"expected text, got {type(v).__name__}"
    return None
