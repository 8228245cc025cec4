"""The one document model every stage reads and extends.

Offsets everywhere are character offsets into ``Document.text``; nothing downstream
keeps copies of text that could drift from it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Block:
    """A unit of the source layout: a paragraph, a heading or a table cell.

    ``heading_level`` is a structure hint from the source (a Word heading style or a
    Markdown ``#``); ``lead_bold`` is the length of a bold run that opens the paragraph
    (Word), both used by the section finder.
    """
    start: int
    end: int
    kind: str = "paragraph"          # paragraph | heading | list_item | table_cell | table_row
    paragraph: int = 0               # 1-based paragraph number in the source
    page: int | None = None          # 1-based page (PDF only)
    heading_level: int | None = None
    lead_bold: int = 0
    table: int | None = None         # 1-based table number, for table cells
    row: int | None = None
    col: int | None = None
    ocr: bool = False                # text read by OCR from a page image (PDF scans)
    confidence: float | None = None  # OCR: the lowest recognition confidence of its lines


@dataclass
class Section:
    id: str
    marker: str
    title: str
    level: int
    start: int                       # start of the heading
    end: int                         # end of the section's range
    parent: str | None = None
    title_start: int = 0             # where the title text sits in document.text
    title_end: int = 0


@dataclass
class Sentence:
    start: int
    end: int
    block: int                       # index into Document.blocks


@dataclass
class Record:
    type: str                        # quantity | agency | case | case_number
    start: int
    end: int
    fields: dict[str, Any] = field(default_factory=dict)
    source: str = "rule"             # rule | model | both


@dataclass
class Document:
    source: str                      # file name of the input
    format: str                      # txt | md | docx | pdf
    encoding: str | None
    sha256: str
    text: str = ""
    blocks: list[Block] = field(default_factory=list)
    title: str | None = None
    region: dict[str, Any] | None = None   # see pipeline.region
    year: int | None = None
    reference_year: int | None = None      # the year its results describe (pipeline.extract.time)
    genre: str | None = None               # work_report | communique | budget | case | law | report
    sections: list[Section] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)   # {"code", "message"}: see pipeline.quality

    def block_at(self, offset: int) -> Block | None:
        """The block containing ``offset`` (binary search; blocks are in text order)."""
        lo, hi = 0, len(self.blocks)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.blocks[mid].end <= offset:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(self.blocks) and self.blocks[lo].start <= offset:
            return self.blocks[lo]
        return None


class InputError(Exception):
    """A document that cannot be processed; the message names the reason in one line."""
