"""Rules alone, model alone, and both, on the held-out gold documents: docs/NER.md's table.

    python -m pipeline.ner.evaluate [--gold DIR] [--corpus DIR ...] [--out DIR] [--model DIR]
                                    [--markdown FILE]

For every gold file whose document is in the ``test`` split of pipeline/ner/data/split.json
(never trained on), the document is processed four ways and written as ordinary output
JSON to OUT/<variant>/:

- ``rules``: the chain with use_model=False (what ``govreport extract --no-model`` gives);
- ``model-raw``: the rules' agency and case records replaced by every span the model
  finds (no checks);
- ``model``: the same, through the combiner's checks (pipeline/ner/combine.py);
- ``both``: the chain with the model (what ``govreport extract`` gives).

Each variant is scored with pipeline.qa.eval (GUIDE section 6), and the agency and case
figures are printed as a markdown table (and written to --markdown when given).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipeline.ner.build_data import DATA_DIR, DEFAULT_CORPORA, DEFAULT_GOLD, SUFFIXES

VARIANTS = ("rules", "model-raw", "model", "both")


def held_out_docs(gold_dir: Path, split_file: Path = DATA_DIR / "split.json") -> list[str]:
    """Gold documents that the split put in ``test``."""
    split = json.loads(Path(split_file).read_text(encoding="utf-8"))
    test = {d["name"] for d in split["documents"] if d["split"] in ("test", "dev")}
    golds = sorted(p.name[: -len(".gold.json")] for p in Path(gold_dir).glob("*.gold.json"))
    return [g for g in golds if g in test]


def find_source(name: str, corpora) -> Path | None:
    for root in corpora:
        p = Path(root) / name
        if p.is_file() and p.suffix.lower() in SUFFIXES:
            return p
    return None


def process_variant(path: Path, variant: str, nlp=None) -> dict:
    """The output JSON of one document under one variant."""
    from pipeline.ingest import read_document
    from pipeline.ner import LABEL_TYPE, ModelSpan, apply_model, predict_texts
    from pipeline.ner.combine import canonical, combine, parties
    from pipeline.output import document_json
    from pipeline.process import process_document
    from pipeline.rules import rules_version
    from pipeline.textview import compact
    from pipeline.document import Record

    doc = read_document(path)
    process_document(doc, use_model=False)
    if variant == "both":
        apply_model(doc, nlp)
    elif variant in ("model", "model-raw"):
        doc.records = [r for r in doc.records if r.type not in ("agency", "case")]
        views = [compact(doc.text, s.start, s.end) for s in doc.sentences]
        spans = []
        for si, (view, ents) in enumerate(zip(views, predict_texts([v.text for v in views], nlp))):
            for label, a, b in ents:
                s, e = view.span(a, b)
                if label in LABEL_TYPE and e > s:
                    spans.append(ModelSpan(LABEL_TYPE[label], s, e, si))
        if variant == "model":
            combine(doc, spans)
        else:
            for sp in spans:
                sent = doc.sentences[sp.sentence]
                text = compact(doc.text, sp.start, sp.end).text
                fields = {"sentence": doc.text[sent.start:sent.end],
                          "sentence_start": sent.start, "sentence_end": sent.end}
                if sp.type == "agency":
                    fields["canonical"] = canonical(text, doc.region, None)
                else:
                    fields["parties"] = parties(text)
                doc.records.append(Record(sp.type, sp.start, sp.end, fields, source="model"))
    return document_json(doc, rules_version())


def run_all(gold_dir: Path, corpora, out_dir: Path, model: Path | None = None,
            variants=VARIANTS, split_file: Path = DATA_DIR / "split.json") -> dict:
    from pipeline.ner import load_model
    from pipeline.output import dumps, output_name, write_atomic
    from pipeline.qa.eval import evaluate

    nlp = load_model(model)
    docs = held_out_docs(gold_dir, split_file)
    results = {}
    for variant in variants:
        vdir = Path(out_dir) / variant
        vdir.mkdir(parents=True, exist_ok=True)
        for name in docs:
            src = find_source(name, corpora)
            if src is None:
                raise FileNotFoundError(f"{name}: not found in {', '.join(map(str, corpora))}")
            write_atomic(vdir / output_name(name), dumps(process_variant(src, variant, nlp)))
        results[variant] = evaluate(gold_dir, vdir, docs=docs, lists=("agencies", "cases"))
        results[variant]["summary"]["agencies_strict"] = strict_agencies(gold_dir, vdir, docs)
    return {"docs": docs, "results": results}


def strict_agencies(gold_dir: Path, out_dir: Path, docs: list[str]) -> dict:
    """Agencies scored with exact texts (the case list's strict pairing): how often the
    span's boundaries are exactly the gold item's."""
    from pipeline.qa import load_output_dir
    from pipeline.qa.eval import load_gold_dir, score_document, summarise
    outputs = {name: obj for name, (path, obj) in load_output_dir(out_dir).items()}
    results = []
    for gold in load_gold_dir(gold_dir):
        if gold["doc"] not in docs:
            continue
        out = outputs.get(gold["doc"])
        g = dict(gold, cases=gold.get("agencies") or [])
        o = None
        if out is not None:
            recs = [dict(r, type="case") for r in out["records"] if r["type"] == "agency"]
            o = dict(out, records=recs)
        results.append(score_document(g, o, ("cases",)))
    return summarise(results, ("cases",))["cases"]


def markdown(report: dict) -> str:
    rows = ["| variant | agency P | agency R | agency F1 | agency F1 (exact span) | agency canonical "
            "| agencies right / found / gold | case P | case R | case F1 | case F1 (exact span) |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    names = {"rules": "rules alone", "model-raw": "model alone (raw)",
             "model": "model alone (checked)", "both": "rules + model"}
    for variant, res in report["results"].items():
        a = res["summary"]["agencies"]
        c = res["summary"]["cases"]
        st = res["summary"]["agencies_strict"]
        def f(d, key, none="–"):
            return none if (key == "P" and not d["pred"]) else f"{d.get(key) or 0:.3f}"
        rows.append(f"| {names.get(variant, variant)} | {f(a, 'P')} | {f(a, 'R')} | {f(a, 'F1')} "
                    f"| {f(st, 'strict_F1')} | {f(a, 'canonical_acc')} "
                    f"| {a['tp']} / {a['pred']} / {a['gold']} "
                    f"| {f(c, 'P')} | {f(c, 'R')} | {f(c, 'F1')} | {f(c, 'strict_F1')} |")
    return "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    import shutil
    import tempfile
    from pipeline.ner.build_data import CHECKED_DIR
    p = argparse.ArgumentParser(prog="python -m pipeline.ner.evaluate", description=__doc__.splitlines()[0])
    p.add_argument("--gold", type=Path, action="append",
                   help="folder of gold files (repeatable; default: /work/shared/gold and "
                        "pipeline/ner/data/checked, then both together)")
    p.add_argument("--corpus", action="append", type=Path)
    p.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "govreport-ner-eval")
    p.add_argument("--model", type=Path, default=None)
    p.add_argument("--split", type=Path, default=DATA_DIR / "split.json")
    p.add_argument("--markdown", type=Path, default=None, help="write the tables here")
    p.add_argument("--json", type=Path, default=None, help="write the full reports here")
    args = p.parse_args(argv)
    sets = [(str(g), g) for g in args.gold] if args.gold else [("gold", DEFAULT_GOLD), ("checked", CHECKED_DIR)]
    if not args.gold:
        merged = Path(args.out) / "_all_gold"
        shutil.rmtree(merged, ignore_errors=True)
        merged.mkdir(parents=True)
        for _, folder in sets:
            for f in Path(folder).glob("*.gold.json"):
                shutil.copy(f, merged / f.name)
        sets.append(("all held-out", merged))
    parts, reports = [], {}
    for label, folder in sets:
        report = run_all(folder, args.corpus or DEFAULT_CORPORA, Path(args.out) / label.replace(" ", "_"),
                         args.model, split_file=args.split)
        reports[label] = report
        parts.append(f"**{label}** ({len(report['docs'])} documents: {', '.join(report['docs'])})\n\n"
                     + markdown(report))
    text = "\n".join(parts)
    print(text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(reports, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
