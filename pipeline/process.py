"""One file through the whole chain:

    ingest → sections → sentences → extractors (quantities, agencies, cases, case numbers)
    → NER model → link → indicators → time (period and status of each quantity) → records
    → output JSON

``process_file`` is the per-document function used by the CLI, the batch runner (local
processes or Dask workers) and the tests.
"""
from __future__ import annotations

import os

import regex as re

from pipeline.document import Document, InputError, Record
from pipeline.checks import document_checks
from pipeline.indicators import assign_indicators
from pipeline.ingest import read_document
from pipeline.link import link
from pipeline.output import document_json
from pipeline.quality import extraction_warnings
from pipeline.rules import rules_version
from pipeline.sections import find_sections
from pipeline.segment import add_sentences
from pipeline.textview import compact

_YEAR = re.compile(r"((?:19|20)\d{2})年(?!\d{1,2}月)")     # a year, not a date (2025年3月28日)
_TITLE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")

__all__ = ["process_file", "process_document", "warm_up", "InputError"]


def warm_up(use_model: bool = True) -> None:
    """Load everything a worker needs once (rules, jieba dictionary, NER model)."""
    from pipeline.extract import agencies, cases, quantities  # noqa: F401
    from pipeline.segment import tokenizer
    from pipeline.sections import _rules
    _rules()
    tokenizer()
    quantities.find_quantities("全年全区专利授权量19298件，同比增长29.6%。")
    agencies.find_agencies("区法院审结案件。", None)
    cases.find_cases("审结腾讯公司诉珍分夺秒公司侵害商标权案。")
    if use_model:
        from pipeline.ner import load_model
        load_model()


def report_year(title: str, head: str, source: str) -> int | None:
    """The year a report is about: a year in its title, else the first year (not a
    publication date) in its first lines, else one in its file name."""
    m = (_TITLE_YEAR.search(compact(title).text) or _YEAR.search(compact(head).text)
         or _TITLE_YEAR.search(source))
    return int(m.group(1)) if m else None


def process_file(path: str | os.PathLike, *, use_model: bool = True, ocr: str = "auto") -> dict:
    """The output object (docs/OUTPUT.md) for one input file; InputError on bad input.
    ``ocr``: when PDF pages are read by OCR (auto, never, always)."""
    doc = read_document(path, ocr=ocr)
    process_document(doc, use_model=use_model)
    model = None
    if use_model:
        from pipeline.ner import model_version
        model = model_version()
    out = document_json(doc, rules_version(), model)
    out["checks"] = document_checks(out)
    return out


def _with_table_figures(doc: Document, records: list[Record]) -> list[Record]:
    """Add the figures of the document's tables; a quantity the sentence rules read in a
    cell the table stage also read gives way to the table's reading (it knows the header)."""
    from pipeline.extract.tables import find_table_quantities

    table_records = find_table_quantities(doc)
    if not table_records:
        return records
    spans = sorted((r.start, r.end) for r in table_records)
    import bisect
    starts = [a for a, _ in spans]

    def overlaps(r: Record) -> bool:
        i = bisect.bisect_right(starts, r.end)
        return any(a < r.end and r.start < b for a, b in spans[max(0, i - 2):i])

    kept = [r for r in records if r.type != "quantity" or not overlaps(r)]
    return kept + table_records


def process_document(doc: Document, *, use_model: bool = True) -> Document:
    from pipeline.extract.agencies import find_agencies
    from pipeline.extract.case_numbers import find_case_numbers
    from pipeline.extract.cases import find_cases
    from pipeline.extract.quantities import find_quantities
    from pipeline.extract.time import assign_time
    from pipeline.region import detect_region

    doc.sections = find_sections(doc)
    head_blocks = [b for b in doc.blocks[:12] if b.kind != "table_cell"]
    if doc.title is None and head_blocks:
        # The first line is the title when it reads like one: short, not a sentence.
        first = doc.text[head_blocks[0].start:head_blocks[0].end].strip()
        if len(first) <= 60 and not first.endswith(("。", "：", ":")):
            doc.title = first
    head = doc.text[:1500]
    doc.region = detect_region(f"{doc.title or ''}\n{head}", doc.source)
    doc.year = report_year(doc.title or "", head[:400], doc.source)
    add_sentences(doc)

    records: list[Record] = []
    context_cache: dict[int, str] = {}
    for sent in doc.sentences:
        view = compact(doc.text, sent.start, sent.end)
        if not view.text:
            continue
        common = {"sentence": doc.text[sent.start:sent.end],
                  "sentence_start": sent.start, "sentence_end": sent.end}

        def add(rtype, items, keys):
            for it in items:
                a, b = view.span(it["start"], it["end"])
                if b <= a:
                    continue
                fields = dict(common)
                fields.update({k: it.get(k) for k in keys})
                records.append(Record(rtype, a, b, fields))

        add("quantity", find_quantities(view.text),
            ("value", "value_max", "unit", "kind", "role", "direction", "qualifier", "metric"))
        block = doc.blocks[sent.block]
        if sent.block not in context_cache:
            context_cache.clear()
            # the paragraph, after the report's year: renamed bodies take the name of their era
            year = f"{doc.year}年。" if doc.year else ""
            context_cache[sent.block] = year + compact(doc.text, block.start, block.end).text
        add("agency", find_agencies(view.text, doc.region, context_cache[sent.block]), ("canonical",))
        add("case", find_cases(view.text), ("parties",))
        add("case_number", find_case_numbers(view.text), ("year", "court_code", "case_type", "serial"))
    records = _with_table_figures(doc, records)
    doc.records = records
    if use_model:
        from pipeline.ner import apply_model
        apply_model(doc)
    link(doc)
    assign_indicators(doc)
    assign_time(doc)
    doc.warnings = extraction_warnings(doc)
    return doc
