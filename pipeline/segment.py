"""Sentences and words.

Sentences end at 。！？ (and at a block boundary); a terminator inside quotes or brackets
(“…。”, （…。）) does not end the sentence. Words come from jieba with the project's own
user dictionary, built from the lexicons in ``rules/`` (agency names, units, measure
words, domain terms), so tokens do not cut across them.
"""
from __future__ import annotations

import threading
from functools import lru_cache

from pipeline.document import Document, Sentence

_OPEN, _CLOSE = "“‘（(《「【", "”’）)》」】"
_END = "。！？!?"
_MAX_NEST = 120
_lock = threading.Lock()


def sentence_ends(s: str, start: int = 0, end: int | None = None) -> list[int]:
    """End offsets of the sentences of s[start:end] (the last one is ``end``).

    A terminator inside quotes or brackets does not end a sentence, but only when the
    bracket closes within _MAX_NEST characters: a stray unmatched “ or （ must not glue
    the rest of a paragraph into one sentence."""
    end = len(s) if end is None else end
    ends, depth, i = [], 0, start
    while i < end:
        ch = s[i]
        if ch in _OPEN:
            close = _CLOSE[_OPEN.index(ch)]
            if s.find(close, i + 1, min(end, i + _MAX_NEST)) >= 0:
                depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
            if depth == 0 and i > start and s[i - 1] in _END and ch in "”’":
                ends.append(i + 1)          # “…。” closes a quoted sentence
        elif ch in _END and depth == 0:
            j = i + 1
            while j < end and s[j] in _END + "”’）)":
                j += 1
            ends.append(j)
            i = j
            continue
        elif ch == "\n":
            depth = 0
        i += 1
    if not ends or ends[-1] < end:
        ends.append(end)
    return ends


# A run this long without a sentence end is not a sentence (a file that lost its full
# stops): it is cut into clause-sized pieces, so that the work per sentence and the
# sentence every record carries stay bounded. The longest real sentence seen in 68
# reports has 1,359 characters; nearly all have under 500.
MAX_SENTENCE = 1500
PIECE = 300
_PIECE_BREAKS = "；;，,、：: \t\u3000"


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans within text[start:end], without empty ones."""
    spans, s = [], start
    for e in sentence_ends(text, start, end):
        if text[s:e].strip():
            if e - s > MAX_SENTENCE:
                spans.extend(p for p in _pieces(text, s, e) if text[p[0]:p[1]].strip())
            else:
                spans.append((s, e))
        s = e
    return spans


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """text[start:end] in pieces of at most PIECE characters, each cut after the last
    clause break (；，、：or a space) in its second half, else at PIECE."""
    out = []
    while end - start > PIECE:
        cut = start + PIECE
        for i in range(start + PIECE - 1, start + PIECE // 2 - 1, -1):
            if text[i] in _PIECE_BREAKS:
                cut = i + 1
                break
        out.append((start, cut))
        start = cut
    out.append((start, end))
    return out


def add_sentences(doc: Document) -> None:
    doc.sentences = []
    for bi, block in enumerate(doc.blocks):
        for a, b in split_sentences(doc.text, block.start, block.end):
            doc.sentences.append(Sentence(a, b, bi))


def user_words() -> list[tuple[str, str]]:
    """(word, POS tag) pairs for jieba, from the rules lexicons: domain terms
    (rules/lexicon.yaml), the quantity rules' terms and lead verbs, agency head words
    and short forms, and units."""
    from pipeline import rules
    from pipeline.extract.agencies import _R as agency_rules
    from pipeline.extract.quantities import load_rules as quantity_rules

    words: list[tuple[str, str]] = []
    for tag, items in (rules.load("lexicon", _LEXICON_SCHEMA) or {}).items():
        words.extend((w, tag) for w in items)
    q = quantity_rules()
    words.extend((w, "n") for w in q.jieba_words)
    words.extend((w, "v") for w in q.metric["lead_verbs"])
    words.extend((h["head"], "nt") for h in agency_rules["heads"] if len(h["head"]) > 1)
    words.extend((w, "nt") for w in agency_rules["short_forms"])
    return words


_LEXICON_SCHEMA = {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string", "minLength": 1}}}


@lru_cache(maxsize=1)
def tokenizer():
    """The one jieba tokenizer of the pipeline (not jieba's global one), with the project
    dictionary; every stage that needs words uses it, so a worker holds one dictionary."""
    import logging

    import jieba
    jieba.setLogLevel(logging.WARNING)
    with _lock:
        tk = jieba.Tokenizer()
        tk.initialize()
        for word, tag in user_words():
            tk.add_word(word, freq=None, tag=tag)
    return tk


@lru_cache(maxsize=1)
def pos_tagger():
    """A part-of-speech tagger over :func:`tokenizer`."""
    import jieba.posseg
    return jieba.posseg.POSTokenizer(tokenizer())


def words(text: str) -> list[tuple[str, int, int]]:
    """jieba words of ``text`` with their (start, end) offsets."""
    out, pos = [], 0
    for w in tokenizer().cut(text, HMM=True):
        out.append((w, pos, pos + len(w)))
        pos += len(w)
    return out
