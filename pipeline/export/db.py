"""Output JSON -> a SQL database (SQLite by default, PostgreSQL via psycopg 3).

Tables ``documents``, ``sections``, ``records`` (typed columns, foreign keys, indexes) and
``schema_version``; the schema is created on first use and migrated forward on later ones.

Each document is exported in one transaction: its row is upserted by name, its sections
and records are upserted by (document, id), and the ones the new output no longer has are
deleted, so a reader sees the old document or the new one, never half of either.
Re-exporting an unchanged output (same output file hash) does nothing: exports are
idempotent.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pipeline.export import DOCUMENT_COLUMNS, ExportError, Output, readable_outputs, rows_of

SCHEMA_VERSION = 4
CHUNK = 500                 # rows per statement when deleting by id lists


def _json_type():
    from sqlalchemy.dialects import postgresql
    return sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


metadata = sa.MetaData()

schema_version = sa.Table(
    "schema_version", metadata,
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False,
              server_default=sa.func.current_timestamp()),
)

documents = sa.Table(
    "documents", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.Text, nullable=False, unique=True),
    sa.Column("source", sa.Text),
    sa.Column("format", sa.Text),
    sa.Column("encoding", sa.Text),
    sa.Column("sha256", sa.Text),
    sa.Column("title", sa.Text),
    sa.Column("region_name", sa.Text),
    sa.Column("region_district", sa.Text),
    sa.Column("region_city", sa.Text),
    sa.Column("region_province", sa.Text),
    sa.Column("region_level", sa.Text),
    sa.Column("year", sa.Integer),
    sa.Column("reference_year", sa.Integer),
    sa.Column("schema_version", sa.Text),
    sa.Column("pipeline_version", sa.Text),
    sa.Column("rules_version", sa.Text),
    sa.Column("output_sha256", sa.Text, nullable=False),
    sa.Column("n_sections", sa.Integer, nullable=False),
    sa.Column("n_records", sa.Integer, nullable=False),
    sa.Column("text", sa.Text),
    sa.Column("exported_at", sa.DateTime(timezone=True), nullable=False,
              server_default=sa.func.current_timestamp()),
    sa.Index("ix_documents_region_year", "region_name", "year"),
    sa.Index("ix_documents_sha256", "sha256"),
)

sections = sa.Table(
    "sections", metadata,
    sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("marker", sa.Text),
    sa.Column("title", sa.Text),
    sa.Column("level", sa.Integer),
    sa.Column("start_offset", sa.Integer),
    sa.Column("end_offset", sa.Integer),
    sa.Column("parent_id", sa.Text),
    sa.Column("path", _json_type()),
    sa.ForeignKeyConstraint(["document_id", "parent_id"], ["sections.document_id", "sections.id"],
                            name="fk_sections_parent"),
)

records = sa.Table(
    "records", metadata,
    sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("type", sa.Text, nullable=False),
    sa.Column("text", sa.Text),
    sa.Column("start_offset", sa.Integer),
    sa.Column("end_offset", sa.Integer),
    sa.Column("sentence", sa.Text),
    sa.Column("sentence_start", sa.Integer),
    sa.Column("sentence_end", sa.Integer),
    sa.Column("section_id", sa.Text),
    sa.Column("section_path", _json_type()),
    sa.Column("page", sa.Integer),
    sa.Column("paragraph", sa.Integer),
    sa.Column("source", sa.Text),
    sa.Column("value", sa.Float(precision=53)),
    sa.Column("value_max", sa.Float(precision=53)),
    sa.Column("unit", sa.Text),
    sa.Column("kind", sa.Text),
    sa.Column("role", sa.Text),
    sa.Column("direction", sa.Text),
    sa.Column("qualifier", sa.Text),
    sa.Column("metric", sa.Text),
    sa.Column("period_start", sa.Text),
    sa.Column("period_end", sa.Text),
    sa.Column("status", sa.Text),
    sa.Column("canonical", sa.Text),
    sa.Column("parties", _json_type()),
    sa.Column("case_number", sa.Text),
    sa.Column("year", sa.Integer),
    sa.Column("court_code", sa.Text),
    sa.Column("case_type", sa.Text),
    sa.Column("serial", sa.Integer),
    sa.Column("indicator", sa.Text),
    sa.ForeignKeyConstraint(["document_id", "section_id"], ["sections.document_id", "sections.id"],
                            name="fk_records_section"),
    sa.Index("ix_records_type", "type"),
    sa.Index("ix_records_metric", "metric"),
    sa.Index("ix_records_kind_role", "kind", "role"),
    sa.Index("ix_records_canonical", "canonical"),
    sa.Index("ix_records_section", "document_id", "section_id"),
    sa.Index("ix_records_status_period", "status", "period_start", "period_end"),
    sa.Index("ix_records_indicator", "indicator"),
)

# The indicator catalog (rules/indicators.yaml) as the database knows it: written on every
# export, so the facts view names indicators as the catalog of the exporting govreport does.
indicators = sa.Table(
    "indicators", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("national_name", sa.Text, nullable=False),
    sa.Column("unit", sa.Text),
)

# One tidy row per figure, as `govreport facts` writes them (pipeline/facts.py): the
# cross-district question is one query on it. Plain SQL that SQLite and PostgreSQL share.
FACTS_VIEW = """
CREATE VIEW facts AS
SELECT d.region_name AS region, d.region_level AS region_level,
       d.region_province AS province, d.region_city AS city,
       d.reference_year AS reference_year,
       CASE WHEN r.period_start = r.period_end THEN r.period_start
            ELSE r.period_start || '/' || r.period_end END AS period,
       r.period_start AS period_start, r.period_end AS period_end, r.status AS status,
       r.indicator AS indicator,
       CASE WHEN d.region_level = 'national' THEN i.national_name ELSE i.name END AS indicator_name,
       r.metric AS metric, r.role AS role, r.direction AS direction, r.value AS value,
       r.unit AS unit, r.kind AS kind, r.text AS text, d.name AS document, d.source AS source,
       r.id AS record_id
FROM records r
JOIN documents d ON d.id = r.document_id
LEFT JOIN indicators i ON i.id = r.indicator
WHERE r.type = 'quantity'
"""


# Forward migrations: MIGRATIONS[n] takes a database at version n to n + 1. The current
# version is created whole by create_all; add steps here when the tables change.

def _add_period_and_status(conn: Connection) -> None:
    """Version 1 → 2: records get ``period_start``, ``period_end`` and ``status``, documents
    ``reference_year``. Columns are added where missing; every document's stored output hash
    is cleared so that the next export writes its rows again and fills them."""
    insp = sa.inspect(conn)
    for table, cols in ((documents, ("reference_year",)),
                        (records, ("period_start", "period_end", "status"))):
        have = {c["name"] for c in insp.get_columns(table.name)}
        for name in cols:
            if name not in have:
                col = table.c[name]
                ddl = col.type.compile(dialect=conn.dialect)
                conn.execute(sa.text(f'ALTER TABLE {table.name} ADD COLUMN {name} {ddl}'))
    if "ix_records_status_period" not in {i["name"] for i in insp.get_indexes("records")}:
        next(i for i in records.indexes if i.name == "ix_records_status_period").create(conn)
    conn.execute(documents.update().values(output_sha256=""))

_CASE_NUMBER_COLUMNS = (("case_number", "TEXT"), ("year", "INTEGER"), ("court_code", "TEXT"),
                        ("case_type", "TEXT"), ("serial", "INTEGER"))


def _add_case_number_columns(conn: Connection) -> None:
    """Version 2 → 3: case numbers (output schema 1.1): a case's number, a number's parts;
    stored output hashes are cleared so that the next export fills them."""
    have = {c["name"] for c in sa.inspect(conn).get_columns("records")}
    for name, sql_type in _CASE_NUMBER_COLUMNS:
        if name not in have:
            conn.execute(sa.text(f"ALTER TABLE records ADD COLUMN {name} {sql_type}"))
    conn.execute(documents.update().values(output_sha256=""))


def _add_indicators_and_facts(conn: Connection) -> None:
    """Version 3 → 4: records get ``indicator``, the catalog its table, and the ``facts``
    view; stored output hashes are cleared so that the next export fills the column."""
    insp = sa.inspect(conn)
    if "indicator" not in {c["name"] for c in insp.get_columns("records")}:
        conn.execute(sa.text("ALTER TABLE records ADD COLUMN indicator TEXT"))
    if "ix_records_indicator" not in {i["name"] for i in insp.get_indexes("records")}:
        next(i for i in records.indexes if i.name == "ix_records_indicator").create(conn)
    indicators.create(conn, checkfirst=True)
    conn.execute(sa.text(FACTS_VIEW))
    conn.execute(documents.update().values(output_sha256=""))


MIGRATIONS: dict[int, object] = {1: _add_period_and_status, 2: _add_case_number_columns,
                                 3: _add_indicators_and_facts}


def _write_catalog(conn: Connection) -> None:
    from pipeline.indicators import catalog
    rows = [{"id": i.id, "name": i.name, "national_name": i.national_name, "unit": i.unit}
            for i in sorted(catalog().indicators.values(), key=lambda i: i.id)]
    _upsert(conn, indicators, rows, ["id"])


class DatabaseError(Exception):
    pass


def database_url(target: str) -> str:
    """A path means SQLite; ``postgresql://`` (or ``postgres://``) uses psycopg 3."""
    if "://" not in target:
        path = Path(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    scheme, rest = target.split("://", 1)
    if scheme in ("postgresql", "postgres"):
        return f"postgresql+psycopg://{rest}"
    return target


def make_engine(target: str, schema: str | None = None) -> Engine:
    """An engine for ``target`` (a path or URL). ``schema`` puts the tables in that
    PostgreSQL schema (created if missing): it is set as the connections' search path, so
    plain SQL run through this engine finds the tables too."""
    url = database_url(target)
    kwargs: dict = {"json_serializer": lambda o: json.dumps(o, ensure_ascii=False)}
    if schema:
        if sa.engine.make_url(url).get_backend_name() != "postgresql":
            raise DatabaseError("--schema works with PostgreSQL only")
        setup = sa.create_engine(url)
        try:
            with setup.begin() as conn:
                conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{_ident(schema)}"'))
        finally:
            setup.dispose()
        kwargs["connect_args"] = {"options": f"-csearch_path={_ident(schema)}"}
    engine = sa.create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")     # off by default in SQLite
            cur.execute("PRAGMA journal_mode=WAL")    # readers do not block the exporter
            cur.close()
    return engine


def _ident(name: str) -> str:
    if not name.replace("_", "").isalnum() or not name.isascii():
        raise DatabaseError(f"not a plain schema name: {name!r}")
    return name


def ensure_schema(engine: Engine) -> int:
    """Create the tables on first use, migrate older ones; returns the schema version."""
    with engine.begin() as conn:
        insp = sa.inspect(conn)
        if not insp.has_table("schema_version"):
            if insp.has_table("documents"):
                raise DatabaseError("a table 'documents' exists but no 'schema_version': "
                                    "not a govreport database, or a damaged one")
            metadata.create_all(conn)
            conn.execute(sa.text(FACTS_VIEW))
            conn.execute(schema_version.insert().values(version=SCHEMA_VERSION))
            return SCHEMA_VERSION
        current = conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0
        if current > SCHEMA_VERSION:
            raise DatabaseError(f"database schema version {current} is newer than this "
                                f"govreport's ({SCHEMA_VERSION}); upgrade govreport")
        while current < SCHEMA_VERSION:
            step = MIGRATIONS.get(current)
            if step is None:
                raise DatabaseError(f"no migration from schema version {current}")
            step(conn)
            current += 1
            conn.execute(schema_version.insert().values(version=current))
        return current


def _upsert(conn: Connection, table: sa.Table, rows: list[dict], keys: list[str]) -> None:
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif conn.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        raise DatabaseError(f"unsupported database: {conn.dialect.name}")
    stmt = insert(table)
    update = {c.name: stmt.excluded[c.name] for c in table.columns
              if c.name not in keys and c.name in rows[0]}
    conn.execute(stmt.on_conflict_do_update(index_elements=keys, set_=update), rows)


def _delete_missing(conn: Connection, table: sa.Table, doc_id: int, keep: set[str]) -> int:
    have = conn.execute(sa.select(table.c.id).where(table.c.document_id == doc_id)).scalars()
    stale = sorted(set(have) - keep)
    for i in range(0, len(stale), CHUNK):
        conn.execute(table.delete().where(table.c.document_id == doc_id,
                                          table.c.id.in_(stale[i:i + CHUNK])))
    return len(stale)


def _unique(rows: list[dict]) -> list[dict]:
    seen: dict[str, dict] = {}
    for r in rows:
        seen.setdefault(r["id"], r)
    return list(seen.values())


def export_document(conn: Connection, out: Output, *, force: bool = False) -> bool:
    """Write one document; False when the database already holds this very output."""
    rows = rows_of(out)
    row = rows["documents"][0]
    found = conn.execute(sa.select(documents.c.id, documents.c.output_sha256)
                         .where(documents.c.name == out.name)).first()
    if found and found.output_sha256 == out.sha256 and not force:
        return False
    if found:
        doc_id = found.id
        conn.execute(documents.update().where(documents.c.id == doc_id)
                     .values(**row, exported_at=sa.func.current_timestamp()))
    else:
        doc_id = conn.execute(documents.insert().values(**row)).inserted_primary_key[0]
    secs = _unique([{**r, "document_id": doc_id} for r in rows["sections"]])
    recs = _unique([{**r, "document_id": doc_id} for r in rows["records"]])
    known = {s["id"] for s in secs}
    for r in recs:                          # a dangling section id would break the FK
        if r["section_id"] not in known:
            r["section_id"] = None
    for s in secs:
        if s["parent_id"] not in known:
            s["parent_id"] = None
    # Order matters for the foreign keys: records that will go first, then sections
    # (parents before children: the output lists them in document order), then records,
    # then the sections nothing points to any more.
    _delete_missing(conn, records, doc_id, {r["id"] for r in recs})
    _upsert(conn, sections, secs, ["document_id", "id"])
    _upsert(conn, records, recs, ["document_id", "id"])
    _delete_missing(conn, sections, doc_id, known)
    return True


@dataclass
class DbStats:
    documents: int = 0
    written: int = 0
    unchanged: int = 0
    records: int = 0
    errors: list[str] = field(default_factory=list)


def export_outputs(outdir: str | Path, engine: Engine, *, force: bool = False,
                   on_error=None) -> DbStats:
    """Export every output in ``outdir``; each document in a transaction of its own."""
    ensure_schema(engine)
    with engine.begin() as conn:
        _write_catalog(conn)
    stats = DbStats()
    for out in readable_outputs(outdir, stats.errors, on_error):
        try:
            with engine.begin() as conn:
                written = export_document(conn, out, force=force)
        except ExportError as e:
            msg = str(e)
            stats.errors.append(msg)
            if on_error:
                on_error(msg)
            continue
        except sa.exc.SQLAlchemyError as e:
            msg = f"{out.path}: database error: {' '.join(str(e.orig or e).split())[:300]}"
            stats.errors.append(msg)
            if on_error:
                on_error(msg)
            continue
        stats.documents += 1
        stats.written += written
        stats.unchanged += not written
        stats.records += len(out.data["records"])
    return stats


def display_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


__all__ = ["DOCUMENT_COLUMNS", "documents", "sections", "records", "schema_version",
           "make_engine", "ensure_schema", "export_document", "export_outputs", "DbStats",
           "DatabaseError", "database_url"]
