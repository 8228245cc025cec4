"""File names as they come from the file system, made safe to print and to store.

A name is bytes on Linux. Python hands over one that is not UTF-8 (a GBK name copied from
a Windows share) with each undecodable byte as a lone surrogate (``\\udcb1``), which no
UTF-8 file, terminal or database accepts; and a name may hold control characters (an
ANSI escape that clears the screen, a newline that fakes an error line).
"""
from __future__ import annotations

import os
import unicodedata

# Characters that move the cursor or the text direction, or break a line.
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def shown(path: str | os.PathLike | bytes) -> str:
    """A path for a message or a log line: control characters, line and direction marks
    escaped as in a Python literal (``\\x1b``, ``\\n``, ``\\u202e``), the bytes of a name
    that is not UTF-8 as ``\\xNN``; everything else (Chinese included) as it is."""
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    out = []
    for ch in os.fspath(path):
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:            # an undecodable byte (surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        elif ch in _SHORT:
            out.append(_SHORT[ch])
        elif ch in _BIDI or unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp"):
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def readable_name(name: str) -> str:
    """A file name as text that can be stored: itself when it is valid Unicode; a name
    that is not UTF-8 read as GB18030 (the other encoding Chinese file names come in),
    else with the bad bytes replaced by U+FFFD."""
    if not any(0xD800 <= ord(c) <= 0xDFFF for c in name):
        return name
    try:
        raw = os.fsencode(name)
    except UnicodeEncodeError:              # a surrogate that no byte decoded to
        return name.encode("utf-8", "replace").decode("utf-8")
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace")
