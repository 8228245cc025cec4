"""Case names for the NER model from real case titles (docs/NER.md, Cases).

The reports of the corpus name few cases (7 in the training documents), too few for the
model to learn the CASE label. ``data/case_titles.txt`` holds the titles of the case files
of the LawRefBook/Laws repository (names only). Each title is set into sentence frames
of court and procuratorate work reports (written for this module, in the forms of
shared/GUIDE.md section 4: after a verb, before 入选…, after a list number, before its
case number) and becomes a CASE entity there.

- **Held out**: titles are split by a hash of the title (about a quarter) and every title
  whose case file is itself a document of the corpus's dev or test split (吴小秦诉…,
  成都某商贸…, 王某诉安徽省怀宁县…, 中山市某房地产…) is held out too; frames are split
  the same way. ``held_out_document`` writes the held-out titles in the held-out frames,
  with a gold file, for measuring (``python -m pipeline.ner.case_titles --measure``).
- **Criminal forms**: the titles are civil and administrative cases; names of criminal
  cases (a person with 某 or a company, then an offence of rules/cases.yaml) are composed
  from the offences of the training half of that list, so the model also sees them.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TITLES = HERE / "data" / "case_titles.txt"
SEED = 13
HELD_OUT_SHARE = 4           # 1 in 4 titles and frames (by hash) are held out
# titles whose case file is a document of the dev or test split (pipeline/ner/data/split.json)
HELD_OUT_TITLES = ("吴小秦诉", "成都某商贸有限公司诉", "王某诉安徽省怀宁县", "中山市某房地产发展有限公司诉")

# Sentence frames of court and procuratorate reports; {} is the case name.
FRAMES = [
    "审结{}，依法判令被告停止侵权并赔偿经济损失。",
    "{}入选全省法院年度典型案例。",
    "该院审理的{}被评为年度十大案件之一。",
    "依法审理{}，切实维护当事人合法权益。",
    "在{}中，法院明确了此类纠纷的裁判规则。",
    "1.{}",
    "（二）{}",
    "发布{}等一批典型案例，以案释法。",
    "{}（(2023)沪0115民初1234号）入选最高人民法院公报案例。",
    "妥善化解{}，促成双方当事人达成和解。",
    "我院办理的{}获评全国检察机关优秀案例。",
    "二审依法改判{}，维护了市场公平竞争秩序。",
    "其中，{}经媒体报道后引发社会广泛关注。",
    "3、{}，判决结果获得当事人认可。",
    "通过审理{}，推动相关行业规范经营。",
    "案例一：{}",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
COMPANY_WORDS = ["科技", "网络", "贸易", "置业", "实业", "电子商务", "食品", "物流", "建设工程", "生物医药", "文化传媒", "信息技术"]
COMPANY_TAILS = ["有限公司", "股份有限公司", "公司", "集团"]


def _hash(text: str) -> int:
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:8], 16)


def load_titles(path: Path = TITLES) -> list[str]:
    return [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()
            if ln.strip() and not ln.startswith("#")]


def held_out(text: str) -> bool:
    return _hash(text) % HELD_OUT_SHARE == 0 or text.startswith(HELD_OUT_TITLES)


def _offences() -> list[str]:
    from pipeline import rules
    from pipeline.extract import cases  # noqa: F401  (registers the schema)
    return list(rules.load("cases")["offences"])


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(["某", "某某", "某某"])


def _company(rng: random.Random) -> str:
    return "某" + rng.choice(["", "某"]) + rng.choice(COMPANY_WORDS) + rng.choice(COMPANY_TAILS)


def criminal_names(rng: random.Random, n: int, offences: list[str]) -> list[str]:
    """Names of criminal cases composed as the reports write them: 张某某非法吸收公众存款案,
    某某科技有限公司、李某单位行贿案, 王某等5人诈骗一案."""
    out = []
    for _ in range(n):
        who = rng.choice([_person(rng), _person(rng), _company(rng),
                          f"{_person(rng)}等{rng.randint(2, 30)}人", f"{_company(rng)}、{_person(rng)}"])
        out.append(who + rng.choice(offences) + rng.choice(["案", "案", "一案", "罪一案"]))
    return out


def examples(split: str = "train", seed: int = SEED) -> list:
    """Examples (pipeline.ner.build_data.Example) of the titles and frames of ``split``
    ('train' or 'held-out')."""
    from pipeline.ner.build_data import Example

    want = split != "train"
    titles = [t for t in load_titles() if held_out(t) == want]
    frames = [f for f in FRAMES if held_out(f) == want]
    offences = [o for o in _offences() if held_out(o) == want]
    rng = random.Random(seed + (1 if want else 0))
    names = titles + criminal_names(rng, len(titles), offences)
    out = []
    for name in names:
        for frame in rng.sample(frames, min(3, len(frames))) if not want else frames[:2]:
            text = frame.format(name)
            a = frame.index("{}")
            out.append(Example(text, [("CASE", a, a + len(name))], f"case-titles:{split}"))
    return out


def held_out_document(folder: Path) -> Path:
    """Write the held-out examples as a document (one sentence a line) and its gold file
    (cases and case numbers) into ``folder``; returns the document's path."""
    folder.mkdir(parents=True, exist_ok=True)
    exs = examples("held-out")
    name = "case-titles-held-out.txt"
    (folder / name).write_text("".join(e.text + "\n" for e in exs), encoding="utf-8")
    gold = {"doc": name, "region": None, "scope": None,
            "cases": [{"text": e.text[a:b]} for e in exs for _, a, b in e.ents]}
    (folder / f"{name}.gold.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1) + "\n",
                                             encoding="utf-8")
    return folder / name


def measure(folder: Path) -> dict:
    """Rules alone, model alone (checked) and rules + model on the held-out titles."""
    from pipeline.ner.evaluate import process_variant
    from pipeline.output import dumps
    from pipeline.qa.eval import evaluate

    src = held_out_document(folder)
    res = {}
    for variant in ("rules", "model-raw", "model", "both"):
        vdir = folder / variant
        vdir.mkdir(exist_ok=True)
        (vdir / f"{src.name}.json").write_text(dumps(process_variant(src, variant)), encoding="utf-8")
        res[variant] = evaluate(folder, vdir, docs=[src.name], lists=("cases",))["summary"]["cases"]
    return res


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m pipeline.ner.case_titles", description=__doc__.splitlines()[0])
    p.add_argument("--measure", type=Path, metavar="DIR", help="write the held-out document there and score it")
    args = p.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure), ensure_ascii=False, indent=1))
        return 0
    exs = examples("train")
    print(f"{len(exs)} training sentences, {sum(len(e.ents) for e in exs)} CASE entities")
    return 0


if __name__ == "__main__":
    sys.exit(main())
