"""Shared fixtures: real services (PostgreSQL) and a stand-in core for batch tests."""
from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"
REQUIRE_SERVICES = os.environ.get("GOVREPORT_REQUIRE_SERVICES") == "1"
PG_CANDIDATES = [os.environ.get("GOVREPORT_TEST_PG"),
                 "postgresql://root@127.0.0.1:5432/test",
                 "postgresql://postgres@127.0.0.1:5432/postgres"]


def service_unavailable(reason: str):
    """Skip, or fail where the CI script promised the services (GOVREPORT_REQUIRE_SERVICES=1)."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (GOVREPORT_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_url() -> str:
    """A PostgreSQL URL that accepts connections (trust auth on the local server)."""
    try:
        import psycopg
    except ImportError:
        service_unavailable("psycopg is not installed")
    errors = []
    for url in filter(None, PG_CANDIDATES):
        try:
            with psycopg.connect(url, connect_timeout=3):
                return url
        except psycopg.Error as e:
            errors.append(f"{url}: {' '.join(str(e).split())[:120]}")
    service_unavailable("no PostgreSQL server: " + "; ".join(errors))


@pytest.fixture(scope="session")
def libreoffice() -> str:
    """LibreOffice for .doc conversion (CI installs it; skipped without it elsewhere)."""
    from pipeline.ingest.doc import INSTALL_HINT, converter
    program = converter()
    if program is None:
        service_unavailable(f"LibreOffice is not installed ({INSTALL_HINT})")
    return program


@pytest.fixture
def pg_schema(pg_url):
    """A schema of its own for one test, dropped afterwards."""
    import psycopg
    name = f"govreport_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    yield name
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


@pytest.fixture
def fake_core(monkeypatch):
    """tests/data/batch/fake_core.py in place of pipeline.process (this process and the
    workers it forks), for what the real core cannot do on demand: crash, or be slow."""
    monkeypatch.syspath_prepend(str(DATA / "batch"))
    import fake_core as fake
    import pipeline
    import pipeline.batch as batch
    monkeypatch.setitem(sys.modules, "pipeline.process", fake)
    monkeypatch.setattr(pipeline, "process", fake, raising=False)
    monkeypatch.setattr(batch, "_warm_state", {})
    monkeypatch.setattr(batch, "_model_version", lambda: "fake-model")
    fake.WARMED.clear()
    return fake


# ------------------------------------------------------------------ file-system faults
# Read-only folders, unreadable folders and a full disk, for real: a command runs in a
# user namespace (util-linux ``unshare``) where it is an ordinary user, so file modes
# hold even when the tests run as root, or where a 64 KB tmpfs is its output disk.

def _unshare_works(*args: str) -> bool:
    import shutil
    import subprocess
    if not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", *args, "true"], capture_output=True).returncode == 0


@pytest.fixture(scope="session")
def as_plain_user():
    """A function: command -> that command run as a user without privileges."""
    if os.geteuid() != 0:
        return lambda cmd: list(cmd)
    if not _unshare_works("-U", "--map-user=1000"):
        service_unavailable("unshare -U (user namespaces) is needed to test permissions as root")
    return lambda cmd: ["unshare", "-U", "--map-user=1000", *cmd]


@pytest.fixture(scope="session")
def on_full_disk():
    """A function: (folder, command) -> that command run with ``folder`` on a tmpfs of
    64 KB that is already full."""
    if not _unshare_works("-U", "-r", "-m"):
        service_unavailable("unshare -U -r -m (user and mount namespaces) is needed for a full disk")
    script = ('mount -t tmpfs -o size=64k tmpfs "$1" && '
              '(head -c 1M /dev/zero > "$1/.filler" 2>/dev/null; true) && shift && exec "$@"')
    return lambda folder, cmd: ["unshare", "-U", "-r", "-m", "sh", "-c", script, "sh",
                                str(folder), *cmd]
