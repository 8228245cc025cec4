"""Consistency checks: figures of a report that contradict each other.

They read output records (docs/OUTPUT.md), so they run in the pipeline (``checks`` in each
output) and on any earlier output (``govreport check OUTDIR``). Each check that fails is
``{"rule", "records", "expected", "found", "message"}``: the ids of the records involved,
the value their relation expects and the value the report gives. Thresholds and cue words
are data in ``rules/checks.yaml``.

Rules:
- ``part_exceeds_total``: a part after 其中 larger than the total before it;
- ``share_mismatch``: a share (占…%) that disagrees with its part and total, all three given;
- ``sum_mismatch``: parts that should add up to a total and do not: an indicator and its
  catalog parts (GDP and its three industries), the items of a 分别 list after a total
  (only a sum larger than the total, since a list need not be complete), a table's
  first-level rows against its 合计 row;
- ``growth_mismatch`` (:func:`batch_checks`, across the reports of one region, and within
  a report that gives several years): a year-on-year change for year Y against the levels
  the reports give for Y and Y−1.
"""
from __future__ import annotations

from collections import Counter
from functools import lru_cache

import regex as re

from pipeline import rules
from pipeline.indicators import catalog, indicator_for

_STR_LIST = {"type": "array", "items": {"type": "string", "minLength": 1}}
_NUMBER = {"type": "number", "minimum": 0}
_SCHEMA = {
    "type": "object",
    "required": ["part_relative_tolerance", "share_tolerance_pp", "sum_relative_tolerance",
                 "growth_tolerance_pp", "part_cues", "list_cue", "share_cues", "comparable_basis",
                 "year_on_year", "total_row_labels", "first_level_row"],
    "additionalProperties": False,
    "properties": {
        "part_relative_tolerance": _NUMBER, "share_tolerance_pp": _NUMBER,
        "sum_relative_tolerance": _NUMBER, "growth_tolerance_pp": _NUMBER,
        "part_cues": _STR_LIST, "list_cue": {"type": "string", "minLength": 1},
        "share_cues": _STR_LIST, "comparable_basis": _STR_LIST, "year_on_year": _STR_LIST,
        "total_row_labels": _STR_LIST, "first_level_row": {"type": "string", "minLength": 1},
    },
}

# Kinds whose parts add up to their whole. Rates, per-capita figures, prices and averages
# do not, whatever their unit (城镇 and 农村 incomes do not sum to all residents').
_ADDITIVE = {"count", "money", "measure"}
_NOT_ADDITIVE = re.compile(r"人均|日均|年均|户均|平均|均价|每|率|指数|价格|单价|强度|密度|中位数|比重|比例")
# Qualifiers that say the true value is larger than the printed one.
_AT_LEAST = {"超", "超过", "以上", "逾", "余", "多", "突破", "不低于", "不少于", "达到…以上"}
_NUM = re.compile(r"\d[\d,]*(?:\.(\d+))?")
_CLAUSE_END = "；;。"
# Comparisons made per rule, flagged or not (read by docs/CHECKS.md's measurements).
COMPARED: Counter = Counter()


@lru_cache(maxsize=1)
def _rules() -> dict:
    data = rules.load("checks", _SCHEMA)
    try:
        first = re.compile(data["first_level_row"])
    except re.error as e:
        raise rules.RulesError(f"rules/checks.yaml: bad first_level_row: {e}") from None
    return {**data, "first_level_row": first,
            "share_cues": tuple(sorted(data["share_cues"], key=len, reverse=True))}


def half_ulp(rec: dict) -> float:
    """Half a unit of the last printed digit of a figure, in the figure's value: how far
    the printed figure may be from the true one by rounding alone (20059亿元 → 0.5亿)."""
    m = _NUM.search(rec.get("text") or "")
    value = rec.get("value")
    if not m or not value:
        return 0.0
    printed = float(m.group(0).replace(",", ""))
    if printed == 0:
        return 0.0
    return 0.5 * 10 ** -len(m.group(1) or "") * abs(value / printed)


def _num(v: float) -> float:
    return float(f"{v:.6g}")


def _is_level(r: dict) -> bool:
    return (r.get("type") == "quantity" and r.get("role") == "level" and r.get("value") is not None
            and r.get("value_max") is None and r.get("kind") in _ADDITIVE)


def _additive(r: dict) -> bool:
    return _is_level(r) and not _NOT_ADDITIVE.search(r.get("metric") or "")


def _same_measure(a: dict, b: dict) -> bool:
    return a.get("unit") == b.get("unit") and a.get("kind") == b.get("kind")


def _same_period(a: dict, b: dict) -> bool:
    pa, pb = a.get("period"), b.get("period")
    return pa is None or pb is None or pa == pb


def _in_sentence(r: dict) -> int:
    """Offset of the record inside its sentence."""
    return r["start"] - (r.get("sentence_start") or 0)


def _check(rule: str, records: list[dict], expected: float, found: float, message: str) -> dict:
    return {"rule": rule, "records": [r["id"] for r in records], "expected": _num(expected),
            "found": _num(found), "message": message}


def _as_printed(value: float, like: dict) -> str:
    """``value`` written the way ``like``'s figure is printed (1100 亿元, not 1.1e11)."""
    m = _NUM.search(like.get("text") or "")
    if not m or not like.get("value"):
        return f"{_num(value):g}"
    factor = like["value"] / float(m.group(0).replace(",", ""))
    return f"{_num(value / factor):g}{like['text'][m.end():].strip()}"


def _describe(r: dict) -> str:
    return f"{r.get('metric') or '?'} {r['text']}"


# ------------------------------------------------------------------------------ 其中
def _bracket_depth(text: str) -> int:
    """Open brackets left at the end of ``text`` (negative: more closed than opened)."""
    return sum(text.count(o) for o in "（(") - sum(text.count(c) for c in "）)")


def _part_totals(quantities: list[dict]) -> dict[str, dict]:
    """id of each part after a 其中 → the total it belongs to.

    The part sits after the cue in the same clause (up to ；) and inside the same brackets
    (…6870个（其中普惠托位5505个），新增学位… ends the parts at ）). The total is the nearest
    figure of the same unit and kind before the cue in the same clause, not inside a closed
    bracket; when the cue opens its sentence (其中，出口…), the one such figure of the
    sentence before it in the same paragraph (none when there are several)."""
    cues = _rules()["part_cues"]
    out: dict[str, dict] = {}
    for i, part in enumerate(quantities):
        if not _additive(part) or part.get("table"):
            continue
        sent = part.get("sentence") or ""
        pos = _in_sentence(part)
        cue_at = max((sent.rfind(c, 0, pos) for c in cues), default=-1)
        if cue_at < 0 or any(ch in sent[cue_at:pos] for ch in _CLAUSE_END):
            continue
        if _bracket_depth(sent[cue_at:pos]) < 0:
            continue                        # the cue's bracket closed before the part
        cue_abs = (part.get("sentence_start") or 0) + cue_at
        if any(cue_abs < q["start"] < part["start"] and q.get("role") in ("change", "share")
               for q in quantities[max(0, i - 12):i]):
            continue                        # 其中：村委会…，比上年下降…，村民小组…: a new item
        opens_sentence = not sent[:cue_at].strip(" \u3000，,")
        clause_start = max(sent.rfind(ch, 0, cue_at) for ch in _CLAUSE_END) + 1
        total = None
        if opens_sentence:
            prev = [c for c in quantities[:i] if _additive(c) and not c.get("table")
                    and c.get("sentence_end") is not None and 0 <= cue_abs - c["sentence_end"] <= 2
                    and c.get("paragraph") == part.get("paragraph") and _same_measure(c, part)]
            total = prev[0] if len(prev) == 1 else None
        else:
            for cand in reversed(quantities[:i]):
                if cand["start"] >= cue_abs or not _additive(cand) or cand.get("table"):
                    continue
                if cand.get("sentence_start") != part.get("sentence_start"):
                    break
                at = _in_sentence(cand)
                if at < clause_start:
                    break
                if _bracket_depth(sent[at:cue_at]) < 0:
                    continue                # inside a bracket closed before the cue
                if _same_measure(cand, part):
                    total = cand
                    break
        if total is not None:
            out[part["id"]] = total
    return out


def _check_parts(quantities: list[dict], totals: dict[str, dict]) -> list[dict]:
    tol = _rules()["part_relative_tolerance"]
    by_id = {r["id"]: r for r in quantities}
    found = []
    for pid, total in totals.items():
        part = by_id[pid]
        if total.get("qualifier") in _AT_LEAST:
            continue
        COMPARED["part_exceeds_total"] += 1
        if part["value"] > total["value"] * (1 + tol) + half_ulp(part) + half_ulp(total):
            found.append(_check(
                "part_exceeds_total", [total, part], total["value"], part["value"],
                f"其中 part {_describe(part)} is larger than its total {_describe(total)}"))
    return found


# ------------------------------------------------------------------------------ shares
def _denominator(text: str) -> str | None:
    """The words after 占 that name a share's whole (占地区生产总值比重为 → 地区生产总值)."""
    for cue in _rules()["share_cues"]:
        k = text.find(cue)
        if k >= 0:
            rest = text[k + len(cue):]
            m = re.match(r"([^，。；、\d%（(]*?)(?:的)?(?:比重|比例|份额)?(?:为|达|达到|约)?$", rest)
            return (m.group(1) if m else rest).strip() or None
    return None


def _check_shares(quantities: list[dict], totals: dict[str, dict], region) -> list[dict]:
    r_ = _rules()
    found = []
    for i, share in enumerate(quantities):
        if share.get("role") != "share" or share.get("unit") != "%" or share.get("table"):
            continue
        part = None
        for cand in reversed(quantities[:i]):
            if cand.get("sentence_start") != share.get("sentence_start"):
                break
            if _additive(cand):
                part = cand
                break
            if cand.get("role") == "share":
                break
        if part is None:
            continue
        sent = share.get("sentence") or ""
        between = sent[_in_sentence(part) + len(part["text"]):_in_sentence(share)]
        if any(ch in between for ch in _CLAUSE_END):
            continue
        if not re.match(r"[，,、\s]*(?:所?占|比重|占比)", between):
            continue                        # the share has its own subject (…，办件量占比93%)
        total = None
        words = _denominator(between)
        if words:
            ind = indicator_for(words, part.get("kind"), "level", region)
            if ind:
                cands = [q for q in quantities if q.get("indicator") == ind and _is_level(q)
                         and _same_measure(q, part) and _same_period(q, part) and q is not part
                         and not q.get("table")]
                before = [q for q in cands if q["start"] < part["start"]]
                total = (before[-1] if before else cands[0]) if cands else None
        if total is None and not any(c in between for c in ("占全", "全市", "全区", "全国", "全省")):
            total = totals.get(part["id"])      # 其中城镇人口…，占总人口比重…
        if total is None or not total["value"] or total.get("qualifier") in _AT_LEAST:
            continue
        expected = part["value"] / total["value"] * 100
        COMPARED["share_mismatch"] += 1
        slack = (100 * (half_ulp(part) + expected / 100 * half_ulp(total)) / total["value"]
                 + half_ulp(share) + r_["share_tolerance_pp"])
        if abs(expected - share["value"]) > slack:
            found.append(_check(
                "share_mismatch", [total, part, share], expected, share["value"],
                f"{_describe(part)} of {_describe(total)} is {expected:.2f}%, the report says "
                f"{share['text']}"))
    return found


# ------------------------------------------------------------------------------ sums
def _sum_slack(total: dict, items: list[dict]) -> float:
    return (_rules()["sum_relative_tolerance"] * abs(total["value"]) + half_ulp(total)
            + sum(half_ulp(x) for x in items))


def _check_catalog_parts(quantities: list[dict]) -> list[dict]:
    """An indicator with parts (GDP = three industries): the parts' levels given right
    after it (the same paragraph, before the indicator's next level) must add up to it."""
    cat = catalog()
    found = []
    for i, total in enumerate(quantities):
        ind = cat.get(total.get("indicator"))
        if ind is None or not ind.parts or not _is_level(total) or total.get("table"):
            continue
        parts = {}
        for cand in quantities[i + 1:]:
            if cand["start"] - total["start"] > 600 or cand.get("paragraph") != total.get("paragraph"):
                break
            if cand.get("indicator") == ind.id and _is_level(cand):
                break
            if (cand.get("indicator") in ind.parts and _is_level(cand) and not cand.get("table")
                    and _same_measure(cand, total) and _same_period(cand, total)):
                parts.setdefault(cand["indicator"], cand)
        if len(parts) != len(ind.parts):
            continue
        items = [parts[p] for p in ind.parts]
        COMPARED["sum_mismatch (catalog parts)"] += 1
        s = sum(x["value"] for x in items)
        if abs(s - total["value"]) > _sum_slack(total, items):
            found.append(_check(
                "sum_mismatch", [total, *items], total["value"], s,
                f"{' + '.join(_describe(x) for x in items)} = {_as_printed(s, total)}, "
                f"not {_describe(total)}"))
    return found


def _check_lists(quantities: list[dict], totals: dict[str, dict]) -> list[dict]:
    """Items of a 分别 list that divide a total: after 其中 (…120件，其中民事、刑事案件分别为
    80件、30件) or right after the total (共有3家，分别为…). Their sum cannot exceed it;
    it may fall short, since a list need not name every part."""
    cue = _rules()["list_cue"]
    found = []
    by_sentence: dict[int, list[dict]] = {}
    for q in quantities:
        if q.get("sentence_start") is not None and not q.get("table"):
            by_sentence.setdefault(q["sentence_start"], []).append(q)
    for recs in by_sentence.values():
        sent = recs[0].get("sentence") or ""
        for m in re.finditer(re.escape(cue), sent):
            end = len(sent)
            for ch in _CLAUSE_END:
                k = sent.find(ch, m.end())
                if k >= 0:
                    end = min(end, k)
            items = [q for q in recs if m.end() <= _in_sentence(q) < end and _additive(q)]
            if len(items) < 2:
                continue
            total = totals.get(items[0]["id"])
            if total is None:
                before = [q for q in recs if _in_sentence(q) < m.start() and _additive(q)]
                if before and re.fullmatch(r"[，,：:\s]*",
                                           sent[_in_sentence(before[-1]) + len(before[-1]["text"]):m.start()]):
                    total = before[-1]
            if total is None:
                continue
            items = [q for q in items if _same_measure(q, total)]
            if len(items) < 2 or total.get("qualifier") in _AT_LEAST:
                continue
            COMPARED["sum_mismatch (分别 list)"] += 1
            s = sum(x["value"] for x in items)
            if s > total["value"] + _sum_slack(total, items):
                found.append(_check(
                    "sum_mismatch", [total, *items], total["value"], s,
                    f"the 分别 items {'、'.join(x['text'] for x in items)} add up to more than "
                    f"{_describe(total)}"))
    return found


def _check_tables(quantities: list[dict]) -> list[dict]:
    """A table column: its first-level rows (一、二、…) cannot add up to more than its 合计
    row. They may add up to less: a table need not list every part (exports by continent
    leave out goods of no stated origin)."""
    r_ = _rules()
    labels = set(r_["total_row_labels"])
    columns: dict[tuple, list[dict]] = {}
    for q in quantities:
        t = q.get("table")
        if t and _is_level(q):
            columns.setdefault((t["index"], t["col"]), []).append(q)
    found = []
    for recs in columns.values():
        totals = [q for q in recs
                  if re.sub(r"\s", "", q["table"].get("row_label") or "") in labels]
        items = [q for q in recs if r_["first_level_row"].match(q["table"].get("row_label") or "")]
        if len(totals) != 1 or len(items) < 2:
            continue
        total = totals[0]
        items = [q for q in items if _same_measure(q, total)]
        if len(items) < 2:
            continue
        COMPARED["sum_mismatch (table)"] += 1
        s = sum(x["value"] for x in items)
        if s - total["value"] > _sum_slack(total, items):
            found.append(_check(
                "sum_mismatch", [total, *items], total["value"], s,
                f"table {total['table']['index']} column {total['table']['col']}: the "
                f"first-level rows add up to {_as_printed(s, total)}, the {total['table']['row_label']} row "
                f"says {total['text']}"))
    return found


def document_checks(out: dict) -> list[dict]:
    """The failed checks of one output object, in document order of their first record."""
    quantities = [r for r in out.get("records", []) if r.get("type") == "quantity"
                  and r.get("value") is not None]
    region = (out.get("document") or {}).get("region")
    totals = _part_totals(quantities)
    found = (_check_parts(quantities, totals) + _check_shares(quantities, totals, region)
             + _check_catalog_parts(quantities) + _check_lists(quantities, totals)
             + _check_tables(quantities))
    # a report that gives several years (a compilation of communiqués) is checked against
    # itself for growth too
    for c in batch_checks([("", out)]):
        c.pop("documents", None)
        found.append(c)
    order = {r["id"]: k for k, r in enumerate(quantities)}
    found.sort(key=lambda c: (min(order[i] for i in c["records"]), c["rule"], c["records"]))
    unique, seen = [], set()
    for c in found:
        key = (c["rule"], tuple(c["records"]))
        if key not in seen:
            seen.add(key)
            unique.append(c)
    return unique


# ------------------------------------------------------------------------------ batch
_YEAR = re.compile(r"^\d{4}$")


def _yoy(rec: dict) -> bool:
    """A change stated against the year before, on the printed levels' own terms."""
    r_ = _rules()
    sent = rec.get("sentence") or ""
    pos = _in_sentence(rec)
    clause_start = max(sent.rfind(ch, 0, pos) for ch in "，,；;。") + 1
    clause = sent[clause_start:pos]
    return (any(c in clause for c in r_["year_on_year"])
            and not any(c in sent for c in r_["comparable_basis"]))


def batch_checks(outputs: list[tuple[str, dict]]) -> list[dict]:
    """Year-on-year changes against levels, over the outputs of one batch (name, output)
    grouped by region: a change for year Y in one report, the level for Y next to it, and
    the level for Y−1 in the same or another report of the same region."""
    cat = catalog()
    tol = _rules()["growth_tolerance_pp"]
    levels: dict[tuple, list[tuple[str, dict]]] = {}
    changes: list[tuple[str, tuple, dict]] = []
    for name, out in outputs:
        region = (out.get("document") or {}).get("region") or {}
        if not region.get("name"):
            continue
        key_region = (region.get("name"), region.get("level"))
        for r in out.get("records", []):
            ind = cat.get(r.get("indicator")) if r.get("type") == "quantity" else None
            if ind is None or ind.growth != "nominal" or r.get("status") not in (None, "actual"):
                continue
            period = r.get("period") or ""
            if not _YEAR.match(period):
                continue
            if _is_level(r):
                levels.setdefault((key_region, ind.id, r["unit"], int(period)), []).append((name, r))
            elif (r.get("role") == "change" and r.get("kind") == "percent" and r.get("unit") == "%"
                  and r.get("status") == "actual" and _yoy(r)):
                changes.append((name, key_region, r))
    found = []
    for name, key_region, change in changes:
        year = int(change["period"])
        for unit in sorted({k[2] for k in levels if k[:2] == (key_region, change["indicator"])}):
            now = [x for x in levels.get((key_region, change["indicator"], unit, year), ())
                   if x[0] == name and x[1].get("sentence_start") == change.get("sentence_start")]
            before = levels.get((key_region, change["indicator"], unit, year - 1), [])
            if not now or not before:
                continue
            # the year before from another report where there is one (last year's own)
            before = sorted(before, key=lambda x: (x[0] == name, x[1]["start"]))
            (_, level), (prev_name, prev) = now[0], before[0]
            if not prev["value"] or prev["value"] == level["value"]:
                # the same printed figure under two years is a period read wrong, not growth
                continue
            COMPARED["growth_mismatch"] += 1
            expected = (level["value"] / prev["value"] - 1) * 100
            stated = change["value"] * (-1 if change.get("direction") == "down" else 1)
            slack = (tol + half_ulp(change)
                     + 100 * (half_ulp(level) + level["value"] / prev["value"] * half_ulp(prev))
                     / prev["value"])
            if abs(expected - stated) > slack:
                c = _check("growth_mismatch", [prev, level, change], expected, stated,
                           f"{change['indicator']} {year}: {_describe(prev)} ({year - 1}"
                           f"{', ' + prev_name if prev_name != name else ''}) "
                           f"→ {_describe(level)} is {expected:+.2f}%, the report says {stated:+g}%")
                c["documents"] = [prev_name, name, name]
                found.append(c)
            break
    return found


# ------------------------------------------------------------------------------ command
def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "check", help="consistency checks over outputs (exit 1 when one fails)",
        description="Run the consistency checks (rules/checks.yaml) over output files: parts "
                    "larger than their total, shares that disagree with part and total, items "
                    "that do not add up to their total, and, across the reports of one region, "
                    "growth rates that contradict the levels. Exit status 1 when a check fails, "
                    "2 when an output cannot be read.")
    p.add_argument("paths", nargs="+", metavar="OUTDIR | OUT.json")
    p.add_argument("--json", action="store_true", help="write the failed checks as JSON")
    p.add_argument("--no-batch", action="store_true",
                   help="only the checks within each report, not across reports")
    p.set_defaults(func=run)


def _read_all(paths: list[str], errors: list[str]) -> list[tuple[str, dict]]:
    from pipeline.export import outputs_of_paths
    return [(o.name, o.data) for o in outputs_of_paths(paths, errors)]


def run(args) -> int:
    import json
    import sys

    errors: list[str] = []
    outputs = _read_all(args.paths, errors)
    for e in errors:
        print(f"govreport: error: {e}", file=sys.stderr)
    failed = []
    for name, out in outputs:
        for c in document_checks(out):
            failed.append({"document": name, **c})
    if not args.no_batch:
        for c in batch_checks(outputs):
            if len(set(c["documents"])) > 1:    # within one report: already listed above
                failed.append({"document": c["documents"][-1], **c})
    if args.json:
        print(json.dumps({"documents": len(outputs), "failed": failed}, ensure_ascii=False, indent=1))
    else:
        for c in failed:
            print(f"{c['document']}: {c['rule']}: {c['message']} "
                  f"(expected {c['expected']:g}, found {c['found']:g}; records {' '.join(c['records'])})")
        docs = len({c["document"] for c in failed})
        print(f"checked {len(outputs)} documents: {len(failed)} checks failed"
              + (f" in {docs} documents" if failed else ""), file=sys.stderr)
    if errors or not outputs:
        if not outputs and not errors:
            print("govreport: error: no output files found", file=sys.stderr)
        return 2
    return 1 if failed else 0
