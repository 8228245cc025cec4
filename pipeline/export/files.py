"""Output JSON -> flat files: ``documents``, ``sections`` and ``records`` as CSV or Parquet.

The same tables as the database, keyed by the document ``name`` instead of a database id.
Each file is a full snapshot of the output folder, streamed one document at a time into a
temp file that replaces the old file only when complete (so re-running is idempotent and
a reader never sees a half-written file). CSV is UTF-8 without BOM; list columns
(``section_path``, ``parties``, ``path``) are JSON text in CSV and ``list<string>`` in
Parquet.
"""
from __future__ import annotations

import contextlib
import csv
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.export import (DOCUMENT_COLUMNS, JSON_COLUMNS, RECORD_COLUMNS, SECTION_COLUMNS,
                             document_row, readable_outputs, record_rows, section_rows)

TABLES = {
    "documents": DOCUMENT_COLUMNS,
    "sections": ("document",) + SECTION_COLUMNS,
    "records": ("document",) + RECORD_COLUMNS,
}
_INT = {"year", "n_sections", "n_records", "level", "start_offset", "end_offset",
        "sentence_start", "sentence_end", "page", "paragraph"}
_FLOAT = {"value", "value_max"}
ROW_GROUP = 50_000


@dataclass
class FileStats:
    documents: int = 0
    records: int = 0
    files: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _rows_by_table(out) -> dict[str, list[dict]]:
    name = out.name
    return {"documents": [document_row(out)],
            "sections": [{"document": name, **r} for r in section_rows(out)],
            "records": [{"document": name, **r} for r in record_rows(out)]}


@contextlib.contextmanager
def _atomic_path(path: Path):
    """A temp path next to ``path`` that replaces it on success and vanishes on failure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _csv_cell(col: str, v):
    if v is None:
        return ""
    if col in JSON_COLUMNS:
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))                  # 19298, not 19298.0
    return v


def export_csv(outdir: str | Path, dest: str | Path, on_error=None) -> FileStats:
    dest = Path(dest)
    stats = FileStats()
    with contextlib.ExitStack() as stack:
        writers = {}
        for table, cols in TABLES.items():
            tmp = stack.enter_context(_atomic_path(dest / f"{table}.csv"))
            f = stack.enter_context(open(tmp, "w", encoding="utf-8", newline=""))
            w = csv.writer(f)
            w.writerow(cols)
            writers[table] = w
        for out in readable_outputs(outdir, stats.errors, on_error):
            for table, rows in _rows_by_table(out).items():
                cols = TABLES[table]
                writers[table].writerows([_csv_cell(c, r.get(c)) for c in cols] for r in rows)
            stats.documents += 1
            stats.records += len(out.data["records"])
    stats.files = [str(dest / f"{t}.csv") for t in TABLES]
    return stats


def _arrow_schema(table: str):
    import pyarrow as pa
    fields = []
    for c in TABLES[table]:
        if c in JSON_COLUMNS:
            t = pa.list_(pa.string())
        elif c in _INT:
            t = pa.int64()
        elif c in _FLOAT:
            t = pa.float64()
        else:
            t = pa.string()
        fields.append(pa.field(c, t))
    return pa.schema(fields)


def export_parquet(outdir: str | Path, dest: str | Path, on_error=None) -> FileStats:
    import pyarrow as pa
    import pyarrow.parquet as pq

    dest = Path(dest)
    stats = FileStats()
    schemas = {t: _arrow_schema(t) for t in TABLES}
    buffers: dict[str, list[dict]] = {t: [] for t in TABLES}
    with contextlib.ExitStack() as stack:
        writers = {}
        for table in TABLES:
            tmp = stack.enter_context(_atomic_path(dest / f"{table}.parquet"))
            writers[table] = stack.enter_context(pq.ParquetWriter(tmp, schemas[table]))

        def flush(table: str) -> None:
            if buffers[table]:
                writers[table].write_table(pa.Table.from_pylist(buffers[table], schema=schemas[table]))
                buffers[table] = []

        for out in readable_outputs(outdir, stats.errors, on_error):
            for table, rows in _rows_by_table(out).items():
                buffers[table].extend(rows)
                if len(buffers[table]) >= ROW_GROUP:
                    flush(table)
            stats.documents += 1
            stats.records += len(out.data["records"])
        for table in TABLES:
            flush(table)
    stats.files = [str(dest / f"{t}.parquet") for t in TABLES]
    return stats
