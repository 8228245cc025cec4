"""Web pages with lxml: the report body of a government site's page, as paragraphs.

- The page is decoded by its declared charset (``<meta charset>``, ``http-equiv``, XML
  declaration; GB2312/GBK read as GB18030, their superset), else UTF-8, else GB18030.
- The body is the element where the prose is: each text run scores its sentence
  punctuation into its block, the block's parent and (half) its grandparent, as
  readability does; link-heavy blocks score down. Scripts, styles, navigation, share
  buttons and footers (``rules/html.yaml``) never count and are dropped from the body.
- Inside the body: ``<p>``, ``<div>``, ``<li>`` and ``<br>`` end paragraphs; ``<h1>``–``<h6>``
  are heading hints (level 1–6); a bold run (``<b>``, ``<strong>``, ``font-weight: bold``)
  opening a paragraph is a lead-bold hint; ``<table>`` becomes one block per cell with its
  row and column (spans counted); the page's title is a level-0 heading (the report title).
"""
from __future__ import annotations

from functools import lru_cache

import regex as re

from pipeline import rules
from pipeline.document import InputError
from pipeline.normalise import clean_line

_SCHEMA = {
    "type": "object",
    "required": ["drop_tags", "furniture_tags", "furniture_roles", "furniture_words",
                 "title_meta", "title_separators", "body_min_punctuation",
                 "body_max_link_share", "prose_punctuation"],
    "properties": {
        **{k: {"type": "array", "items": {"type": "string", "minLength": 1}}
           for k in ("drop_tags", "furniture_tags", "furniture_roles", "furniture_words",
                     "title_meta", "title_separators")},
        "body_min_punctuation": {"type": "integer", "minimum": 0},
        "body_max_link_share": {"type": "number", "minimum": 0, "maximum": 1},
        "prose_punctuation": {"type": "string", "minLength": 1},
    },
}

_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)"""
                       rb"""|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)", re.I)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_BLOCK_TAGS = frozenset("p div li ul ol dl dt dd blockquote section article main center pre "
                        "address figure figcaption form fieldset hr tr tbody thead".split())
_HEADINGS = {f"h{i}": i for i in range(1, 7)}
_BOLD_TAGS = frozenset(("b", "strong"))


@lru_cache(maxsize=1)
def _rules() -> dict:
    data = rules.load("html", _SCHEMA)
    return {**data, "furniture_words": frozenset(w.lower() for w in data["furniture_words"])}


def looks_like_html(head: bytes) -> bool:
    """True when a file's first bytes are an HTML page, whatever its name."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"<?xml"):
        return b"<html" in start[:1024]
    return start.startswith((b"<!doctype html", b"<html"))


def decode_html(data: bytes) -> tuple[str, str]:
    """The page's text and the encoding it was read with."""
    m = _DECLARED.search(data[:4096])
    declared = (m.group(1) or m.group(2)).decode("ascii").lower() if m else None
    candidates = []
    if declared:
        candidates.append("gb18030" if declared in ("gb2312", "gbk", "gb18030", "x-gbk") else declared)
    candidates += ["utf-8", "gb18030"]
    for enc in candidates:
        try:
            return data.decode(enc), ("gbk" if enc == "gb18030" else enc)
        except (UnicodeDecodeError, LookupError):
            continue
    raise InputError(f"cannot decode HTML page (declared charset {declared or 'none'}, not UTF-8 or GBK)")


def read_html(data: bytes) -> tuple[list[tuple[str, dict]], str]:
    """(text, block attributes) parts of the page's report body, and the encoding."""
    import lxml.etree
    import lxml.html

    text, encoding = decode_html(data)
    if b"\x00" in data[:4096]:
        raise InputError("binary data, not an HTML page (NUL bytes)")
    lowered = text.lower()
    if "<html" in lowered and "</html>" not in lowered and "</body>" not in lowered:
        raise InputError("truncated HTML page (it ends before </body></html>; download it again)")
    # lxml refuses a str that still carries an XML encoding declaration.
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    try:
        root = lxml.html.document_fromstring(text, parser=lxml.html.HTMLParser(remove_comments=True,
                                                                                 remove_pis=True))
    except (lxml.etree.ParserError, ValueError) as e:
        raise InputError(f"not a readable HTML page ({str(e)[:80]})") from None
    r = _rules()
    title = _page_title(root, r)
    for el in list(root.iter(*r["drop_tags"])):
        _remove(el)
    for el in list(root.iter(lxml.etree.Element)):
        if el.getparent() is not None and _hidden(el):
            _remove(el)
    body = _find_body(root, r)
    for el in list(body.iter(lxml.etree.Element)):
        if el is not body and el.getparent() is not None and _is_furniture(el, r):
            _remove(el)
    parts = _Walker().run(body)
    if title and not any(p[0] == title for p in parts[:3]):
        parts.insert(0, (title, {"kind": "heading", "heading_level": 0, "paragraph": 1}))
        for _, attrs in parts[1:]:
            attrs["paragraph"] += 1
    if not any(t for t, a in parts if a.get("heading_level") != 0):
        raise InputError("no report text found in the HTML page")
    return parts, encoding


def _remove(el) -> None:
    """Drop an element but keep its tail text (the text after it belongs to its parent)."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _hidden(el) -> bool:
    return el.get("hidden") is not None or bool(_HIDDEN_STYLE.search(el.get("style") or ""))


def _is_furniture(el, r: dict) -> bool:
    if el.tag in r["furniture_tags"] or (el.get("role") or "").lower() in r["furniture_roles"]:
        return True
    names = f"{el.get('class') or ''} {el.get('id') or ''}"
    return any(w.lower() in r["furniture_words"] for w in _WORDS.findall(names))


def _page_title(root, r: dict) -> str | None:
    for name in r["title_meta"]:
        for meta in root.iter("meta"):
            if name in (meta.get("name"), meta.get("property")):
                t = clean_line(meta.get("content") or "")
                if t:
                    return t
    for h1 in root.iter("h1"):
        t = clean_line(h1.text_content())
        if t:
            return t
    for el in root.iter("title"):
        t = clean_line(" ".join(el.text_content().split()))
        for sep in r["title_separators"]:     # the site's name follows the report's
            t = t.split(sep)[0].strip()
        return t or None
    return None


def _find_body(root, r: dict):
    """The element holding the report's prose (readability-style scoring)."""
    import lxml.etree

    punct = set(r["prose_punctuation"])
    own: dict = {}
    linked: dict = {}
    total: dict = {}
    for el in root.iter(lxml.etree.Element):
        if _is_furniture(el, r):
            continue
        for text in (el.text, *(c.tail for c in el)):
            if not text or not text.strip():
                continue
            in_link = el.tag == "a" or any(a.tag == "a" for a in el.iterancestors())
            block = el if el.tag not in ("a", "span", "font", "b", "strong", "em", "i", "u", "o:p") \
                else next((a for a in el.iterancestors() if a.tag in _BLOCK_TAGS or a.tag in ("td", "body")), el)
            n = len(text.strip())
            total[block] = total.get(block, 0) + n
            if in_link:
                linked[block] = linked.get(block, 0) + n
            else:
                own[block] = own.get(block, 0) + sum(1 for ch in text if ch in punct)
    scores: dict = {}
    for block, s in own.items():
        if not s:
            continue
        scores[block] = scores.get(block, 0) + s
        parent = block.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0) + s
            grand = parent.getparent()
            if grand is not None:
                scores[grand] = scores.get(grand, 0) + s / 2
    best, best_score = None, float(r["body_min_punctuation"])
    for el in root.iter(lxml.etree.Element):       # document order: a deeper tie wins
        s = scores.get(el, 0)
        if s >= best_score and _link_share(el, linked, total) <= r["body_max_link_share"]:
            best, best_score = el, s
    if best is None:
        body = root.find("body")
        return body if body is not None else root
    return best


def _link_share(el, linked: dict, total: dict) -> float:
    n_link = n_all = 0
    for d in el.iter():
        n_link += linked.get(d, 0)
        n_all += total.get(d, 0)
    return n_link / n_all if n_all else 0.0


class _Walker:
    """Body element → (text, attrs) parts: paragraphs, headings and table cells."""

    def __init__(self):
        self.parts: list[tuple[str, dict]] = []
        self.runs: list[tuple[str, bool]] = []      # (text, bold) of the open paragraph
        self.n_par = 0
        self.n_table = 0

    def run(self, body) -> list[tuple[str, dict]]:
        self._inside(body, False)
        self._flush()
        return self.parts

    def _flush(self, **attrs) -> None:
        raw = "".join(t for t, _ in self.runs)
        text = clean_line(" ".join(raw.split("\n")))
        if text:
            self.n_par += 1
            bold = ""
            for t, b in self.runs:
                if not t.strip():
                    bold += t
                elif b:
                    bold += t
                else:
                    break
            info = {"paragraph": self.n_par, **attrs}
            lead = len(clean_line(bold))
            if lead and "heading_level" not in attrs:
                info["lead_bold"] = min(lead, len(text))
            self.parts.append((text, info))
        self.runs = []

    def _inside(self, el, bold: bool) -> None:
        if el.text:
            self.runs.append((el.text, bold))
        for child in el:
            self._element(child, bold)
            if child.tail:
                self.runs.append((child.tail, bold))

    def _element(self, el, bold: bool) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "br":
            self._flush()
        elif tag in _HEADINGS:
            self._flush()
            self._inside(el, True)
            self._flush(kind="heading", heading_level=_HEADINGS[tag])
        elif tag == "table":
            self._flush()
            self._table(el)
        elif tag in _BLOCK_TAGS or tag in ("td", "th"):
            self._flush()
            self._inside(el, bold)
            self._flush(**({"kind": "list_item"} if tag == "li" else {}))
        else:
            self._inside(el, bold or tag in _BOLD_TAGS or bool(_BOLD_STYLE.search(el.get("style") or "")))

    def _table(self, table) -> None:
        rows = [tr for tr in table.iter("tr")
                if next((a for a in tr.iterancestors("table")), None) is table]
        if any(td.find(".//table") is not None for tr in rows for td in tr):
            self._inside(table, False)           # a layout table around other tables
            self._flush()
            return
        self.n_table += 1
        self.n_par += 1
        taken: set[tuple[int, int]] = set()
        cells = []
        for r, tr in enumerate(rows, start=1):
            c = 1
            for td in tr:
                if td.tag not in ("td", "th"):
                    continue
                while (r, c) in taken:
                    c += 1
                rowspan, colspan = _span(td.get("rowspan")), _span(td.get("colspan"))
                for dr in range(rowspan):
                    for dc in range(colspan):
                        taken.add((r + dr, c + dc))
                text = clean_line(" ".join(td.text_content().split()))
                if text:
                    cells.append((text, {"kind": "table_cell", "paragraph": self.n_par,
                                         "table": self.n_table, "row": r, "col": c}))
                c += colspan
        if not cells:                             # an empty layout table: nothing to keep
            self.n_table -= 1
            self.n_par -= 1
        self.parts.extend(cells)


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 100))
    except ValueError:
        return 1
