"""A rerun takes what did not change from the results it has: records of the last complete run
whose key still holds, and every record of an interrupted run's journal (no case run twice).
With real TensorFlow (eager, a few small cases), through the command line."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from harness.output import results
from harness.run import reuse

CASES = """
cases:
  - id: conv
    op: conv2d
    input: {shape: [1, 5, 4, 2], random: {seed: 1}}
    filters: {shape: [3, 2, 2, 3], random: {seed: 2}}
    strides: [1, 2]
    padding: VALID
  - id: pool
    op: max_pool2d
    input: {shape: [2, 4, 5, 1], random: {seed: 3}}
    ksize: 2
    strides: 2
    padding: SAME
  - id: bias
    op: bias_add
    value: {shape: [2, 3], random: {seed: 4}}
    bias: {shape: [3], random: {seed: 5}}
"""

def records(path):
    """A results file's records, complete (harness.output.results.read), without where they came from."""
    from harness.output.results import read
    return [{k: v for k, v in r.items() if k != "_file"} for r in read([path])[0]]


def run(harness_cli, *extra):
    result = harness_cli("run", "cases", "--targets", "eager", "--no-report", "-o", "out", *extra)
    assert result.returncode == 0, result.stderr
    return result


def test_an_unchanged_rerun_takes_every_record_and_an_edit_redoes_that_case(write_cases, harness_cli, tmp_path):
    write_cases(a=CASES)
    first = run(harness_cli)
    before = results.read_text(tmp_path / "out" / results.NAME)
    assert all(r.get("key") for r in records(tmp_path / "out" / results.NAME))
    second = run(harness_cli)
    assert "6 results taken unchanged" in second.stderr, second.stderr
    assert "outcome cache" in second.stderr and "0 asked of TensorFlow" in second.stderr
    assert results.read_text(tmp_path / "out" / results.NAME) == before      # the same file
    assert not (tmp_path / "out" / reuse.JOURNAL).exists()
    # One case edited: its result is done again, the others are taken.
    write_cases(a=CASES.replace("seed: 4", "seed: 6"))
    third = run(harness_cli)
    assert "4 results taken unchanged" in third.stderr, third.stderr
    (tmp_path / "before.jsonl").write_text(before)
    changed = {r["id"] for r, old in zip(records(tmp_path / "out" / results.NAME),
                                         records(tmp_path / "before.jsonl")) if r != old}
    assert changed == {"cases/a.yaml::bias"}
    # --fresh takes nothing; --no-cache takes nothing from the last complete run.
    assert "taken" not in run(harness_cli, "--fresh").stderr
    assert "taken" not in run(harness_cli, "--no-cache").stderr
    assert first.stdout.splitlines()[0] == third.stdout.splitlines()[0] == "6 pass"


def test_an_interrupted_run_resumes_from_its_journal(write_cases, harness_cli, tmp_path):
    write_cases(a=CASES)
    run(harness_cli)
    out = tmp_path / "out"
    complete = records(out / results.NAME)
    # An interrupted run: its journal holds one record (marked, to see it is taken as it is) and
    # a line cut short; there is no results file.
    marked = dict(complete[0], message="from the journal")
    (out / reuse.JOURNAL).write_text(json.dumps(marked) + "\n" + json.dumps(complete[1])[:40])
    (out / results.NAME).unlink()
    resumed = run(harness_cli, "--no-cache")      # a journal is taken even then: it is this run's
    assert "resuming an interrupted run: 1 of its 1 results taken" in resumed.stderr, resumed.stderr
    after = records(out / results.NAME)
    assert after[0]["message"] == "from the journal"
    assert after[1:] == complete[1:]
    assert not (out / reuse.JOURNAL).exists()


def test_a_killed_run_leaves_a_journal_the_next_run_resumes(tmp_path):
    """Killed for real, mid-run: what it finished is in the journal, the rerun takes all of it and
    does only the rest, and the results are those of a run never interrupted."""
    root = Path(__file__).resolve().parents[1]
    env = dict(os.environ, PYTHONPATH=str(root))

    def argv(out, *extra):
        return [sys.executable, "-m", "harness", "run", str(root / "cases/blogs"), "--targets", "eager",
                "--no-report", "-q", "-o", str(tmp_path / out), *extra]
    proc = subprocess.Popen(argv("out"), env=env, cwd=tmp_path, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    journal = tmp_path / "out" / reuse.JOURNAL
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if journal.exists() and journal.read_text().count("\n") >= 40:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    os.killpg(proc.pid, signal.SIGKILL)      # the run and its TensorFlow workers
    proc.wait()
    assert not (tmp_path / "out" / results.NAME).exists()
    done = len(reuse._read(journal))
    assert done >= 40
    rerun = subprocess.run(argv("out"), env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert f"resuming an interrupted run: {done} of its {done} results taken" in rerun.stderr
    whole = subprocess.run(argv("whole", "--fresh"), env=env, cwd=tmp_path, capture_output=True, text=True,
                           timeout=600)
    assert whole.returncode == 0, whole.stderr
    assert (tmp_path / "out" / results.NAME).read_bytes() == (tmp_path / "whole" / results.NAME).read_bytes()


def test_the_key_holds_what_decides_a_record(monkeypatch, tmp_path):
    """Every field of the case, a .npy file's bytes, the target's settings, interpreter and
    TensorFlow version change the key; a setting TensorFlow does not read does not."""
    import dataclasses
    import numpy as np
    from harness.model import Known, TensorSpec
    from harness.run.session import Session
    from test_judge import make_case

    case = make_case()
    session = Session()
    key = session.result_key(case, "eager/onednn")
    assert key == Session().result_key(case, "eager/onednn")
    monkeypatch.setenv("HOME_OF_NOTHING", "x")
    assert key == Session().result_key(case, "eager/onednn")
    edits = [dataclasses.replace(case, args={"strides": 2, "padding": "VALID"}),
             dataclasses.replace(case, known=(Known(("eager/*",), "why", signature={"shape": [1]}),)),
             dataclasses.replace(case, note="another note"), dataclasses.replace(case, dtype="float64")]
    assert len({key} | {Session().result_key(c, "eager/onednn") for c in edits}) == 1 + len(edits)
    assert key != session.result_key(case, "eager/eigen") != session.result_key(case, "reference")
    monkeypatch.setenv("TF_NUM_INTRAOP_THREADS", "1")
    assert key != Session().result_key(case, "eager/onednn")
    monkeypatch.delenv("TF_NUM_INTRAOP_THREADS")
    other = Session()
    other.tf_version = "0.0.1"
    assert key != other.result_key(case, "eager/onednn")
    # a tensor read from a file: its bytes count
    npy = tmp_path / "x.npy"
    np.save(npy, np.ones((1, 2, 2, 1), np.float32))
    filed = dataclasses.replace(case, tensors={**case.tensors, "input": TensorSpec((1, 2, 2, 1), "npy", str(npy), "float32")})
    before = Session().result_key(filed, "eager/onednn")
    np.save(npy, np.zeros((1, 2, 2, 1), np.float32))
    reuse._file_digest.cache_clear()
    assert before != Session().result_key(filed, "eager/onednn")


def test_outcomes_that_depend_on_the_run_are_not_taken_from_the_last_one(tmp_path):
    """From a complete results.jsonl: not timeouts, changing values, harness errors; from a
    journal: everything (it is the interrupted run's own)."""
    recs = [{"key": "a", "id": "i", "target": "t", "status": "pass", "tf": {"kind": "value"}},
            {"key": "b", "id": "i", "target": "t", "status": "fail", "tf": {"kind": "timeout"}},
            {"key": "c", "id": "i", "target": "t", "status": "xfail",
             "tf": {"kind": "value", "nondeterministic": True}},
            {"key": "d", "id": "i", "target": "t", "status": "fail", "kind": "harness-error", "tf": None}]
    (tmp_path / "results.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs))
    found, journaled, again = reuse.prior_records(tmp_path)
    assert set(found) == {"a"} and not journaled and again == {"t"}
    assert reuse.prior_records(tmp_path, complete=False) == ({}, set(), set())
    (tmp_path / reuse.JOURNAL).write_text("".join(json.dumps(r) + "\n" for r in recs[1:]) + '{"key": "e", "i')
    found, journaled, _ = reuse.prior_records(tmp_path, complete=False)
    assert set(found) == journaled == {"b", "c", "d"}
