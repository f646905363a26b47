"""`known` entries in case files: signature keys are checked against their kind, `when` against
the case's matrix, and entries without a signature are warned about; random tensors can hold NaN
and infinities; what pin writes reads back exactly. No TensorFlow."""
import math

import numpy as np
import yaml
from loader_helpers import write

from harness.cases.entries import unsigned
from harness.cases.loader import load
from harness.cases.tensors import make_tensor
from harness.cases.yamlout import flow, known_entry, number

CASE = """
    cases:
      - id: c
        op: max_pool2d
        input: {{shape: [1, 2, 2, 1], range: 1}}
        ksize: 2
        strides: 1
        matrix: {{padding: [SAME, VALID]}}
        known:
          - {entry}
"""


def problems_of(cases_dir, entry: str) -> list[str]:
    path = write(cases_dir, "k.yaml", CASE.format(entry=entry))
    return load([path])[1]


def test_signature_keys_must_fit_the_kind(cases_dir):
    assert problems_of(cases_dir, "{kind: crash, signal: SIGFPE, reason: r}") == []
    assert problems_of(cases_dir, "{kind: value, values: [1, 2], reason: r}") == []
    assert problems_of(cases_dir, "{kind: value, nondeterministic: true, at: [[0, 1, 0, 0]], reason: r}") == []
    assert problems_of(cases_dir, "{kind: unexpected-error, error: ValueError, match: 'a|b', reason: r}") == []
    wrong = problems_of(cases_dir, "{kind: crash, shape: [1], reason: r}")
    assert wrong == ["cases/k.yaml:9: case 'c': known[0].shape does not describe a crash failure (its keys: signal)"]
    assert "needs the kind" in problems_of(cases_dir, "{signal: SIGFPE, reason: r}")[0]
    assert "must be a signal name" in problems_of(cases_dir, "{kind: crash, signal: segfault, reason: r}")[0]
    assert "not a valid regular expression" in problems_of(
        cases_dir, "{kind: unexpected-error, error: ValueError, match: '(', reason: r}")[0]
    assert "match needs error" in problems_of(cases_dir, "{kind: error-message, match: x, reason: r}")[0]
    assert "goes with nondeterministic" in problems_of(cases_dir, "{kind: value, at: [[0]], reason: r}")[0]
    assert "must be a number" in problems_of(cases_dir, "{kind: value, values: [1, x], reason: r}")[0]
    assert "sha256" in problems_of(cases_dir, "{kind: value, digest: abc, reason: r}")[0]


def test_when_selects_matrix_entries(cases_dir):
    path = write(cases_dir, "k.yaml", CASE.format(entry="{kind: shape, shape: [1, 2, 2, 1], when: {padding: SAME}, reason: r}"))
    cases, problems = load([path])
    assert problems == []
    assert [(c.name, len(c.known)) for c in cases] == [("c[padding=SAME]", 1), ("c[padding=VALID]", 0)]
    listed = write(cases_dir, "l.yaml", CASE.format(entry="{kind: shape, shape: [1], when: {padding: [SAME, VALID]}, reason: r}"))
    assert [len(c.known) for c in load([listed])[0]] == [1, 1]
    assert "'dtype' is not a matrix key of this case (padding)" in problems_of(
        cases_dir, "{kind: shape, shape: [1], when: {dtype: float16}, reason: r}")[0]


def test_entries_without_a_signature_are_warned_about(cases_dir):
    path = write(cases_dir, "k.yaml", CASE.format(entry="{kind: shape, reason: r}"))
    cases, problems = load([path])
    assert problems == []
    assert unsigned(cases) == ["cases/k.yaml:9: warning: the known entry of 'c' has no signature "
                               "(kind: shape); `tfconform pin` records what TensorFlow does"]
    signed = write(cases_dir, "s.yaml", CASE.format(entry="{kind: timeout, reason: r}"))
    assert unsigned(load([signed])[0]) == []        # a timeout needs nothing beyond its kind


def test_random_tensors_with_nan_and_infinities(cases_dir):
    path = write(cases_dir, "r.yaml", """
        cases:
          - id: r
            op: avg_pool2d
            input: {shape: [1, 40, 50, 1], random: {dist: normal, seed: 3, nan: 0.1, inf: 0.2}}
            ksize: 2
            strides: 2
            padding: VALID
    """)
    (case,), problems = load([path])
    assert problems == []
    x = make_tensor(case.tensors["input"])
    assert 0.07 < np.isnan(x).mean() < 0.13 and 0.16 < np.isinf(x).mean() < 0.24
    assert (x == np.inf).any() and (x == -np.inf).any()
    plain = make_tensor(case.tensors["input"].__class__((1, 40, 50, 1), "random",
                                                        {"dist": "normal", "seed": 3, "mean": 0.0, "std": 1.0}, "float32"))
    finite = np.isfinite(x)
    assert np.array_equal(x[finite], plain[finite])   # the shares replace values, the rest stay
    bad = write(cases_dir, "b.yaml", """
        cases:
          - id: b
            op: max_pool2d
            dtype: int32
            input: {shape: [1, 2, 2, 1], random: {nan: 0.5}}
            ksize: 1
            strides: 1
            padding: VALID
    """)
    assert "int32 holds no NaN or infinity" in load([bad])[1][0]


def test_what_pin_writes_reads_back_exactly():
    for x in (0.06533386, -65504.0, 1e30, -3.4028235e38, 2.0 ** -24, 1 / 3, 0.0, -0.0, 7):
        assert yaml.safe_load(number(x)) == x and isinstance(yaml.safe_load(number(x)), type(x))
    assert math.isnan(yaml.safe_load(number(float("nan"))))
    assert yaml.safe_load(number(float("-inf"))) == float("-inf")
    entry = {"targets": ["*/onednn", "xla"], "tf": "==2.21.*", "kind": "unexpected-error",
             "error": "InvalidArgumentError", "match": "Negative dimension size \\(x\\): 'a'",
             "reason": "A long reason that says: what TensorFlow does, with 'quotes', \"more\" and a colon. " * 3,
             "link": "https://github.com/tensorflow/tensorflow/issues/1"}
    text = "known:\n" + "\n".join(known_entry(entry, "  ")) + "\n"
    assert yaml.safe_load(text) == {"known": [entry]}
    assert yaml.safe_load("v: " + flow({"values": [[1.5, float("inf")], [-2, 3]], "when": {"padding": "SAME"}})) \
        == {"v": {"values": [[1.5, float("inf")], [-2, 3]], "when": {"padding": "SAME"}}}


def test_pin_splits_an_entry_by_the_fewest_matrix_keys():
    from harness.pin import _split
    matrices = {f"c[d={d},p={p}]": {"dtype": d, "padding": p}
                for d in ("float16", "bfloat16") for p in ("SAME", "VALID")}
    every = {(n, t) for n in matrices for t in ("eager/eigen", "xla/eigen")}
    assert _split(every, matrices, True) == [(("eager/eigen", "xla/eigen"), {})]
    half = {(n, "eager/eigen") for n, m in matrices.items() if m["dtype"] == "float16"}
    assert _split(half, matrices, True) == [(("eager/eigen",), {"dtype": "float16"})]
    one = {("c[d=float16,p=SAME]", "eager/eigen")}
    assert _split(one, matrices, True) == [(("eager/eigen",), {"dtype": "float16", "padding": "SAME"})]
    import pytest
    with pytest.raises(ValueError, match="defaults entry"):
        _split(half, matrices, False)


def test_cpu_conditions_name_flags(cases_dir):
    assert problems_of(cases_dir, "{kind: crash, signal: SIGFPE, cpu: ['!avx512_fp16', avx2], reason: r}") == []
    wrong = problems_of(cases_dir, "{kind: crash, signal: SIGFPE, cpu: ['AVX-512'], reason: r}")
    assert len(wrong) == 1 and wrong[0].startswith("cases/k.yaml:9:") and "/proc/cpuinfo" in wrong[0], wrong
    case = load([write(cases_dir, "k.yaml", CASE.format(entry="{kind: crash, cpu: ['!amx_fp16'], reason: r}"))])[0][0]
    assert case.known[0].cpu == ("!amx_fp16",)


def test_every_shipped_known_entry_has_a_signature(monkeypatch):
    """A shipped known entry that loses its signature (an edit, a bad merge, pin gone wrong) would
    match on its kind alone again: whatever TensorFlow did of that kind would xfail."""
    from pathlib import Path
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    cases, problems = load(["cases"])
    assert problems == [], "\n".join(problems)
    assert sum(len(c.known) for c in cases) > 0      # the shipped cases were found
    missing = unsigned(cases)
    assert missing == [], f"{len(missing)} shipped known entries without a signature " \
                          f"(run `tfconform pin` on them):\n" + "\n".join(missing)


def test_check_warns_about_entries_without_a_signature(cases_dir, harness_cli):
    write(cases_dir, "k.yaml", CASE.format(entry="{kind: shape, reason: r}"))
    write(cases_dir, "s.yaml", CASE.format(entry="{kind: crash, signal: SIGFPE, reason: r}"))
    proc = harness_cli("check", "cases")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert ("cases/k.yaml:9: warning: the known entry of 'c' has no signature (kind: shape); "
            "`tfconform pin` records what TensorFlow does") in proc.stderr.splitlines(), proc.stderr
    assert "s.yaml" not in proc.stderr, proc.stderr
    assert proc.stdout.strip() == "4 case(s) OK; 1 known entry without a signature", proc.stdout
    write(cases_dir, "t.yaml", CASE.format(entry="{kind: value, reason: r}"))
    proc = harness_cli("check", "cases")
    assert proc.stdout.strip() == "6 case(s) OK; 2 known entries without a signature", proc.stdout
