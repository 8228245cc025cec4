"""``govreport eval GOLD_DIR OUTDIR``: score outputs against gold files (GUIDE.md sections 5-6).

How a document is scored, step by step:

1. The output's ``document.text`` is *folded*: Unicode NFKC, white space removed. Every
   folded character remembers the offset it came from, so record offsets (which point
   into ``document.text``) can be moved into folded positions.
2. Gold items are located in the folded text: each list is searched in order, each item
   from the end of the previous item found; a text starting with a digit is not found
   inside a longer number (``6.9%`` is not inside ``16.9%``). With a ``scope``, only the
   text from the first ``from`` through the first later ``to`` is searched and scored.
3. Optional gold items are taken out of both sides: the item itself, and every predicted
   record overlapping a located optional item.
4. Per list, gold items and predicted records are aligned in document order as a longest
   common subsequence. A gold item and a record may pair when their spans overlap and
   one folded text contains the other. Among alignments with the most pairs, the one with
   the largest total overlap wins (then the earliest pairs), which keeps a record paired
   with the gold item it covers most.

   This gives the same pairs as the reference scorer (shared/tools/score.py, which pairs
   greedily by largest overlap) whenever the records of one type do not overlap each
   other, as in the pipeline's output: then every group of items that could pair is one
   record and the gold items inside it, or one gold item and the records inside it, and
   both pick its largest overlap. Where records of one type overlap, the subsequence can
   find more pairs than the greedy choice (tests/test_qa_eval.py shows such a case).
5. Figures: quantities count a pair as right when value (relative difference within 0.1%)
   and unit agree; agencies and cases count every pair (cases also strictly, equal texts);
   sections are a multiset match of heading titles (without trailing ``：``/``。``).
   Precision, recall and F1 per document and micro-averaged over documents.
"""
from __future__ import annotations

import bisect
import json
import os
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pipeline.qa import QAInputError, load_json, load_output_dir, split_list

# gold list name -> record type
LISTS = {"quantities": "quantity", "agencies": "agency", "cases": "case",
         "case_numbers": "case_number"}
ALL_LISTS = ("quantities", "agencies", "cases", "case_numbers", "sections")
_TYPE_NAMES = {"quantity": "quantities", "quantities": "quantities",
               "agency": "agencies", "agencies": "agencies",
               "case": "cases", "cases": "cases",
               "case_number": "case_numbers", "case_numbers": "case_numbers",
               "section": "sections", "sections": "sections"}
QUANTITY_ATTRIBUTES = ("kind", "role", "qualifier")
# Scored only on the pairs whose gold item has the key (gold files of earlier rounds lack them).
KEYED_ATTRIBUTES = ("period", "status")
TITLE_END = ":：。"
VALUE_TOLERANCE = 1e-3
METRIC_MIN_F1 = 0.5


# ---------------------------------------------------------------- folding text

def fold(s: str | None) -> str:
    """NFKC without white space: the form in which texts are compared."""
    return "".join(c for c in unicodedata.normalize("NFKC", s or "") if not c.isspace())


def fold_title(s: str | None) -> str:
    return fold(s).rstrip(TITLE_END)


@dataclass
class FoldedText:
    """A document text folded as ``fold`` does, with the source offset of each character.

    Characters are normalised one at a time so that each folded character has exactly
    one source offset (NFKC may expand one character into several: ``㎡`` -> ``m2``).
    """
    text: str
    source: list[int]

    @cached_property
    def gaps(self) -> frozenset[int]:
        """Folded positions that white space (or a dropped character) preceded in the
        source: two table cells '1.0 2.0' fold to '1.02.0' but are two numbers."""
        src = self.source
        return frozenset(i for i in range(1, len(src)) if src[i] > src[i - 1] + 1)

    @classmethod
    def of(cls, text: str) -> "FoldedText":
        chars, source = [], []
        for i, ch in enumerate(text):
            for c in unicodedata.normalize("NFKC", ch):
                if not c.isspace():
                    chars.append(c)
                    source.append(i)
        return cls("".join(chars), source)

    def position(self, offset: int) -> int:
        """The first folded position whose source offset is at or after ``offset``
        (so a record's [start, end) maps to a folded [start, end))."""
        return bisect.bisect_left(self.source, offset)


def find_item(text: str, item: str, start: int, end: int, gaps=frozenset()) -> int:
    """First occurrence of ``item`` in text[start:end] that does not begin inside a
    number (a number begins after white space in the source, ``gaps``); -1 when there
    is none."""
    if not item:
        return -1
    pos = start
    while True:
        at = text.find(item, pos, end)
        if at <= 0 or not item[0].isdigit() or at in gaps:
            return at
        before = text[at - 1]
        if not (before.isdigit() or before == "."):
            return at
        pos = at + 1


def scope_range(folded: FoldedText, scope: dict | None) -> tuple[int, int] | None:
    """The folded range a gold file's scope covers; None when its anchors are not in the
    text (the pipeline lost the annotated part, so everything in it counts as missed)."""
    if not scope:
        return 0, len(folded.text)
    start = folded.text.find(fold(scope.get("from")))
    to = fold(scope.get("to"))
    stop = folded.text.find(to, max(start, 0))
    if start < 0 or stop < 0:
        return None
    return start, stop + len(to)


def locate(folded: FoldedText, items: list[dict], lo: int, hi: int) -> list[tuple[int, int] | None]:
    """Folded spans of one gold list (None for an item not found), each searched from the
    end of the previous item found."""
    spans: list[tuple[int, int] | None] = []
    pos = lo
    for item in items:
        t = fold(item.get("text"))
        at = find_item(folded.text, t, pos, hi, folded.gaps)
        if at < 0:
            spans.append(None)
        else:
            spans.append((at, at + len(t)))
            pos = at + len(t)
    return spans


# ---------------------------------------------------------------- alignment

@dataclass
class Item:
    """One side of a pairing: a gold item or a predicted record, in folded coordinates."""
    span: tuple[int, int] | None
    text: str           # folded text
    obj: dict


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return min(a[1], b[1]) - max(a[0], b[0])


def align(golds: list[Item], preds: list[Item]) -> list[tuple[int, int]]:
    """Pairs (gold index, pred index) of the longest common subsequence of the two lists
    (golds in gold order, preds in text order), where a pair needs overlapping spans and
    one text containing the other. Ties: largest total overlap, then earliest pairs."""
    cands = []
    for gi, g in enumerate(golds):
        if g.span is None:
            continue
        for pi, p in enumerate(preds):
            ov = overlap(g.span, p.span)
            if ov > 0 and (g.text in p.text or p.text in g.text):
                cands.append((gi, pi, ov))
    # Longest chain of candidates increasing in both indices, solved from the back:
    # best[k] is the best chain starting with cands[k], as (pairs, total overlap).
    # Candidates are few (a gold item overlaps one or two records), so O(k^2) is fine.
    n = len(cands)
    best: list[tuple[int, int]] = [(0, 0)] * n
    follow: list[int] = [-1] * n
    for k in range(n - 1, -1, -1):
        gi, pi, ov = cands[k]
        score, nxt = (1, ov), -1
        for j in range(k + 1, n):
            gj, pj, _ = cands[j]
            if gj > gi and pj > pi:
                s = (1 + best[j][0], ov + best[j][1])
                if s > score:
                    score, nxt = s, j
        best[k], follow[k] = score, nxt
    start, top = -1, (0, 0)
    for k in range(n):
        if best[k] > top:
            start, top = k, best[k]
    pairs = []
    while start >= 0:
        pairs.append(cands[start][:2])
        start = follow[start]
    return pairs


# ---------------------------------------------------------------- comparing fields

def values_agree(a, b) -> bool:
    try:
        a, b = float(a), float(b)
    except (TypeError, ValueError):
        return False
    return a == b or abs(a - b) <= VALUE_TOLERANCE * max(abs(a), abs(b))


def units_agree(a, b) -> bool:
    return fold(a) == fold(b)


def same_attribute(a, b) -> bool:
    """Null and the empty string are the same "no value"."""
    return (a or None) == (b or None)


def same_path(a, b) -> bool:
    return [fold_title(x) for x in a or []] == [fold_title(x) for x in b or []]


def char_f1(a: str | None, b: str | None) -> float:
    """F1 of the two folded texts as multisets of characters."""
    a, b = fold(a), fold(b)
    if not a or not b:
        return 0.0
    common = sum((Counter(a) & Counter(b)).values())
    if not common:
        return 0.0
    p, r = common / len(a), common / len(b)
    return 2 * p * r / (p + r)


def prf(tp: int, gold: int, pred: int) -> tuple[float, float, float]:
    """Precision, recall, F1. Nothing predicted and nothing to find is perfect."""
    p = tp / pred if pred else (1.0 if not gold else 0.0)
    r = tp / gold if gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


# ---------------------------------------------------------------- one document

def _record_item(folded: FoldedText, rec: dict) -> Item:
    s, e = folded.position(rec.get("start", 0)), folded.position(rec.get("end", 0))
    return Item((s, e), fold(rec.get("text") or folded.text[s:e]), rec)


def _where(obj: dict) -> list[str]:
    return list(obj.get("section_path") or obj.get("section") or [])


def score_list(name: str, folded: FoldedText, gold_items: list[dict],
               spans: list[tuple[int, int] | None], records: list[dict],
               lo: int, hi: int) -> dict:
    rtype = LISTS[name]
    golds, optional = [], []
    for item, span in zip(gold_items, spans):
        if item.get("optional"):
            if span:
                optional.append(span)
        else:
            golds.append(Item(span, fold(item.get("text")), item))
    preds = []
    for rec in records:
        if rec.get("type") != rtype:
            continue
        it = _record_item(folded, rec)
        s, e = it.span
        if s >= hi or e <= lo:
            continue                       # outside the annotated scope
        if any(overlap(it.span, o) > 0 for o in optional):
            continue                       # a borderline item: counts neither way
        preds.append(it)
    preds.sort(key=lambda it: it.span)     # document order (stable for equal spans)
    pairs = align(golds, preds)

    res: dict = {"gold": len(golds), "pred": len(preds),
                 "missing_in_text": sum(1 for g in golds if g.span is None)}
    problems: dict[tuple[str, int], str] = {}   # why a paired item did not count
    if name == "quantities":
        good = []
        for gi, pi in pairs:
            g, p = golds[gi].obj, preds[pi].obj
            wrong = []
            if not values_agree(g.get("value"), p.get("value")):
                wrong.append(("value", g.get("value"), p.get("value")))
            if not units_agree(g.get("unit"), p.get("unit")):
                wrong.append(("unit", g.get("unit"), p.get("unit")))
            if wrong:
                why = "; ".join(f"{f} {pv!r} ≠ gold {gv!r}" for f, gv, pv in wrong)
                problems[("gold", gi)] = f"paired with {preds[pi].text}: {why}"
                problems[("pred", pi)] = f"paired with gold {g.get('text')}: {why}"
            else:
                good.append((gi, pi))
        res["tp"] = len(good)
        res["table_n"] = sum(1 for g in golds if g.obj.get("table"))
        res["table_tp"] = sum(1 for gi, _ in good if golds[gi].obj.get("table"))
        attr_errors = []
        for key in QUANTITY_ATTRIBUTES:
            right = 0
            for gi, pi in good:
                gv, pv = golds[gi].obj.get(key), preds[pi].obj.get(key)
                if same_attribute(gv, pv):
                    right += 1
                else:
                    attr_errors.append({"text": golds[gi].obj.get("text"), "field": key, "gold": gv, "pred": pv})
            res[key] = right
        for key in KEYED_ATTRIBUTES:
            keyed = [(gi, pi) for gi, pi in good if key in golds[gi].obj]
            res[key + "_n"] = len(keyed)
            right = 0
            for gi, pi in keyed:
                gv, pv = golds[gi].obj[key], preds[pi].obj.get(key)
                if same_attribute(gv, pv):
                    right += 1
                else:
                    attr_errors.append({"text": golds[gi].obj.get("text"), "field": key, "gold": gv, "pred": pv})
            res[key] = right
        right = 0
        for gi, pi in good:
            gv, pv = golds[gi].obj.get("section"), preds[pi].obj.get("section_path")
            if same_path(gv, pv):
                right += 1
            else:
                attr_errors.append({"text": golds[gi].obj.get("text"), "field": "section", "gold": gv, "pred": pv})
        res["section"] = right
        with_metric = [(gi, pi) for gi, pi in good if golds[gi].obj.get("metric")]
        res["metric_n"] = len(with_metric)
        right = 0
        for gi, pi in with_metric:
            gv, pv = golds[gi].obj["metric"], preds[pi].obj.get("metric")
            if char_f1(gv, pv or "") >= METRIC_MIN_F1:
                right += 1
            else:
                attr_errors.append({"text": golds[gi].obj.get("text"), "field": "metric", "gold": gv, "pred": pv})
        res["metric"] = right
        counted = good
        res["attribute_errors"] = attr_errors
    elif name == "agencies":
        res["tp"] = len(pairs)
        right, attr_errors = 0, []
        for gi, pi in pairs:
            gv, pv = golds[gi].obj.get("canonical"), preds[pi].obj.get("canonical")
            if fold(gv) == fold(pv):
                right += 1
            else:
                attr_errors.append({"text": golds[gi].obj.get("text"), "field": "canonical", "gold": gv, "pred": pv})
        res["canonical"] = right
        res["attribute_errors"] = attr_errors
        counted = pairs
    else:
        res["tp"] = len(pairs)
        res["strict"] = sum(1 for gi, pi in pairs if golds[gi].text == preds[pi].text)
        counted = pairs
    paired_g = {gi for gi, _ in counted}
    paired_p = {pi for _, pi in counted}
    res["misses"] = [golds[gi].obj.get("text") for gi in range(len(golds)) if gi not in paired_g]
    res["false"] = [preds[pi].text for pi in range(len(preds)) if pi not in paired_p]
    # The same, with where they are, for the listing.
    res["miss_details"] = [{"text": golds[gi].obj.get("text"), "section": _where(golds[gi].obj),
                            "why": problems.get(("gold", gi)) or
                            ("not found" if golds[gi].span else "not in the output's text")}
                           for gi in range(len(golds)) if gi not in paired_g]
    res["false_details"] = [{"text": preds[pi].text, "section": _where(preds[pi].obj),
                             "id": preds[pi].obj.get("id"), "start": preds[pi].obj.get("start"),
                             "why": problems.get(("pred", pi)) or "no gold item"}
                            for pi in range(len(preds)) if pi not in paired_p]
    return res


def score_sections(folded: FoldedText, gold: dict, output: dict, lo: int, hi: int) -> dict:
    gold_titles = [fold_title(s.get("title")) for s in gold.get("sections", []) if not s.get("optional")]
    optional = {fold_title(s.get("title")) for s in gold.get("sections", []) if s.get("optional")}
    pred_titles = []
    for s in output.get("sections", []):
        t = fold_title(s.get("title"))
        if not t or t in optional:
            continue
        if gold.get("scope"):
            # a heading counts only where it stands inside the annotated part (where its
            # title is, for an output without heading offsets)
            if isinstance(s.get("start"), int):
                if not lo <= folded.position(s["start"]) < hi:
                    continue
            elif folded.text.find(t, lo, hi) < 0:
                continue
        pred_titles.append(t)
    g, p = Counter(gold_titles), Counter(pred_titles)
    return {"gold": len(gold_titles), "pred": len(pred_titles), "tp": sum((g & p).values()),
            "misses": sorted((g - p).elements()), "false": sorted((p - g).elements())}


def score_document(gold: dict, output: dict | None, lists=ALL_LISTS) -> dict:
    """Counts for one document. ``output`` None means the pipeline produced nothing for
    it: every gold item is missed."""
    if output is None:
        output = {"document": {"text": ""}, "records": [], "sections": []}
    folded = FoldedText.of(output.get("document", {}).get("text") or "")
    res: dict = {"doc": gold.get("doc")}
    bounds = scope_range(folded, gold.get("scope"))
    if bounds is None:
        res["warning"] = "scope anchors not found in the output's text: every gold item counts as missed"
        bounds = (0, 0)
    lo, hi = bounds
    records = output.get("records") or []
    for name in lists:
        if name not in gold:
            continue                       # a list the gold file leaves out was not annotated
        if name == "sections":
            res[name] = score_sections(folded, gold, output, lo, hi)
        else:
            items = gold.get(name) or []
            spans = locate(folded, items, lo, hi)
            res[name] = score_list(name, folded, items, spans, records, lo, hi)
        d = res[name]
        p, r, f = prf(d["tp"], d["gold"], d["pred"])
        d.update(P=round(p, 4), R=round(r, 4), F1=round(f, 4))
    return res


# ---------------------------------------------------------------- all documents

_SUMMED = ("gold", "pred", "tp", "missing_in_text", "kind", "role", "qualifier", "section",
           "metric", "metric_n", "period", "period_n", "status", "status_n", "table_n", "table_tp",
           "canonical", "strict")


def summarise(results: list[dict], lists=ALL_LISTS) -> dict:
    """Micro-averages: counts summed over documents, then P/R/F1 and attribute shares."""
    out = {}
    for name in lists:
        scored = [res[name] for res in results if name in res]
        if not scored:
            continue                       # no gold file annotates this list
        t = Counter()
        for d in scored:
            for k in _SUMMED:
                if k in d:
                    t[k] += d[k]
        p, r, f = prf(t["tp"], t["gold"], t["pred"])
        o = {"P": round(p, 4), "R": round(r, 4), "F1": round(f, 4),
             "gold": t["gold"], "pred": t["pred"], "tp": t["tp"]}
        if name == "quantities" and t["tp"]:
            for key in QUANTITY_ATTRIBUTES + ("section",):
                o[key + "_acc"] = round(t[key] / t["tp"], 4)
            o["metric_acc"] = round(t["metric"] / t["metric_n"], 4) if t["metric_n"] else None
            for key in KEYED_ATTRIBUTES:
                if t[key + "_n"]:
                    o[key + "_acc"] = round(t[key] / t[key + "_n"], 4)
        if name == "quantities" and t["table_n"]:
            o["table_recall"] = round(t["table_tp"] / t["table_n"], 4)
        if name == "agencies" and t["tp"]:
            o["canonical_acc"] = round(t["canonical"] / t["tp"], 4)
        if name in ("cases", "case_numbers") and t["tp"]:
            o["strict_F1"] = round(prf(t["strict"], t["gold"], t["pred"])[2], 4)
        if t["missing_in_text"]:
            o["gold_not_in_text"] = t["missing_in_text"]
        out[name] = o
    return out


def load_gold_dir(folder: str | os.PathLike) -> list[dict]:
    folder = Path(folder)
    if not folder.is_dir():
        raise QAInputError(f"{folder}: not a folder")
    golds = []
    for path in sorted(folder.glob("*.gold.json")):
        gold = load_json(path)
        if not isinstance(gold, dict) or not gold.get("doc"):
            raise QAInputError(f"{path}: not a gold file (no 'doc')")
        golds.append(gold)
    return golds


def _wanted(doc: str, only: list[str]) -> bool:
    return not only or doc in only or os.path.splitext(doc)[0] in only


def evaluate(gold_dir, out_dir, *, docs: list[str] | None = None, lists=ALL_LISTS) -> dict:
    """Score every gold document (or those named in ``docs``) against the outputs in
    ``out_dir``. Returns {"summary": ..., "docs": [...], "missing_outputs": [...]}."""
    outputs: dict[str, dict] = {}
    for name, (path, obj) in sorted(load_output_dir(out_dir).items(), key=lambda kv: kv[1][0].name):
        outputs[name] = obj
        outputs[path.name[:-5]] = obj          # <doc>.json names its document too
    results, missing = [], []
    for gold in load_gold_dir(gold_dir):
        doc = gold["doc"]
        if not _wanted(doc, docs or []):
            continue
        output = outputs.get(doc) or outputs.get(os.path.splitext(doc)[0])
        if output is None:
            missing.append(doc)
        results.append(score_document(gold, output, lists))
    return {"summary": summarise(results, lists), "docs": results, "missing_outputs": missing}


# ---------------------------------------------------------------- command line

def parse_thresholds(value: str | None, lists) -> dict[str, float]:
    """'0.8' -> every scored list; 'quantity=0.8,agency=0.6' -> per list."""
    if not value:
        return {}
    out = {}
    for part in split_list(value):
        if "=" in part:
            key, num = part.split("=", 1)
            if key.strip() not in _TYPE_NAMES:
                raise ValueError(f"unknown list {key!r} in --min-f1")
            names = [_TYPE_NAMES[key.strip()]]
        else:
            num, names = part, list(lists)
        f = float(num)
        if not 0 <= f <= 1:
            raise ValueError(f"--min-f1 {num} is not between 0 and 1")
        for n in names:
            out[n] = f
    return out


def parse_types(value: str | None) -> tuple[str, ...]:
    if not value:
        return ALL_LISTS
    names = []
    for t in split_list(value):
        if t not in _TYPE_NAMES:
            raise ValueError(f"unknown type {t!r} (choose from quantity, agency, case, case_number, section)")
        if _TYPE_NAMES[t] not in names:
            names.append(_TYPE_NAMES[t])
    return tuple(n for n in ALL_LISTS if n in names)


def check_thresholds(summary: dict, thresholds: dict[str, float]) -> list[str]:
    return [f"{name} F1 {summary[name]['F1']:.4f} < {need}"
            for name, need in thresholds.items() if name in summary and summary[name]["F1"] < need]


# --min-acc names -> (list, summary key): the accuracies printed under the table
ACCURACIES = {
    **{k: ("quantities", k + "_acc")
       for k in ("kind", "role", "qualifier", "section", "metric", "period", "status")},
    "table": ("quantities", "table_recall"),
    "canonical": ("agencies", "canonical_acc"),
    "case_strict": ("cases", "strict_F1"),
}


def parse_accuracy_thresholds(value: str | None) -> dict[str, float]:
    """'period=0.95,status=0.97,table=0.95' -> {name: minimum}; every part needs a name."""
    out = {}
    for part in split_list(value or ""):
        key, sep, num = part.partition("=")
        key = key.strip()
        if not sep or key not in ACCURACIES:
            raise ValueError(f"--min-acc wants NAME=F with NAME one of {', '.join(ACCURACIES)}; got {part!r}")
        f = float(num)
        if not 0 <= f <= 1:
            raise ValueError(f"--min-acc {num} is not between 0 and 1")
        out[key] = f
    return out


def check_accuracies(summary: dict, thresholds: dict[str, float]) -> list[str]:
    """An accuracy no gold file can measure (no gold item has the key) is not checked,
    as a list no gold file has is not scored."""
    failed = []
    for name, need in thresholds.items():
        lst, key = ACCURACIES[name]
        got = summary.get(lst, {}).get(key)
        if got is not None and got < need:
            failed.append(f"{lst} {key} {got:.4f} < {need}")
    return failed


def _pct(x) -> str:
    return "   -  " if x is None else f"{100 * x:5.1f}%"


def format_table(report: dict, lists, *, listing: bool = True) -> str:
    """The terminal view: one row per document and list, the micro-average, then what
    each document missed and found wrongly."""
    lines = []
    width = max([len("micro-average")] + [len(r["doc"]) for r in report["docs"]])
    head = f"{'document':<{width}}  {'list':<12} {'P':>6} {'R':>6} {'F1':>6}  {'tp':>4} {'gold':>4} {'pred':>4}"
    lines += [head, "-" * len(head)]

    def row(doc, name, d):
        return (f"{doc:<{width}}  {name:<12} {_pct(d['P'])} {_pct(d['R'])} {_pct(d['F1'])}"
                f"  {d['tp']:>4} {d['gold']:>4} {d['pred']:>4}")

    for res in report["docs"]:
        scored = [name for name in lists if name in res]
        for i, name in enumerate(scored):
            lines.append(row(res["doc"] if i == 0 else "", name, res[name]))
    lines.append("-" * len(head))
    summary = report["summary"]
    for i, name in enumerate(n for n in lists if n in summary):
        lines.append(row("micro-average" if i == 0 else "", name, summary[name]))
    extras = []
    q = summary.get("quantities", {})
    if "kind_acc" in q:
        extras.append("quantities (right pairs): " + ", ".join(
            f"{k} {_pct(q.get(k + '_acc')).strip()}"
            for k in ("kind", "role", "qualifier", "section", "metric", "period", "status") if k + "_acc" in q))
    if "table_recall" in q:
        extras.append(f"quantities in tables: recall {_pct(q['table_recall']).strip()}")
    a = summary.get("agencies", {})
    if "canonical_acc" in a:
        extras.append(f"agencies: canonical {_pct(a['canonical_acc']).strip()}")
    for name in ("cases", "case_numbers"):
        c = summary.get(name, {})
        if "strict_F1" in c:
            extras.append(f"{name.replace('_', ' ')}: strict F1 {_pct(c['strict_F1']).strip()}")
    not_in_text = {n: d["gold_not_in_text"] for n, d in summary.items() if d.get("gold_not_in_text")}
    if not_in_text:
        extras.append("gold items not found in the output text: "
                      + ", ".join(f"{n} {k}" for n, k in not_in_text.items()))
    if extras:
        lines.append("")
        lines += extras
    for doc in report.get("missing_outputs", []):
        lines.append(f"no output for {doc}: all its gold items count as missed")
    if listing:
        for res in report["docs"]:
            block = []
            if res.get("warning"):
                block.append(f"  ! {res['warning']}")
            for name in (n for n in lists if n in res):
                d = res[name]
                for kind, items in (("miss ", d.get("miss_details") or [{"text": t} for t in d["misses"]]),
                                    ("false", d.get("false_details") or [{"text": t} for t in d["false"]])):
                    for m in items:
                        where = " › ".join(m.get("section") or [])
                        why = m.get("why")
                        note = f"  ({why})" if why and why not in ("not found", "no gold item") else ""
                        block.append(f"  {kind} {name:<10} {m['text']}" + (f"   [{where}]" if where else "") + note)
            if block:
                lines += ["", f"{res['doc']}:"] + block
    return "\n".join(lines) + "\n"


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "eval", help="score outputs against gold files (GUIDE.md section 6)",
        description="Score the outputs in OUTDIR against the gold files (*.gold.json) in GOLD_DIR: "
                    "precision, recall and F1 per document and micro-averaged, with each "
                    "document's misses and false finds.")
    p.add_argument("gold_dir", metavar="GOLD_DIR")
    p.add_argument("out_dir", metavar="OUTDIR")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--docs", metavar="A,B", help="score only these documents (file names, with or without suffix)")
    p.add_argument("--types", metavar="T,U",
                   help="score only these lists: quantity, agency, case, case_number, section")
    p.add_argument("--min-f1", metavar="F", dest="min_f1",
                   help="exit 1 when a micro-averaged F1 is below F (0-1); "
                        "'quantity=0.8,agency=0.6' sets it per list")
    p.add_argument("--min-acc", metavar="NAME=F", dest="min_acc",
                   help="exit 1 when a micro-averaged accuracy is below F, e.g. "
                        "'period=0.95,status=0.97,table=0.95' (names: " + ", ".join(ACCURACIES) + ")")
    p.add_argument("--no-list", dest="listing", action="store_false",
                   help="table only, without the per-document misses and false finds")
    p.set_defaults(func=run)


def run(args) -> int:
    try:
        lists = parse_types(args.types)
        thresholds = parse_thresholds(args.min_f1, lists)
        accuracy_thresholds = parse_accuracy_thresholds(getattr(args, "min_acc", None))
        report = evaluate(args.gold_dir, args.out_dir, docs=split_list(args.docs), lists=lists)
    except (QAInputError, ValueError) as e:
        print(f"govreport eval: {e}", file=sys.stderr)
        return 2
    if not report["docs"]:
        print("govreport eval: no gold documents to score", file=sys.stderr)
        return 2
    if len(report["missing_outputs"]) == len(report["docs"]):
        # nothing was compared: a wrong OUTDIR must not pass as a (zero) score
        print(f"govreport eval: no output in {args.out_dir} belongs to a gold document "
              f"(looked for <document>.json or document.source)", file=sys.stderr)
        return 2
    failed = (check_thresholds(report["summary"], thresholds)
              + check_accuracies(report["summary"], accuracy_thresholds))
    if args.json:
        report["thresholds"] = {"min_f1": thresholds, "min_acc": accuracy_thresholds, "failed": failed}
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(format_table(report, lists, listing=args.listing))
    for f in failed:
        print(f"govreport eval: below threshold: {f}", file=sys.stderr)
    return 1 if failed else 0
