"""The facts table: one tidy row per quantity, ready to compare across reports.

``govreport facts OUTDIR… -o FILE`` reads output files (never the pipeline, like the
exporters) and writes CSV or Parquet by the file's extension: the report's region,
reference year, the figure's period and status, its indicator id and the catalog's name
for it, metric, role, direction, value and unit, and where it came from. Filters keep the
rows a question needs (``--indicator gdp --status actual --period 2023``).
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

from pipeline.export import ExportError, Output, outputs_of_paths, period_bounds
from pipeline.indicators import indicator_name

FACT_COLUMNS = (
    "region", "region_level", "province", "city", "reference_year", "period", "period_start",
    "period_end", "status", "indicator", "indicator_name", "metric", "role", "direction",
    "value", "unit", "kind", "text", "document", "source", "record_id")
INT_FACT_COLUMNS = {"reference_year"}
FLOAT_FACT_COLUMNS = {"value"}


def fact_rows(out: Output) -> list[dict]:
    """The facts of one output: a row per quantity record, in document order."""
    doc = out.data.get("document") or {}
    region = doc.get("region") or {}
    level = region.get("level")
    ref_year = doc.get("reference_year", doc.get("year"))
    rows = []
    for r in out.data.get("records") or []:
        if not isinstance(r, dict) or r.get("type") != "quantity":
            continue
        value = r.get("value")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        start, end = period_bounds(r.get("period"))
        rows.append({
            "region": region.get("name"), "region_level": level,
            "province": region.get("province"), "city": region.get("city"),
            "reference_year": ref_year if isinstance(ref_year, int) else None,
            "period": r.get("period"), "period_start": start, "period_end": end,
            "status": r.get("status"), "indicator": r.get("indicator"),
            "indicator_name": indicator_name(r.get("indicator"), level),
            "metric": r.get("metric"), "role": r.get("role"), "direction": r.get("direction"),
            "value": float(value), "unit": r.get("unit"), "kind": r.get("kind"),
            "text": r.get("text"), "document": out.name, "source": doc.get("source"),
            "record_id": r.get("id")})
    return rows


def keep(row: dict, indicators: set[str] | None, statuses: set[str] | None,
         periods: set[str] | None) -> bool:
    """A row passes a filter when its field is one of the values asked for; a period asked
    as a year also takes that year's months (2023 → 2023-12, 2023-01/2023-10)."""
    if indicators and row["indicator"] not in indicators:
        return False
    if statuses and row["status"] not in statuses:
        return False
    if periods:
        p = row["period"] or ""
        same_year = row["period_start"] and row["period_end"] and \
            row["period_start"][:4] == row["period_end"][:4]
        if p not in periods and not (same_year and row["period_start"][:4] in periods):
            return False
    return True


def write_facts(rows, dest: Path) -> int:
    """Write rows to ``dest`` (.csv or .parquet), atomically; the number written."""
    from pipeline.export.files import atomic_path, csv_cell
    rows = list(rows)
    suffix = dest.suffix.lower()
    with atomic_path(dest) as tmp:
        if suffix == ".csv":
            # with a BOM, as the CSV export: Excel reads the Chinese right
            with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
                w = csv.writer(f)
                w.writerow(FACT_COLUMNS)
                w.writerows([csv_cell(c, r.get(c)) for c in FACT_COLUMNS] for r in rows)
        elif suffix == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq
            schema = pa.schema([pa.field(c, pa.int64() if c in INT_FACT_COLUMNS else
                                         pa.float64() if c in FLOAT_FACT_COLUMNS else pa.string())
                                for c in FACT_COLUMNS])
            pq.write_table(pa.Table.from_pylist(rows, schema=schema), tmp)
        else:
            raise ExportError(f"{dest}: the facts file must end in .csv or .parquet")
    return len(rows)


def _set(values: list[str] | None) -> set[str] | None:
    """Repeated and comma-separated option values as one set."""
    if not values:
        return None
    return {v.strip() for arg in values for v in arg.split(",") if v.strip()}


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "facts", help="one tidy row per figure across output folders (CSV or Parquet)",
        description="Write the facts table of output files: one row per quantity with the "
                    "report's region and reference year, the figure's period, status, "
                    "indicator id and name, metric, role, direction, value and unit. CSV or "
                    "Parquet by the extension of -o. Filters take several values (repeat the "
                    "option or separate with commas).")
    p.add_argument("paths", nargs="+", metavar="OUTDIR | OUT.json")
    p.add_argument("-o", "--output", required=True, metavar="FILE.csv | FILE.parquet")
    p.add_argument("--indicator", action="append", metavar="ID", help="e.g. gdp (rules/indicators.yaml)")
    p.add_argument("--status", action="append", metavar="STATUS", help="actual, target, estimate")
    p.add_argument("--period", action="append", metavar="PERIOD",
                   help="a year (2023, also takes its months) or a period as written (2019/2023)")
    p.add_argument("--with-indicator", action="store_true",
                   help="only figures that have an indicator")
    p.set_defaults(func=run)


def run(args) -> int:
    dest = Path(args.output)
    if dest.suffix.lower() not in (".csv", ".parquet"):
        print(f"govreport: error: {dest}: the facts file must end in .csv or .parquet", file=sys.stderr)
        return 2
    errors: list[str] = []
    indicators, statuses, periods = _set(args.indicator), _set(args.status), _set(args.period)
    rows, documents = [], 0
    for out in outputs_of_paths(args.paths, errors):
        documents += 1
        rows += [r for r in fact_rows(out) if keep(r, indicators, statuses, periods)
                 and (r["indicator"] or not args.with_indicator)]
    for e in errors:
        print(f"govreport: error: {e}", file=sys.stderr)
    try:
        n = write_facts(rows, dest)
    except (OSError, ExportError) as e:
        print(f"govreport: error: {dest}: {getattr(e, 'strerror', None) or e}", file=sys.stderr)
        return 1
    print(f"facts: {n} rows from {documents} documents -> {dest}", file=sys.stderr)
    return 1 if errors else 0
