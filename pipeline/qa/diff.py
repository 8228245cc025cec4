"""``govreport diff OLD NEW``: what changed between two runs (two output files or folders).

Records of one document are matched in stages, each on what the previous left over:

1. by stable id (the id is derived from the document, the type and the span);
2. by type and span, when ids moved (another input hash) — if the document text itself
   changed, old offsets are first carried over to the new text through an alignment of
   the two texts, so a record after an edited paragraph still finds its partner;
3. by type and overlapping spans, largest overlap first: a record whose span a rule made
   longer or shorter (``500万粒`` -> ``约500万粒``) is one changed record, not a removal
   plus an addition;
4. by type, text and sentence, for records whose offsets could not be carried over.

What is left is added (only in NEW) or removed (only in OLD). Matched records are compared
field by field; offsets are compared only when the document text is unchanged (otherwise
they move with any edit).
"""
from __future__ import annotations

import bisect
import difflib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.qa import QAInputError, document_name, load_output, load_output_dir, split_list

# Never compared: the id is what matching starts from, not a property of the record.
NOT_COMPARED = {"id"}
OFFSET_FIELDS = ("start", "end", "sentence_start", "sentence_end")
DOCUMENT_FIELDS = ("source", "format", "encoding", "title", "region", "year", "reference_year")
# Shown for information, not counted as changes: a new rules file or a re-saved input
# changes these without changing what was extracted.
VERSION_FIELDS = ("schema_version", "pipeline_version", "rules_version", "document.sha256")
SECTION_FIELDS = ("marker", "title", "level")
# Field order in listings: the ones a reviewer reads first.
FIELD_ORDER = ("text", "value", "value_max", "unit", "kind", "role", "direction", "qualifier",
               "metric", "indicator", "period", "status", "canonical", "parties", "case_number", "year",
               "court_code", "case_type", "serial", "section_path", "section_id",
               "sentence", "start", "end", "sentence_start", "sentence_end", "page", "paragraph", "source")
TYPE_ORDER = {"quantity": 0, "agency": 1, "case": 2, "case_number": 3}


# ---------------------------------------------------------------- carrying offsets over

class OffsetMap:
    """Carries offsets of the old document text over to the new one: paragraphs are
    aligned first (cheap), then characters inside the paragraphs that differ."""

    def __init__(self, old: str, new: str):
        self.identical = old == new
        self.blocks: list[tuple[int, int, int]] = []     # (old start, old end, new start)
        if self.identical:
            self.blocks = [(0, len(old), 0)]
            return
        old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
        old_at, new_at = _starts(old_lines), _starts(new_lines)
        sm = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
        for tag, i1, i2, j1, j2 in sm.get_opcodes():
            o1, o2, n1, n2 = old_at[i1], old_at[i2], new_at[j1], new_at[j2]
            if tag == "equal":
                self.blocks.append((o1, o2, n1))
            elif tag == "replace" and (o2 - o1) * (n2 - n1) <= 4_000_000:
                inner = difflib.SequenceMatcher(None, old[o1:o2], new[n1:n2], autojunk=False)
                for a, b, size in inner.get_matching_blocks():
                    if size:
                        self.blocks.append((o1 + a, o1 + a + size, n1 + b))
        self.blocks.sort()
        self._starts = [b[0] for b in self.blocks]

    def offset(self, at: int) -> int | None:
        if self.identical:
            return at
        k = bisect.bisect_right(self._starts, at) - 1
        if k >= 0:
            o1, o2, n1 = self.blocks[k]
            if o1 <= at < o2:
                return n1 + at - o1
        return None

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """The new span of an old [start, end), when both ends sit in unchanged text."""
        if self.identical:
            return start, end
        s = self.offset(start)
        e = self.offset(end - 1) if end > start else s
        if s is None or e is None:
            return None
        return s, (e + 1 if end > start else e)


def _starts(lines: list[str]) -> list[int]:
    out, at = [0], 0
    for ln in lines:
        at += len(ln)
        out.append(at)
    return out


# ---------------------------------------------------------------- the diff itself

@dataclass
class RecordDiff:
    status: str                      # added | removed | changed
    old: dict | None
    new: dict | None
    changes: list[tuple[str, object, object]] = field(default_factory=list)
    matched_by: str | None = None    # id | span | overlap | text

    @property
    def record(self) -> dict:
        return self.new if self.new is not None else self.old

    @property
    def section_path(self) -> list[str]:
        return list(self.record.get("section_path") or [])

    def as_json(self) -> dict:
        r = self.record
        return {"status": self.status, "type": r.get("type"), "text": r.get("text"),
                "section_path": self.section_path, "matched_by": self.matched_by,
                "old_id": (self.old or {}).get("id"), "new_id": (self.new or {}).get("id"),
                "changes": [{"field": f, "old": a, "new": b} for f, a, b in self.changes],
                "old": self.old, "new": self.new}


@dataclass
class DocumentDiff:
    name: str
    status: str                      # changed | unchanged | added | removed
    old_path: str | None = None
    new_path: str | None = None
    records: list[RecordDiff] = field(default_factory=list)
    document_changes: list[tuple[str, object, object]] = field(default_factory=list)
    versions: list[tuple[str, object, object]] = field(default_factory=list)
    text_changed: bool = False
    sections: list[dict] = field(default_factory=list)   # {"status", "old", "new", "changes"}
    unchanged_records: int = 0
    record_count: int = 0            # for added / removed documents

    def counts(self) -> dict:
        c = {"added": 0, "removed": 0, "changed": 0}
        for r in self.records:
            c[r.status] += 1
        c["unchanged"] = self.unchanged_records
        c["sections"] = len(self.sections)
        return c

    @property
    def has_changes(self) -> bool:
        return self.status != "unchanged"

    def as_json(self) -> dict:
        return {"doc": self.name, "status": self.status, "old": self.old_path, "new": self.new_path,
                "counts": self.counts(), "text_changed": self.text_changed,
                "document_changes": [{"field": f, "old": a, "new": b} for f, a, b in self.document_changes],
                "versions": [{"field": f, "old": a, "new": b} for f, a, b in self.versions],
                "sections": self.sections,
                "records": [r.as_json() for r in self.records],
                **({"record_count": self.record_count} if self.status in ("added", "removed") else {})}


def _same(a, b) -> bool:
    """Equal values: 9438 and 9438.0 are one number, but 1 and "1" or true are not."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


def compare_fields(old: dict, new: dict, *, offsets: bool, ignore=()) -> list[tuple[str, object, object]]:
    skip = NOT_COMPARED | set(ignore) | (set() if offsets else set(OFFSET_FIELDS))
    keys = [k for k in FIELD_ORDER if k in old or k in new]
    keys += sorted(k for k in set(old) | set(new) if k not in FIELD_ORDER)
    return [(k, old.get(k), new.get(k)) for k in keys
            if k not in skip and not _same(old.get(k), new.get(k))]


def match_records(old: list[dict], new: list[dict], omap: OffsetMap) -> tuple[list[tuple[int, int, str]], set[int], set[int]]:
    """Pairs (old index, new index, how) and the unmatched indices of both sides."""
    free_old, free_new = set(range(len(old))), set(range(len(new)))
    pairs: list[tuple[int, int, str]] = []

    def take(i, j, how):
        pairs.append((i, j, how))
        free_old.discard(i)
        free_new.discard(j)

    # 1. stable id
    new_by_id: dict[str, list[int]] = {}
    for j, r in enumerate(new):
        if r.get("id"):
            new_by_id.setdefault(r["id"], []).append(j)
    for i, r in enumerate(old):
        js = [j for j in new_by_id.get(r.get("id"), []) if j in free_new]
        if r.get("id") and js and new[js[0]].get("type") == r.get("type"):
            take(i, js[0], "id")
    # 2. type and span (carried over to the new text)
    mapped = {i: omap.span(old[i].get("start", 0), old[i].get("end", 0)) for i in free_old}
    by_span: dict[tuple, list[int]] = {}
    for j in sorted(free_new):
        by_span.setdefault((new[j].get("type"), new[j].get("start"), new[j].get("end")), []).append(j)
    for i in sorted(free_old):
        if mapped[i] is None:
            continue
        js = [j for j in by_span.get((old[i].get("type"), *mapped[i]), []) if j in free_new]
        if js:
            take(i, js[0], "span")
    # 3. type and overlap, largest first
    cands = []
    for i in free_old:
        if mapped[i] is None:
            continue
        s, e = mapped[i]
        for j in free_new:
            if new[j].get("type") != old[i].get("type"):
                continue
            ov = min(e, new[j].get("end", 0)) - max(s, new[j].get("start", 0))
            if ov > 0:
                cands.append((-ov, i, j))
    for _, i, j in sorted(cands):
        if i in free_old and j in free_new:
            take(i, j, "overlap")
    # 4. type, text and sentence (offsets lost in an edited paragraph)
    for i in sorted(free_old):
        key = (old[i].get("type"), old[i].get("text"), old[i].get("sentence"))
        for j in sorted(free_new):
            if (new[j].get("type"), new[j].get("text"), new[j].get("sentence")) == key:
                take(i, j, "text")
                break
    return pairs, free_old, free_new


def _section_key(s: dict) -> tuple:
    return tuple(s.get(k) for k in SECTION_FIELDS)


def diff_sections(old: list[dict], new: list[dict]) -> list[dict]:
    """Headings added, removed or changed (title, marker or level), aligned in order."""
    out = []
    sm = difflib.SequenceMatcher(None, [_section_key(s) for s in old], [_section_key(s) for s in new],
                                 autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            for a, b in zip(old[i1:i2], new[j1:j2]):
                out.append({"status": "changed", "old": a, "new": b,
                            "changes": [{"field": k, "old": a.get(k), "new": b.get(k)}
                                        for k in SECTION_FIELDS if a.get(k) != b.get(k)]})
            continue
        out += [{"status": "removed", "old": s, "new": None, "changes": []} for s in old[i1:i2]]
        out += [{"status": "added", "old": None, "new": s, "changes": []} for s in new[j1:j2]]
    return out


def _get(obj: dict, dotted: str):
    for part in dotted.split("."):
        obj = obj.get(part) if isinstance(obj, dict) else None
    return obj


def _filter(records: list[dict], types) -> list[dict]:
    return [r for r in records if not types or r.get("type") in types]


def diff_documents(old: dict, new: dict, *, name: str | None = None, types=(), ignore=(),
                   old_path=None, new_path=None) -> DocumentDiff:
    od, nd = old.get("document", {}), new.get("document", {})
    old_text, new_text = od.get("text") or "", nd.get("text") or ""
    omap = OffsetMap(old_text, new_text)
    d = DocumentDiff(name or document_name(new), "unchanged", old_path=old_path, new_path=new_path)
    d.text_changed = not omap.identical
    d.document_changes = [(f"document.{k}", od.get(k), nd.get(k)) for k in DOCUMENT_FIELDS
                          if k not in ignore and od.get(k) != nd.get(k)]
    d.versions = [(k, _get(old, k), _get(new, k)) for k in VERSION_FIELDS if _get(old, k) != _get(new, k)]
    d.sections = [] if "sections" in ignore else diff_sections(old.get("sections") or [], new.get("sections") or [])
    orecs, nrecs = _filter(old.get("records") or [], types), _filter(new.get("records") or [], types)
    pairs, free_old, free_new = match_records(orecs, nrecs, omap)
    for i, j, how in pairs:
        changes = compare_fields(orecs[i], nrecs[j], offsets=omap.identical, ignore=ignore)
        if changes:
            d.records.append(RecordDiff("changed", orecs[i], nrecs[j], changes, how))
        else:
            d.unchanged_records += 1
    d.records += [RecordDiff("removed", orecs[i], None) for i in free_old]
    d.records += [RecordDiff("added", None, nrecs[j]) for j in free_new]

    def position(r: RecordDiff):
        if r.new is not None:
            return (r.new.get("start", 0), r.new.get("end", 0))
        carried = omap.span(r.old.get("start", 0), r.old.get("end", 0))
        return carried or (r.old.get("start", 0), r.old.get("end", 0))
    d.records.sort(key=lambda r: (*position(r), TYPE_ORDER.get(r.record.get("type"), 9),
                                  {"removed": 0, "changed": 1, "added": 2}[r.status]))
    if d.records or d.document_changes or d.sections or d.text_changed:
        d.status = "changed"
    return d


@dataclass
class RunDiff:
    old: str
    new: str
    documents: list[DocumentDiff]

    def summary(self) -> dict:
        s = {"documents": len(self.documents), "changed_documents": 0, "added_documents": [],
             "removed_documents": [], "added": 0, "removed": 0, "changed": 0, "sections": 0}
        for d in self.documents:
            if d.status == "added":
                s["added_documents"].append(d.name)
            elif d.status == "removed":
                s["removed_documents"].append(d.name)
            elif d.status == "changed":
                s["changed_documents"] += 1
            c = d.counts()
            for k in ("added", "removed", "changed", "sections"):
                s[k] += c[k]
        return s

    @property
    def has_changes(self) -> bool:
        return any(d.has_changes for d in self.documents)

    def as_json(self) -> dict:
        return {"old": self.old, "new": self.new, "summary": self.summary(),
                "documents": [d.as_json() for d in self.documents]}


def diff_paths(old: str | os.PathLike, new: str | os.PathLike, *, types=(), ignore=()) -> RunDiff:
    """Two output files, or two output folders (documents matched by name)."""
    old, new = Path(old), Path(new)
    if old.is_dir() != new.is_dir():
        raise QAInputError(f"compare two files or two folders, not {old} and {new}")
    if not old.is_dir():
        a, b = load_output(old), load_output(new)
        name = document_name(b, new)
        return RunDiff(str(old), str(new), [diff_documents(a, b, name=name, types=types, ignore=ignore,
                                                           old_path=str(old), new_path=str(new))])
    olds, news = load_output_dir(old), load_output_dir(new)
    docs = []
    for name in sorted(set(olds) | set(news)):
        if name not in news:
            p, o = olds[name]
            docs.append(DocumentDiff(name, "removed", old_path=str(p),
                                     record_count=len(_filter(o.get("records") or [], types))))
        elif name not in olds:
            p, o = news[name]
            docs.append(DocumentDiff(name, "added", new_path=str(p),
                                     record_count=len(_filter(o.get("records") or [], types))))
        else:
            (op, o), (np_, n) = olds[name], news[name]
            docs.append(diff_documents(o, n, name=name, types=types, ignore=ignore,
                                       old_path=str(op), new_path=str(np_)))
    return RunDiff(str(old), str(new), docs)


# ---------------------------------------------------------------- showing it

def show_value(v) -> str:
    if v is None:
        return "null"
    if isinstance(v, str):
        return v if v else '""'
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v)) if abs(v) < 1e15 else repr(v)
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return " › ".join(v) if v else "[]"
    return json.dumps(v, ensure_ascii=False)


def describe(rec: dict) -> str:
    """A one-line summary of a record's own fields, for added and removed records."""
    t = rec.get("type")
    if t == "quantity":
        parts = [f"{show_value(rec.get('value'))}{' ' + rec['unit'] if rec.get('unit') else ''}"]
        parts += [str(rec[k]) for k in ("kind", "role") if rec.get(k)]
        if rec.get("direction"):
            parts.append(rec["direction"])
        if rec.get("qualifier"):
            parts.append(f"qualifier {rec['qualifier']}")
        if rec.get("metric"):
            parts.append(f"metric {rec['metric']}")
        return ", ".join(parts)
    if t == "agency":
        return f"canonical {show_value(rec.get('canonical'))}"
    if t == "case" and (rec.get("parties") or rec.get("case_number")):
        parts = ["parties " + "、".join(rec["parties"])] if rec.get("parties") else []
        if rec.get("case_number"):
            parts.append(f"number {rec['case_number']}")
        return ", ".join(parts)
    if t == "case_number":
        return ", ".join(f"{k} {show_value(rec.get(k))}" for k in ("year", "court_code", "case_type", "serial"))
    return ""


def grouped(records: list[RecordDiff]) -> list[tuple[list[str], list[RecordDiff]]]:
    """Records grouped by section path, groups in order of their first record."""
    groups: dict[tuple, list[RecordDiff]] = {}
    for r in records:
        groups.setdefault(tuple(r.section_path), []).append(r)
    return [(list(k), v) for k, v in groups.items()]


class Style:
    """ANSI colours when wanted, nothing otherwise."""
    CODES = {"added": "32", "removed": "31", "changed": "33", "head": "1", "dim": "2"}

    def __init__(self, on: bool):
        self.on = on

    def __call__(self, kind: str, s: str) -> str:
        return f"\x1b[{self.CODES[kind]}m{s}\x1b[0m" if self.on else s


SIGN = {"added": "+", "removed": "-", "changed": "~"}


def _counts_line(c: dict) -> str:
    return f"{c['added']} added, {c['removed']} removed, {c['changed']} changed"


def format_text(run: RunDiff, color: bool = False) -> str:
    st = Style(color)
    lines = [st("head", f"govreport diff {run.old} → {run.new}")]
    for d in run.documents:
        if d.status == "unchanged":
            continue
        if d.status in ("added", "removed"):
            lines += ["", st(d.status, f"{SIGN[d.status]} {d.name}: document {d.status} ({d.record_count} records)")]
            continue
        c = d.counts()
        lines += ["", st("head", f"{d.name}: {_counts_line(c)} ({c['unchanged']} unchanged)")]
        for f, a, b in d.versions:
            lines.append(st("dim", f"  {f} {show_value(a)} → {show_value(b)}"))
        if d.text_changed:
            lines.append(st("changed", "  document text changed (offsets not compared)"))
        for f, a, b in d.document_changes:
            lines.append(st("changed", f"  {f} {show_value(a)} → {show_value(b)}"))
        for s in d.sections:
            sec = s["new"] or s["old"]
            label = f"{sec.get('marker') or ''}{sec.get('title')} (level {sec.get('level')})"
            extra = "; ".join(f"{c['field']} {show_value(c['old'])} → {show_value(c['new'])}" for c in s["changes"])
            lines.append(st(s["status"], f"  {SIGN[s['status']]} heading {label}" + (f": {extra}" if extra else "")))
        for path, recs in grouped(d.records):
            lines.append(f"  § {' › '.join(path) if path else '(before the first heading)'}")
            for r in recs:
                rec = r.record
                head = f"    {SIGN[r.status]} {rec.get('type')} {rec.get('text')}  @{rec.get('start')}"
                if r.status == "changed":
                    lines.append(st("changed", head))
                    for f, a, b in r.changes:
                        lines.append(f"        {f} {st('removed', show_value(a))} → {st('added', show_value(b))}")
                else:
                    desc = describe(rec)
                    lines.append(st(r.status, head + (f"  ({desc})" if desc else "")))
    s = run.summary()
    lines += ["", st("head", f"{s['changed_documents']} of {s['documents']} documents changed"
                     + (f", {len(s['added_documents'])} added" if s["added_documents"] else "")
                     + (f", {len(s['removed_documents'])} removed" if s["removed_documents"] else "")
                     + f"; records: {_counts_line(s)}; headings: {s['sections']} changed")]
    return "\n".join(lines) + "\n"


def _md(s) -> str:
    """A value made safe for a Markdown table cell (pipes, line breaks, HTML)."""
    s = show_value(s) if not isinstance(s, str) else s
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return s.replace("|", "\\|").replace("\n", " ").replace("`", "'")


def format_markdown(run: RunDiff) -> str:
    s = run.summary()
    lines = ["## govreport diff", "",
             f"`{_md(run.old)}` → `{_md(run.new)}`: **{s['changed_documents']} of {s['documents']} "
             f"documents changed**; records: {_counts_line(s)}; headings: {s['sections']} changed.", ""]
    for d in run.documents:
        if d.status == "unchanged":
            continue
        if d.status in ("added", "removed"):
            lines += [f"### {_md(d.name)}", "", f"Document {d.status} ({d.record_count} records).", ""]
            continue
        c = d.counts()
        lines += [f"### {_md(d.name)}", "", f"{_counts_line(c)} ({c['unchanged']} unchanged)", ""]
        for f, a, b in d.versions + d.document_changes:
            lines.append(f"- {_md(f)}: {_md(a)} → {_md(b)}")
        if d.text_changed:
            lines.append("- document text changed (offsets not compared)")
        for sec in d.sections:
            h = sec["new"] or sec["old"]
            extra = "; ".join(f"{_md(x['field'])} {_md(x['old'])} → {_md(x['new'])}" for x in sec["changes"])
            lines.append(f"- heading {sec['status']}: {_md((h.get('marker') or '') + str(h.get('title')))}"
                         + (f" ({extra})" if extra else ""))
        if d.versions or d.document_changes or d.text_changed or d.sections:
            lines.append("")
        for path, recs in grouped(d.records):
            lines += [f"#### {_md(' › '.join(path)) if path else '(before the first heading)'}", "",
                      "| | type | record | change |", "|---|---|---|---|"]
            for r in recs:
                rec = r.record
                if r.status == "changed":
                    change = "<br>".join(f"{_md(f)} `{_md(a)}` → `{_md(b)}`" for f, a, b in r.changes)
                else:
                    change = f"{r.status}: {_md(describe(rec))}" if describe(rec) else r.status
                sign = {"added": "➕", "removed": "➖", "changed": "✏️"}[r.status]
                lines.append(f"| {sign} | {_md(rec.get('type'))} | {_md(rec.get('text'))} | {change} |")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# ---------------------------------------------------------------- command line

def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "diff", help="compare two runs: records added, removed and changed",
        description="Compare two output files or two output folders: records matched by id, then by "
                    "span and type; prints added, removed and changed records field by field, "
                    "grouped by document and section.")
    p.add_argument("old", metavar="OLD")
    p.add_argument("new", metavar="NEW")
    p.add_argument("--format", choices=("text", "json", "markdown", "md"), default="text")
    p.add_argument("--json", dest="format", action="store_const", const="json", help="same as --format json")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="colour the text format (auto: on a terminal, unless NO_COLOR is set)")
    p.add_argument("--types", metavar="T,U", help="compare only these record types: quantity, agency, case, case_number")
    p.add_argument("--ignore", metavar="F,G", help="fields not to compare (e.g. source,paragraph; "
                   "'sections' leaves headings out)")
    p.add_argument("--fail-on-change", action="store_true", help="exit 1 when anything changed")
    p.set_defaults(func=run)


def run(args) -> int:
    types = split_list(args.types)
    bad = [t for t in types if t not in TYPE_ORDER]
    if bad:
        print(f"govreport diff: unknown type {bad[0]!r} (choose from quantity, agency, case, case_number)", file=sys.stderr)
        return 2
    try:
        result = diff_paths(args.old, args.new, types=types, ignore=split_list(args.ignore))
    except QAInputError as e:
        print(f"govreport diff: {e}", file=sys.stderr)
        return 2
    if args.format == "json":
        sys.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=1) + "\n")
    elif args.format in ("markdown", "md"):
        sys.stdout.write(format_markdown(result))
    else:
        color = args.color == "always" or (args.color == "auto" and sys.stdout.isatty()
                                           and not os.environ.get("NO_COLOR"))
        sys.stdout.write(format_text(result, color=color))
    return 1 if args.fail_on_change and result.has_changes else 0
