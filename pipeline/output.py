"""Records -> the output JSON: deterministic serialisation, stable ids, atomic writes."""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from pipeline import SCHEMA_VERSION, __version__
from pipeline.document import Document

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "output.schema.json"

_COMMON = ("id", "type", "text", "start", "end", "sentence", "sentence_start", "sentence_end",
           "section_path", "section_id", "page", "paragraph", "source")
_BY_TYPE = {
    "quantity": ("value", "value_max", "unit", "kind", "role", "direction", "qualifier", "metric",
                 "indicator", "period", "status", "table"),
    "agency": ("canonical",),
    "case": ("parties", "case_number"),
    "case_number": ("year", "court_code", "case_type", "serial"),
}
_PREFIX = {"quantity": "q", "agency": "a", "case": "c", "case_number": "n"}


def record_id(sha256: str, rtype: str, start: int, end: int) -> str:
    h = hashlib.sha256(f"{sha256}:{rtype}:{start}:{end}".encode()).hexdigest()[:16]
    return f"{_PREFIX.get(rtype, 'r')}-{h}"


def clean_number(v):
    """Ints stay ints; floats are rounded so the JSON does not carry binary noise."""
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e15:
            return int(v)
        return float(f"{v:.10g}")
    return v


def document_json(doc: Document, rules_version: str, model_version: str | None = None) -> dict:
    """The output object for one processed document (keys in a fixed order)."""
    from pipeline.sections import SectionLookup

    sections = [{"id": s.id, "marker": s.marker, "title": s.title, "level": s.level,
                 "start": s.start, "end": s.end, "parent": s.parent} for s in doc.sections]
    records = []
    section_path_at = SectionLookup(doc.sections)
    for r in sorted(doc.records, key=lambda r: (r.start, r.end, r.type)):
        sec_id, path = section_path_at(r.start)
        block = doc.block_at(r.start)
        rec = {"id": record_id(doc.sha256, r.type, r.start, r.end), "type": r.type,
               "text": doc.text[r.start:r.end], "start": r.start, "end": r.end}
        rec.update(r.fields)
        rec.setdefault("sentence", None)
        rec["section_path"] = path
        rec["section_id"] = sec_id
        rec["page"] = block.page if block else None
        rec["paragraph"] = block.paragraph if block else None
        rec["source"] = r.source
        for k in _BY_TYPE.get(r.type, ()):
            rec.setdefault(k, None)
        if r.type == "quantity":
            rec["value"] = clean_number(rec["value"])
            rec["value_max"] = clean_number(rec["value_max"])
        if r.type == "case" and rec["parties"] is None:
            rec["parties"] = []
        ordered = {k: rec.get(k) for k in _COMMON + _BY_TYPE.get(r.type, ())}
        records.append(ordered)
    out = {
        "schema_version": SCHEMA_VERSION,
        "pipeline_version": __version__,
        "rules_version": rules_version,
        "model_version": model_version,
        "warnings": [dict(w) for w in doc.warnings],
        "document": {"source": doc.source, "format": doc.format, "encoding": doc.encoding,
                     "sha256": doc.sha256, "title": doc.title, "region": doc.region,
                     "year": doc.year, "reference_year": doc.reference_year, "text": doc.text},
        "sections": sections,
        "records": records,
    }
    add_ocr_marks(out, doc)
    return out


def add_ocr_marks(out: dict, doc: Document) -> None:
    """Mark what came from OCR, for reviewers (nothing is added when no text did):
    ``document.ocr`` names the engine, the pages and every OCR'd block with its span and
    confidence; each record in such a block gets ``ocr: true`` and that ``confidence``."""
    blocks = [b for b in doc.blocks if b.ocr]
    if not blocks:
        return
    from pipeline.ingest.ocr import engine_version
    out["document"]["ocr"] = {
        "engine": engine_version(), "pages": sorted({b.page for b in blocks if b.page}),
        "blocks": [{"start": b.start, "end": b.end, "page": b.page, "paragraph": b.paragraph,
                    "ocr": True, "confidence": b.confidence} for b in blocks]}
    for rec in out["records"]:
        block = doc.block_at(rec["start"])
        if block is not None and block.ocr:
            rec["ocr"] = True
            rec["confidence"] = block.confidence


def dumps(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1) + "\n"


def write_atomic(path: str | os.PathLike, text: str, errors: str = "strict") -> None:
    """Write via a temp file in the same folder and rename: a reader (or a crash) never
    sees half a file, and an existing good file survives a failed write."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors=errors, newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        # mkstemp creates 0600 files; outputs are ordinary files others may read.
        os.chmod(tmp, new_file_mode())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def new_file_mode() -> int:
    """The mode ``open()`` gives a new file under the process umask (0644 under 022)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def output_name(source: str) -> str:
    return f"{Path(source).name}.json"
