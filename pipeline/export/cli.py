"""``govreport export OUTDIR``: output JSON files into a database, CSV or Parquet."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEFAULT_DB = "govreport.sqlite"      # inside OUTDIR, next to the JSON files it is made from


def add_parser(sub) -> None:
    p = sub.add_parser(
        "export", help="load output JSON files into SQLite/PostgreSQL, CSV or Parquet",
        description="Export the output JSON files of OUTDIR as tables documents, sections and "
                    "records. With no --db/--csv/--parquet, writes the SQLite database "
                    f"OUTDIR/{DEFAULT_DB}. Re-running is idempotent; a re-extracted document replaces "
                    "its old rows in one transaction.")
    p.add_argument("outdir", metavar="OUTDIR", help="folder of output JSON files (from extract)")
    p.add_argument("--db", metavar="URL",
                   help=f"a SQLite file path, sqlite:///PATH, or postgresql://user@host/dbname "
                        f"(default, when no other target is given: OUTDIR/{DEFAULT_DB})")
    p.add_argument("--schema", metavar="NAME",
                   help="PostgreSQL schema for the tables (created if missing; default: the "
                        "connection's search path)")
    p.add_argument("--csv", metavar="DIR", help="write documents.csv, sections.csv, records.csv into DIR")
    p.add_argument("--parquet", metavar="DIR",
                   help="write documents.parquet, sections.parquet, records.parquet into DIR")
    p.add_argument("--force", action="store_true",
                   help="rewrite every document in the database, even unchanged ones")
    p.set_defaults(func=run)


def _error(msg: str) -> None:
    from pipeline.paths import shown
    print(f"govreport: error: {shown(msg)}", file=sys.stderr)


def _cannot_write(dest: str, e: OSError) -> None:
    where = e.filename if isinstance(e.filename, str) else dest
    _error(f"{where}: cannot write: {e.strerror or e}")


def run(args: argparse.Namespace) -> int:
    from pipeline.export import ExportError

    db = args.db or (None if (args.csv or args.parquet) else str(Path(args.outdir) / DEFAULT_DB))
    failed = False
    try:
        if db:
            failed |= _to_db(args, db)
        # A folder that cannot be written (read-only, full disk): one line, and the other
        # targets still run; the old files there stay whole (written via temp files).
        from pipeline.export import files
        for dest, export, suffix in ((args.csv, files.export_csv, "csv"),
                                     (args.parquet, files.export_parquet, "parquet")):
            if not dest:
                continue
            try:
                st = export(args.outdir, dest, on_error=_error)
            except OSError as e:
                _cannot_write(dest, e)
                failed = True
            else:
                print(f"export: {st.documents} documents, {st.records} records -> {dest}/*.{suffix}",
                      file=sys.stderr)
                failed |= bool(st.errors)
    except ExportError as e:
        _error(str(e))
        return 1
    return 1 if failed else 0


def _to_db(args, target: str) -> bool:
    import sqlalchemy as sa

    from pipeline.export.db import DatabaseError, display_url, export_outputs, make_engine

    try:
        engine = make_engine(target, schema=args.schema)
        try:
            st = export_outputs(args.outdir, engine, force=args.force, on_error=_error)
        finally:
            engine.dispose()
    except (DatabaseError, sa.exc.SQLAlchemyError, ImportError) as e:
        orig = getattr(e, "orig", None) or e
        _error(f"{target}: {' '.join(str(orig).split())[:300]}")
        return True
    print(f"export: {st.documents} documents ({st.written} written, {st.unchanged} unchanged), "
          f"{st.records} records -> {display_url(engine)}", file=sys.stderr)
    return bool(st.errors)
