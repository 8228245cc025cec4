"""End to end on the shipped corpus: schema, offsets, provenance, determinism, and the
committed outputs/ being up to date with the rules (a stale outputs/ fails CI)."""
import json
from functools import lru_cache
from pathlib import Path

import jsonschema
import pytest

from pipeline.output import SCHEMA_PATH, dumps, output_name
from pipeline.process import process_file

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted(p for p in (ROOT / "corpus").iterdir() if p.is_file())


@lru_cache(maxsize=None)
def run(path: Path, use_model: bool = True) -> str:
    return dumps(process_file(path, use_model=use_model))


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_output_valid_and_offsets_point_into_text(path):
    out = json.loads(run(path))
    jsonschema.validate(out, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    text = out["document"]["text"]
    ids = set()
    sections = {s["id"]: s for s in out["sections"]}
    for r in out["records"]:
        assert text[r["start"]:r["end"]] == r["text"]
        assert text[r["sentence_start"]:r["sentence_end"]] == r["sentence"]
        assert r["sentence_start"] <= r["start"] and r["end"] <= r["sentence_end"]
        assert r["id"] not in ids
        ids.add(r["id"])
        if r["section_id"]:
            s = sections[r["section_id"]]
            assert s["start"] <= r["start"] < s["end"]
            assert r["section_path"][-1] == s["title"]
        else:
            assert r["section_path"] == []
        assert (r["page"] is not None) == (out["document"]["format"] == "pdf")


@pytest.mark.parametrize("path", CORPUS[:3], ids=lambda p: p.name)
def test_same_input_gives_byte_identical_json(path):
    assert dumps(process_file(path)) == dumps(process_file(path))


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_committed_outputs_are_up_to_date(path):
    committed = ROOT / "outputs" / output_name(path.name)
    assert committed.is_file(), f"outputs/ lacks {committed.name}: run `make outputs` and commit"
    assert committed.read_text(encoding="utf-8") == run(path), \
        f"outputs/{committed.name} is stale: run `make outputs`, review `git diff outputs/` and commit"


def test_seed_report_records():
    out = json.loads(run(ROOT / "corpus" / "tianhe-ip-2023.txt"))
    recs = out["records"]
    q = next(r for r in recs if r["type"] == "quantity" and r["text"] == "19298件")
    assert (q["value"], q["unit"], q["kind"], q["role"], q["metric"]) == (19298, "件", "count", "level", "专利授权量")
    assert q["section_path"] == ["知识产权创造", "专利"] and q["paragraph"] == 3
    change = next(r for r in recs if r["type"] == "quantity" and r["text"] == "29.6%")
    assert (change["role"], change["direction"], change["metric"]) == ("change", "up", "发明专利授权量")
    court = next(r for r in recs if r["type"] == "agency" and r["text"] == "区法院")
    assert court["canonical"] == "天河区人民法院"
    case = next(r for r in recs if r["type"] == "case" and "珍分夺秒" in r["text"])
    assert case["text"] == "腾讯公司诉珍分夺秒公司侵害商标权及不正当竞争案"
    assert case["parties"] == ["腾讯公司", "珍分夺秒公司"]
    assert out["document"]["region"]["name"] == "天河区" and out["document"]["year"] == 2023
