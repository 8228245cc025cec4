"""govreport extract: batches over real reports, bad inputs, incremental and resumed runs,
worker crashes, SIGKILL/SIGTERM of a real subprocess, and the Dask executor."""
from __future__ import annotations

import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline import batch
from pipeline.batch import Manifest, assign_output_names, find_inputs, run_batch
from pipeline.cli import main

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
BAD = ROOT / "tests" / "data" / "bad"
TXT = ["tianhe-ip-2023.txt", "stats-communique-luoyang-2023.txt", "gov-work-report-hangzhou-2024.txt"]


@pytest.fixture(autouse=True)
def frozen_rules(tmp_path_factory, monkeypatch):
    """Every run of a test (subprocesses too) reads one snapshot of rules/, so outputs
    compare byte for byte even while rules/ is being edited in the working tree."""
    snap = tmp_path_factory.mktemp("rules") / "rules"
    shutil.copytree(ROOT / "rules", snap)
    monkeypatch.setenv("GOVREPORT_RULES", str(snap))


def varied_copies(dest: Path, n: int, seed: int = 7) -> list[Path]:
    """``n`` different documents made from the real reports by shuffling their paragraphs
    (a document's first line stays first: it names the region and year)."""
    dest.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    sources = [(CORPUS / name).read_text(encoding="utf-8").splitlines() for name in TXT]
    out = []
    for i in range(n):
        lines = list(sources[i % len(sources)])
        head, body = lines[:1], lines[1:]
        rng.shuffle(body)
        p = dest / f"copy-{i:03d}.txt"
        p.write_text("\n".join(head + body[: max(20, len(body) // 3)]) + "\n", encoding="utf-8")
        out.append(p)
    return out


def manifest_of(outdir: Path) -> dict:
    return json.loads((outdir / "_run.json").read_text(encoding="utf-8"))


def outputs_in(outdir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(outdir.glob("*.json")) if not p.name.startswith("_")}


# ------------------------------------------------------------------ inputs and names

def test_folders_are_searched_recursively_for_known_suffixes(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "r.TXT").write_text("x")
    (tmp_path / "a" / "r.md").write_text("x")
    (tmp_path / "a" / "notes.json").write_text("{}")
    (tmp_path / "a" / ".hidden.txt").write_text("x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("x")
    odd = tmp_path / "named-directly.dat"
    odd.write_text("x")
    found, missing = find_inputs([str(tmp_path), str(odd), str(tmp_path / "nope.pdf")])
    rel = [p.relative_to(tmp_path).as_posix() for p in found]
    assert rel == ["a/r.md", "a/b/r.TXT", "named-directly.dat"]
    assert missing == [(str(tmp_path / "nope.pdf"), "no such file or folder")]


def test_same_file_name_in_two_folders_gets_two_outputs():
    inputs = [Path("/data/2023/report.txt"), Path("/data/2024/report.txt"),
              Path("/x/tianhe-ip-2023.txt")]
    names = assign_output_names(inputs)
    assert names[inputs[2]] == "tianhe-ip-2023.txt.json"
    assert names[inputs[0]] == "2023__report.txt.json"
    assert names[inputs[1]] == "2024__report.txt.json"
    deeper = [Path("/a/2023/report.txt"), Path("/b/2023/report.txt")]
    assert sorted(assign_output_names(deeper).values()) == ["a__2023__report.txt.json",
                                                            "b__2023__report.txt.json"]


# ------------------------------------------------------------------ runs with the real core

def test_batch_over_real_reports_and_bad_inputs(tmp_path, capsys):
    outdir = tmp_path / "out"
    rc = main(["extract", str(CORPUS), str(BAD), str(tmp_path / "missing.txt"),
               "-o", str(outdir), "--no-model", "--jobs", "2", "--progress", "log"])
    err = capsys.readouterr().err
    assert rc == 1
    good = sorted(p.name for p in CORPUS.iterdir())
    assert sorted(outputs_in(outdir)) == [f"{n}.json" for n in good]
    for name, data in outputs_in(outdir).items():
        obj = json.loads(data)
        assert obj["document"]["source"] == name[:-5]
    # one line per bad input, naming the file and a reason
    error_lines = [ln for ln in err.splitlines() if ln.startswith("govreport: error:")]
    assert len(error_lines) == len(list(BAD.iterdir())) + 1
    for bad in BAD.iterdir():
        line = next(ln for ln in error_lines if str(bad) in ln)
        reason = line.split(f"{bad}: ", 1)[1]
        assert reason and "Traceback" not in reason and "internal error" not in reason
    summary = err.strip().splitlines()[-1]
    assert summary.startswith(f"extract done: {len(good) + len(list(BAD.iterdir())) + 1} documents")
    assert f"{len(list(BAD.iterdir())) + 1} errors" in summary
    m = manifest_of(outdir)
    assert m["state"] == "finished" and m["versions"]["use_model"] is False
    statuses = {e["output"]: e["status"] for e in m["documents"].values()}
    assert [statuses[f"{n}.json"] for n in good] == ["ok"] * len(good)
    assert statuses["encrypted.pdf.json"] == "error"
    assert m["documents"]["encrypted.pdf.json"]["error"]
    assert m["inputs_not_found"] == [{"input": str(tmp_path / "missing.txt"),
                                      "error": "no such file or folder"}]
    for e in m["documents"].values():
        if e["status"] == "ok":
            assert e["records"] == len(json.loads((outdir / e["output"]).read_bytes())["records"])
            assert e["seconds"] >= 0 and e["sha256"]


def test_second_run_skips_unchanged_and_redoes_changed_inputs(tmp_path, capsys):
    src = tmp_path / "in"
    varied_copies(src, 4)
    outdir = tmp_path / "out"
    assert main(["extract", str(src), "-o", str(outdir), "--no-model", "--jobs", "1"]) == 0
    first = outputs_in(outdir)
    stamps = {n: (outdir / n).stat().st_mtime_ns for n in first}

    changed = src / "copy-002.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "全年新增专利授权量12件。\n", encoding="utf-8")
    assert main(["extract", str(src), "-o", str(outdir), "--no-model", "--jobs", "1"]) == 0
    m = manifest_of(outdir)
    status = {n: e["status"] for n, e in m["documents"].items()}
    assert status == {"copy-000.txt.json": "skipped", "copy-001.txt.json": "skipped",
                      "copy-002.txt.json": "ok", "copy-003.txt.json": "skipped"}
    for n in ("copy-000.txt.json", "copy-001.txt.json", "copy-003.txt.json"):
        assert (outdir / n).stat().st_mtime_ns == stamps[n]
    assert outputs_in(outdir)["copy-002.txt.json"] != first["copy-002.txt.json"]
    assert "3 unchanged" in capsys.readouterr().err


def test_changed_rules_or_model_setting_reprocesses(tmp_path, monkeypatch):
    src = tmp_path / "in"
    varied_copies(src, 2)
    outdir = tmp_path / "out"
    run_batch([str(src)], outdir, use_model=False, jobs=0, progress="none")
    assert run_batch([str(src)], outdir, use_model=False, jobs=0, progress="none").skipped == 2
    rules = tmp_path / "rules"
    shutil.copytree(os.environ["GOVREPORT_RULES"], rules)
    some = sorted(rules.glob("*.yaml"))[0]
    some.write_text(some.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    monkeypatch.setenv("GOVREPORT_RULES", str(rules))
    s = run_batch([str(src)], outdir, use_model=False, jobs=0, progress="none")
    assert (s.ok, s.skipped) == (2, 0)
    assert s.errors == 0


def test_model_setting_and_model_version_are_part_of_the_key(tmp_path, fake_core, monkeypatch):
    src = tmp_path / "in"
    varied_copies(src, 2)
    outdir = tmp_path / "out"
    counts = lambda s: (s.ok, s.skipped)
    assert counts(run_batch([str(src)], outdir, use_model=False, jobs=0, progress="none")) == (2, 0)
    assert counts(run_batch([str(src)], outdir, use_model=True, jobs=0, progress="none")) == (2, 0)
    assert counts(run_batch([str(src)], outdir, use_model=True, jobs=0, progress="none")) == (0, 2)
    monkeypatch.setattr(batch, "_model_version", lambda: "retrained-model")
    assert counts(run_batch([str(src)], outdir, use_model=True, jobs=0, progress="none")) == (2, 0)


def test_output_from_a_worker_with_other_rules_is_refused(tmp_path, fake_core, monkeypatch):
    src = tmp_path / "in"
    varied_copies(src, 2)
    monkeypatch.setattr(fake_core, "rules_version", lambda: "rules-of-another-install")
    s = run_batch([str(src)], tmp_path / "out", use_model=False, jobs=0, progress="none")
    assert s.errors == 2
    entry = manifest_of(tmp_path / "out")["documents"]["copy-000.txt.json"]
    assert "install the same govreport and rules everywhere" in entry["error"]


def test_force_rerun_gives_byte_identical_outputs(tmp_path):
    src = tmp_path / "in"
    varied_copies(src, 3)
    shutil.copy(CORPUS / "gov-work-report-changsha-2024.docx", src)
    outdir = tmp_path / "out"
    assert main(["extract", str(src), "-o", str(outdir), "--no-model", "--jobs", "2"]) == 0
    first = outputs_in(outdir)
    assert main(["extract", str(src), "-o", str(outdir), "--no-model", "--jobs", "1", "--force"]) == 0
    assert {e["status"] for e in manifest_of(outdir)["documents"].values()} == {"ok"}
    assert outputs_in(outdir) == first


def test_same_name_in_two_folders_is_kept_apart(tmp_path):
    a, b = tmp_path / "2023", tmp_path / "2024"
    a.mkdir(), b.mkdir()
    shutil.copy(CORPUS / "tianhe-ip-2023.txt", a / "report.txt")
    shutil.copy(CORPUS / "stats-communique-luoyang-2023.txt", b / "report.txt")
    outdir = tmp_path / "out"
    assert main(["extract", str(a), str(b), "-o", str(outdir), "--no-model", "--jobs", "0"]) == 0
    outs = outputs_in(outdir)
    assert sorted(outs) == ["2023__report.txt.json", "2024__report.txt.json"]
    assert "天河区" in json.loads(outs["2023__report.txt.json"])["document"]["text"]
    assert "洛阳" in json.loads(outs["2024__report.txt.json"])["document"]["text"]


def test_an_earlier_runs_output_is_not_overwritten_by_another_file_of_that_name(tmp_path, capsys):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    shutil.copy(CORPUS / "tianhe-ip-2023.txt", a / "report.txt")
    shutil.copy(CORPUS / "stats-communique-luoyang-2023.txt", b / "report.txt")
    outdir = tmp_path / "out"
    assert main(["extract", str(a), "-o", str(outdir), "--no-model", "--jobs", "0"]) == 0
    before = outputs_in(outdir)
    assert main(["extract", str(b), "-o", str(outdir), "--no-model", "--jobs", "0"]) == 1
    assert "already holds" in capsys.readouterr().err
    assert outputs_in(outdir) == before
    assert main(["extract", str(b), "-o", str(outdir), "--no-model", "--jobs", "0", "--force"]) == 0
    assert "洛阳" in json.loads(outputs_in(outdir)["report.txt.json"])["document"]["text"]


def test_a_failed_rerun_keeps_the_good_output(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    doc = src / "report.txt"
    shutil.copy(CORPUS / "tianhe-ip-2023.txt", doc)
    outdir = tmp_path / "out"
    assert main(["extract", str(src), "-o", str(outdir), "--no-model", "--jobs", "0"]) == 0
    good = outputs_in(outdir)
    shutil.copy(BAD / "garbage.txt", doc)             # the input went bad since
    assert main(["extract", str(src), "-o", str(outdir), "--no-model", "--jobs", "0"]) == 1
    assert outputs_in(outdir) == good
    entry = manifest_of(outdir)["documents"]["report.txt.json"]
    assert entry["status"] == "error" and entry["error"]


def test_journal_replay_ignores_a_line_cut_short(tmp_path):
    src = tmp_path / "in"
    varied_copies(src, 3)
    outdir = tmp_path / "out"
    run_batch([str(src)], outdir, use_model=False, jobs=0, progress="none")
    m = manifest_of(outdir)
    # as if killed after two journal lines, the second half-written, before a manifest save
    entries = list(m["documents"].values())
    (outdir / "_run.json").write_text(json.dumps({"manifest_version": 1, "documents": {}}))
    (outdir / "_run.journal").write_text(json.dumps(entries[0], ensure_ascii=False) + "\n"
                                         + json.dumps(entries[1], ensure_ascii=False)[:40])
    man = Manifest(outdir)
    man.load()
    assert list(man.entries()) == [entries[0]["output"]]
    s = run_batch([str(src)], outdir, use_model=False, jobs=0, progress="none")
    assert (s.ok, s.skipped) == (2, 1)


def test_progress_bar_on_a_terminal_and_log_lines_otherwise(tmp_path):
    src = tmp_path / "in"
    varied_copies(src, 2)
    shutil.copy(BAD / "empty.txt", src)

    class Tty(io.StringIO):
        def isatty(self):
            return True

    tty = Tty()
    run_batch([str(src)], tmp_path / "o1", use_model=False, jobs=0, stream=tty)
    shown = tty.getvalue()
    assert "\r" in shown and "3/3 docs" in shown and "1 errors" in shown and "docs/s" in shown
    assert "empty.txt: " in shown
    log = io.StringIO()
    run_batch([str(src)], tmp_path / "o2", use_model=False, jobs=0, stream=log)
    lines = log.getvalue().splitlines()
    assert "\r" not in log.getvalue() and len(lines) == 3
    assert sum(ln.startswith("govreport: error: ") for ln in lines) == 1
    assert sum(" ok " in ln and "records" in ln for ln in lines) == 2


def test_bad_options():
    assert main(["extract", "x", "--jobs", "-1"]) == 2
    assert main(["extract", "x", "--executor", "dask"]) == 2


def test_no_inputs_is_an_error(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["extract", str(tmp_path / "empty"), "-o", str(tmp_path / "out"), "--no-model"]) == 2
    assert "no input files" in capsys.readouterr().err


def test_a_second_run_on_the_same_folder_is_refused_while_one_runs(tmp_path):
    import fcntl
    outdir = tmp_path / "out"
    outdir.mkdir()
    with open(outdir / "_run.lock", "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        with pytest.raises(batch.BatchError, match="another govreport extract"):
            run_batch([str(CORPUS / "tianhe-ip-2023.txt")], outdir, use_model=False, jobs=0)


# ------------------------------------------------------------------ with the stand-in core

def test_workers_are_warmed_up_once_not_per_document(tmp_path, fake_core):
    src = tmp_path / "in"
    varied_copies(src, 5)
    run_batch([str(src)], tmp_path / "out", use_model=True, jobs=0, progress="none")
    assert fake_core.WARMED == [True]


def test_a_crashing_worker_fails_its_document_only(tmp_path, fake_core):
    src = tmp_path / "in"
    varied_copies(src, 6)
    shutil.copy(src / "copy-001.txt", src / "crash-me.txt")
    outdir = tmp_path / "out"
    s = run_batch([str(src)], outdir, use_model=False, jobs=2, progress="none")
    assert (s.ok, s.errors) == (6, 1)
    entry = manifest_of(outdir)["documents"]["crash-me.txt.json"]
    assert entry["status"] == "error" and "worker process died" in entry["error"]
    assert len(outputs_in(outdir)) == 6


def test_a_core_that_cannot_start_stops_the_run_with_one_message(tmp_path, fake_core,
                                                                 monkeypatch, capsys):
    def broken(use_model):
        raise RuntimeError("model files missing")
    monkeypatch.setattr(fake_core, "warm_up", broken)
    src = tmp_path / "in"
    varied_copies(src, 3)
    assert main(["extract", str(src), "-o", str(tmp_path / "out"), "--jobs", "0"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["govreport: error: cannot start workers: worker start-up failed: "
                   "RuntimeError: model files missing"]
    assert manifest_of(tmp_path / "out")["state"] == "failed"


# ------------------------------------------------------------------ killed runs (subprocess)

def _start(src: Path, outdir: Path, jobs: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "extract", str(src), "-o", str(outdir), "--no-model",
         "--jobs", str(jobs), "--progress", "log"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)


def _wait_for_finished(outdir: Path, proc: subprocess.Popen, n: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail("the run ended before it could be interrupted: " + proc.stderr.read().decode())
        journal = outdir / "_run.journal"
        if journal.exists() and journal.read_text(encoding="utf-8").count('"status": "ok"') >= n:
            return
        time.sleep(0.02)
    pytest.fail("no progress")


def _finished_before(outdir: Path) -> dict[str, int]:
    man = Manifest(outdir)
    man.load()
    return {name: (outdir / name).stat().st_mtime_ns
            for name, e in man.entries().items() if e["status"] == "ok"}


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_run_resumes_without_redoing_finished_documents(tmp_path, sig):
    src = tmp_path / "in"
    n = 40
    varied_copies(src, n)
    outdir = tmp_path / "out"
    proc = _start(src, outdir, jobs=2)
    _wait_for_finished(outdir, proc, 3)
    if sig == signal.SIGKILL:
        os.killpg(proc.pid, signal.SIGKILL)      # the whole job, workers included
        proc.wait(30)
    else:
        import psutil
        workers = psutil.Process(proc.pid).children()
        proc.send_signal(signal.SIGTERM)         # the parent only: it stops its workers
        assert proc.wait(30) == 130
        gone, alive = psutil.wait_procs(workers, timeout=10)
        assert not alive
        m = manifest_of(outdir)
        assert m["state"] == "interrupted"
    proc.stderr.close()
    manifest_of(outdir)                          # a valid manifest even after SIGKILL
    done = _finished_before(outdir)
    assert 3 <= len(done) < n
    for name in outputs_in(outdir):              # whatever is there is whole
        json.loads((outdir / name).read_bytes())

    rerun = subprocess.run(
        [sys.executable, "-m", "pipeline", "extract", str(src), "-o", str(outdir), "--no-model",
         "--jobs", "2"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    m = manifest_of(outdir)
    assert m["state"] == "finished" and m["summary"]["skipped"] >= len(done)
    assert m["summary"]["ok"] + m["summary"]["skipped"] == n
    for name, stamp in done.items():
        assert m["documents"][name]["status"] == "skipped"
        assert (outdir / name).stat().st_mtime_ns == stamp
    assert not list(outdir.glob(".*.tmp"))
    resumed = outputs_in(outdir)
    assert len(resumed) == n
    clean = tmp_path / "clean"
    run_batch([str(src)], clean, use_model=False, jobs=2, progress="none")
    assert outputs_in(clean) == resumed


# ------------------------------------------------------------------ Dask

@pytest.mark.parametrize("ship", [False, True])
def test_dask_executor_gives_the_same_outputs_and_manifest(tmp_path, ship):
    distributed = pytest.importorskip("distributed")
    src = tmp_path / "in"
    varied_copies(src, 4)
    shutil.copy(BAD / "encrypted.pdf", src)
    local = tmp_path / "local"
    run_batch([str(src)], local, use_model=False, jobs=1, progress="none")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        out = tmp_path / "dask"
        s = run_batch([str(src)], out, use_model=False, executor="dask",
                      scheduler=cluster.scheduler_address, ship=ship, progress="none")
    assert (s.ok, s.errors) == (4, 1)
    assert outputs_in(out) == outputs_in(local)
    m = manifest_of(out)
    assert m["options"]["executor"] == "dask"
    strip = lambda d: {k: (v["status"], v["records"], v["error"]) for k, v in d["documents"].items()}
    assert strip(m) == strip(manifest_of(local))


# ------------------------------------------------------------------ workers and the parent

FAKE_CLI = ("import sys; sys.path.insert(0, sys.argv.pop(1)); import fake_core; fake_core.install(); "
            "from pipeline.cli import main; sys.exit(main(sys.argv[1:]))")


def _start_fake(src: Path, outdir: Path, delay: float, jobs: int = 2) -> subprocess.Popen:
    """``govreport extract`` in a subprocess with the stand-in core, each document taking
    ``delay`` seconds (so the workers are busy when the test strikes)."""
    env = {**os.environ, "FAKE_CORE_DELAY": str(delay)}
    return subprocess.Popen(
        [sys.executable, "-c", FAKE_CLI, str(ROOT / "tests" / "data" / "batch"), "extract",
         str(src), "-o", str(outdir), "--no-model", "--jobs", str(jobs), "--progress", "none"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True)


def _busy_workers(proc: subprocess.Popen, outdir: Path, n: int) -> list:
    """The parent's ``n`` worker processes, once the run has handed them documents."""
    import psutil
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail("the run ended early: " + proc.stderr.read().decode())
        kids = psutil.Process(proc.pid).children()
        if len(kids) >= n and (outdir / "_run.json").exists():
            time.sleep(1.5)                 # warmed up and into their first document
            return psutil.Process(proc.pid).children()
        time.sleep(0.05)
    pytest.fail("the workers never started")


def test_workers_die_with_a_killed_parent_and_the_rerun_is_not_locked_out(tmp_path):
    import psutil
    src = tmp_path / "in"
    varied_copies(src, 4)
    outdir = tmp_path / "out"
    proc = _start_fake(src, outdir, delay=60)
    workers = _busy_workers(proc, outdir, 2)
    os.kill(proc.pid, signal.SIGKILL)            # the parent alone, as an OOM killer would
    proc.wait(10)
    proc.stderr.close()
    gone, alive = psutil.wait_procs(workers, timeout=5)
    assert not alive, f"workers outlived their parent: {[p.pid for p in alive]}"
    rerun = _start_fake(src, outdir, delay=0)
    _, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err.decode()
    assert manifest_of(outdir)["summary"]["ok"] == 4


def test_sigterm_stops_the_run_at_once_while_workers_are_busy(tmp_path):
    import psutil
    src = tmp_path / "in"
    varied_copies(src, 4)
    outdir = tmp_path / "out"
    proc = _start_fake(src, outdir, delay=120)
    workers = _busy_workers(proc, outdir, 2)
    t0 = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == 130
    assert time.monotonic() - t0 < 5
    proc.stderr.close()
    gone, alive = psutil.wait_procs(workers, timeout=2)
    assert not alive
    assert manifest_of(outdir)["state"] == "interrupted"


def test_a_document_past_its_time_budget_fails_alone(tmp_path, fake_core, monkeypatch, capsys):
    monkeypatch.setenv("FAKE_CORE_DELAY", "30")
    src = tmp_path / "in"
    varied_copies(src, 2)
    t0 = time.monotonic()
    assert main(["extract", str(src), "-o", str(tmp_path / "out"), "--jobs", "2",
                 "--progress", "none", "--timeout", "0.5"]) == 1
    assert time.monotonic() - t0 < 20
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all("took longer than 0.5 s (--timeout)" in line for line in err[:2])
    assert manifest_of(tmp_path / "out")["options"]["timeout"] == 0.5


def test_a_worker_deaf_to_its_time_budget_is_killed_and_the_batch_goes_on(tmp_path, fake_core,
                                                                            monkeypatch):
    monkeypatch.setattr(batch, "HUNG_GRACE_S", 1.0)
    src = tmp_path / "in"
    varied_copies(src, 3)
    shutil.copy(src / "copy-001.txt", src / "hang-me.txt")
    outdir = tmp_path / "out"
    t0 = time.monotonic()
    s = run_batch([str(src)], outdir, use_model=False, jobs=2, progress="none", timeout=1.0)
    assert time.monotonic() - t0 < 60
    assert (s.ok, s.errors) == (3, 1)
    entry = manifest_of(outdir)["documents"]["hang-me.txt.json"]
    assert entry["error"] == "no result after 2 s (--timeout 1); the worker was stopped"


# ------------------------------------------------------------------ hostile paths and folders

def _govreport(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", *args]


def _one_line_no_traceback(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_file_names_that_are_not_utf8_or_hold_control_characters(tmp_path, capsys):
    """A GBK name from a Windows share, and a name that would clear the screen and fake
    an error line: the batch finishes, the manifest is valid JSON that reads back to the
    same paths, and what reaches the terminal is escaped."""
    src = tmp_path / "in"
    src.mkdir()
    gbk = "天河区知识产权报告.txt".encode("gbk")
    (Path(os.fsdecode(os.fsencode(src) + b"/" + gbk))).write_bytes(
        (CORPUS / "tianhe-ip-2023.txt").read_bytes())
    (src / "evil\x1b[2J\ngovreport: error: fake.txt").write_text("", encoding="utf-8")
    outdir = tmp_path / "out"
    assert main(["extract", str(src), "-o", str(outdir), "--no-model", "--jobs", "0",
                 "--progress", "none"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "\x1b" not in err[0]
    assert err[0].endswith("/evil\\x1b[2J\\ngovreport: error: fake.txt: empty file")
    m = manifest_of(outdir)
    assert m["state"] == "finished"
    entry = m["documents"]["天河区知识产权报告.txt.json"]
    assert entry["status"] == "ok" and os.fsencode(entry["input"]).endswith(gbk)
    out = json.loads((outdir / "天河区知识产权报告.txt.json").read_text(encoding="utf-8"))
    assert out["document"]["source"] == "天河区知识产权报告.txt" and out["records"]
    assert main(["extract", str(src), "-o", str(outdir), "--no-model", "--jobs", "0",
                 "--progress", "none"]) == 1
    assert manifest_of(outdir)["documents"]["天河区知识产权报告.txt.json"]["status"] == "skipped"


def test_symlink_loops_are_one_line_errors(tmp_path, capsys):
    src = tmp_path / "in"
    varied_copies(src, 2)
    (src / "loop.txt").symlink_to(src / "loop.txt")
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    outdir = tmp_path / "out"
    assert main(["extract", str(src), str(tmp_path / "a.txt"), "-o", str(outdir), "--no-model",
                 "--jobs", "0", "--progress", "none"]) == 1
    err = sorted(capsys.readouterr().err.strip().splitlines()[:-1])
    assert err == [f"govreport: error: {tmp_path / 'a.txt'}: symbolic link to nothing, or a loop of links",
                   f"govreport: error: {src / 'loop.txt'}: cannot read: Too many levels of symbolic links"]
    assert manifest_of(outdir)["summary"]["ok"] == 2


def test_an_unreadable_subfolder_is_reported_and_the_rest_extracted(tmp_path, as_plain_user):
    src = tmp_path / "in"
    varied_copies(src, 2)
    varied_copies(src / "locked", 1)
    (src / "locked").chmod(0)
    outdir = tmp_path / "out"
    try:
        run = subprocess.run(as_plain_user(_govreport("extract", str(src), "-o", str(outdir),
                                                      "--no-model", "--jobs", "0", "--progress", "none")),
                             cwd=ROOT, capture_output=True, text=True, timeout=300)
    finally:
        (src / "locked").chmod(0o755)
    assert run.returncode == 1
    lines = run.stderr.strip().splitlines()
    assert lines[0] == f"govreport: error: {src / 'locked'}: cannot read folder: Permission denied"
    assert manifest_of(outdir)["summary"]["ok"] == 2


@pytest.mark.parametrize("with_lock", [False, True])
def test_a_read_only_output_folder_is_one_line(tmp_path, as_plain_user, with_lock):
    src = tmp_path / "in"
    varied_copies(src, 1)
    outdir = tmp_path / "out"
    outdir.mkdir()
    if with_lock:                       # left by an earlier run: the lock opens, the manifest cannot
        (outdir / "_run.lock").write_text("")
    outdir.chmod(0o555)
    try:
        run = subprocess.run(as_plain_user(_govreport("extract", str(src), "-o", str(outdir),
                                                      "--no-model", "--jobs", "0")),
                             cwd=ROOT, capture_output=True, text=True, timeout=300)
    finally:
        outdir.chmod(0o755)
    assert run.returncode == 1
    line = _one_line_no_traceback(run.stderr)
    what = "cannot write the run manifest" if with_lock else "cannot write to the output folder"
    assert line.startswith(f"govreport: error: {outdir}") and line.endswith(f"{what}: Permission denied")


def test_a_full_disk_is_one_line(tmp_path, on_full_disk):
    src = tmp_path / "in"
    varied_copies(src, 2)
    outdir = tmp_path / "out"
    outdir.mkdir()
    run = subprocess.run(on_full_disk(outdir, _govreport("extract", str(src), "-o", str(outdir),
                                                         "--no-model", "--jobs", "0")),
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 1
    line = _one_line_no_traceback(run.stderr)
    assert line == f"govreport: error: {outdir / '_run.json'}: cannot write the run manifest: No space left on device"
