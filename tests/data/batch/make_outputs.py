"""Writes the small fixed output set used by the export tests (run once; the JSON files are
committed). Texts are excerpts of real reports (corpus/seed/tianhe-ip-2023.txt,
corpus/real/gov-work-report-suzhou-2024.txt, gov-work-report-bengbu-2024.txt); the records
are annotated by hand in the docs/OUTPUT.md format, so the export tests do not depend on
the extractors.

    .venv/bin/python tests/data/batch/make_outputs.py
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from pipeline.output import dumps, output_name, record_id

CORPUS = Path("/work/shared/corpus")
HERE = Path(__file__).resolve().parent / "outputs"

Q = ("value", "value_max", "unit", "kind", "role", "direction", "qualifier", "metric")


def lines(path: Path, numbers: list[int]) -> str:
    all_lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(all_lines[n - 1].strip() for n in numbers)


def sentence_at(text: str, pos: int) -> tuple[int, int]:
    start = max(text.rfind(c, 0, pos) for c in "。；\n") + 1
    ends = [i for i in (text.find(c, pos) for c in "。；\n") if i != -1]
    end = min(ends) + 1 if ends else len(text)
    return start, end


def build(source: str, fmt: str, text: str, region: dict, year: int, title,
          sections: list[tuple], records: list[tuple]) -> dict:
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()   # the excerpt stands for the file
    secs, where = [], {}
    for sid, marker, stitle, level, parent, heading, upto in sections:
        start = text.index(heading)
        end = text.index(upto) if upto else len(text)
        secs.append({"id": sid, "marker": marker, "title": stitle, "level": level,
                     "start": start, "end": end, "parent": parent})
        where[sid] = (start, end)
    by_id = {s["id"]: s for s in secs}
    out = []
    cursor = 0
    paragraph_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    for rtype, span, fields in records:
        start = text.index(span, cursor)
        end = start + len(span)
        cursor = start
        inner = [s for s in secs if s["start"] <= start < s["end"]]
        sec = max(inner, key=lambda s: s["level"]) if inner else None
        path, cur = [], sec
        while cur:
            path.insert(0, cur["title"])
            cur = by_id.get(cur["parent"])
        s0, s1 = sentence_at(text, start)
        rec = {"id": record_id(sha, rtype, start, end), "type": rtype, "text": span,
               "start": start, "end": end, "sentence": text[s0:s1], "sentence_start": s0,
               "sentence_end": s1, "section_path": path, "section_id": sec["id"] if sec else None,
               "page": None, "paragraph": sum(1 for p in paragraph_starts if p <= start),
               "source": "rule"}
        if rtype == "quantity":
            rec.update({k: fields.get(k) for k in Q})
        elif rtype == "agency":
            rec["canonical"] = fields["canonical"]
        else:
            rec["parties"] = fields.get("parties", [])
        out.append(rec)
    out.sort(key=lambda r: (r["start"], r["end"], r["type"]))
    return {"schema_version": "1.0", "pipeline_version": "0.1.0", "rules_version": "fixture",
            "document": {"source": source, "format": fmt, "encoding": "utf-8", "sha256": sha,
                         "title": title, "region": region, "year": year, "text": text},
            "sections": secs, "records": out}


def q(value, unit, kind, role, metric, direction=None, qualifier=None):
    return {"value": value, "value_max": None, "unit": unit, "kind": kind, "role": role,
            "direction": direction, "qualifier": qualifier, "metric": metric}


def main() -> None:
    HERE.mkdir(exist_ok=True)
    tianhe = lines(CORPUS / "seed/tianhe-ip-2023.txt", [2, 3, 6, 7, 8])
    docs = [build(
        "tianhe-ip-2023.txt", "txt", tianhe,
        {"name": "天河区", "district": "天河区", "city": "广州市", "province": "广东省", "level": "district"},
        2023, None,
        [("s1", "一、", "知识产权创造", 1, None, "一、知识产权创造", "二、知识产权保护"),
         ("s2", "", "专利", 2, "s1", "专利：", "二、知识产权保护"),
         ("s3", "二、", "知识产权保护", 1, None, "二、知识产权保护", None),
         ("s4", "（一）", "司法保护", 2, "s3", "（一）司法保护", None),
         ("s5", "", "加强知识产权审判工作", 3, "s4", "加强知识产权审判工作。", None)],
        [("quantity", "19298件", q(19298, "件", "count", "level", "专利授权量")),
         ("quantity", "9438件", q(9438, "件", "count", "level", "发明专利授权量")),
         ("quantity", "29.6%", q(29.6, "%", "percent", "change", "发明专利授权量", "up")),
         ("quantity", "284件", q(284, "件", "count", "level", "PCT国际专利申请量")),
         ("quantity", "15.3%", q(15.3, "%", "percent", "share", "PCT国际专利申请量")),
         ("agency", "区法院", {"canonical": "天河区人民法院"}),
         ("quantity", "3.65亿元", q(365000000, "元", "money", "level", "争议金额")),
         ("case", "腾讯公司诉珍分夺秒公司侵害商标权及不正当竞争案",
          {"parties": ["腾讯公司", "珍分夺秒公司"]})]),
        build(
        "gov-work-report-suzhou-2024.txt", "txt",
        lines(CORPUS / "real/gov-work-report-suzhou-2024.txt", [5, 29]),
        {"name": "苏州市", "district": None, "city": "苏州市", "province": "江苏省", "level": "city"},
        2024, None,
        [("s1", "一、", "2023年工作回顾", 1, None, "一、2023年工作回顾", None),
         ("s2", "", "科技服务生态持续优化", 2, "s1", "科技服务生态持续优化。", None)],
        [("quantity", "155亿元", q(15500000000, "元", "money", "level", "知识产权质押融资额", qualifier="超过")),
         ("quantity", "2.45万件", q(24500, "件", "count", "level", "有效发明专利授权量", qualifier="超")),
         ("quantity", "20%", q(20, "%", "percent", "change", "有效发明专利授权量", "up")),
         ("quantity", "90%", q(90, "%", "percent", "share", "企业授权比重"))]),
        build(
        "gov-work-report-bengbu-2024.txt", "txt",
        lines(CORPUS / "real/gov-work-report-bengbu-2024.txt", [19, 37]),
        {"name": "蚌埠市", "district": None, "city": "蚌埠市", "province": "安徽省", "level": "city"},
        2024, None,
        [("s1", "（一）", "集中精力拼经济，实体经济发展持续向好", 1, None, "（一）集中精力拼经济", None),
         ("s2", "", "创新能力显著增强", 2, "s1", "创新能力显著增强。", None)],
        [("quantity", "2.5%", q(2.5, "%", "percent", "level", "全社会研发经费投入强度")),
         ("quantity", "1000件", q(1000, "件", "count", "level", "发明专利授权")),
         ("quantity", "33.4%", q(33.4, "%", "percent", "change", "发明专利授权", "up"))]),
    ]
    for d in docs:
        (HERE / output_name(d["document"]["source"])).write_text(dumps(d), encoding="utf-8")


if __name__ == "__main__":
    main()
