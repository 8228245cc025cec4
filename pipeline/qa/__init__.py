"""QA tools for reviewers: ``eval`` (score against gold), ``diff`` (compare two runs) and
``review`` (one self-contained HTML page per report).

They only read the output JSON (docs/OUTPUT.md), so they work on outputs of any run.
This module holds what the three share: reading output files and folders.
"""
from __future__ import annotations

import json
import os
from pathlib import Path


class QAInputError(Exception):
    """An input the QA tools cannot read; the message names the file and the reason."""


def load_json(path: str | os.PathLike) -> object:
    path = Path(path)
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        raise QAInputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise QAInputError(f"{path}: is a folder, not a file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise QAInputError(f"{path}: not a UTF-8 JSON file ({e})") from None


def is_output(obj: object) -> bool:
    """True for an output object (docs/OUTPUT.md); batch manifests and the like are not."""
    return isinstance(obj, dict) and isinstance(obj.get("document"), dict)


def load_output(path: str | os.PathLike) -> dict:
    obj = load_json(path)
    if not is_output(obj):
        raise QAInputError(f"{path}: not a govreport output (no 'document' object)")
    return obj


def document_name(obj: dict, path: str | os.PathLike | None = None) -> str:
    """The input file name an output belongs to: document.source, else the output's own
    file name without its .json suffix."""
    source = obj.get("document", {}).get("source") or obj.get("document", {}).get("path")
    if source:
        return os.path.basename(str(source))
    if path is not None:
        name = Path(path).name
        return name[:-5] if name.endswith(".json") else name
    return ""


def load_output_dir(folder: str | os.PathLike) -> dict[str, tuple[Path, dict]]:
    """Every output in a folder, keyed by document name (see ``document_name``).

    Files that are not JSON or not outputs (a batch manifest, say) are skipped: an output
    folder may hold other things. Where two files claim one document, the later file name
    wins (as in the reference scorer).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise QAInputError(f"{folder}: not a folder")
    found: dict[str, tuple[Path, dict]] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix != ".json" or not path.is_file():
            continue
        try:
            obj = load_json(path)
        except QAInputError:
            continue
        if is_output(obj):
            found[document_name(obj, path)] = (path, obj)
    return found


def split_list(value: str | None) -> list[str]:
    """'a,b, c' -> ['a', 'b', 'c'] (for --docs, --types)."""
    if not value:
        return []
    return [v.strip() for v in value.split(",") if v.strip()]
