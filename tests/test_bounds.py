"""No bound of a shipped case accepts nonsense: for every output of every case in cases/ with a
non-zero reference, TensorFlow returning all zeros, or the negated reference, would fail. (With
the half types' bound clamped once n*u >= 1, 13 shipped outputs accepted zeros.) No TensorFlow."""
from pathlib import Path

import numpy as np
import pytest

from harness.verdict import compare
from harness.run.execute import reference_outcome, tensors_of
from harness.verdict.judge import expected_dtype, tolerance
from harness.cases.loader import load

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "cases").iterdir() if p.is_dir())


@pytest.mark.parametrize("folder", FOLDERS)
def test_no_bound_accepts_zeros_or_the_negated_reference(folder, monkeypatch):
    monkeypatch.chdir(ROOT)
    cases, problems = load([folder])
    assert not problems
    checked, lax = 0, []
    for case in cases:
        if case.skip:
            continue
        run = reference_outcome(case, tensors_of(case))
        ref, scale = run.outcome, run.scale
        for name, want in (ref.outputs.items() if ref.kind == "value" else ()):
            want = np.asarray(want)
            if want.dtype.kind == "b" or not np.any(np.isfinite(want) & (want != 0)):
                continue
            dtype = expected_dtype(case, name, want) or case.dtype
            tol = tolerance(case, name, dtype, scale, want)
            for label, wrong in (("zeros", np.zeros_like(want)), ("negated", -want)):
                if not compare.diff(want, wrong, tol, dtype)["mismatched"]:
                    lax.append(f"{case.name}: {name} accepts {label}")
            checked += 1
    assert not lax, lax
    assert checked       # not vacuous: each folder has outputs to check
