"""The shipped spaCy NER model: AGENCY and CASE spans the rules did not list.

The model is a spaCy pipeline (``tok2vec`` + ``ner``) for Chinese, trained here by
``govreport train`` (pipeline/ner/train.py, config pipeline/ner/config.cfg) on silver
data labelled by the rules (pipeline/ner/build_data.py) and shipped inside the package
in ``pipeline/ner/model/``; it is never downloaded.

It reads the same *compact* sentence strings as the rule extractors (pipeline.textview:
white space removed, full-width ASCII folded), so its spans map back to document offsets
exactly as the rules' spans do. How its spans and the rules' records are merged is
pipeline/ner/combine.py.

    load_model()      the loaded pipeline (cached); ModelError when missing or broken
    apply_model(doc)  run the model over doc.sentences and merge with doc.records
    model_version()   short hash of the model files (part of an output's staleness key)

spaCy is imported inside functions so that ``import pipeline.ner`` stays cheap.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ModelError", "ModelSpan", "MODEL_DIR", "LABELS", "load_model", "apply_model",
           "predict_texts", "model_version", "model_path", "tokens", "MAX_CHUNK", "sentences_to_read",
           "candidate"]

MODEL_DIR = Path(__file__).resolve().parent / "model"
LABELS = ("AGENCY", "CASE")
LABEL_TYPE = {"AGENCY": "agency", "CASE": "case"}
MAX_CHUNK = 300          # longest string given to the model at once (long table rows, run-ons)
BATCH_SIZE = 64         # larger batches were slower on CPU (cache)

_lock = threading.Lock()


class ModelError(Exception):
    """The NER model cannot be used (missing, unreadable, incompatible); one-line message."""


@dataclass(frozen=True)
class ModelSpan:
    """One span the model found: ``start``/``end`` are offsets into ``Document.text``."""
    type: str            # agency | case
    start: int
    end: int
    sentence: int        # index into Document.sentences


def model_path() -> Path:
    """Where the model is read from: $GOVREPORT_NER_MODEL, else the packaged model."""
    return Path(os.environ.get("GOVREPORT_NER_MODEL") or MODEL_DIR)


def _meta(path: Path) -> dict:
    meta_file = path / "meta.json"
    if not meta_file.is_file():
        raise ModelError(f"NER model not found at {path} (no meta.json); reinstall govreport, "
                         f"run `govreport train`, or use --no-model")
    try:
        return json.loads(meta_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ModelError(f"NER model at {path} is broken: meta.json unreadable ({e})") from None


@functools.lru_cache(maxsize=4)
def _model_version(path: str) -> str:
    p = Path(path)
    _meta(p)
    h = hashlib.sha256()
    for f in sorted(x for x in p.rglob("*") if x.is_file()):
        h.update(str(f.relative_to(p)).encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def model_version(path: str | os.PathLike | None = None) -> str:
    """Short hash of the model's files: changes whenever the model is retrained."""
    return _model_version(str(Path(path) if path else model_path()))


@functools.lru_cache(maxsize=4)
def _load(path: str):
    p = Path(path)
    meta = _meta(p)
    try:
        import spacy
    except ImportError as e:                       # pragma: no cover - spaCy is a dependency
        raise ModelError(f"spaCy is not installed ({e}); use --no-model") from None
    try:
        nlp = spacy.load(p, exclude=["senter", "parser", "tagger"])
    except Exception as e:                         # spaCy raises many kinds here
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise ModelError(f"NER model at {p} cannot be loaded: {first}") from None
    if "ner" not in nlp.pipe_names:
        raise ModelError(f"NER model at {p} has no 'ner' component")
    labels = set(nlp.get_pipe("ner").labels)
    if not labels & set(LABELS):
        raise ModelError(f"NER model at {p} knows none of the labels {', '.join(LABELS)}")
    nlp.meta.setdefault("govreport", meta.get("govreport", {}))
    return nlp


def load_model(path: str | os.PathLike | None = None):
    """The loaded spaCy pipeline (loaded once per process and path)."""
    with _lock:
        return _load(str(Path(path) if path else model_path()))


def token_mode(nlp) -> str:
    """How the model's training data was tokenised: ``char`` (one token per character)
    or ``jieba`` (words of pipeline.segment)."""
    return (nlp.meta.get("govreport") or {}).get("tokens", "char")


def tokens(text: str, mode: str = "char") -> list[str]:
    """The token strings the model reads for ``text`` (training and prediction alike)."""
    if mode == "jieba":
        from pipeline.segment import words
        return [w for w, _, _ in words(text)]
    return list(text)


def make_doc(nlp, text: str, mode: str | None = None):
    from spacy.tokens import Doc
    words = tokens(text, mode or token_mode(nlp))
    return Doc(nlp.vocab, words=words, spaces=[False] * len(words))


def chunks(text: str, limit: int = MAX_CHUNK) -> list[tuple[int, int]]:
    """(start, end) pieces of ``text`` no longer than ``limit``, cut after a clause mark
    (；，、) where one is near the limit, so a name is rarely cut in two."""
    out, start = [], 0
    while len(text) - start > limit:
        end = start + limit
        cut = max(text.rfind(c, start + limit // 2, end) for c in "；;，,、。")
        end = cut + 1 if cut >= 0 else end
        out.append((start, end))
        start = end
    if start < len(text) or not out:
        out.append((start, len(text)))
    return out


def predict_texts(texts: list[str], nlp=None) -> list[list[tuple[str, int, int]]]:
    """Entities (label, start, end) in each text (character offsets into that text)."""
    nlp = nlp if nlp is not None else load_model()
    mode = token_mode(nlp)
    pieces, owner = [], []
    for i, t in enumerate(texts):
        for a, b in chunks(t):
            pieces.append((a, t[a:b]))
            owner.append(i)
    results: list[list[tuple[str, int, int]]] = [[] for _ in texts]
    if not pieces:
        return results
    docs = (make_doc(nlp, t, mode) for _, t in pieces)
    with _lock:           # one pipeline object shared by threads: predict one batch at a time
        for (base, _), i, sdoc in zip(pieces, owner, nlp.pipe(docs, batch_size=BATCH_SIZE)):
            for ent in sdoc.ents:
                results[i].append((ent.label_, base + ent.start_char, base + ent.end_char))
    return results


def candidate(text: str) -> bool:
    """Whether a compact sentence can hold a span the combiner would accept: an agency
    head word that is not the end of another word (局 but not 格局), or 案. Sentences
    without one are not given to the model (most sentences of a figure-heavy report)."""
    from pipeline.ner.combine import can_hold_span
    return can_hold_span(text)


def sentences_to_read(doc) -> list:
    """(sentence index, compact view) of the sentences the model reads: candidates, and
    those holding a rule agency or case (so that ``both`` means what it says)."""
    from pipeline.textview import compact
    ruled = {r.fields.get("sentence_start") for r in doc.records if r.type in LABEL_TYPE.values()}
    out = []
    for si, sent in enumerate(doc.sentences):
        view = compact(doc.text, sent.start, sent.end)
        if view.text and (sent.start in ruled or candidate(view.text)):
            out.append((si, view))
    return out


def apply_model(doc, nlp=None) -> list[ModelSpan]:
    """Run the model over the document's sentences and merge its spans into
    ``doc.records`` (pipeline/ner/combine.py). Returns the model's raw spans."""
    from pipeline.ner.combine import combine

    nlp = nlp if nlp is not None else load_model()
    chosen = sentences_to_read(doc)
    idx = [si for si, _ in chosen]
    views = [v for _, v in chosen]
    spans: list[ModelSpan] = []
    for si, view, ents in zip(idx, views, predict_texts([v.text for v in views], nlp)):
        for label, a, b in ents:
            rtype = LABEL_TYPE.get(label)
            if rtype is None:
                continue
            s, e = view.span(a, b)
            if e > s:
                spans.append(ModelSpan(rtype, s, e, si))
    combine(doc, spans)
    return spans
