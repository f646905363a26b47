"""`tfconform pin` against real TensorFlow: it records what TF does into known entries (split by
matrix entry where TF differs), `--add` writes entries for failures none covers, and the pinned
file then xfails, while any other behaviour fails as `changed`. Also the worker's own checks:
uninitialised memory told by asking a worker with other poisoned memory, and the harness's own
errors told from TensorFlow's."""
import re

import numpy as np
import pytest
import yaml

from harness.run import session as runner
from harness.model import Outcome, Verdict

CASES = """\
cases:
  - id: skips_nan
    op: max_pool2d
    input: {shape: [1, 2, 4, 1], values: [.nan, 1, 3, 4, 5, 6, 7, 8]}
    ksize: 2
    strides: 1
    matrix: {padding: [VALID, SAME]}
    known:
      - targets: [eager/eigen, xla/eigen]
        tf: ">=2.16"
        kind: value
        reason: TF's max pooling skips NaN.
  - id: new_deviation
    op: max_pool2d
    input: {shape: [1, 1, 2, 1], values: [.nan, 2]}
    ksize: [1, 2]
    strides: 1
    padding: VALID
    known: []             # replaced by the added entry, not left beside it
  - id: fine
    op: conv2d
    input: {shape: [1, 3, 3, 1], range: 1}
    filters: {shape: [2, 2, 1, 1], fill: 1}
    strides: 1
    padding: VALID
"""
TARGETS = ("--targets", "eager/eigen,xla/eigen")


def test_pin_records_splits_adds_and_the_pinned_file_holds(tmp_path, write_cases, harness_cli):
    path = write_cases(p=CASES) / "p.yaml"
    proc = harness_cli("pin", "cases", "--add", *TARGETS)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "added 1 known entry" in proc.stdout
    cases = {c["id"]: c for c in yaml.safe_load(path.read_text())["cases"]}
    pinned = cases["skips_nan"]["known"]
    # TF skips the NaN ([nan, 1, 5, 6] pools to 6); the two paddings give different outputs: two entries
    assert [(k["when"], k["values"]) for k in pinned] == [
        ({"padding": "SAME"}, [[[[6.0], [7.0], [8.0], [8.0]], [[6.0], [7.0], [8.0], [8.0]]]]),
        ({"padding": "VALID"}, [[[[6.0], [7.0], [8.0]]]])]
    assert all(k["reason"] == "TF's max pooling skips NaN." and k["tf"] == ">=2.16" for k in pinned)
    (added,) = cases["new_deviation"]["known"]
    assert added["kind"] == "value" and added["values"] == [[[[2.0]]]]
    assert added["targets"] == ["eager/eigen", "xla/eigen"] and added["tf"].startswith("==2.")
    assert "returns wrong values" in added["reason"] and "known" not in cases["fine"]

    proc = harness_cli("run", "cases", *TARGETS, "-q", "-o", "out")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not re.search(r"\b\d+ (fail|xpass)\b", proc.stdout) and "6 xfail" in proc.stdout  # 3 cases x 2

    # TensorFlow "changes": the pinned values no longer describe it
    path.write_text(path.read_text().replace("[[[[6.0], [7.0], [8.0]]]]", "[[[[6.0], [7.0], [9.0]]]]"))
    proc = harness_cli("run", "cases", *TARGETS, "-q", "-o", "out2")
    assert proc.returncode == 1
    from harness.output import results
    records = results.read([tmp_path / "out2" / results.NAME])[0]
    changed = [r for r in records if r["kind"] == "changed"]
    assert {r["name"] for r in changed} == {"skips_nan[padding=VALID]"} and len(changed) == 2
    assert "known: values [[[[6.0], [7.0], [9.0]]]]; now: values [[[[6.0], [7.0], [8.0]]]]" in changed[0]["message"]


def test_values_that_change_between_workers_are_uninitialised(monkeypatch):
    """A wrong result is asked again of the checking worker: different bits mean nondeterministic."""
    from harness.cases.loader import load
    (case,), _ = load(["cases/found/conv2d/value-eager-onednn-function-onednn-valid-stride-gt-1.yaml"])
    session = runner.Session()
    calls = []

    def fake(case, target, tensors, ref=None, upstream=None, check=False):
        calls.append(check)
        wrong = np.array([[[[-0.36416575]], [[0.0 if not check else 1e-13]]],
                          [[[-0.4052914]], [[0.0 if not check else 1e-13]]]], np.float32)
        return Outcome("value", outputs={"output": wrong})
    monkeypatch.setattr(session, "tf_outcome", fake)
    result = session.run(case, "eager/onednn")
    verdict, tf = result.verdict, result.tf
    assert calls == [False, True] and tf.nondeterministic is True
    assert verdict.status == "xfail" and verdict.observed == {"nondeterministic": True, "at": [[0, 1, 0, 0], [1, 1, 0, 0]]}
    assert runner.same_bits(Outcome("value", outputs={"o": np.array([np.nan])}), Outcome("value", outputs={"o": np.array([np.nan])}))
    assert not runner.same_bits(Outcome("value", outputs={"o": np.array([0.0])}), Outcome("value", outputs={"o": np.array([-0.0])}))
    assert runner.wrong_values(Verdict("fail", "changed", details={"failure": "value"}))


def test_uninitialised_memory_is_told_with_real_tensorflow():
    """oneDNN's brgconv leaves output cells unwritten on AVX-512 machines: the poisoned workers tell
    it on every run (without them the cells were zeros most of the time, garbage some)."""
    from harness.cases.loader import load
    (case,), _ = load(["cases/found/conv2d/value-eager-onednn-function-onednn-valid-stride-gt-1.yaml"])
    session = runner.Session()
    try:
        result = session.run(case, "eager/onednn")
    finally:
        session.close()
    verdict, tf = result.verdict, result.tf
    if verdict.status == "pass":
        pytest.skip("this CPU's oneDNN kernel writes every cell (the bug needs AVX-512's brgconv)")
    assert verdict.status == "xfail" and tf.nondeterministic is True


def test_the_harness_own_errors_are_not_tensorflow_rejecting():
    from harness.run.pool import Worker
    from harness.run.wire import to_wire
    x, dx = to_wire(np.ones((1, 3, 3, 1), np.float32))
    w, dw = to_wire(np.ones((2, 2, 1, 1), np.float32))

    def request(args):
        return {"mode": "eager", "dtypes": {"0:input": dx, "0:filters": dw},
                "steps": [{"op": "conv2d", "args": args, "names": ["input", "filters"], "feed": None,
                           "outputs": ["output"]}]}, {"0:input": x, "0:filters": w}
    worker = Worker("eager/eigen", timeout=120)
    try:
        ours = worker.call(*request({"strides": 1, "padding": "VALID", "bogus": 1}))
        theirs = worker.call(*request({"strides": 1, "padding": "SNAME"}))
        fine = worker.call(*request({"strides": 1, "padding": "VALID"}))
    finally:
        worker.close()
    assert (ours.kind, ours.origin) == ("error", "harness") and "bogus" in ours.error_message
    assert (theirs.kind, theirs.origin) == ("error", "tensorflow")
    assert fine.kind == "value" and fine.outputs["output"].ravel().tolist() == [4.0] * 4


def test_an_entry_naming_targets_not_pinned_is_left_as_written():
    """Pinning eager/onednn alone must not rewrite an entry that also covers eager/onednn-avx2
    (a variant not run by default): the rewrite would drop the targets it did not run."""
    from types import SimpleNamespace

    from harness.pin import Block, _covered
    entry = {"targets": ["eager/onednn", "eager/onednn-avx2"], "tf": ">=2.19", "kind": "shape", "reason": "r"}
    block = Block(0, [entry], [SimpleNamespace(name="c", matrix={})])
    version = lambda target: "2.21.0"
    cover, frozen = _covered(block, ["eager/onednn"], version)
    assert frozen == {0} and cover == {}
    cover, frozen = _covered(block, ["eager/onednn", "eager/onednn-avx2"], version)
    assert frozen == set() and cover == {("c", "eager/onednn"): [0], ("c", "eager/onednn-avx2"): [0]}
