"""How tests/data/qa/outputs/ was made (run once; the results are committed).

CI has no ../shared, so the QA tests carry their own copies: gold/ holds copies of
/work/shared/gold/*.gold.json, outputs/ holds one output file (docs/OUTPUT.md format) per
gold document, made here by hand-rules rather than by the pipeline (which did not exist
yet): every gold item becomes a record, then seeded, deliberate errors are laid on top —
the kinds of mistakes an extractor makes — so the scorer has something to find:

- missed items; spans too long (a qualifier or a verb in front), too short (number only)
  or shifted (no longer one text inside the other);
- a value off by a multiplier, a unit with its multiplier left in (亿元 for 元);
- wrong kind / role / qualifier / metric / section path;
- false finds: years as quantities, generic bodies (相关部门) as agencies;
- two overlapping records for one item (a tie the alignment must break);
- records outside a gold scope and on optional items (both must count neither way);
- case names without their quotation marks (lenient only), canonical names without the
  region, headings missed, headings invented, titles with a trailing ：.

    .venv/bin/python tests/data/qa/make_fixtures.py /work/shared
"""
from __future__ import annotations

import hashlib
import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from pipeline.output import dumps, record_id  # noqa: E402
from pipeline.qa.eval import FoldedText, fold, locate, scope_range  # noqa: E402

DOCS = {
    "tianhe-ip-2023.txt": "corpus/seed/tianhe-ip-2023.txt",
    "other-shaanxi-2017.md": "corpus/real/other-shaanxi-2017.md",
    "stats-communique-luoyang-2023.txt": "corpus/real/stats-communique-luoyang-2023.txt",
    "gov-work-report-hangzhou-2024.txt": "corpus/real/gov-work-report-hangzhou-2024.txt",
    "gov-work-report-changsha-2024.docx": "corpus/real/gov-work-report-changsha-2024.docx",
    "stats-communique-zhoukou-2023.pdf": "corpus/real/stats-communique-zhoukou-2023.pdf",
    "stats-communique-nanjing-2021-2024.docx": "corpus/real/stats-communique-nanjing-2021-2024.docx",
}
QUALIFIERS = "约近超逾"


def read_text(shared: Path, rel: str) -> str:
    """The text the annotators saw (shared/tools/astext.py)."""
    sys.path.insert(0, str(shared / "tools"))
    from gold import read_text as shared_read_text
    return shared_read_text(str(shared / rel))


def source_span(folded: FoldedText, span: tuple[int, int]) -> tuple[int, int]:
    return folded.source[span[0]], folded.source[span[1] - 1] + 1


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    s = max(text.rfind(c, 0, start) for c in "。！？；\n") + 1
    ends = [i for i in (text.find(c, end) for c in "。！？；\n") if i >= 0]
    e = min(ends) + 1 if ends else len(text)
    return s, e


def make_record(doc_sha: str, text: str, rtype: str, start: int, end: int, fields: dict,
                section_path: list[str], source: str = "rule") -> dict:
    ss, se = sentence_bounds(text, start, end)
    rec = {"id": record_id(doc_sha, rtype, start, end), "type": rtype, "text": text[start:end],
           "start": start, "end": end, "sentence": text[ss:se].strip(), "sentence_start": ss,
           "sentence_end": se, "section_path": section_path, "section_id": None, "page": None,
           "paragraph": text.count("\n", 0, start) + 1, "source": source}
    rec.update(fields)
    return rec


def quantity_fields(item: dict) -> dict:
    return {k: item.get(k) for k in ("value", "value_max", "unit", "kind", "role", "direction",
                                       "qualifier", "metric", "period", "status")}


def other_period(period: str | None, rnd: random.Random) -> str | None:
    """A period an extractor gets wrong: the year before (a review read as the plan year),
    a single year for a range, or none at all."""
    if not period:
        return str(2020 + rnd.randrange(5))
    if "/" in period:
        return period.split("/")[1][:4]
    if rnd.random() < 0.5:
        return None
    return str(int(period[:4]) - 1) + period[4:]


def build(shared: Path, doc: str, rel: str, seed: int) -> dict:
    gold = json.loads((shared / "gold" / f"{doc}.gold.json").read_text(encoding="utf-8"))
    text = read_text(shared, rel)
    raw = (shared / rel).read_bytes()
    sha = hashlib.sha256(raw).hexdigest()
    rnd = random.Random(seed)
    # period/status errors draw from their own stream, so adding them left every other
    # seeded error where it was
    rnd_time = random.Random(1000 + seed)
    folded = FoldedText.of(text)
    lo, hi = scope_range(folded, gold.get("scope")) or (0, len(folded.text))
    records: list[dict] = []

    # sections: found in the text from their marker + title; a few dropped, one invented
    sections = []
    pos = 0
    for sec in gold["sections"]:
        heading = (sec.get("marker") or "") + sec["title"]
        at = text.find(heading, pos)
        if at < 0:
            at = text.find(sec["title"], pos)
        if at < 0 or rnd.random() < 0.1:
            continue
        pos = at + len(heading)
        title = sec["title"] + ("：" if rnd.random() < 0.15 else "")
        sections.append({"marker": sec.get("marker") or "", "title": title,
                         "level": sec.get("level", 1), "start": at})
    # an invented heading: the first short line in scope that is no heading
    for m in re.finditer(r"\n([^\n。，0-9]{4,12})\n", text):
        f = folded.position(m.start(1))
        if lo <= f < hi and not any(s["start"] == m.start(1) for s in sections):
            sections.append({"marker": "", "title": m.group(1), "level": 1, "start": m.start(1)})
            break
    sections.sort(key=lambda s: s["start"])
    stack: list[dict] = []
    for i, s in enumerate(sections):
        s["id"] = f"s{i + 1}"
        s["end"] = next((t["start"] for t in sections[i + 1:] if t["level"] <= s["level"]), len(text))
        while stack and stack[-1]["level"] >= s["level"]:
            stack.pop()
        s["parent"] = stack[-1]["id"] if stack else None
        stack.append(s)
    sections = [{k: s[k] for k in ("id", "marker", "title", "level", "start", "end", "parent")}
                for s in sections]

    # quantities
    items = gold.get("quantities", [])
    for item, span in zip(items, locate(folded, items, lo, hi)):
        if span is None:
            continue
        start, end = source_span(folded, span)
        fields = quantity_fields(item)
        path = list(item.get("section") or [])
        r = rnd.random()
        if r < 0.08:
            continue                                   # missed
        elif r < 0.12 and start > 0 and text[start - 1] in QUALIFIERS:
            start -= 1                                 # qualifier inside the span: still right
            fields["qualifier"] = text[start]
        elif r < 0.15 and start > 1:
            start -= 2                                 # two characters too much in front
        elif r < 0.17 and end - start > 3:
            end -= 1                                   # unit cut off (text inside gold's)
        elif r < 0.19 and end - start > 2:
            start, end = start + 1, min(len(text), end + 1)   # shifted: no longer contained
        elif r < 0.21 and isinstance(fields["value"], (int, float)):
            fields["value"] = fields["value"] * 10000  # multiplier applied twice
        elif r < 0.23 and fields["unit"] == "元":
            fields["unit"] = "亿元"                    # multiplier left in the unit
        r = rnd.random()
        if r < 0.05:
            fields["kind"] = "count" if fields["kind"] != "count" else "measure"
        elif r < 0.10:
            fields["role"] = "change" if fields["role"] != "change" else "level"
        elif r < 0.13:
            fields["qualifier"] = None if fields["qualifier"] else "约"
        elif r < 0.18:
            fields["metric"] = None
        elif r < 0.21 and path:
            path = path[:-1]
        elif r < 0.24 and fields["metric"]:
            fields["metric"] = fields["metric"][:1] + "总量"
        r = rnd_time.random()
        if r < 0.08:
            fields["period"] = other_period(fields["period"], rnd_time)
        elif r < 0.12:
            fields["status"] = "target" if fields["status"] != "target" else "actual"
        records.append(make_record(sha, text, "quantity", start, end, fields, path))
        if rnd.random() < 0.02:
            # a second record for the same number (e.g. rule and model disagreeing on
            # the span): one of the two is a false find
            records.append(make_record(sha, text, "quantity", start, end + 1, dict(fields), path,
                                       source="model"))
    # false quantities: years
    n = 0
    for m in re.finditer(r"20[12]\d年", text):
        f = folded.position(m.start())
        if lo <= f < hi and rnd.random() < 0.5:
            records.append(make_record(sha, text, "quantity", m.start(), m.end(),
                                       {"value": int(m.group()[:4]), "value_max": None, "unit": "年",
                                        "kind": "duration", "role": "level", "direction": None,
                                        "qualifier": None, "metric": None, "period": None,
                                        "status": "actual"}, []))
            n += 1
        if n >= 3:
            break
    # outside the scope: must count neither way
    for m in list(re.finditer(r"\d+(?:\.\d+)?(?:%|亿元|万元|万人)", text))[:40]:
        f = folded.position(m.start())
        if f < lo or f >= hi:
            records.append(make_record(sha, text, "quantity", m.start(), m.end(),
                                       {"value": 1, "value_max": None, "unit": "%", "kind": "percent",
                                        "role": "level", "direction": None, "qualifier": None,
                                        "metric": None}, []))

    # agencies
    items = gold.get("agencies", [])
    for item, span in zip(items, locate(folded, items, lo, hi)):
        if span is None or rnd.random() < 0.1:
            continue
        start, end = source_span(folded, span)
        canonical = item.get("canonical")
        if canonical and rnd.random() < 0.15:
            canonical = re.sub(r"^.{1,4}?[省市区县]", "", canonical) or canonical
        records.append(make_record(sha, text, "agency", start, end, {"canonical": canonical}, []))
    for m in re.finditer(r"相关部门|有关部门|公安机关|行政执法部门", text):
        f = folded.position(m.start())
        if lo <= f < hi:
            records.append(make_record(sha, text, "agency", m.start(), m.end(), {"canonical": m.group()}, []))
            break

    # cases
    items = gold.get("cases", [])
    for item, span in zip(items, locate(folded, items, lo, hi)):
        if span is None or rnd.random() < 0.1:
            continue
        start, end = source_span(folded, span)
        if text[start] == "“" and rnd.random() < 0.5:
            start += 1                                 # quotation mark left out: lenient only
        records.append(make_record(sha, text, "case", start, end, {"parties": []}, []))

    records.sort(key=lambda r: (r["start"], r["end"], r["type"]))
    for rec in records:
        rec["section_id"] = next((s["id"] for s in reversed(sections)
                                  if s["start"] <= rec["start"] < s["end"]), None)
    title = next((ln.strip() for ln in text.splitlines() if ln.strip()), None)
    return {
        "schema_version": "1.0", "pipeline_version": "0.1.0", "rules_version": "qa-fixture",
        "document": {"source": doc, "format": doc.rsplit(".", 1)[1], "encoding": "utf-8",
                     "sha256": sha, "title": title, "region": {"name": gold.get("region")},
                     "year": None, "text": text},
        "sections": sections,
        "records": records,
    }


def main(shared: str) -> None:
    shared_path = Path(shared)
    (HERE / "gold").mkdir(exist_ok=True)
    (HERE / "outputs").mkdir(exist_ok=True)
    for seed, (doc, rel) in enumerate(DOCS.items()):
        gold_text = (shared_path / "gold" / f"{doc}.gold.json").read_text(encoding="utf-8")
        (HERE / "gold" / f"{doc}.gold.json").write_text(gold_text, encoding="utf-8")
        out = build(shared_path, doc, rel, seed)
        (HERE / "outputs" / f"{doc}.json").write_text(dumps(out), encoding="utf-8")
        print(doc, len(out["records"]), "records", len(out["sections"]), "sections")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/work/shared")
