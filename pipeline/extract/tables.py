"""Figures in tables: table cells → quantity records (GUIDE.md §2 "Figures in tables").

Every reader keeps a table as blocks: one ``table_cell`` block per cell with its table,
row and column (docx, PDF, HTML), or one ``table_row`` block per Markdown pipe row. This
stage rebuilds each table as a grid, tells header rows from data rows and label, unit and
code columns from value columns, and reads each number in a value column with

- its unit from the cell itself, else the column header (``比上年增长（%）``), else a unit
  column of its row (``计量单位``), else the row label (``地区生产总值（亿元）``), else the
  caption or unit line (``单位：万元``); the multiplier of that unit is folded into the value;
- its metric from the row label to its left (list markers and footnote marks dropped),
  so a two-sided table (income left, expenditure right) takes the label of its own half;
- its role from the column header, or from the caption where no header names one;
- its period and status from the column header, else the caption (:func:`header_time`).

A number the table gives no unit is not a quantity; nor are codes, row numbers, years in
headers, empty cells and dashes. Records carry ``table`` provenance: the table number,
the cell's row and column, the row label, the header texts over the cell and the caption.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import regex as re

from pipeline import rules
from pipeline.document import Document, Record
from pipeline.textview import fold_spaces

__all__ = ["find_table_quantities", "read_tables", "read_unit", "header_time"]

_STR_LIST = {"type": "array", "items": {"type": "string", "minLength": 1}}
_SCHEMA = {
    "type": "object",
    "required": ["unit_line_words", "code_headers", "unit_headers", "roles", "change_down",
                 "status", "status_tails", "comparison", "empty_marks",
                 "total_words", "rank_headers"],
    "additionalProperties": False,
    "properties": {
        "unit_line_words": _STR_LIST, "code_headers": _STR_LIST, "unit_headers": _STR_LIST,
        "roles": {"type": "object", "required": ["change", "share"],
                  "additionalProperties": False,
                  "properties": {"change": _STR_LIST, "share": _STR_LIST}},
        "change_down": _STR_LIST,
        "status": {"type": "object", "required": ["target", "actual", "estimate"],
                   "additionalProperties": False,
                   "properties": {"target": _STR_LIST, "actual": _STR_LIST, "estimate": _STR_LIST}},
        "status_tails": _STR_LIST, "comparison": _STR_LIST,
        "empty_marks": _STR_LIST, "total_words": _STR_LIST, "rank_headers": _STR_LIST,
    },
}

# A figure as written in a cell: sign, digits (thousands commas allowed), decimals, then
# perhaps its own unit; footnote marks after it are not part of it.
_NUMBER = re.compile(r"^(?P<num>[-−－–+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?P<unit>[^\d]{0,8}?)"
                     r"(?:\[\d+\]|［\d+］|[*＊]+)?$")
_YEAR_ONLY = re.compile(r"^((?:19|20)\d{2})年?(?:度)?$")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:年|$|(?=[^\d]))")
_PAREN = re.compile(r"[（(]([^（）()]{1,12})[）)]")
_LIST_MARKER = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[）)]"
    r"|\d{1,2}[、．](?!\d)|\d{1,2}\.(?!\d)|[①-⑳]|[#＃*＊]+|其中[：:]?|内[：:])\s*")
_FOOTNOTE = re.compile(r"(?:\[\d+\]|［\d+］|[①-⑳]|[*＊]+|（注\d*）|\(注\d*\))")
_CAPTION = re.compile(r"^(?:附?表\s*[\d一二三四五六七八九十]+|.{0,60}(?:表|情况|统计|汇总|明细)\s*$)")
_COMPARED_YEAR = re.compile(r"(?:比|较|与|相比|对比)(?:19|20)\d{2}年?(?:同期|末|底)?")
_DATE_LINE = re.compile(r"^(?:19|20)\d{2}年\d{1,2}月(?:\d{1,2}日)?$")


@dataclass
class Cell:
    row: int
    col: int
    start: int                  # offsets of the cell's text in document.text
    end: int
    text: str


@dataclass
class Table:
    index: int                  # 1-based, in document order
    cells: dict[tuple[int, int], Cell]
    caption: str | None = None  # the title line before the table or in its first row
    notes: list[str] = field(default_factory=list)   # unit lines and title rows
    block: int = 0              # index of the table's first block
    end_block: int = 0          # index after the table's last block

    @property
    def n_rows(self) -> int:
        return max((r for r, _ in self.cells), default=0)

    @property
    def n_cols(self) -> int:
        return max((c for _, c in self.cells), default=0)

    def text(self, r: int, c: int) -> str:
        cell = self.cells.get((r, c))
        return cell.text if cell else ""


@lru_cache(maxsize=1)
def _rules() -> dict:
    d = rules.load("tables", _SCHEMA)
    alt = lambda ws: "|".join(re.escape(w) for w in sorted(ws, key=len, reverse=True))  # noqa: E731
    d = dict(d)
    d["unit_line_re"] = re.compile(rf"(?:{alt(d['unit_line_words'])})\s*[:：]\s*([^\s，,；;。）)]{{1,10}})")
    d["empty"] = frozenset(d["empty_marks"])
    return d


# --- reading tables from the document's blocks -------------------------------------

def read_tables(doc: Document) -> list[Table]:
    """The document's tables as grids of cells, with caption and unit lines."""
    tables: list[Table] = []
    current: Table | None = None
    last_key = None
    md_row = 0
    for bi, b in enumerate(doc.blocks):
        if b.kind == "table_cell":
            key = ("cell", b.table)
            if key != last_key:
                current = Table(len(tables) + 1, {}, block=bi)
                tables.append(current)
            text = doc.text[b.start:b.end]
            current.cells[(b.row or 1, b.col or 1)] = Cell(b.row or 1, b.col or 1, b.start, b.end, text)
        elif b.kind == "table_row":
            if last_key != ("row", None):
                current = Table(len(tables) + 1, {}, block=bi)
                tables.append(current)
                md_row = 0
            md_row += 1
            for c, (a, e) in enumerate(_pipe_cells(doc.text, b.start, b.end), start=1):
                if e > a:
                    current.cells[(md_row, c)] = Cell(md_row, c, a, e, doc.text[a:e])
            key = ("row", None)
        else:
            key = None
        if key is not None:
            current.end_block = bi + 1
        last_key = key
    for t in tables:
        _find_caption(doc, t)
        if doc.format == "md":
            _spread_group_headers(t)
    return _join_continued([t for t in tables if t.cells])


def _spread_group_headers(t: Table) -> None:
    """A Markdown table cannot merge cells: a group header row (label + 3 groups) over a
    row of sub-headers (label + 6) is written with fewer cells. Each group then spans the
    same number of columns; its cell moves to the first of them."""
    width = {r: max((c for (rr, c) in t.cells if rr == r), default=0) for r in range(1, t.n_rows + 1)}
    for r in range(1, min(3, t.n_rows)):
        k, n = width[r], width[r + 1]
        if k < 2 or n <= k or (n - 1) % (k - 1) or any(_is_figure(t.text(r, c)) for c in range(2, k + 1)):
            continue
        step = (n - 1) // (k - 1)
        moved = {}
        for (rr, c), cell in list(t.cells.items()):
            if rr == r and c >= 2:
                del t.cells[(rr, c)]
                nc = 2 + (c - 2) * step
                moved[(rr, nc)] = Cell(rr, nc, cell.start, cell.end, cell.text)
        t.cells.update(moved)


def _join_continued(tables: list[Table]) -> list[Table]:
    """A table that goes on over a page break comes out of a PDF as two tables, the second
    without caption or header: it joins the first when nothing stands between them, it has
    no more columns."""
    out: list[Table] = []
    for t in tables:
        prev = out[-1] if out else None
        if (prev is not None and t.caption is None and not t.notes and t.n_cols <= prev.n_cols
                and t.block == prev.end_block):
            off = prev.n_rows
            for (r, c), cell in t.cells.items():
                prev.cells[(r + off, c)] = Cell(r + off, c, cell.start, cell.end, cell.text)
            prev.end_block = t.end_block
            continue
        out.append(t)
    for i, t in enumerate(out, start=1):
        t.index = i
    return out


def _pipe_cells(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the cells of a Markdown pipe row (outer pipes optional), stripped."""
    line = text[start:end]
    bounds = [i for i, ch in enumerate(line) if ch == "|"]
    if not bounds or bounds[0] != 0:
        bounds = [-1] + bounds
    if bounds[-1] != len(line) - 1:
        bounds.append(len(line))
    spans = []
    for a, b in zip(bounds, bounds[1:]):
        s, e = a + 1, b
        while s < e and line[s].isspace():
            s += 1
        while e > s and line[e - 1].isspace():
            e -= 1
        spans.append((start + s, start + e))
    return spans


def _find_caption(doc: Document, t: Table) -> None:
    """The caption: a short title line just before the table (表2 …情况) or a one-cell
    first row; unit lines (单位：万元) there or just after the table's title go to notes."""
    before = []
    for b in reversed(doc.blocks[max(0, t.block - 3):t.block]):
        if b.kind in ("table_cell", "table_row"):
            break
        s = doc.text[b.start:b.end].strip().strip("*_ ")      # **表1：…** in Markdown
        if len(s) > 80 or s.endswith(("。", "；")):
            break
        before.append(s)
    for s in before:                       # nearest first
        if _CAPTION.search(s):
            t.caption = s
            break
        if _rules()["unit_line_re"].search(s) and len(s) <= 30:
            t.notes.append(s)
    # title rows: rows with a single cell spanning the table (a title or a unit line)
    for r in range(1, min(3, t.n_rows) + 1):
        row = [c for (rr, _), c in t.cells.items() if rr == r]
        if len(row) == 1 and row[0].col == 1 and t.n_cols > 1:
            s = row[0].text
            t.notes.append(s)
            if t.caption is None and (_CAPTION.search(s)
                                      or not (_rules()["unit_line_re"].search(s) and len(s) <= 30)):
                t.caption = s
        else:
            break
    # a unit line written in the top-right cell of the header (单位：万元)
    for (r, c), cell in t.cells.items():
        if r <= 2 and _rules()["unit_line_re"].search(cell.text) and len(cell.text) <= 30:
            t.notes.append(cell.text)


# --- units -----------------------------------------------------------------------

def read_unit(text: str) -> tuple[int, str, str] | None:
    """A unit as a table writes it (``万吨``, ``亿元``, ``%``, ``万只（片、套）``,
    ``载重吨``): (multiplier, unit after folding the multiplier, kind); None when the text
    is not a unit."""
    from pipeline.extract.quantities import load_rules, read_multiplier

    s = re.sub(r"\s+", "", text or "")
    if not s or len(s) > 12 or re.search(r"\d", s):
        return None
    r = load_rules()
    pm = r.pct_re.fullmatch(s)
    if pm:
        kind, rep = r.pct[s]
        return 1, rep, kind
    factor, i = read_multiplier(s, 0, r)     # the running text's rule: 千瓦's 千 is the unit's
    rest = s[i:]
    if not rest:
        return (factor, "", "count") if factor > 1 else None
    core = _PAREN.sub("", rest)             # 只（片、套）: the kind is the 只's
    um = r.unit_re.fullmatch(core)
    if um:
        rep = r.unit_as[core] + rest[len(core):]
        return factor, rep, r.unit_kind[core]
    tm = r.tail_re.search(core)             # 元/吨
    if tm and r.unit_re.fullmatch(core[:tm.start()]):
        head = core[:tm.start()]
        return factor, r.unit_as[head] + core[tm.start():], r.unit_kind[head]
    # a unit the word list lacks but ending in one it has (载重吨, 芯千米, 万吨公里)
    for j in range(1, len(core)):
        if len(core) - j <= 4 and r.unit_re.fullmatch(core[j:]) and not r.not_unit_re.match(core):
            if len(core) <= 4:
                return factor, rest, r.unit_kind[core[j:]]
    return None


def _unit_in(text: str) -> tuple[int, str, str] | None:
    """A unit named inside a header or label: ``年末数（万人）``, ``比上年±%``,
    ``金额(万元)``, ``单位：亿元``."""
    for m in _rules()["unit_line_re"].finditer(text):     # 编制单位：某局 单位：元
        u = read_unit(m.group(1))
        if u:
            return u
    for m in reversed(list(_PAREN.finditer(text))):
        inner = re.sub(r"^(?:单位|金额单位)[:：]", "", m.group(1))
        u = read_unit(inner)
        if u:
            return u
    m = re.search(r"(?:±|[+-])?(%|‰)\s*$", text)
    if m:
        return read_unit(m.group(1))
    return None


# --- period and status from a short text ------------------------------------------

def header_time(text: str, year: int | None) -> tuple[str | None, str | None]:
    """(period, status) that a column header or caption names: ``2021年`` → ("2021", None),
    ``上年执行数`` → (year-1, "actual"), ``本年预算数`` → (year, "target"). ``year`` is the
    table's own year (for 本年/上年). Nones where the text names neither.

    The time stage reads short labels (:func:`pipeline.extract.time.label_time`); what
    only tables write is added here: a bare year over a column (``1985``), a span of years
    (``1986-1995平均每年增长``) and a budget or final-accounts table's caption
    (``收入决算表``, ``部门收支预算总表``)."""
    from pipeline.extract.time import label_time

    period, status = label_time(text, year)
    d = _rules()
    # 表1 2022年…: the table's number is not part of a year
    s = re.sub(r"^\s*附?表\s*(?:\d{1,2}|[一二三四五六七八九十]+)(?=\s|[^\d])", "", text or "")
    s = re.sub(r"\s+", "", s)
    for w in d["comparison"]:              # 比上年增长: the change of this year over the last
        s = s.replace(w, "")
    s = _COMPARED_YEAR.sub("", s)          # 比1985年增长: 1985 is the base
    if period is None:
        years = [int(y) for y in _YEAR.findall(s)]
        if years:
            period = str(years[0]) if len(set(years)) == 1 else f"{min(years)}/{max(years)}"
    if status is None:
        for name in ("estimate", "actual", "target"):       # 预计执行数 is an estimate
            if any(w in s for w in d["status"][name]):
                status = name
                break
    return period, status


# --- the stage -----------------------------------------------------------------------

def _number(text: str) -> tuple[str, float | int, str] | None:
    """(number as written, value, own unit text) of a figure cell; None for other cells."""
    s = text.strip()
    m = _NUMBER.match(fold_spaces(s))          # '34  4  23' is three figures, not one
    if not m:
        return None
    raw = m.group("num")
    if re.match(r"[-−－–+]?0\d", raw):
        return None                                  # 06, 0101: a code, not a figure
    if re.fullmatch(r"(?:19|20)\d{2}", raw) and m.group("unit").startswith("年"):
        return None                                  # a year (2023年, 2023年（亿元）)
    v = float(raw.replace(",", "").replace("−", "-").replace("－", "-").replace("–", "-"))
    return raw, (int(v) if v.is_integer() and "." not in raw else v), m.group("unit").strip()


def _is_figure(text: str) -> bool:
    n = _number(text)
    return n is not None and (not n[2] or read_unit(n[2]) is not None)


def _header_rows(t: Table, title_rows: int) -> int:
    """Number of header rows (after the title rows): rows before the first row that has a
    figure outside its first column; a row of bare years (1985 1995) is a header."""
    r = title_rows + 1
    while r <= t.n_rows and r - title_rows <= 5:
        row = [t.text(r, c) for c in range(2, t.n_cols + 1)]
        figures = [x for x in row if _is_figure(x)]
        if figures and not (all(_YEAR_ONLY.match(x) for x in figures) and r < t.n_rows):
            break
        r += 1
    return r - 1 - title_rows


def _column_roles(t: Table, first_data: int, headers: dict[int, list[str]]) -> dict[int, str]:
    """label | unit | code | value for each column, from its header and its data cells."""
    d = _rules()
    roles = {}
    for c in range(1, t.n_cols + 1):
        head = "".join(headers.get(c, []))
        data = [t.text(r, c) for r in range(first_data, t.n_rows + 1) if t.text(r, c)]
        figures = [x for x in data if _is_figure(x)]
        texts = [x for x in data if not _is_figure(x) and x not in d["empty"]]
        # 类 款 项 name code columns only as whole headers (财政拨款 ends in 款)
        if any(h == w or (len(w) > 1 and h.endswith(w)) for h in headers.get(c, [])
               for w in d["code_headers"]) and not _unit_in(head):
            roles[c] = "code"
        elif head and any(w in head for w in d["unit_headers"]) and texts \
                and sum(1 for x in texts if read_unit(x)) >= len(texts) / 2:
            roles[c] = "unit"
        elif texts and len(texts) >= len(figures):
            roles[c] = "label"
        elif figures and all(re.fullmatch(r"\d+", x) for x in figures) \
                and [int(x) for x in figures] == list(range(1, len(figures) + 1)) and len(figures) > 2:
            roles[c] = "code"                # row numbers 1 2 3 …
        elif figures and not any(k == "label" for k in roles.values()) \
                and all(re.fullmatch(r"\d+", x) for x in figures):
            roles[c] = "code"                # whole numbers left of every label: 201 06 01
        else:
            roles[c] = "value"
    return roles


def _clean_label(text: str) -> tuple[str, tuple[int, str, str] | None]:
    """A row label as a metric (markers and footnote marks dropped) and the unit it names."""
    s = re.sub(r"\s+", "", text)
    while True:
        s2 = _LIST_MARKER.sub("", s)
        if s2 == s:
            break
        s = s2
    s = _FOOTNOTE.sub("", s)
    unit = None
    m = _PAREN.search(s)
    if m and m.end() == len(s):
        unit = read_unit(re.sub(r"^(?:单位|金额单位)[:：]", "", m.group(1)))
        if unit:
            s = s[:m.start()]
    return s.strip("：:、 "), unit


def _role(texts: list[str]) -> str | None:
    d = _rules()
    s = "".join(texts)
    if any(w in s for w in d["roles"]["share"]):
        return "share"
    if any(w in s for w in d["roles"]["change"]):
        return "change"
    return None


def _context_year(doc: Document, t: Table, caption_years: dict[int, int],
                  reference: int | None) -> int | None:
    """The year a table without a year of its own describes: the caption year of an earlier
    table in the same report (a compilation of yearly reports starts each with its date
    line), else the report's year."""
    for bi in range(t.block - 1, -1, -1):
        if bi in caption_years:
            return caption_years[bi]
        b = doc.blocks[bi]
        if b.kind == "paragraph" and _DATE_LINE.match(doc.text[b.start:b.end].strip()):
            break
    return reference or doc.year


def find_table_quantities(doc: Document) -> list[Record]:
    """Quantity records for the figures in the document's tables."""
    from pipeline.extract.time import report_years

    tables = read_tables(doc)
    if not tables:
        return []
    years = report_years(doc)
    # a table with no year of its own is about the budget year in a budget (本年预算数 of
    # the 2025 budget is 2025), else about the year the report's results describe
    own_year = years.plan if years.genre == "budget" else years.reference
    records: list[Record] = []
    caption_years: dict[int, int] = {}
    for t in tables:
        m = _YEAR.search(t.caption or "")
        year = int(m.group(1)) if m else _context_year(doc, t, caption_years, own_year)
        if m:
            caption_years[t.block] = year
        records.extend(_table_records(doc, t, year))
    return records


def _table_records(doc: Document, t: Table, year: int | None) -> list[Record]:
    d = _rules()
    title_rows = 0
    while title_rows < t.n_rows and t.n_cols > 1 \
            and [c for (r, c) in t.cells if r == title_rows + 1] == [1]:
        title_rows += 1
    n_head = _header_rows(t, title_rows)
    first_data = title_rows + n_head + 1
    # header texts over each column, upper levels first; a merged upper header (only its
    # first column has text) covers the columns to its right that have a sub-header below
    headers: dict[int, list[str]] = {c: [] for c in range(1, t.n_cols + 1)}
    for r in range(title_rows + 1, first_data):
        carry = ""
        for c in range(1, t.n_cols + 1):
            x = t.text(r, c)
            if x:
                carry = x
            elif carry and any(t.text(rr, c) for rr in range(r + 1, first_data)):
                x = carry
            else:
                carry = ""
            if x and not (_rules()["unit_line_re"].search(x) and len(x) <= 30):
                headers[c].append(x)
    roles = _column_roles(t, first_data, headers)
    labels = [c for c, k in roles.items() if k == "label"]
    notes = " ".join(t.notes)
    caption_text = " ".join(x for x in (t.caption, notes) if x)
    table_unit = _unit_in(caption_text) if caption_text else None
    any_header_role = any(_role([h for h in headers[c] if not _YEAR_ONLY.match(h)])
                          for c in headers if roles.get(c) == "value")
    caption_role = None if any_header_role else _role([t.caption or ""])
    cap_period, cap_status = header_time(t.caption or "", year)

    out = []
    for r in range(first_data, t.n_rows + 1):
        for c in range(1, t.n_cols + 1):
            cell = t.cells.get((r, c))
            if cell is None or roles.get(c) != "value":
                continue
            num = _number(cell.text)
            if num is None:
                continue
            raw, value, own = num
            label_col = max((lc for lc in labels if lc < c and t.text(r, lc)), default=None)
            label_raw = t.text(r, label_col) if label_col else ""
            metric, row_unit = _clean_label(label_raw) if label_raw else (None, None)
            head = headers.get(c, [])
            unit = (read_unit(own) if own else None) or _unit_in(" ".join(reversed(head)) or "") \
                or _row_unit(t, roles, r, c) or row_unit or table_unit
            if unit is None and any(w in h for h in head for w in d["rank_headers"]) \
                    and isinstance(value, int) and value > 0:
                unit = (1, "", "rank")                # 位次: a rank has the empty unit
            if unit is None:
                continue
            if not metric or _YEAR_ONLY.match(metric):
                # no row label, or years down the side: the header names the figure
                metric = _header_metric(head, year)
            factor, unit_name, kind = unit
            # the role from the column header, else the row label (1985年比重 down the
            # side), else the caption
            role = (_role([h for h in head if not _YEAR_ONLY.match(h)])
                    or (_role([label_raw]) if label_raw else None) or caption_role or "level")
            if kind == "rank":
                role = "level"
            direction = None
            if role == "change":
                down = value < 0 or any(w in "".join(head) for w in d["change_down"])
                direction = "down" if down else "up"
            if role != "change" and value < 0:
                pass                                  # a negative level (a deficit) stays negative
            elif value < 0:
                value = -value
            if factor != 1:
                from pipeline.extract.quantities import _scale
                value = _scale(value, factor)
            period = status = None
            for h in list(reversed(head)) + ([label_raw] if label_raw else []):
                p, s = header_time(h, year)
                period = period or p
                status = status or s
            status = status or cap_status or "actual"
            period = period or cap_period or (str(year) if year else None)
            a = cell.start + cell.text.find(raw) if raw in cell.text else cell.start
            e = a + len(raw) if raw in cell.text else cell.end
            if own and cell.text.find(own, e - cell.start) >= 0:
                e = cell.start + cell.text.find(own, e - cell.start) + len(own)
            out.append(Record("quantity", a, e, {
                "sentence": cell.text, "sentence_start": cell.start, "sentence_end": cell.end,
                "value": value, "value_max": None, "unit": unit_name, "kind": kind,
                "role": role, "direction": direction, "qualifier": None,
                "metric": metric or None, "period": period, "status": status,
                "table": {"index": t.index, "row": r, "col": c, "row_label": label_raw or None,
                          "headers": head, "caption": t.caption}}))
    return out


def _header_metric(head: list[str], year: int | None) -> str | None:
    """The most specific header that names a figure rather than its time, status or role
    (``机关运行经费预算数`` → 机关运行经费; a 合计/小计 under a group names the group)."""
    d = _rules()
    words = sorted(d["status_tails"], key=len, reverse=True)
    for h in reversed(head):
        name, _ = _clean_label(h)
        name = _YEAR.sub("", name)
        for w in words:
            if name.endswith(w) and len(name) > len(w) + 1:
                name = name[:-len(w)]
                break
        if name and not _role([name]) and header_time(name, year) == (None, None) \
                and name not in d["total_words"]:
            return name
    return None


def _row_unit(t: Table, roles: dict[int, str], r: int, c: int):
    """The unit column of the row: the nearest one left of the cell, else any."""
    cols = [uc for uc, k in roles.items() if k == "unit" and t.text(r, uc)]
    if not cols:
        return None
    left = [uc for uc in cols if uc < c]
    return read_unit(t.text(r, max(left) if left else min(cols)))
