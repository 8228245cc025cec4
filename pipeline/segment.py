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


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans within text[start:end], without empty ones."""
    spans, s = [], start
    for e in sentence_ends(text, start, end):
        if text[s:e].strip():
            spans.append((s, e))
        s = e
    return spans


def add_sentences(doc: Document) -> None:
    doc.sentences = []
    for bi, block in enumerate(doc.blocks):
        for a, b in split_sentences(doc.text, block.start, block.end):
            doc.sentences.append(Sentence(a, b, bi))


def user_words() -> list[tuple[str, str]]:
    """(word, POS tag) pairs for jieba from the rules lexicons that exist."""
    from pipeline import rules
    words: list[tuple[str, str]] = []
    d = rules.rules_dir()
    lex = d / "lexicon.yaml"
    if lex.is_file():
        data = rules.load("lexicon", _LEXICON_SCHEMA)
        for tag, items in (data or {}).items():
            words.extend((w, tag) for w in items)
    return words


_LEXICON_SCHEMA = {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string", "minLength": 1}}}


@lru_cache(maxsize=1)
def tokenizer():
    """A jieba tokenizer of our own (not the global one) with the project dictionary."""
    import logging

    import jieba
    jieba.setLogLevel(logging.WARNING)
    with _lock:
        tk = jieba.Tokenizer()
        tk.initialize()
        for word, tag in user_words():
            tk.add_word(word, freq=None, tag=tag)
    return tk


def words(text: str) -> list[tuple[str, int, int]]:
    """jieba words of ``text`` with their (start, end) offsets."""
    out, pos = [], 0
    for w in tokenizer().cut(text, HMM=True):
        out.append((w, pos, pos + len(w)))
        pos += len(w)
    return out
