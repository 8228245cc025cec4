"""Rules and lexicons live in ``rules/`` as YAML data; this module loads and validates them.

Each extractor owns the JSON Schema of its rules file and calls :func:`load`; a file that
does not match its schema fails at load time with the file name and the offending path,
never later in the middle of a batch.
"""
from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

import jsonschema
import yaml

_DEFAULT_DIR = Path(__file__).resolve().parent.parent / "rules"


class RulesError(Exception):
    pass


def rules_dir() -> Path:
    return Path(os.environ.get("GOVREPORT_RULES") or _DEFAULT_DIR)


@functools.lru_cache(maxsize=None)
def _parse(path: str):
    p = Path(path)
    if not p.is_file():
        raise RulesError(f"{p}: rules file missing")
    try:
        return yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise RulesError(f"{p}: not valid YAML: {e}".replace("\n", " ")) from None


_SCHEMAS: dict[str, dict] = {}
_VALIDATED: set[str] = set()


def load(name: str, schema: dict | None = None):
    """Load ``rules/<name>.yaml`` and validate it against ``schema``.

    Parsing is cached apart from validation: a file first read without a schema (by a
    module that reuses another's rules) is still validated when its owner passes one."""
    if schema is not None:
        _SCHEMAS[name] = schema
    path = str(rules_dir() / f"{name}.yaml")
    data = _parse(path)
    schema = _SCHEMAS.get(name)
    if schema is not None and path not in _VALIDATED:
        try:
            jsonschema.validate(data, schema)
        except jsonschema.ValidationError as e:
            where = "/".join(str(x) for x in e.absolute_path) or "(top)"
            raise RulesError(f"{path}: invalid at {where}: {e.message}") from None
        _VALIDATED.add(path)
    return data


def rules_version() -> str:
    """Hash of every rules file: part of the key that decides whether an output is stale."""
    h = hashlib.sha256()
    d = rules_dir()
    for p in sorted(d.glob("*.yaml")):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]
