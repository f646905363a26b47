"""A TensorFlow call that kills or hangs its process costs one case, never the run: under
`tfconform run`, plain pytest and pytest-xdist. The worker's deliberate-failure ops are only
registered with TFCONFORM_SELFTEST=1."""
from pathlib import Path

import pytest

CASES = """\
source: crash isolation self-test
cases:
  - id: before
    op: conv2d
    input: {shape: [1, 3, 3, 1], fill: 1}
    filters: {shape: [2, 2, 1, 1], fill: 1}
    strides: 1
    padding: VALID
    expect: {values: [4, 4, 4, 4]}
  - id: segfault
    op: _selftest_crash
    input: [1, 2]
  - id: abort
    op: _selftest_abort
    input: [1, 2]
  - id: hang
    op: _selftest_hang
    input: [1, 2]
  - id: exit
    op: _selftest_exit
    input: [1, 2]
  - id: after
    op: max_pool2d
    input: {shape: [1, 4, 4, 1], range: 1}
    ksize: 2
    strides: 2
    padding: VALID
    expect: {values: [6, 8, 14, 16]}
"""

EXPECTED = {"before": ("pass", None), "segfault": ("fail", "crash"), "abort": ("fail", "crash"),
            "hang": ("fail", "timeout"), "exit": ("fail", "crash"), "after": ("pass", None)}


SELFTEST = {"TFCONFORM_SELFTEST": "1"}      # registers the worker's deliberate-failure ops


@pytest.fixture
def case_dir(tmp_path, write_cases):
    write_cases(selftest=CASES)
    return tmp_path


def _outcomes(records):
    return {r["name"]: (r["status"], r["kind"]) for r in records}


def _read(paths):
    from harness.output import results
    records, problems = results.read([Path(p) for p in paths])
    assert not problems, problems
    return [{k: v for k, v in r.items() if k != "_file"} for r in records]


def test_cli_run_reports_crashes_and_timeouts_and_goes_on(case_dir, harness_cli):
    proc = harness_cli("run", "cases", "--targets", "eager/eigen", "--timeout", "10", "-o", "out", "-q",
                       env=SELFTEST)
    assert proc.returncode == 1, proc.stderr
    records = _read([case_dir / "out" / "results.jsonl.gz"])
    assert _outcomes(records) == EXPECTED
    by_name = {r["name"]: r for r in records}
    assert by_name["segfault"]["tf"]["signal"] == "SIGSEGV"
    assert by_name["abort"]["tf"]["signal"] == "SIGABRT"
    assert by_name["exit"]["tf"]["signal"] == "exit 3"
    assert "Fatal Python error" in by_name["segfault"]["tf"]["log"]    # faulthandler's trace
    assert (case_dir / "out" / "index.html").exists()


@pytest.mark.parametrize("xdist", [[], ["-n", "2"]], ids=["plain", "xdist"])
def test_pytest_reports_crashes_and_goes_on(case_dir, harness_pytest, xdist):
    proc = harness_pytest("cases", *xdist, "--tfconform-targets", "eager/eigen", "--tfconform-timeout", "10",
                          "--tfconform-results", "out/results.jsonl", "-q", env=SELFTEST)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "4 passed" in proc.stdout and "4 failed" in proc.stdout, proc.stdout   # 2 cases: reference + TF
    assert "TensorFlow worker died (SIGSEGV)" in proc.stdout
    assert "Reproduce:" in proc.stdout
    files = sorted((case_dir / "out").glob("results*.jsonl"))
    assert len(files) == 1 if not xdist else 1 <= len(files) <= 2   # one per xdist worker
    assert _outcomes(_read(files)) == EXPECTED


def test_a_variants_modes_share_one_process_and_a_crash_costs_only_its_call(tmp_path, write_cases, monkeypatch):
    """One TensorFlow process per variant serves its three modes, in case order; a crash in it is
    the outcome of the call that crashed, and the next call, of any mode, gets a fresh process."""
    from harness.cases.loader import load
    from harness.ops import OPS, OpSpec
    from harness.run.session import Session
    monkeypatch.setitem(OPS, "_selftest_crash", OpSpec("_selftest_crash", ("input",), ("unused",), ("input",),
                                                       selftest=True, grad=False))
    blocks = CASES.split("  - id: ")
    write_cases(shared="".join([blocks[0]] + [f"  - id: {b}" for b in blocks[1:] if b.startswith(("before", "segfault", "after"))]))
    chosen, problems = load([str(tmp_path / "cases")])
    assert not problems, problems
    modes = ["eager/eigen", "function/eigen", "xla/eigen"]
    session = Session(timeout=30)
    try:
        ran = session.run_all(chosen, modes)
        pids = {session._all[0].proc.pid}
        session.run_all(chosen[:1], modes)
        pids.add(session._all[0].proc.pid)
    finally:
        session.close()
    assert len(session._all) == 1                   # one worker for the variant's three modes
    assert len(pids) == 1                          # the last crash's successor served both runs
    status = {(r.case.name, r.target): (r.status, r.verdict.kind) for r in ran if r.target in modes}
    assert status == {**{("before", m): ("pass", None) for m in modes},
                      **{("segfault", m): ("fail", "crash") for m in modes},
                      **{("after", m): ("pass", None) for m in modes}}
