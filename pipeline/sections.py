"""Section structure: headings found in the text, levels from the order markers appear in.

Heading forms (GUIDE.md section 1, shapes in ``rules/sections.yaml``): numbered markers
(一、 （一） 1. （1） ①), Markdown/Word heading styles, 一是/——/首先 paragraphs with a title
sentence, inline labels (``专利：…``) and lead sentences (``加强知识产权审判工作。…``).

Levels are relative: a stack of the forms seen so far; a form already on the stack closes
everything below it (a sibling), a new form opens a child. A section runs from its heading
to the next heading of the same or a higher level.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import lru_cache

import regex as re

from pipeline import rules
from pipeline.document import Document, Section
from pipeline.segment import sentence_ends
from pipeline.textview import compact

_SCHEMA = {
    "type": "object",
    "required": ["markers", "limits", "label_bad_endings", "label_bad_starts",
                 "lead_bad_starts", "lead_bad_endings"],
    "properties": {
        "markers": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["form", "pattern"],
            "properties": {"form": {"type": "string"}, "pattern": {"type": "string"},
                           "needs_title_sentence": {"type": "boolean"}}}},
        "limits": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1}},
        "label_bad_endings": {"type": "array", "items": {"type": "string"}},
        "label_bad_starts": {"type": "array", "items": {"type": "string"}},
        "lead_bad_starts": {"type": "array", "items": {"type": "string"}},
        "lead_bad_endings": {"type": "array", "items": {"type": "string"}},
        "toc": {"type": "object", "required": ["title", "leader"],
                "properties": {"title": {"type": "string"}, "leader": {"type": "string"}}},
        "part_headings": {"type": "array", "items": {"type": "string"}},
        "lead_event_words": {"type": "array", "items": {"type": "string", "minLength": 2}},
        "lead_title_words": {"type": "array", "items": {"type": "string", "minLength": 2}},
    },
}

_SENT_END = "。！？"
_DIGIT = re.compile(r"\d|[%％‰]")
# Chinese numerals counting something (三年, 第二, 十强) are figures too.
_CN_FIGURE = re.compile(r"第[一二三四五六七八九十百千]|[一二三四五六七八九十两百千]+[年个项强大家次位批倍成]")
_QUOTED = re.compile(r"“[^”]*”|‘[^’]*’|《[^》]*》|「[^」]*」")


@dataclass
class _Rules:
    markers: list[tuple[str, re.Pattern, bool]]
    limits: dict
    label_bad_endings: tuple
    label_bad_starts: tuple
    lead_bad_starts: tuple
    lead_bad_endings: tuple
    toc_title: re.Pattern | None = None
    toc_leader: re.Pattern | None = None
    part_headings: tuple = ()
    lead_event_words: tuple = ()
    lead_title_words: tuple = ()


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = rules.load("sections", _SCHEMA)
    markers = []
    for m in data["markers"]:
        try:
            markers.append((m["form"], re.compile(m["pattern"]), bool(m.get("needs_title_sentence"))))
        except re.error as e:
            raise rules.RulesError(f"rules/sections.yaml: bad pattern for {m['form']}: {e}") from None
    toc = data.get("toc") or {}
    try:
        toc_title = re.compile(toc["title"]) if toc else None
        toc_leader = re.compile(toc["leader"]) if toc else None
    except re.error as e:
        raise rules.RulesError(f"rules/sections.yaml: bad toc pattern: {e}") from None
    try:
        parts = tuple(re.compile(p) for p in data.get("part_headings") or ())
    except re.error as e:
        raise rules.RulesError(f"rules/sections.yaml: bad part_headings pattern: {e}") from None
    return _Rules(markers, data["limits"], tuple(data["label_bad_endings"]),
                  tuple(data["label_bad_starts"]), tuple(data["lead_bad_starts"]),
                  tuple(data["lead_bad_endings"]), toc_title, toc_leader, parts,
                  tuple(data.get("lead_event_words") or ()), tuple(data.get("lead_title_words") or ()))


@dataclass
class _Heading:
    form: str
    marker: str
    title: str
    start: int          # offset of the heading (marker) in document.text
    title_start: int
    title_end: int
    level_hint: int | None = None


def find_sections(doc: Document) -> list[Section]:
    """Headings of ``doc`` as a section tree (list in document order, parents by id)."""
    headings: list[_Heading] = []
    toc = _toc_blocks(doc)
    for i, block in enumerate(doc.blocks):
        if block.kind in ("table_cell", "table_row") or i in toc:
            continue
        headings.extend(_block_headings(doc, block))
    return _build_tree(headings, len(doc.text))


def _toc_blocks(doc: Document) -> set[int]:
    """Indexes of the blocks that are a table of contents: lines ending in a leader and a
    page number (``一、部门主要职能……3``), and the short heading-shaped lines that follow a
    ``目录`` line (on its page) until the body starts or the numbering starts over."""
    r = _rules()
    if r.toc_title is None:
        return set()
    out: set[int] = set()
    in_toc, toc_page, first_marker = False, None, None
    for i, block in enumerate(doc.blocks):
        s = compact(doc.text, block.start, block.end).text
        if r.toc_leader.search(s):
            out.add(i)
            in_toc = True
            continue
        if r.toc_title.match(s):
            out.add(i)
            in_toc, toc_page, first_marker = True, block.page, None
            continue
        if not in_toc:
            continue
        marker = _match_marker(s)
        ends_sentence = s[-1:] in "。；：:！？"
        if (len(s) > r.limits["toc_line_max"] or ends_sentence or block.kind == "heading"
                or (toc_page is not None and block.page is not None and block.page != toc_page)
                or (marker and marker[1] == first_marker)):
            in_toc = False
            continue
        if marker and first_marker is None:
            first_marker = marker[1]
        out.add(i)
    return out


def _first_sentence(s: str) -> int:
    """Length of the first sentence of s (up to and including 。！？)."""
    return sentence_ends(s)[0]


def _has_figures(s: str) -> bool:
    return bool(_DIGIT.search(_QUOTED.sub("", s)))


_DATE = re.compile(r"(?:19|20)\d{2}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?|\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?")


def _has_amounts(s: str) -> bool:
    """Figures other than years and dates: ``1.00万元``, ``3.2%`` (a title never states one)."""
    return _has_figures(_DATE.sub("", s))


def _clean_title(s: str) -> str:
    return s.rstrip("。：:；;，,、 ")


def _block_headings(doc: Document, block) -> list[_Heading]:
    r = _rules()
    view = compact(doc.text, block.start, block.end)
    s = view.text
    if not s:
        return []
    out: list[_Heading] = []

    def mk(form, marker_len, title_from, title_to, hint=None):
        title = _clean_title(s[title_from:title_to])
        if not title:
            return None
        a, b = view.span(title_from, title_from + len(title))
        h = _Heading(form, s[:marker_len] if marker_len else "", title,
                     view.span(0, 1)[0] if marker_len else a, a, b, hint)
        out.append(h)
        return h

    # Structure hints from the source: Markdown '#' lines and Word heading styles.
    if block.kind == "heading" and block.heading_level is not None:
        if block.heading_level == 0 or (block.heading_level == 1 and doc.format == "md"
                                        and not any(b.kind == "heading" and b.heading_level == 1
                                                    for b in doc.blocks if b is not block)):
            if doc.title is None:
                doc.title = _clean_title(s)
            return []
        marker = _match_marker(s)
        mlen = len(marker[1]) if marker else 0
        mk(f"style{block.heading_level}", mlen, mlen, len(s), block.heading_level)
        return out

    marker = _match_marker(s)
    body_from = 0
    if marker:
        form, mtext, needs_sentence = marker
        rest_from = len(mtext)
        while rest_from < len(s) and s[rest_from] in "，,：: ":
            rest_from += 1
        rest = s[rest_from:]
        if not rest:
            return []
        n = _first_sentence(rest)
        label = 0 if needs_sentence else _inline_label(rest)
        if label and label < n:
            # （二）财政拨款收入：是指… — the title is the label before the colon.
            mk(form, len(mtext), rest_from, rest_from + label)
            return out
        if needs_sentence:
            ok = (n <= r.limits["title_sentence_max"] and not _has_figures(rest[:n])
                  and rest[n - 1:n] in tuple(_SENT_END) and n < len(rest))
        elif len(rest) <= r.limits["title_max"] and n >= len(rest):
            # the whole paragraph is the title, unless it states an amount (a list item)
            ok = not (form in _AMOUNT_FORMS and _has_amounts(rest)) and not _is_list_statement(rest)
        else:
            ok = n <= r.limits["title_max"] and not _is_list_statement(rest[:n]) and not (form in ("num_dot", "num_paren") and _has_figures(rest[:n])) \
                and not (form in _AMOUNT_FORMS and _has_amounts(rest[:n]))
        if not ok:
            return []
        mk(form, len(mtext), rest_from, rest_from + n)
        body_from = rest_from + n
    elif block.lead_bold and block.lead_bold < block.end - block.start:
        lead = compact(doc.text, block.start, block.start + block.lead_bold).text
        if 2 <= len(_clean_title(lead)) <= r.limits["title_sentence_max"]:
            mk("lead", 0, 0, len(lead))
            body_from = len(lead)
    elif any(p.fullmatch(_clean_title(s)) for p in r.part_headings):
        # a part heading line with no marker (2022年主要工作): the review or the plan
        mk("part", 0, 0, len(s))
        return out
    else:
        label = _inline_label(s)
        if label:
            mk("label", 0, 0, label)
            return out
        n = _first_sentence(s)
        if n < len(s) and _is_lead_sentence(s[:n], r.limits["lead_sentence_max"]):
            mk("lead", 0, 0, n)
            body_from = n
    # Lead sentences inside a paragraph that opened with a title: each titles the
    # sentences up to the next one.
    if out and body_from < len(s):
        candidates, pos = [], body_from
        for end in sentence_ends(s, body_from):     # one pass, not one per sentence
            if end < len(s) and _is_lead_sentence(s[pos:end], r.limits["inner_lead_max"], inner=True):
                candidates.append((pos, end))
            pos = end
        # A lead sentence titles a body of several sentences; short statements listed one
        # after another ("X建成投用。Y启动建设。") are achievements, not titles.
        bounds = [a for a, _ in candidates[1:]] + [len(s)]
        for (a, b), nxt in zip(candidates, bounds):
            if nxt - b >= r.limits["inner_lead_min_body"]:
                mk("lead", 0, a, b)
    return out


# Numbered forms whose paragraph is a list item, not a heading, when it states an amount.
_AMOUNT_FORMS = ("num_dot", "num_paren", "cn_paren", "circled")


def _is_list_statement(sent: str) -> bool:
    """A long full sentence, or one with clauses split by ；, is an item of a list (a
    department's duties), not a title."""
    return sent.endswith("。") and (len(sent) > _rules().limits["title_sentence_max"]
                                   or "；" in sent or ";" in sent)


def _match_marker(s: str):
    for form, pattern, needs_sentence in _rules().markers:
        m = pattern.match(s)
        if m:
            return form, m.group(0), needs_sentence
    return None


def _inline_label(s: str) -> int:
    r = _rules()
    m = re.match(r"([^，。；：:,;、“”（）()【】\[\]<>《》\d]{2,%d})[：:]" % r.limits["inline_label_max"], s)
    if not m or m.end() >= len(s):
        return 0
    label = m.group(1)
    if label.endswith(r.label_bad_endings) or label.startswith(r.label_bad_starts):
        return 0
    return len(label)


def _is_lead_sentence(sent: str, max_len: int, inner: bool = False) -> bool:
    r = _rules()
    body = sent.rstrip("。！？")
    if not (4 <= len(body) <= max_len) or sent[-1:] != "。":
        return False
    if _has_figures(body) or body.startswith(r.lead_bad_starts) or body.endswith(r.lead_bad_endings):
        return False
    if _match_marker(body):        # 一是… inside a running paragraph is a list item
        return False
    if _reports_an_event(body, r):
        return False
    if _CN_FIGURE.search(_QUOTED.sub("", body)):
        return False
    if inner and re.search(r"[，,；;：:、]", body):
        return False
    return not re.search(r"[；;：:（(]", body)


def _reports_an_event(body: str, r: _Rules) -> bool:
    """A short sentence that tells one event (某中心建成投用, 某产品获批地理标志, 某地入选试点)
    is a fact of the paragraph, not its title; a title sums a field up and says how it went
    (持续, 不断, 加快, 稳步 …), which an event sentence with such a word does too."""
    return any(w in body for w in r.lead_event_words) and not any(w in body for w in r.lead_title_words)


_SOFT_FORMS = {"lead", "label", "shi", "dash"}


def _build_tree(headings: list[_Heading], text_len: int) -> list[Section]:
    sections: list[Section] = []
    stack: list[tuple[str, Section]] = []       # (form, section) from outermost down
    still_open: list[Section] = []              # sections that run to the end so far
    for i, h in enumerate(headings, start=1):
        if h.form not in _SOFT_FORMS:
            # Numbered headings never nest under a lead sentence, label or 一是/—— paragraph:
            # those title only the text up to the next heading.
            while stack and stack[-1][0] in _SOFT_FORMS:
                stack.pop()
        forms = [f for f, _ in stack]
        if h.form in forms:
            del stack[forms.index(h.form):]
        elif h.form.startswith("style"):
            # Word/Markdown heading levels are absolute among themselves; a styled heading
            # closes the numbered headings under the one before it.
            while stack and (not stack[-1][0].startswith("style")
                             or int(stack[-1][0][5:]) >= int(h.form[5:])):
                stack.pop()
        parent = stack[-1][1] if stack else None
        sec = Section(id=f"s{i}", marker=h.marker, title=h.title, level=len(stack) + 1,
                      start=h.start, end=text_len, parent=parent.id if parent else None,
                      title_start=h.title_start, title_end=h.title_end)
        # close the sections this heading ends (same or deeper level); the ones still
        # open have rising levels, so this looks at a handful, not at every section
        while still_open and still_open[-1].level >= sec.level:
            still_open.pop().end = h.start
        sections.append(sec)
        still_open.append(sec)
        stack.append((h.form, sec))
    return sections


class SectionLookup:
    """The innermost section at an offset, for many offsets: starts are bisected and the
    paths built once (a document with 100,000 headings stays fast)."""

    def __init__(self, sections: list[Section]):
        self.sections = sections
        self.starts = [s.start for s in sections]
        self.by_id = {s.id: s for s in sections}
        self._paths: dict[str, list[str]] = {}

    def __call__(self, offset: int) -> tuple[str | None, list[str]]:
        """(id, titles outermost first) of the innermost section containing ``offset``."""
        i = bisect.bisect_right(self.starts, offset) - 1
        if i < 0:
            return None, []
        # The last section starting at or before offset, or the nearest of its ancestors
        # still open there; sections nest, so that is the innermost one holding offset.
        node = self.sections[i]
        while node is not None and not node.start <= offset < node.end:
            node = self.by_id.get(node.parent) if node.parent else None
        if node is None:
            return None, []
        return node.id, list(self._path(node))

    def _path(self, node: Section) -> list[str]:
        path = self._paths.get(node.id)
        if path is None:
            parent = self.by_id.get(node.parent) if node.parent else None
            path = (self._path(parent) if parent is not None else []) + [node.title]
            self._paths[node.id] = path
        return path


def section_path_at(sections: list[Section], offset: int) -> tuple[str | None, list[str]]:
    """(id, titles outermost first) of the innermost section containing ``offset``; for
    many offsets build one :class:`SectionLookup`."""
    return SectionLookup(sections)(offset)
