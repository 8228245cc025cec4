"""govreport facts: one tidy row per figure across reports, on the committed outputs of
the shipped corpus (real work reports and communiqués of several cities)."""
from __future__ import annotations

import csv
from pathlib import Path

from pipeline.cli import main

OUTPUTS = Path(__file__).resolve().parents[1] / "outputs"


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_gdp_growth_of_2023_by_city_has_no_targets(tmp_path, capsys):
    dest = tmp_path / "gdp2023.csv"
    assert main(["facts", str(OUTPUTS), "-o", str(dest), "--indicator", "gdp",
                 "--status", "actual,estimate", "--period", "2023"]) == 0
    rows = read_csv(dest)
    assert rows and all(r["indicator"] == "gdp" and r["period"] == "2023" for r in rows)
    assert {r["status"] for r in rows} <= {"actual", "estimate"}
    growth = {r["region"]: (float(r["value"]), r["status"]) for r in rows
              if r["role"] == "change" and r["metric"] in ("地区生产总值", "生产总值")}
    # Hangzhou's work report reviews 2023 (增长5.6%) and plans 2024 (5.5%左右): only the result
    assert growth["杭州市"] == (5.6, "actual")
    # Changsha's report gives 2023 as an estimate (预计增长5%左右)
    assert growth["长沙市"] == (5.0, "estimate")
    assert growth["洛阳市"] == (3.5, "actual")
    assert {r["indicator_name"] for r in rows} == {"地区生产总值"}
    assert "facts: " in capsys.readouterr().err


def test_2024_targets_and_national_name(tmp_path):
    dest = tmp_path / "targets.csv"
    assert main(["facts", str(OUTPUTS), "-o", str(dest), "--indicator", "gdp",
                 "--status", "target"]) == 0
    rows = read_csv(dest)
    by_region = {(r["region"], r["period"]): float(r["value"]) for r in rows if r["role"] == "change"}
    assert by_region[("杭州市", "2024")] == 5.5
    assert by_region[("长沙市", "2024")] == 6.0
    # the country's own report: the catalog's national name
    assert by_region[("中华人民共和国", "2018")] == 6.5
    assert {r["indicator_name"] for r in rows if r["region"] == "中华人民共和国"} == {"国内生产总值"}


def test_csv_and_parquet_hold_the_same_rows(tmp_path):
    import pyarrow.parquet as pq

    assert main(["facts", str(OUTPUTS), "-o", str(tmp_path / "all.csv")]) == 0
    assert main(["facts", str(OUTPUTS), "-o", str(tmp_path / "all.parquet")]) == 0
    rows = read_csv(tmp_path / "all.csv")
    table = pq.read_table(tmp_path / "all.parquet")
    assert table.num_rows == len(rows) > 1000
    assert (tmp_path / "all.csv").read_bytes().startswith(b"\xef\xbb\xbf")   # BOM for Excel
    ids = table.column("record_id").to_pylist()
    assert ids == [r["record_id"] for r in rows] and len(set(ids)) == len(ids)


def test_wrong_extension_and_bad_file_are_one_line_errors(tmp_path, capsys):
    assert main(["facts", str(OUTPUTS), "-o", str(tmp_path / "x.xlsx")]) == 2
    assert "must end in .csv or .parquet" in capsys.readouterr().err
    bad = tmp_path / "broken.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["facts", str(OUTPUTS / "tianhe-ip-2023.txt.json"), str(bad),
                 "-o", str(tmp_path / "f.csv")]) == 1
    err = capsys.readouterr().err
    assert "broken.json" in err and "Traceback" not in err
    assert read_csv(tmp_path / "f.csv")                    # the good file's rows still written
