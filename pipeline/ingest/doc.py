"""Legacy Word .doc (Word 97–2003, or RTF saved as .doc): converted to .docx by LibreOffice, then read as .docx.

LibreOffice's own Word 97 import keeps paragraphs, heading styles, bold runs and tables,
so the .docx reader's hints (headings, lead bold, table cells with row and column) carry
over. The converter runs headless with a profile of this process's own, so parallel
workers never share (and lock) one profile.
"""
from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from pipeline.document import InputError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"    # the compound-file container of .doc
INSTALL_HINT = "install LibreOffice Writer (Debian/Ubuntu: apt-get install libreoffice-writer-nogui)"
TIMEOUT_S = int(os.environ.get("GOVREPORT_CONVERT_TIMEOUT", 180))

RTF_MAGIC = b"{\\rtf"                                # rich text, often saved under .doc
_profile: tuple[int, str] | None = None               # (process id, profile folder)


def converter() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(path: Path, target: str, outdir: Path) -> Path:
    """``path`` converted by LibreOffice to ``target`` (a suffix: docx, doc) in ``outdir``."""
    program = converter()
    if program is None:
        raise InputError(f"legacy Word .doc needs a converter: {INSTALL_HINT}")
    cmd = [program, "--headless", "--norestore", f"-env:UserInstallation={_profile_url()}",
           "--convert-to", target, "--outdir", str(outdir), str(path)]
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_S, stdin=subprocess.DEVNULL,
                              env={**os.environ, "HOME": os.environ.get("HOME", tempfile.gettempdir())})
    except subprocess.TimeoutExpired:
        raise InputError(f"LibreOffice did not convert the file within {TIMEOUT_S} s "
                         "(set GOVREPORT_CONVERT_TIMEOUT)") from None
    out = outdir / (path.stem + "." + target)
    if done.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
        raise InputError("cannot convert the .doc (damaged, encrypted or not a Word document)")
    return out


def read_doc(path) -> list[tuple[str, dict]]:
    from pipeline.ingest.docx import read_docx

    path = Path(path)
    with open(path, "rb") as f:
        if not f.read(8).startswith((OLE_MAGIC, RTF_MAGIC)):
            raise InputError("not a Word .doc file (no Word 97-2003 container)")
    with tempfile.TemporaryDirectory(prefix="govreport-doc-") as tmp:
        # A plain ASCII name: LibreOffice names its output after the input.
        source = Path(tmp) / "input.doc"
        shutil.copyfile(path, source)
        converted = convert(source, "docx", Path(tmp))
        try:
            return read_docx(converted)
        except InputError:
            raise InputError("cannot convert the .doc (LibreOffice wrote no readable .docx)") from None


def _profile_url() -> str:
    global _profile
    # A forked worker inherits the parent's value: it makes a profile of its own.
    if _profile is None or _profile[0] != os.getpid():
        _profile = (os.getpid(), tempfile.mkdtemp(prefix=f"govreport-soffice-{os.getpid()}-"))
        atexit.register(shutil.rmtree, _profile[1], True)
    return Path(_profile[1]).as_uri()
