"""``govreport extract``: many input files in, one output JSON per file out.

Parallel (a pool of worker processes, or a Dask cluster), incremental (a document whose
input bytes and pipeline/rules/model versions match its existing output is skipped) and
resumable (a killed run leaves every finished output and a valid manifest, so the next
run does only the rest).

The run manifest ``OUTDIR/_run.json`` holds one entry per output (status, error, timing,
record count, input hash, versions). It is rewritten atomically every few seconds; in
between, each finished document is appended as one line to ``OUTDIR/_run.journal``, which
the next run replays, so no finished document is forgotten even after SIGKILL.

Worker side: :func:`process_to_file` (and :func:`process_bytes` for a cluster without
shared storage) are the one per-document function every executor runs.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import hashlib
import json
import os
import signal
import sys
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import __version__
from pipeline.ingest import SUFFIXES as _FORMAT_OF_SUFFIX
from pipeline.output import dumps, output_name, write_atomic
from pipeline.paths import readable_name, shown

# What a folder walk picks up: the suffixes ingest knows (one list for both).
SUFFIXES = tuple(_FORMAT_OF_SUFFIX)
MANIFEST = "_run.json"
JOURNAL = "_run.journal"
LOCK = "_run.lock"
DEFAULT_OUTDIR = "govreport-out"     # extract without -o: in the current folder
MANIFEST_VERSION = 1
SAVE_EVERY_S = 2.0          # how often the manifest is rewritten during a run
POLL_S = 0.5                # how often a waiting run looks for Ctrl-C / SIGTERM
MAX_STRIKES = 2             # a document in flight when a worker died this often is failed
CLOSE_GRACE_S = 10.0        # at the end of a run, how long idle workers get to exit by themselves
DEFAULT_TIMEOUT_S = 300.0   # per document (--timeout); the slowest real report takes a few seconds
HUNG_GRACE_S = 30.0         # past its time budget, how long a worker may stay silent before it is killed


# --------------------------------------------------------------------------- inputs

@dataclass
class Task:
    input: Path
    name: str                       # output file name in OUTDIR
    sha256: str | None = None
    size: int = 0
    error: str | None = None        # known before processing (unreadable, name clash)
    strikes: int = 0                # times a worker died while this document was in flight


def find_inputs(paths: list[str]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files named directly are taken whatever their suffix (the core sniffs the content);
    folders are walked recursively for the known suffixes, skipping hidden entries. A
    folder that cannot be read, or a name that cannot be followed, is reported, not
    skipped in silence."""
    found: list[Path] = []
    missing: list[tuple[str, str]] = []

    def unreadable(e: OSError) -> None:
        missing.append((e.filename or "?", f"cannot read folder: {e.strerror or e}"))

    for p in paths:
        path = Path(p)
        if path.is_dir():
            for root, dirs, files in os.walk(path, onerror=unreadable):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for f in sorted(files):
                    if not f.startswith(".") and Path(f).suffix.lower() in SUFFIXES:
                        found.append(Path(root) / f)
        elif path.is_file():
            found.append(path)
        elif path.exists():
            missing.append((p, "not a regular file"))
        elif path.is_symlink():
            missing.append((p, "symbolic link to nothing, or a loop of links"))
        else:
            missing.append((p, "no such file or folder"))
    seen: set[Path] = set()
    unique = []
    for f in found:
        key = _resolved(f)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, missing


def _resolved(p: Path) -> Path:
    """``p.resolve()``, or ``p`` made absolute where links loop (the read then fails with
    its own one-line error)."""
    try:
        return p.resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(p))


def _unsupported_note(paths: list[str], limit: int = 8) -> str:
    """' (a.xlsx, b.jpg: not a supported format; supported: .doc .docx …)' for the files a
    folder walk passed over, so a user sees why nothing was found."""
    skipped = []
    for p in paths:
        if Path(p).is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                skipped += [shown(Path(root, f).relative_to(p)) for f in sorted(files)
                            if not f.startswith(".") and Path(f).suffix.lower() not in SUFFIXES]
    supported = " ".join(sorted(SUFFIXES))
    if not skipped:
        return f" (supported: {supported})"
    names = ", ".join(skipped[:limit]) + (f" and {len(skipped) - limit} more" if len(skipped) > limit else "")
    return f" ({names}: not a supported format; supported: {supported})"


def assign_output_names(inputs: list[Path]) -> dict[Path, str]:
    """``output_name(file name)``, except where several inputs of this run share a file
    name: those are named after as many trailing folders as it takes to tell them apart
    (``2023/report.txt`` -> ``2023__report.txt.json``), so none overwrites another."""
    groups: dict[str, list[Path]] = defaultdict(list)
    for p in inputs:
        groups[output_name(readable_name(p.name))].append(p)
    names: dict[Path, str] = {}
    for name, group in groups.items():
        if len(group) == 1:
            names[group[0]] = name
            continue
        parts = [tuple(readable_name(x) for x in _resolved(p).parts[1:]) for p in group]
        for k in range(2, max(len(x) for x in parts) + 1):
            cand = ["__".join(x[-k:]) for x in parts]
            if len(set(cand)) == len(cand):
                break
        for p, c in zip(group, cand):
            names[p] = output_name(c)
    taken: dict[str, Path] = {}
    for p in inputs:                 # a disambiguated name could equal a real file's name
        n = names[p]
        if n in taken:
            n = output_name(f"{Path(n).stem}.{hashlib.sha256(os.fsencode(_resolved(p))).hexdigest()[:8]}")
            names[p] = n
        taken[n] = p
    return names


def file_sha256(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def versions(use_model: bool, ocr: str = "auto") -> dict:
    """What an output depends on besides its input bytes (the OCR mode and engine: a
    scanned PDF's text depends on them)."""
    from pipeline.rules import rules_version
    model = None
    if use_model:
        try:
            model = _model_version()
        except Exception as e:          # no model, or a broken one: fail before starting
            raise BatchError(_one_line(f"NER model: {e}")) from None
    from pipeline.ingest.ocr import engine_version
    return {"pipeline": __version__, "rules": rules_version(), "model": model,
            "use_model": bool(use_model), "ocr": ocr,
            "ocr_engine": engine_version() if ocr != "never" else None}


def _model_version() -> str:
    from pipeline.ner import model_version
    return model_version()


# --------------------------------------------------------------------------- worker side

_warm_lock = threading.Lock()
_warm_state: dict[bool, str | None] = {}       # use_model -> None (ok) or start-up error


def _ensure_warm(use_model: bool) -> str | None:
    """Load jieba, the rules and the model once per worker process (not per document)."""
    with _warm_lock:
        if use_model not in _warm_state:
            try:
                import pipeline.process as process
                warm = getattr(process, "warm_up", None)
                if warm is not None:
                    warm(use_model)
                _warm_state[use_model] = None
            except Exception as e:      # reported with every document; the parent aborts
                _warm_state[use_model] = _one_line(f"{type(e).__name__}: {e}")
        return _warm_state[use_model]


def init_worker(use_model: bool, parent_pid: int | None = None) -> None:
    """Process-pool initializer. Ctrl-C goes to the whole process group; the parent
    handles it and stops the workers, so they ignore it instead of printing tracebacks.
    SIGTERM is the parent's way to stop a worker: the handler forked from the parent
    only sets a flag, so it goes back to the default (exit at once). A worker must not
    outlive its parent (an orphan would keep working for nobody), and must not hold the
    parent's ``_run.lock``: an inherited descriptor keeps the lock taken after the
    parent is gone, and every rerun would be refused."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _release_inherited_lock()
    if parent_pid is not None:
        _die_with_parent(parent_pid)
    _ensure_warm(use_model)


_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent_pid: int) -> None:
    """Linux: the kernel sends SIGKILL when the parent dies. Elsewhere (or if prctl is
    missing) a thread watches the parent's pid. Either way, a parent that died before
    this ran is caught by the pid check."""
    armed = False
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    if os.getppid() != parent_pid:
        os._exit(1)
    if not armed:
        def watch():
            while os.getppid() == parent_pid:
                time.sleep(1.0)
            os._exit(1)
        threading.Thread(target=watch, name="govreport-parent-watch", daemon=True).start()


def _one_line(msg: str) -> str:
    return " ".join(str(msg).split()) or "unknown error"


class DocumentTimeout(BaseException):
    """Raised in a worker when a document runs past its time budget. A BaseException so
    that no ``except Exception`` on the way (a reader's fallback) swallows it."""


@contextlib.contextmanager
def _time_limit(seconds: float | None):
    """SIGALRM after ``seconds`` raises DocumentTimeout in this thread. Only the main
    thread gets signals: in a thread (a Dask worker) the budget is not enforced here."""
    if (not seconds or not hasattr(signal, "setitimer")
            or threading.current_thread() is not threading.main_thread()):
        yield
        return

    def expired(signum, frame):
        raise DocumentTimeout

    old = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _run_core(path: str, use_model: bool, timeout: float | None = None,
              ocr: str = "auto") -> tuple[dict | None, dict]:
    t0 = time.perf_counter()
    res: dict = {"status": "ok", "error": None, "pid": os.getpid()}
    failed = _ensure_warm(use_model)
    obj = None
    if failed:
        res.update(status="error", error=f"worker start-up failed: {failed}", fatal=True)
    else:
        from pipeline.document import InputError
        from pipeline.process import process_file
        try:
            with _time_limit(timeout):
                obj = process_file(path, use_model=use_model, ocr=ocr)
        except DocumentTimeout:
            obj = None
            res.update(status="error", error=f"took longer than {timeout:g} s (--timeout); "
                                             f"not extracted")
        except InputError as e:
            res.update(status="error", error=_one_line(str(e)))
        except MemoryError:
            res.update(status="error", error="out of memory")
        except Exception as e:          # a bug must not stop the batch; say where it is
            res.update(status="error", error=_one_line(f"internal error: {type(e).__name__}: {e}"))
    res["seconds"] = round(time.perf_counter() - t0, 4)
    if obj is not None:
        doc = obj.get("document") or {}
        res["records"] = len(obj.get("records") or ())
        res["warnings"] = [w.get("code") for w in obj.get("warnings") or ()]
        res["chars"] = len(doc.get("text") or "")
        res["sha256"] = doc.get("sha256")
        res["made_with"] = {"pipeline": obj.get("pipeline_version"), "rules": obj.get("rules_version")}
    return obj, res


def _peak_rss_kb() -> int:
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def process_to_file(input_path: str, output_path: str, use_model: bool,
                    timeout: float | None = None, ocr: str = "auto") -> dict:
    """The per-document function: process one input and write its output atomically."""
    obj, res = _run_core(input_path, use_model, timeout, ocr)
    if obj is not None:
        text = dumps(obj)
        try:
            write_atomic(output_path, text)
            res["output_bytes"] = len(text.encode("utf-8"))
        except OSError as e:
            res.update(status="error", error=_one_line(f"cannot write {output_path}: {e.strerror or e}"))
    res["peak_rss_kb"] = _peak_rss_kb()
    return res


def process_bytes(file_name: str, data: bytes, use_model: bool, timeout: float | None = None,
                  ocr: str = "auto") -> dict:
    """Like :func:`process_to_file` for a worker that cannot see the input or the output
    folder: the input comes as bytes, the output JSON goes back in ``res["json"]``."""
    import tempfile
    with tempfile.TemporaryDirectory(prefix="govreport-") as tmp:
        path = Path(tmp) / file_name      # the core names the document after the file
        path.write_bytes(data)
        obj, res = _run_core(str(path), use_model, timeout, ocr)
    if obj is not None:
        res["json"] = dumps(obj)
    res["peak_rss_kb"] = _peak_rss_kb()
    return res


# --------------------------------------------------------------------------- executors

class _Inline:
    """Runs each document in this process (``--jobs 0``): for debugging and tests."""

    restartable = False

    def __init__(self, use_model: bool, timeout: float | None = None, ocr: str = "auto"):
        self.use_model = use_model
        self.timeout = timeout
        self.ocr = ocr
        self.limit = 1

    def submit(self, task: Task, outdir: Path):
        from concurrent.futures import Future
        fut: Future = Future()
        try:
            fut.set_result(process_to_file(str(task.input), str(outdir / task.name), self.use_model,
                                           self.timeout, self.ocr))
        except BaseException as e:
            fut.set_exception(e)
        return fut

    def wait(self, futures, timeout: float):
        return set(futures)

    def broken(self, exc) -> bool:
        return False

    def restart(self):
        pass

    def close(self, kill: bool = False):
        pass


class _Local:
    """A pool of worker processes, each warmed up once by :func:`init_worker`."""

    restartable = True                     # a hung worker can be killed and replaced

    def __init__(self, jobs: int, use_model: bool, timeout: float | None = None, ocr: str = "auto"):
        self.jobs = jobs
        self.use_model = use_model
        self.timeout = timeout
        self.ocr = ocr
        self.limit = jobs * 2              # a few queued per worker, not the whole batch
        self._start()

    def _start(self):
        from concurrent.futures import ProcessPoolExecutor
        self.pool = ProcessPoolExecutor(max_workers=self.jobs, initializer=init_worker,
                                        initargs=(self.use_model, os.getpid()))

    def submit(self, task: Task, outdir: Path):
        return self.pool.submit(process_to_file, str(task.input), str(outdir / task.name),
                                self.use_model, self.timeout, self.ocr)

    def wait(self, futures, timeout: float):
        from concurrent.futures import FIRST_COMPLETED, wait
        return wait(futures, timeout=timeout, return_when=FIRST_COMPLETED).done

    def broken(self, exc) -> bool:
        from concurrent.futures.process import BrokenProcessPool
        return isinstance(exc, BrokenProcessPool)

    def restart(self):
        self.close(kill=True)
        self._start()

    def close(self, kill: bool = False):
        """Bounded either way: workers that have not exited after a grace period (a worker
        stuck in a long document, or hung) are terminated, then killed."""
        procs = list((getattr(self.pool, "_processes", None) or {}).values())
        if kill:
            # Workers may be busy with a long document; an interrupted run stops now.
            # A worker killed in the middle of write_atomic leaves only a temp file.
            self.pool.shutdown(wait=False, cancel_futures=True)
            _stop_processes(procs, grace=0.0)
        else:
            self.pool.shutdown(wait=False)
            _stop_processes(procs, grace=CLOSE_GRACE_S)


def _stop_processes(procs, grace: float) -> None:
    """Wait up to ``grace`` seconds for the processes to exit, then SIGTERM, then SIGKILL."""
    deadline = time.monotonic() + grace
    for p in procs:
        with contextlib.suppress(Exception):
            p.join(max(0.0, deadline - time.monotonic()))
    for step in ("terminate", "kill"):
        alive = [p for p in procs if _alive(p)]
        if not alive:
            return
        for p in alive:
            with contextlib.suppress(Exception):
                getattr(p, step)()
        deadline = time.monotonic() + 2.0
        for p in alive:
            with contextlib.suppress(Exception):
                p.join(max(0.0, deadline - time.monotonic()))


def _alive(p) -> bool:
    try:
        return p.is_alive()
    except Exception:
        return False


class _Dask:
    """The same per-document function on a Dask distributed cluster. With shared storage
    (the default) workers read the inputs and write the outputs at the same paths as this
    machine; with ``ship=True`` the input bytes go to the worker and the JSON comes back."""

    restartable = False

    def __init__(self, scheduler: str, use_model: bool, ship: bool, timeout: float | None = None,
                 ocr: str = "auto"):
        from distributed import Client
        self.client = Client(scheduler)
        self.use_model = use_model
        self.timeout = timeout
        self.ocr = ocr
        self.ship = ship
        workers = self.client.scheduler_info().get("workers", {})
        threads = sum(w.get("nthreads", 1) for w in workers.values()) or 1
        self.limit = threads * 2

    def submit(self, task: Task, outdir: Path):
        if self.ship:
            return self.client.submit(process_bytes, task.input.name, task.input.read_bytes(),
                                      self.use_model, self.timeout, self.ocr, pure=False)
        return self.client.submit(process_to_file, str(task.input.resolve()),
                                  str((outdir / task.name).resolve()), self.use_model, self.timeout,
                                  self.ocr,
                                  pure=False)

    def wait(self, futures, timeout: float):
        from distributed import wait
        try:
            return wait(list(futures), timeout=timeout, return_when="FIRST_COMPLETED").done
        except TimeoutError:
            return set()

    def broken(self, exc) -> bool:
        return False

    def restart(self):
        pass

    def close(self, kill: bool = False):
        self.client.close()


# --------------------------------------------------------------------------- manifest

def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


class Manifest:
    """``_run.json`` plus the journal of documents finished since it was last written."""

    def __init__(self, outdir: Path):
        self.outdir = outdir
        self.path = outdir / MANIFEST
        self.journal_path = outdir / JOURNAL
        self.data: dict = {"manifest_version": MANIFEST_VERSION, "documents": {}}
        self._journal = None
        self._saved_at = 0.0

    def load(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(data.get("documents"), dict):
                self.data["documents"] = data["documents"]
        except (OSError, ValueError):
            pass                            # no manifest, or an unreadable one: start afresh
        with contextlib.suppress(OSError):
            for line in self.journal_path.read_text(encoding="utf-8").splitlines():
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue                # the line a kill cut short
                if isinstance(entry, dict) and entry.get("output"):
                    self.data["documents"][entry["output"]] = entry

    def entries(self) -> dict:
        return self.data["documents"]

    # A path that is not UTF-8 (bytes of a GBK name, held as lone surrogates) is written
    # as a JSON escape (backslashreplace gives exactly "\udcb1"), so the manifest stays
    # valid UTF-8 JSON and reads back to the same path.
    def record(self, entry: dict) -> None:
        self.entries()[entry["output"]] = entry
        try:
            if self._journal is None:
                self._journal = self._open_journal("a")
            self._journal.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self._journal.flush()           # in the OS's hands: survives SIGKILL of us
        except OSError as e:
            raise self._cannot_write(self.journal_path, e) from None
        if time.monotonic() - self._saved_at >= SAVE_EVERY_S:
            self.save()

    def save(self) -> None:
        self.data["updated"] = _now()
        self.data["documents"] = dict(sorted(self.entries().items()))
        try:
            write_atomic(self.path, json.dumps(self.data, ensure_ascii=False, indent=1) + "\n",
                         errors="backslashreplace")
        except OSError as e:
            raise self._cannot_write(self.path, e) from None
        # The manifest now holds everything the journal did; a kill between these two
        # steps only means the next run replays entries it already has.
        if self._journal is not None:
            with contextlib.suppress(OSError):
                self._journal.close()
        try:
            self._journal = self._open_journal("w")
        except OSError as e:
            self._journal = None
            raise self._cannot_write(self.journal_path, e) from None
        self._saved_at = time.monotonic()

    def _open_journal(self, mode: str):
        return open(self.journal_path, mode, encoding="utf-8", errors="backslashreplace")

    @staticmethod
    def _cannot_write(path: Path, e: OSError) -> "BatchError":
        return BatchError(f"{shown(path)}: cannot write the run manifest: {e.strerror or e}")

    def close(self) -> None:
        if self._journal is not None:
            with contextlib.suppress(OSError):
                self._journal.close()
            self._journal = None


_held_lock_fds: set[int] = set()       # this process's _run.lock descriptors (see init_worker)


def _release_inherited_lock() -> None:
    """In a forked worker: close the copies of the parent's lock descriptors. The lock
    stays with the parent (it still holds its own copy)."""
    for fd in list(_held_lock_fds):
        with contextlib.suppress(OSError):
            os.close(fd)
    _held_lock_fds.clear()


@contextlib.contextmanager
def _outdir_lock(outdir: Path):
    try:
        import fcntl
    except ImportError:                     # no advisory locks here: go on without
        yield
        return
    try:
        f = open(outdir / LOCK, "a")
    except OSError as e:
        raise BatchError(f"{shown(outdir)}: cannot write to the output folder: "
                         f"{e.strerror or e}") from None
    with f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise BatchError(f"{shown(outdir)}: another govreport extract is writing to this folder") from None
        _held_lock_fds.add(f.fileno())
        try:
            yield
        finally:
            _held_lock_fds.discard(f.fileno())


def _remove_stale_temp_files(outdir: Path) -> None:
    """Temp files of write_atomic left by a killed worker (``.<name>.json.<random>.tmp``)."""
    for p in outdir.glob(".*.json.*.tmp"):
        with contextlib.suppress(OSError):
            p.unlink()


class BatchError(Exception):
    """A run that cannot start (bad output folder, folder in use, workers fail to start)."""


# --------------------------------------------------------------------------- progress

class Progress:
    """A one-line bar on a terminal; otherwise one plain log line per document."""

    def __init__(self, total: int, mode: str = "auto", stream=None):
        self.stream = stream or sys.stderr
        if mode == "auto":
            mode = "bar" if getattr(self.stream, "isatty", lambda: False)() else "log"
        self.mode = mode
        self.total = total
        self.done = self.records = self.errors = self.skipped = 0
        self.t0 = time.monotonic()
        self._drawn = 0.0

    def rate(self) -> float:
        return self.done / max(time.monotonic() - self.t0, 1e-9)

    def update(self, entry: dict) -> None:
        self.done += 1
        status = entry["status"]
        if status != "error":
            self.records += entry.get("records") or 0
        self.errors += status == "error"
        self.skipped += status == "skipped"
        if status == "error":
            self.message(f"govreport: error: {shown(entry['input'])}: {shown(entry['error'])}")
        elif status == "ok" and entry.get("warnings"):
            self.message(f"govreport: warning: {shown(entry['input'])}: extraction looks broken "
                         f"({', '.join(entry['warnings'])}; see warnings in {shown(entry['output'])})")
        elif self.mode == "log":
            what = f"{entry.get('records') or 0} records"
            if status == "ok":
                what += f", {entry.get('seconds') or 0:.2f} s"
            self._write(f"[{self.done}/{self.total}] {status:7s} {shown(entry['input'])} ({what})\n")
        self._draw()

    def message(self, line: str) -> None:
        if self.mode == "bar":
            self._write("\r\033[K" + line + "\n")
            self._draw(force=True)
        else:
            self._write(line + "\n")

    def _draw(self, force: bool = False) -> None:
        if self.mode != "bar":
            return
        now = time.monotonic()
        if not force and now - self._drawn < 0.1 and self.done < self.total:
            return
        self._drawn = now
        width = 24
        filled = int(width * self.done / max(self.total, 1))
        bar = "#" * filled + "-" * (width - filled)
        self._write(f"\r\033[Kextract [{bar}] {self.done}/{self.total} docs  {self.records} records  "
                    f"{self.errors} errors  {self.rate():.1f} docs/s")

    def close(self) -> None:
        if self.mode == "bar":
            self._write("\n")

    def _write(self, s: str) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.stream.write(s)
            self.stream.flush()


# --------------------------------------------------------------------------- stopping

_stop = threading.Event()


def _on_signal(signum, frame):
    """Ctrl-C or SIGTERM (a job scheduler, `kill`): stop at the next safe point, so that
    outputs and the manifest are left consistent and the next run resumes. Raising from
    here instead could land inside the executor's locks and hang the exit. A second
    Ctrl-C interrupts at once."""
    if _stop.is_set() and signum == signal.SIGINT:
        raise KeyboardInterrupt
    _stop.set()


def _check_stop() -> None:
    if _stop.is_set():
        raise KeyboardInterrupt


@contextlib.contextmanager
def _stop_on_signals():
    _stop.clear()
    if threading.current_thread() is not threading.main_thread():
        yield                               # signals only reach the main thread
        return
    old = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)


# --------------------------------------------------------------------------- the run

@dataclass
class Summary:
    documents: int = 0
    ok: int = 0
    skipped: int = 0
    errors: int = 0
    warned: int = 0                  # documents whose output carries warnings
    records: int = 0
    chars: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    workers: dict = field(default_factory=dict)

    def line(self) -> str:
        rate = self.documents / self.seconds if self.seconds else 0.0
        state = "interrupted" if self.interrupted else "done"
        return (f"extract {state}: {self.documents} documents ({self.ok} extracted, "
                f"{self.skipped} unchanged, {self.errors} errors, {self.warned} with warnings), "
                f"{self.records} records, "
                f"{self.seconds:.1f} s, {rate:.1f} docs/s")


def _plan(paths: list[str], outdir: Path, manifest: Manifest, key: dict,
          force: bool) -> tuple[list[Task], list[dict]]:
    """Hash every input and decide: to do, unchanged (skip), or failed before starting."""
    inputs, missing = find_inputs(paths)
    names = assign_output_names(inputs)
    todo: list[Task] = []
    done: list[dict] = []
    for p, reason in missing:
        done.append({"input": os.path.abspath(p), "output": None, "status": "error", "error": reason})
    entries = manifest.entries()
    for p in inputs:
        _check_stop()
        task = Task(input=p, name=names[p])
        try:
            task.sha256, task.size = file_sha256(p)
        except OSError as e:
            task.error = f"cannot read: {e.strerror or e}"
        prev = entries.get(task.name)
        if task.error is None and prev and not force:
            prev_input = prev.get("input")
            if (prev_input and _resolved(Path(prev_input)) != _resolved(p)
                    and Path(prev_input).exists() and prev.get("sha256") != task.sha256):
                task.error = (f"output {task.name} already holds {prev_input} from an earlier "
                              f"run; use another output folder, or --force to replace it")
            elif _is_current(prev, task, key, outdir):
                done.append({**prev, "input": os.path.abspath(p), "status": "skipped", "error": None,
                             "updated": _now()})
                continue
        if task.error:
            done.append(_entry(task, key, {"status": "error", "error": task.error}))
        else:
            todo.append(task)
    return todo, done


def _is_current(prev: dict, task: Task, key: dict, outdir: Path) -> bool:
    if prev.get("status") not in ("ok", "skipped") or prev.get("sha256") != task.sha256:
        return False
    if prev.get("versions") != key:
        return False
    try:
        return (outdir / task.name).stat().st_size == prev.get("output_bytes")
    except OSError:
        return False


def _entry(task: Task, key: dict, res: dict) -> dict:
    return {"input": os.path.abspath(task.input), "output": task.name, "status": res["status"],
            "error": res.get("error"), "sha256": res.get("sha256") or task.sha256,
            "input_bytes": task.size, "chars": res.get("chars"), "records": res.get("records"),
            "seconds": res.get("seconds"), "output_bytes": res.get("output_bytes"),
            "warnings": res.get("warnings") or [], "versions": res.get("versions") or key, "updated": _now()}


def run_batch(paths: list[str], outdir: str | os.PathLike, *, use_model: bool = True,
              jobs: int | None = None, force: bool = False, executor: str = "local",
              scheduler: str | None = None, ship: bool = False,
              progress: str = "auto", stream=None,
              timeout: float | None = DEFAULT_TIMEOUT_S, ocr: str = "auto") -> Summary:
    """Extract every input under ``paths`` into ``outdir``; see the module docstring."""
    outdir = Path(outdir)
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise BatchError(f"{outdir}: cannot create output folder: {e.strerror or e}") from None
    if jobs is None:
        jobs = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    with _outdir_lock(outdir), _stop_on_signals():
        _remove_stale_temp_files(outdir)
        manifest = Manifest(outdir)
        manifest.load()
        key = versions(use_model, ocr)
        manifest.data.update({
            "tool": f"govreport {__version__} extract", "state": "running", "started": _now(),
            "finished": None, "versions": key,
            "options": {"executor": executor, "jobs": jobs if executor == "local" else None,
                        "force": force, "use_model": use_model, "timeout": timeout or None,
                        "ocr": ocr},
            "inputs_not_found": [],
        })
        summary = Summary()
        workers: dict[int, dict] = {}
        bar: Progress | None = None

        def finish(entry: dict, res: dict | None = None) -> None:
            if entry.get("output"):
                manifest.record(entry)
            else:
                manifest.data["inputs_not_found"].append({"input": entry["input"], "error": entry["error"]})
            summary.ok += entry["status"] == "ok"
            summary.skipped += entry["status"] == "skipped"
            summary.errors += entry["status"] == "error"
            if entry["status"] != "error":
                summary.warned += bool(entry.get("warnings"))
                summary.records += entry.get("records") or 0
                summary.chars += entry.get("chars") or 0
            if res and res.get("pid"):
                w = workers.setdefault(res["pid"], {"documents": 0, "peak_rss_mb": 0.0})
                w["documents"] += 1
                w["peak_rss_mb"] = max(w["peak_rss_mb"], round((res.get("peak_rss_kb") or 0) / 1024, 1))
            bar.update(entry)

        t0 = time.perf_counter()
        pool = None
        failed = False
        try:
            todo, early = _plan(paths, outdir, manifest, key, force)
            summary.documents = len(todo) + len(early)
            bar = Progress(summary.documents, progress, stream)
            for entry in early:
                finish(entry)
            manifest.save()
            if todo:
                pool = _make_executor(executor, jobs, use_model, scheduler, ship, timeout or None, ocr)
                _drive(pool, todo, outdir, key, finish)
            manifest.data["state"] = "finished"
        except KeyboardInterrupt:
            summary.interrupted = True
            manifest.data["state"] = "interrupted"
            if pool is not None:
                pool.close(kill=True)
                pool = None
        except BaseException:
            manifest.data["state"] = "failed"
            failed = True
            if pool is not None:            # nothing more will be recorded: stop now
                pool.close(kill=True)
                pool = None
            raise
        finally:
            if pool is not None:
                pool.close()
            summary.seconds = time.perf_counter() - t0
            summary.workers = {str(k): v for k, v in sorted(workers.items())}
            manifest.data["finished"] = _now()
            manifest.data["workers"] = summary.workers
            manifest.data["summary"] = {
                "documents": summary.documents, "ok": summary.ok, "skipped": summary.skipped,
                "errors": summary.errors, "with_warnings": summary.warned,
                "records": summary.records, "chars": summary.chars,
                "seconds": round(summary.seconds, 3)}
            try:
                manifest.save()
            except BatchError:
                if not failed:              # else the first error is the one to report
                    raise
            finally:
                manifest.close()
                if bar is not None:
                    bar.close()
    return summary


def _make_executor(kind: str, jobs: int, use_model: bool, scheduler: str | None, ship: bool,
                   timeout: float | None = None, ocr: str = "auto"):
    if kind == "dask":
        if not scheduler:
            raise BatchError("--executor dask needs --scheduler ADDRESS")
        return _Dask(scheduler, use_model, ship, timeout, ocr)
    if jobs <= 0:
        return _Inline(use_model, timeout, ocr)
    return _Local(jobs, use_model, timeout, ocr)


def _check_made_with(res: dict, key: dict) -> None:
    """File an output under the versions it was really made with. Rules edited during the
    run: the output is filed under the new rules (the next run redoes the others). A
    worker with another install (a cluster node): refused, or it would be redone forever."""
    made = res.pop("made_with", None)
    if not made or made == {"pipeline": key["pipeline"], "rules": key["rules"]}:
        return
    from pipeline.rules import rules_version
    if made == {"pipeline": __version__, "rules": rules_version()}:
        res["versions"] = {**key, **made}
        return
    res.update(status="error", error=f"a worker made it with pipeline {made['pipeline']}, rules "
                                     f"{made['rules']}; this run uses {key['pipeline']}, "
                                     f"{key['rules']}: install the same govreport and rules everywhere")
    res.pop("json", None)


def _drive(pool, todo: list[Task], outdir: Path, key: dict, finish) -> None:
    """Keep the executor busy, a few documents per worker at a time. When a worker dies
    (segfault, out-of-memory kill) the documents it may have held are retried one at a
    time, so the culprit is found and failed and the innocent ones still get done."""
    queue = deque(todo)
    suspects: deque[Task] = deque()
    in_flight: dict = {}
    submitted: dict = {}                    # future -> when it was handed to the executor
    while queue or suspects or in_flight:
        _check_stop()
        isolate = bool(suspects) or any(t.strikes for t in in_flight.values())
        limit = 1 if isolate else pool.limit
        source = suspects if suspects else queue
        while source and len(in_flight) < limit:
            task = source.popleft()
            fut = pool.submit(task, outdir)
            in_flight[fut] = task
            submitted[fut] = time.monotonic()
        if not in_flight:
            continue
        broken = False
        for fut in pool.wait(in_flight, POLL_S):
            task = in_flight.pop(fut)
            submitted.pop(fut, None)
            try:
                res = fut.result()
            except Exception as e:
                if pool.broken(e):
                    broken = True
                    task.strikes += 1
                    if task.strikes < MAX_STRIKES:
                        suspects.append(task)
                        continue
                    res = {"status": "error", "error": "worker process died while processing "
                                                       "it (crash or out of memory)"}
                else:
                    res = {"status": "error", "error": _one_line(f"internal error: {type(e).__name__}: {e}")}
            if res.get("fatal"):            # every document would fail the same way
                raise BatchError(f"cannot start workers: {res['error']}")
            _check_made_with(res, key)
            if "json" in res:                   # shipped back from a remote worker
                try:
                    write_atomic(outdir / task.name, res["json"])
                    res["output_bytes"] = len(res.pop("json").encode("utf-8"))
                except OSError as e:
                    res.update(status="error", error=_one_line(f"cannot write: {e.strerror or e}"))
            finish(_entry(task, key, res), res)
        hung = not broken and _hung(pool, in_flight, submitted)
        if hung:
            # A worker that ignores its time budget (stuck in C code, or hung): kill the
            # pool. Alone in the pool a second time, the document is failed.
            for fut, task in list(in_flight.items()):
                if task.strikes + 1 >= MAX_STRIKES and len(in_flight) == 1:
                    in_flight.pop(fut)
                    finish(_entry(task, key, {
                        "status": "error",
                        "error": f"no result after {pool.timeout + HUNG_GRACE_S:g} s "
                                 f"(--timeout {pool.timeout:g}); the worker was stopped"}), None)
        if broken or hung:
            for fut, task in list(in_flight.items()):   # all of them fail with the pool
                task.strikes += 1
                suspects.append(task)
            in_flight.clear()
            submitted.clear()
            pool.restart()


def _hung(pool, in_flight: dict, submitted: dict) -> bool:
    """A document in flight for longer than its budget allows, however long it queued:
    each worker holds at most ``pool.limit / jobs`` documents (1 when isolating)."""
    if not pool.restartable or not pool.timeout or not in_flight:
        return False
    depth = 1 if len(in_flight) == 1 else max(1, pool.limit // max(1, pool.jobs)) + 1
    oldest = min(submitted[f] for f in in_flight)
    return time.monotonic() - oldest > depth * pool.timeout + HUNG_GRACE_S


# --------------------------------------------------------------------------- CLI

def add_parser(sub) -> None:
    p = sub.add_parser(
        "extract", help="extract records from report files into one JSON file each",
        description="Extract quantities, agencies, case names and sections from report files "
                    "(.txt .md .docx .pdf .html .doc; folders are searched recursively) into OUTDIR, one "
                    "JSON file per input. Incremental: unchanged inputs are skipped; an "
                    "interrupted run picks up where it stopped. Manifest: OUTDIR/_run.json.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="input files or folders")
    p.add_argument("-o", "--output-dir", dest="outdir", default=None, metavar="OUTDIR",
                   help=f"where the JSON files go (default: ./{DEFAULT_OUTDIR} in the current "
                        "folder, never a repository's committed outputs/)")
    p.add_argument("--no-model", action="store_true", help="rules only: do not run the NER model")
    p.add_argument("--ocr", choices=("auto", "never", "always"), default="auto",
                   help="OCR of PDF pages (auto: only pages without a text layer, the default; "
                        "never: text layer only; always: every page, for a garbled text layer)")
    p.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                   help="worker processes (default: the number of CPU cores; 0: no workers, "
                        "everything in this process)")
    p.add_argument("--force", action="store_true",
                   help="re-extract every input, even unchanged ones")
    p.add_argument("--executor", choices=("local", "dask"), default="local",
                   help="local worker processes (default) or a Dask distributed cluster")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (with --executor dask)")
    p.add_argument("--ship", action="store_true",
                   help="with --executor dask: send input bytes to the workers and the JSON back "
                        "here, for clusters that do not share this file system")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, metavar="SECONDS",
                   help=f"time budget per document (default {DEFAULT_TIMEOUT_S:g}); a document "
                        f"past it fails with its own error and the batch goes on; 0: no limit")
    p.add_argument("--progress", choices=("auto", "bar", "log", "none"), default="auto",
                   help="progress display on stderr (auto: a bar on a terminal, log lines otherwise; "
                        "none: errors and the summary only)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.jobs is not None and args.jobs < 0:
        print("govreport: error: --jobs must be 0 or more", file=sys.stderr)
        return 2
    if args.timeout < 0:
        print("govreport: error: --timeout must be 0 or more", file=sys.stderr)
        return 2
    if args.executor == "dask" and not args.scheduler:
        print("govreport: error: --executor dask needs --scheduler ADDRESS", file=sys.stderr)
        return 2
    if args.outdir is None:
        args.outdir = DEFAULT_OUTDIR
        print(f"govreport: writing to ./{DEFAULT_OUTDIR}/ (choose with -o OUTDIR)", file=sys.stderr)
    try:
        summary = run_batch(args.paths, args.outdir, use_model=not args.no_model, jobs=args.jobs,
                            force=args.force, executor=args.executor, scheduler=args.scheduler,
                            ship=args.ship, progress=args.progress, timeout=args.timeout,
                            ocr=args.ocr)
    except BatchError as e:
        print(f"govreport: error: {e}", file=sys.stderr)
        return 1
    if summary.interrupted:
        print(summary.line(), file=sys.stderr)
        return 130
    if summary.documents == 0:
        print(f"govreport: error: no input files found{_unsupported_note(args.paths)}", file=sys.stderr)
        return 2
    print(summary.line(), file=sys.stderr)
    return 1 if summary.errors else 0
