"""``govreport review``: one self-contained HTML page for reviewing a report's records.

    govreport review OUT.json -o page.html            the report's text, records highlighted
    govreport review --diff OLD NEW -o page.html      the same, coloured by what changed
    govreport review OUTDIR -o PAGES_DIR              one page per output, and an index

The page is rendered here, on the server side: the text with every record as a <mark>,
the section outline, and the record table. Everything taken from the document goes through
``html.escape`` (or into the JSON data block with ``<``, ``>`` and ``&`` escaped), so a
report containing ``<script>`` shows it as text. The page needs nothing from the network:
CSS and JavaScript (review.css, review.js next to this file) are inlined, and a
Content-Security-Policy allows exactly those two blocks (by hash) and nothing else.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from pipeline import __version__
from pipeline.paths import shown
from pipeline.qa import QAInputError, document_name, load_output, load_output_dir

HERE = Path(__file__).resolve().parent
TYPES = ("quantity", "agency", "case", "case_number")
KINDS = ("count", "money", "percent", "percentage_point", "ratio", "multiple", "duration", "rank", "measure")
STATUSES = ("added", "removed", "changed", "unchanged")
FIGURE_STATUSES = ("actual", "target", "estimate")     # a quantity's own status (GUIDE.md §2)
# Nesting order for elements that start at the same place (outermost first).
RANK = {"ocr": -1, "heading": 0, "sentence": 1, "case": 2, "case_number": 3, "agency": 4, "quantity": 5}
HEADING_MAX = 120          # a heading element stops at the end of its line, or this many chars
DETAIL_FIELDS = ("id", "type", "text", "value", "value_max", "unit", "kind", "role", "direction",
                 "qualifier", "metric", "indicator", "period", "status", "canonical", "parties",
                 "case_number", "year", "court_code", "case_type", "serial",
                 "section_path", "sentence", "table", "start", "end", "page", "paragraph", "source",
                 "ocr", "confidence")


def esc(s) -> str:
    return html.escape("" if s is None else str(s), quote=True)


def json_for_script(obj) -> str:
    """JSON that cannot end its <script> element or open a comment: every <, > and & is
    written as a \\u escape (valid JSON, same value), as are the JS line separators."""
    s = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return (s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
             .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def csp_hash(block: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(block.encode("utf-8")).digest()).decode() + "'"


def show(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    if isinstance(v, list):
        return " › ".join(str(x) for x in v) if all(isinstance(x, str) for x in v) else json.dumps(v, ensure_ascii=False)
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


# ---------------------------------------------------------------- nested highlighting

@dataclass
class Element:
    """A span of the text to wrap: a heading, a sentence or a record."""
    start: int
    end: int
    kind: str                # heading | sentence | quantity | agency | case | case_number
    tag: str                 # span | mark
    attrs: dict              # on the first piece (with the id)
    cont_attrs: dict         # on the pieces after a split (no id)

    def order(self):
        return (self.start, -self.end, RANK.get(self.kind, 9))


def _open(tag: str, attrs: dict) -> str:
    return "<" + tag + "".join(f' {k}="{esc(v)}"' for k, v in attrs.items()) + ">"


def render_text(text: str, elements: list[Element]) -> str:
    """The text, HTML-escaped, with the elements as properly nested tags. Where two
    elements cross (one starts inside the other and ends after it), the inner one is
    closed and reopened as a continuation piece, so the markup stays well formed."""
    n = len(text)
    elements = [e for e in elements if 0 <= e.start < e.end <= n]
    starts: dict[int, list[Element]] = {}
    ends: dict[int, list[Element]] = {}
    for e in elements:
        starts.setdefault(e.start, []).append(e)
        ends.setdefault(e.end, []).append(e)
    points = sorted({0, n} | set(starts) | set(ends))
    out: list[str] = []
    stack: list[Element] = []
    opened: set[int] = set()
    active: dict[int, Element] = {}
    for i, p in enumerate(points[:-1]):
        for e in ends.get(p, []):
            active.pop(id(e), None)
        for e in starts.get(p, []):
            active[id(e)] = e
        want = sorted(active.values(), key=Element.order)
        k = 0
        while k < len(stack) and k < len(want) and stack[k] is want[k]:
            k += 1
        for e in reversed(stack[k:]):
            out.append(f"</{e.tag}>")
        for e in want[k:]:
            first = id(e) not in opened
            opened.add(id(e))
            out.append(_open(e.tag, e.attrs if first else e.cont_attrs))
        stack = want
        out.append(esc(text[p:points[i + 1]]))
    for e in reversed(stack):
        out.append(f"</{e.tag}>")
    return "".join(out)


# ---------------------------------------------------------------- page model

def _parents(sections: list[dict]) -> list[int | None]:
    """Index of each section's parent: the section its ``parent`` id names (an earlier
    one), null for a top section, and the nearest earlier section of a lower level where
    the output gives no usable parent."""
    by_id = {s.get("id"): i for i, s in enumerate(sections) if s.get("id")}
    out: list[int | None] = []
    stack: list[int] = []
    for i, s in enumerate(sections):
        level = s.get("level") if isinstance(s.get("level"), int) else 1
        while stack and (sections[stack[-1]].get("level") or 1) >= level:
            stack.pop()
        pid = s.get("parent")
        if pid is not None and by_id.get(pid, i) < i:
            out.append(by_id[pid])
        elif "parent" in s and pid is None:
            out.append(None)
        else:
            out.append(stack[-1] if stack else None)
        stack.append(i)
    return out


def _ancestors(i: int | None, parents: list[int | None]) -> list[int]:
    out = []
    while i is not None and i not in out:
        out.append(i)
        i = parents[i]
    return out


def _section_of(rec: dict, sections: list[dict], by_id: dict) -> int | None:
    if rec.get("section_id") in by_id:
        return by_id[rec["section_id"]]
    best = None
    for i, s in enumerate(sections):                # innermost section holding the start
        if (s.get("start") or 0) <= (rec.get("start") or 0) < (s.get("end") or 0):
            if best is None or (s.get("start") or 0) >= (sections[best].get("start") or 0):
                best = i
    return best


def heading_end(text: str, start: int, section: dict) -> int:
    """Where a heading's own words end: after its title (and a ：or 。 right after it)
    when the title is found near the start, else at the end of its line. A lead
    sentence or inline label heads a paragraph that goes on after it."""
    title = section.get("title") or ""
    limit = min(len(text), start + HEADING_MAX)
    at = text.find(title, start, limit + len(title)) if title else -1
    if at >= 0:
        end = at + len(title)
        if end < len(text) and text[end] in "：:。":
            end += 1
        return end
    line_end = text.find("\n", start, limit)
    return line_end if line_end > start else limit


def record_summary(rec: dict) -> str:
    """The tooltip of a highlighted record."""
    t = rec.get("type")
    if t == "quantity":
        parts = [f"{show(rec.get('value'))} {rec.get('unit') or ''}".strip()]
        parts += [str(rec[k]) for k in ("kind", "role", "direction", "qualifier") if rec.get(k)]
        if rec.get("metric"):
            parts.append(f"metric: {rec['metric']}")
        if rec.get("indicator"):
            parts.append(f"indicator: {rec['indicator']}")
        if rec.get("status") or rec.get("period"):
            parts.append(" ".join(str(x) for x in (rec.get("status"), rec.get("period")) if x))
    elif t == "agency":
        parts = [f"canonical: {show(rec.get('canonical'))}"]
    elif t == "case_number":
        parts = [f"{k}: {show(rec.get(k))}" for k in ("year", "court_code", "case_type", "serial")
                 if rec.get(k) is not None]
    else:
        parts = [f"parties: {'、'.join(rec.get('parties') or [])}"] if rec.get("parties") else []
    if rec.get("ocr"):
        parts.append(f"read by OCR (confidence {show(rec.get('confidence'))})")
    return f"{t} · " + " · ".join(parts) if parts else str(t)


@dataclass
class Row:
    rec: dict
    status: str | None = None          # diff page only
    changes: list | None = None        # [(field, old, new)]
    in_text: bool = True               # False for a removed record whose place is gone


def build_page(output: dict, rows: list[Row], *, mode: str = "review", heading: str | None = None,
               extra_meta: str = "") -> str:
    doc = output.get("document") or {}
    text = doc.get("text") or ""
    sections = [s for s in (output.get("sections") or []) if isinstance(s, dict)]
    parents = _parents(sections)
    by_id = {s.get("id"): i for i, s in enumerate(sections) if s.get("id")}
    rows = sorted(rows, key=lambda r: ((r.rec.get("start") or 0), (r.rec.get("end") or 0),
                                       RANK.get(r.rec.get("type"), 9)))

    # elements of the text
    elements: list[Element] = []
    for i, s in enumerate(sections):
        start = s.get("start")
        if not isinstance(start, int) or not 0 <= start < len(text):
            continue
        end = heading_end(text, start, s)
        attrs = {"class": f"heading lvl-{min(int(s.get('level') or 1), 6)}", "id": f"sec-{i}"}
        elements.append(Element(start, end, "heading", "span", attrs, {"class": attrs["class"]}))
    # text read by OCR (scanned PDF pages): a tinted block with its confidence
    ocr = doc.get("ocr") if isinstance(doc.get("ocr"), dict) else {}
    for b in ocr.get("blocks") or []:
        if isinstance(b, dict) and isinstance(b.get("start"), int) and isinstance(b.get("end"), int):
            attrs = {"class": "ocr", "title": f"read by OCR, confidence {show(b.get('confidence'))}"}
            elements.append(Element(b["start"], b["end"], "ocr", "span", attrs, attrs))
    sentence_index: dict[tuple[int, int], int] = {}
    data_records = []
    for n, row in enumerate(rows):
        r = row.rec
        ss, se = r.get("sentence_start"), r.get("sentence_end")
        sent = None
        if row.in_text and isinstance(ss, int) and isinstance(se, int) and ss < se:
            sent = sentence_index.setdefault((ss, se), len(sentence_index))
        sec = _section_of(r, sections, by_id)
        rtype = r.get("type") if r.get("type") in TYPES else "quantity"
        classes = f"rec t-{rtype}" + (f" st-{row.status}" if row.status else "")
        if row.in_text and isinstance(r.get("start"), int) and isinstance(r.get("end"), int):
            attrs = {"class": classes, "id": f"r-{n}", "data-n": n, "title": record_summary(r)}
            elements.append(Element(r["start"], r["end"], rtype, "mark", attrs,
                                    {"class": classes + " cont", "data-n": n, "title": attrs["title"]}))
        fields = [(k, show(r.get(k))) for k in DETAIL_FIELDS if r.get(k) not in (None, "", [])]
        for f, a, b in row.changes or []:
            fields.append((f"changed: {f}", f"{show(a) or 'null'} → {show(b) or 'null'}"))
        data_records.append({
            "n": n, "id": r.get("id"), "type": r.get("type"), "text": r.get("text"),
            "value": r.get("value") if isinstance(r.get("value"), (int, float)) else None,
            "unit": r.get("unit"), "kind": r.get("kind"), "role": r.get("role"),
            "qualifier": r.get("qualifier"), "name": r.get("metric") or r.get("canonical"),
            "period": r.get("period"), "fstatus": r.get("status") if r.get("type") == "quantity" else None,
            "section": list(r.get("section_path") or []), "position": r.get("start") or 0,
            "sentence": sent, "status": row.status, "fields": fields,
            "sections": _ancestors(sec, parents)})
    for (ss, se), k in sentence_index.items():
        elements.append(Element(ss, se, "sentence", "span", {"class": "sent", "id": f"sent-{k}"},
                                {"class": "sent"}))
    text_html = render_text(text, elements)
    tables_html = tables_view([row.rec for row in rows])

    # the outline
    def outline(parent):
        kids = [i for i, p in enumerate(parents) if p == parent]
        if not kids:
            return ""
        items = []
        for i in kids:
            s = sections[i]
            n_recs = sum(1 for d in data_records if i in d["sections"])
            label = f"{esc(s.get('marker') or '')}{esc(s.get('title'))}"
            items.append(f'<li><a href="#sec-{i}" data-target="sec-{i}">{label}'
                         f' <span class="n">{n_recs}</span></a>{outline(i)}</li>')
        return "<ul>" + "".join(items) + "</ul>"
    outline_html = outline(None) or '<p class="muted">No headings found.</p>'
    section_options = "".join(
        f'<option value="{i}">{"  " * (len(_ancestors(i, parents)) - 1)}'
        f'{esc(s.get("marker") or "")}{esc(s.get("title"))}</option>'
        for i, s in enumerate(sections))

    # the table
    diff = mode == "diff"
    cols = [("position", "#", True), ("type", "type", False), ("text", "text", False),
            ("value", "value", True), ("unit", "unit", False), ("kind", "kind", False),
            ("role", "role", False), ("qualifier", "qualifier", False),
            ("name", "metric / canonical", False), ("period", "period", False),
            ("fstatus", "figure status" if diff else "status", False), ("section", "section", False)]
    if diff:
        cols = [("status", "status", False)] + cols + [("changes", "changes", False)]
    numeric = ' data-numeric="1"'
    head = "".join(f'<th data-key="{k}"{numeric if num else ""} scope="col">{esc(label)}</th>'
                   for k, label, num in cols)
    body = []
    for d, row in zip(data_records, rows):
        r = row.rec
        cells = []
        if diff:
            cells.append(f'<td><span class="badge st-{esc(row.status)}">{esc(row.status)}</span></td>')
        cells += [f'<td class="num">{d["n"] + 1}</td>',
                  f'<td><span class="badge t-{esc(r.get("type"))}">{esc(r.get("type"))}</span></td>',
                  f'<td class="wrap">{esc(r.get("text"))}</td>',
                  f'<td class="num">{esc(show(r.get("value")))}</td>',
                  f"<td>{esc(r.get('unit'))}</td>", f"<td>{esc(r.get('kind'))}</td>",
                  f"<td>{esc(r.get('role'))}</td>", f"<td>{esc(r.get('qualifier'))}</td>",
                  f'<td class="wrap">{esc(d["name"])}</td>',
                  f"<td>{esc(d['period'])}</td>",
                  f'<td>{_figure_badge(d["fstatus"])}</td>',
                  f'<td class="path" title="{esc(show(r.get("section_path")))}">{esc(show(r.get("section_path")))}</td>']
        if diff:
            ch = "<br>".join(f'{esc(f)} <span class="old">{esc(show(a) or "null")}</span> → '
                             f'<span class="new">{esc(show(b) or "null")}</span>' for f, a, b in row.changes or [])
            cells.append(f'<td class="changes">{ch}</td>')
        body.append(f'<tr tabindex="0" data-n="{d["n"]}" data-type="{esc(r.get("type"))}" '
                    f'data-kind="{esc(r.get("kind") or "")}" data-status="{esc(row.status or "")}" '
                    f'data-fstatus="{esc(d["fstatus"] or "")}" '
                    f'data-sections="{" ".join(str(i) for i in d["sections"])}">' + "".join(cells) + "</tr>")

    present_types = [t for t in TYPES if any(r.rec.get("type") == t for r in rows)]
    present_kinds = sorted({r.rec.get("kind") for r in rows if r.rec.get("kind")},
                           key=lambda k: (KINDS.index(k) if k in KINDS else 99, str(k)))
    present_fstatus = [s for s in FIGURE_STATUSES if any(d["fstatus"] == s for d in data_records)]
    fstatus_filter = ""
    if present_fstatus:
        opts = '<option value="">all</option>' + "".join(
            f'<option value="{s}">{s}</option>' for s in present_fstatus)
        fstatus_filter = f'<label>Figure status <select id="f-fstatus">{opts}</select></label>'
    status_filter = ""
    if diff:
        opts = '<option value="any">any change</option><option value="">all</option>' + "".join(
            f'<option value="{s}">{s}</option>' for s in STATUSES)
        status_filter = f'<label>Status <select id="f-status">{opts}</select></label>'

    counts = {t: sum(1 for r in rows if r.rec.get("type") == t) for t in TYPES}
    title = doc.get("title") or document_name(output) or "report"
    if len(title) > 80:
        title = title[:80] + "…"
    meta = " · ".join(x for x in [
        esc(document_name(output)), esc(show((doc.get("region") or {}).get("name"))) if isinstance(doc.get("region"), dict) else "",
        esc(doc.get("year")) if doc.get("year") else "",
        ", ".join(f"{counts[t]} {t}" for t in TYPES),
        f"{len(sections)} sections",
        esc(f"pipeline {output.get('pipeline_version')}, rules {output.get('rules_version')}")
        if output.get("pipeline_version") else "",
        extra_meta] if x)
    if diff:
        legend = "".join(f'<span class="key badge st-{s}">{s}</span>' for s in ("added", "removed", "changed")) \
            + '<span class="muted">unchanged records are underlined</span>'
    else:
        legend = "".join(f'<span class="key badge t-{t}">{t}</span>' for t in TYPES)

    checks_html = _checks_html(output, data_records) if not diff else ""

    css = (HERE / "review.css").read_text(encoding="utf-8")
    js = (HERE / "review.js").read_text(encoding="utf-8")
    csp = (f"default-src 'none'; style-src {csp_hash(css)}; script-src {csp_hash(js)}; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    values = {
        "csp": csp, "version": esc(__version__), "title": esc(f"{heading or 'Review'}: {title}"),
        "css": css, "js": js, "mode": mode, "heading": esc(heading or title), "meta": meta,
        "legend": legend, "checks": checks_html, "outline": outline_html, "text": text_html,
        "tables": tables_html,
        "section_options": section_options,
        "type_options": "".join(f'<option value="{t}">{t}</option>' for t in present_types),
        "kind_options": "".join(f'<option value="{esc(k)}">{esc(k)}</option>' for k in present_kinds),
        "status_filter": status_filter, "fstatus_filter": fstatus_filter, "table_head": head, "table_rows": "".join(body),
        "data": json_for_script({"document": document_name(output), "mode": mode, "records": data_records}),
    }
    template = (HERE / "review.html").read_text(encoding="utf-8")
    # one pass: text that came from the document is never scanned for {{placeholders}}
    return re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], template)


def _figure_badge(status: str | None) -> str:
    return f'<span class="badge fs-{esc(status)}">{esc(status)}</span>' if status else ""


def tables_view(recs: list[dict]) -> str:
    """The figures read from tables, laid out as their tables: one grid per table, rows
    by row label, columns by header, each figure a cell that selects its record (``recs``
    in the page's record order, so a cell's ``data-n`` is its record's number)."""
    tables: dict[int, dict] = {}
    for n, r in enumerate(recs):
        t = r.get("table")
        if not isinstance(t, dict) or not isinstance(t.get("index"), int):
            continue
        tab = tables.setdefault(t["index"], {"caption": t.get("caption"), "rows": {}, "cols": {}})
        row, col = t.get("row"), t.get("col")
        if not isinstance(row, int) or not isinstance(col, int):
            continue
        tab["cols"].setdefault(col, " › ".join(str(h) for h in t.get("headers") or []))
        cells = tab["rows"].setdefault(row, {"label": t.get("row_label") or "", "cells": {}})
        cells["cells"][col] = (n, r)
    if not tables:
        return ""
    out = ['<section id="tables" aria-label="Figures in tables"><h2>Figures in tables</h2>']
    for index in sorted(tables):
        tab = tables[index]
        cols = sorted(tab["cols"])
        caption = f"Table {index}" + (f": {esc(tab['caption'])}" if tab["caption"] else "")
        head = "".join(f'<th scope="col">{esc(tab["cols"][c])}</th>' for c in cols)
        body = []
        for row in sorted(tab["rows"]):
            cells = tab["rows"][row]
            tds = []
            for c in cols:
                if c in cells["cells"]:
                    n, r = cells["cells"][c]
                    tds.append(f'<td class="fig num" data-n="{n}" id="tc-{n}" tabindex="0" '
                               f'title="{esc(record_summary(r))}">{esc(r.get("text"))}</td>')
                else:
                    tds.append("<td></td>")
            body.append(f'<tr><th scope="row">{esc(cells["label"])}</th>{"".join(tds)}</tr>')
        out.append(f'<table class="figures" data-table="{index}"><caption>{caption}</caption>'
                   f'<thead><tr><th></th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>')
    out.append("</section>")
    return "".join(out)


def _checks_html(output: dict, data_records: list[dict]) -> str:
    """The consistency checks that failed (the output's own ``checks``, or computed for an
    output written before they existed), each linked to its records in the text."""
    checks = output.get("checks")
    if not isinstance(checks, list):
        from pipeline.checks import document_checks
        checks = document_checks(output)
    if not checks:
        return '<p class="checks ok">Consistency checks: none failed.</p>'
    n_of = {d["id"]: d["n"] for d in data_records}
    items = []
    for c in checks:
        links = " ".join(f'<a href="#r-{n_of[i]}" data-n="{n_of[i]}">{esc(i)}</a>'
                         for i in c.get("records") or [] if i in n_of)
        items.append(f'<li><b>{esc(c.get("rule"))}</b>: {esc(c.get("message"))} '
                     f'<span class="muted">(expected {esc(show(c.get("expected")))}, found '
                     f'{esc(show(c.get("found")))})</span> {links}</li>')
    return (f'<details class="checks failed" open><summary>{len(checks)} consistency '
            f'check{"s" if len(checks) > 1 else ""} failed</summary><ul>{"".join(items)}</ul></details>')


def review_page(output: dict) -> str:
    return build_page(output, [Row(r) for r in output.get("records") or [] if isinstance(r, dict)])


def diff_page(old: dict, new: dict, *, old_label: str = "OLD", new_label: str = "NEW") -> str:
    """NEW's text with its records coloured by what changed since OLD; removed records
    are shown where their text still is (struck through), or only in the table."""
    from pipeline.qa.diff import OffsetMap, diff_documents

    d = diff_documents(old, new)
    status = {id(r.new): r for r in d.records if r.new is not None}
    rows = []
    for rec in new.get("records") or []:
        rd = status.get(id(rec))
        rows.append(Row(rec, rd.status if rd else "unchanged", rd.changes if rd else None))
    omap = OffsetMap((old.get("document") or {}).get("text") or "", (new.get("document") or {}).get("text") or "")
    for rd in d.records:
        if rd.status != "removed":
            continue
        rec = dict(rd.old)
        span = omap.span(rec.get("start") or 0, rec.get("end") or 0)
        sent = omap.span(rec.get("sentence_start") or 0, rec.get("sentence_end") or 0) \
            if isinstance(rec.get("sentence_start"), int) else None
        if span:
            rec["start"], rec["end"] = span
        rec["sentence_start"], rec["sentence_end"] = sent if sent else (None, None)
        rows.append(Row(rec, "removed", None, in_text=span is not None))
    c = d.counts()
    extra = esc(f"{old_label} → {new_label}: {c['added']} added, {c['removed']} removed, "
                f"{c['changed']} changed, {c['unchanged']} unchanged"
                + (f", {c['sections']} headings changed" if c["sections"] else "")
                + ("; document text changed" if d.text_changed else ""))
    return build_page(new, rows, mode="diff", heading=f"Changes in {document_name(new)}", extra_meta=extra)


def index_page(entries: list[tuple[str, str, dict]]) -> str:
    """A plain list of the pages written for a folder."""
    items = "".join(f'<li><a href="{esc(href)}">{esc(name)}</a> '
                    f'<span>{", ".join(f"{v} {k}" for k, v in counts.items())}</span></li>'
                    for name, href, counts in entries)
    return ("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'\">"
            f"<title>govreport review</title></head><body><h1>govreport review</h1><ul>{items}</ul></body></html>\n")


# ---------------------------------------------------------------- command line

def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "review", help="write a self-contained HTML page for reviewing records",
        description="Write one self-contained HTML page showing a report's text with every record "
                    "highlighted, the section outline and a sortable, filterable record table. "
                    "With --diff, colour the records of NEW by what changed since OLD. "
                    "Given a folder, write one page per output and an index.html.")
    p.add_argument("paths", nargs="+", metavar="OUT.json | OUTDIR | OLD NEW")
    p.add_argument("--diff", action="store_true", help="compare two output files: OLD NEW")
    p.add_argument("-o", "--output", metavar="PAGE.html | DIR",
                   help="where to write (default: next to the input, .json -> .html)")
    p.set_defaults(func=run)


def _write(path: Path, page: str) -> None:
    import os

    from pipeline.output import write_atomic
    try:
        write_atomic(path, page)
        # the temporary file behind write_atomic is private (0600); a page is for sharing
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(path, 0o666 & ~mask)
    except OSError as e:                # read-only folder, full disk: one line, no traceback
        raise _CannotWrite(f"{path}: cannot write: {e.strerror or e}") from None


class _CannotWrite(Exception):
    pass


def run(args) -> int:
    try:
        if args.diff:
            if len(args.paths) != 2:
                raise QAInputError("--diff takes two output files: OLD NEW")
            old_p, new_p = map(Path, args.paths)
            if old_p.is_dir() or new_p.is_dir():
                raise QAInputError("--diff takes two output files (for folders use govreport diff)")
            page = diff_page(load_output(old_p), load_output(new_p), old_label=old_p.name, new_label=new_p.name)
            out = Path(args.output) if args.output else new_p.with_name(new_p.stem + ".diff.html")
            _write(out, page)
            print(out)
            return 0
        if len(args.paths) != 1:
            raise QAInputError("give one output file or folder (or --diff OLD NEW)")
        src = Path(args.paths[0])
        if src.is_dir():
            if not args.output:
                raise QAInputError("a folder needs -o DIR for its pages")
            out_dir = Path(args.output)
            entries = []
            for name, (path, obj) in sorted(load_output_dir(src).items()):
                page_name = path.name[:-5] + ".html"
                _write(out_dir / page_name, review_page(obj))
                counts = {t: sum(1 for r in obj.get("records") or [] if r.get("type") == t) for t in TYPES}
                entries.append((name, page_name, counts))
            if not entries:
                raise QAInputError(f"{src}: no output files")
            _write(out_dir / "index.html", index_page(entries))
            print(out_dir / "index.html")
            return 0
        out = Path(args.output) if args.output else src.with_suffix(".html")
        _write(out, review_page(load_output(src)))
        print(out)
        return 0
    except QAInputError as e:
        print(f"govreport review: {shown(str(e))}", file=sys.stderr)
        return 2
    except _CannotWrite as e:
        print(f"govreport review: error: {shown(str(e))}", file=sys.stderr)
        return 1
