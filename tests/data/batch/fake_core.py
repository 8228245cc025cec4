"""A stand-in for pipeline.process used by the batch tests where the real core cannot do
what a test needs (a worker that crashes, a document that takes a known time).

It follows the real interface: process_file(path, *, use_model=True, ocr="auto") -> output dict,
InputError for bad input, warm_up(use_model). Install it with ``install()`` before the
batch starts; forked workers inherit it.
"""
from __future__ import annotations

import hashlib
import os
import re
import signal
import sys
import time
import types
from pathlib import Path

from pipeline import SCHEMA_VERSION, __version__
from pipeline.document import InputError
from pipeline.output import record_id
from pipeline.rules import rules_version

WARMED: list[bool] = []
NUMBER = re.compile(r"\d+(?:\.\d+)?(?:万|亿)?(?:件|元|%|个|家|项|人)")


def warm_up(use_model: bool = True) -> None:
    WARMED.append(use_model)


def process_file(path, *, use_model: bool = True, ocr: str = "auto") -> dict:
    path = Path(path)
    data = path.read_bytes()
    if path.name.startswith("crash-"):
        os._exit(3)                       # a worker dying under us (segfault, OOM kill)
    if path.name.startswith("hang-"):     # stuck where no signal handler runs (C code)
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(3600)
    delay = float(os.environ.get("FAKE_CORE_DELAY", "0"))
    if delay:
        time.sleep(delay)
    if not data.strip():
        raise InputError("empty file")
    if b"\x00" in data:
        raise InputError("binary file, not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("cannot decode as UTF-8 or GB18030") from None
    sha = hashlib.sha256(data).hexdigest()
    records = []
    for m in NUMBER.finditer(text):
        s, e = m.start(), m.end()
        records.append({"id": record_id(sha, "quantity", s, e), "type": "quantity",
                        "text": m.group(), "start": s, "end": e, "source": "rule",
                        "model": bool(use_model)})
    return {"schema_version": SCHEMA_VERSION, "pipeline_version": __version__,
            "rules_version": rules_version(),
            "document": {"source": path.name, "format": "txt", "encoding": "utf-8",
                         "sha256": sha, "title": None, "region": None, "year": None,
                         "text": text},
            "sections": [], "records": records}


def install() -> types.ModuleType:
    mod = types.ModuleType("pipeline.process")
    mod.process_file = process_file
    mod.warm_up = warm_up
    sys.modules["pipeline.process"] = mod
    import pipeline
    pipeline.process = mod
    return mod
