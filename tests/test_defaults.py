"""Defaults a new user meets (issue 14, item 5): where `extract` writes without -o, and
what a folder without any report file says."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from pipeline.cli import main

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def test_extract_without_o_writes_to_govreport_out_in_the_current_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    src = CORPUS / "tianhe-ip-2023.txt"
    assert main(["extract", str(src), "--no-model", "-j", "0", "--progress", "none"]) == 0
    err = capsys.readouterr().err
    assert "writing to ./govreport-out/" in err
    out = json.loads((tmp_path / "govreport-out" / "tianhe-ip-2023.txt.json").read_text(encoding="utf-8"))
    assert out["document"]["source"] == "tianhe-ip-2023.txt"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["govreport-out"]


def test_folder_of_unsupported_files_names_them_and_the_supported_suffixes(tmp_path, capsys):
    folder = tmp_path / "reports"
    (folder / "2023").mkdir(parents=True)
    shutil.copy(CORPUS / "tianhe-ip-2023.txt", folder / "2023" / "天河区知识产权.wps.pdf.xlsx")
    (folder / "scan.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    rc = main(["extract", str(folder), "-o", str(tmp_path / "out"), "--progress", "none"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1
    assert err[0].startswith("govreport: error: no input files found (scan.jpg, "
                             "2023/天河区知识产权.wps.pdf.xlsx: not a supported format; supported: ")
    for suffix in (".docx", ".pdf", ".txt", ".html", ".doc"):
        assert suffix in err[0].split("supported: ")[1].rstrip(")").split()


def test_empty_folder_lists_the_supported_suffixes(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["extract", str(tmp_path / "empty"), "-o", str(tmp_path / "out"), "--progress", "none"]) == 2
    assert "no input files found (supported: .doc .docx" in capsys.readouterr().err
