"""Output JSON -> flat files: ``documents``, ``sections`` and ``records`` as CSV or Parquet.

The same tables as the database, keyed by the document ``name`` instead of a database id.
Each file is a full snapshot of the output folder, streamed one document at a time into a
temp file that replaces the old file only when complete (so re-running is idempotent and
a reader never sees a half-written file), with the modes of any new file (0644 under the
usual umask). CSV is UTF-8 with a BOM, so Excel reads the Chinese right; list columns
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

from pipeline.export import (DOCUMENT_COLUMNS, FLOAT_COLUMNS, INT_COLUMNS, JSON_COLUMNS,
                             RECORD_COLUMNS, SECTION_COLUMNS, ExportError, readable_outputs,
                             rows_of)
from pipeline.output import new_file_mode

TABLES = {
    "documents": DOCUMENT_COLUMNS,
    "sections": ("document",) + SECTION_COLUMNS,
    "records": ("document",) + RECORD_COLUMNS,
}
_INT = INT_COLUMNS
_FLOAT = FLOAT_COLUMNS
ROW_GROUP = 50_000


@dataclass
class FileStats:
    documents: int = 0
    records: int = 0
    files: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _rows_by_table(out) -> dict[str, list[dict]]:
    """Rows of one output; ExportError when its content does not fit the tables."""
    rows = rows_of(out)
    name = out.name
    return {"documents": rows["documents"],
            "sections": [{"document": name, **r} for r in rows["sections"]],
            "records": [{"document": name, **r} for r in rows["records"]]}


def _good_outputs(outdir, stats: FileStats, on_error):
    """(output, its rows) for each output that reads and fits; each other one is an error
    of its own and the export goes on."""
    for out in readable_outputs(outdir, stats.errors, on_error):
        try:
            rows = _rows_by_table(out)
        except ExportError as e:
            stats.errors.append(str(e))
            if on_error:
                on_error(str(e))
            continue
        yield out, rows


@contextlib.contextmanager
def atomic_path(path: Path):
    """A temp path next to ``path`` that replaces it on success and vanishes on failure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, new_file_mode())     # mkstemp makes 0600; exports are for sharing
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


# A text cell starting with one of these is a formula to a spreadsheet (=HYPERLINK(…)
# in a metric or title would run on opening the CSV): OWASP's rule is to prefix a quote.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(col: str, v):
    if v is None:
        return ""
    if col in JSON_COLUMNS:
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))                  # 19298, not 19298.0
    if isinstance(v, str) and v.startswith(_FORMULA_STARTS):
        return "'" + v                      # numbers stay numbers: only text is escaped
    return v


def export_csv(outdir: str | Path, dest: str | Path, on_error=None) -> FileStats:
    dest = Path(dest)
    stats = FileStats()
    with contextlib.ExitStack() as stack:
        writers = {}
        for table, cols in TABLES.items():
            tmp = stack.enter_context(atomic_path(dest / f"{table}.csv"))
            f = stack.enter_context(open(tmp, "w", encoding="utf-8-sig", newline=""))
            w = csv.writer(f)
            w.writerow(cols)
            writers[table] = w
        for out, by_table in _good_outputs(outdir, stats, on_error):
            for table, rows in by_table.items():
                cols = TABLES[table]
                writers[table].writerows([csv_cell(c, r.get(c)) for c in cols] for r in rows)
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
            tmp = stack.enter_context(atomic_path(dest / f"{table}.parquet"))
            writers[table] = stack.enter_context(pq.ParquetWriter(tmp, schemas[table]))

        def flush(table: str) -> None:
            if buffers[table]:
                writers[table].write_table(pa.Table.from_pylist(buffers[table], schema=schemas[table]))
                buffers[table] = []

        for out, by_table in _good_outputs(outdir, stats, on_error):
            for table, rows in by_table.items():
                buffers[table].extend(rows)
                if len(buffers[table]) >= ROW_GROUP:
                    flush(table)
            stats.documents += 1
            stats.records += len(out.data["records"])
        for table in TABLES:
            flush(table)
    stats.files = [str(dest / f"{t}.parquet") for t in TABLES]
    return stats
