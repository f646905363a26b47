"""The judge's mutation proof (`tfconform mutate --judge`): deliberate bugs in the comparison and
verdict code, each of which must make the harness's own judge tests fail. A green run is only as
trustworthy as the code that decides it; a bug here would turn every TensorFlow failure it hides
into a pass or an xfail.

Each mutant is a textual change to one file of harness/ (which must occur exactly once there); the
judge tests run in a subprocess against a copy of the package holding the change, after a first run
against the unmutated copy that must pass. Only pytest's exit status 1 (tests failed) kills a
mutant; any other status is an error of the run, reported as such.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from harness.proof.mutate import Result
from harness.proof.mutate import summary as mutate_summary
from harness.proof.mutations import Mutation

ROOT = Path(__file__).resolve().parents[2]
# The tests that judge the judge: verdicts, known signatures, tolerances and non-finite values,
# error rules. They need no TensorFlow.
TESTS = ("tests/test_judge.py", "tests/test_known.py", "tests/test_compare.py", "tests/test_rules.py")

JUDGE_MUTATIONS = (
    Mutation("signature-ignored", "verdict/judge.py",
             "change = signature.difference(k, verdict.kind, verdict, ref, tf, first)",
             "change = None",
             "a known entry matches on its kind alone, whatever TensorFlow did"),
    Mutation("values-signature-ignored", "verdict/signature.py",
             'if compare.diff(want, got, tol, str(got.dtype))["mismatched"]:',
             "if False:",
             "a value entry xfails whatever values TensorFlow returns"),
    Mutation("message-signature-ignored", "verdict/signature.py",
             'and ("match" not in sig or message_matches(sig["match"], tf.error_message)))',
             ")",
             "an error entry xfails whatever TensorFlow's message says"),
    Mutation("shape-signature-ignored", "verdict/signature.py",
             "return all(_shape(tf.outputs.get(n)) == (list(s) if s is not None else None)",
             "return True or all(_shape(tf.outputs.get(n)) == (list(s) if s is not None else None)",
             "a shape entry xfails whatever shape TensorFlow returns"),
    Mutation("crash-signal-ignored", "verdict/signature.py",
             'return "signal" not in sig or tf.signal == sig["signal"]', "return True",
             "a crash entry xfails whatever signal killed TensorFlow"),
    Mutation("digest-ignored", "verdict/signature.py",
             'return digest({n: tf.outputs[n] for n in sorted(bad)}) == sig["digest"]', "return True",
             "a value entry pinned by digest xfails whatever values TensorFlow returns"),
    Mutation("version-range-ignored", "verdict/judge.py",
             "return SpecifierSet(known.tf).contains(tf_version, prereleases=True)", "return True",
             "an entry pinned to some TF versions applies to every version"),
    Mutation("cells-of-uninitialised-memory-ignored", "verdict/signature.py",
             'if "at" not in sig:\n            return True', "if True:\n            return True",
             "a nondeterministic entry xfails wherever TensorFlow's values are wrong"),
    Mutation("pinned-entry-on-unknown-version", "verdict/judge.py",
             "if not tf_version:\n            return False", "if not tf_version:\n            return True",
             "a version-pinned entry applies when the TensorFlow version is unknown"),
    Mutation("cpu-condition-ignored", "verdict/judge.py",
             "if known.cpu and not cpu_holds(", "if False and not cpu_holds(",
             "an entry for CPUs with (or without) some instruction set applies on every CPU"),
    Mutation("cpu-condition-on-unknown-cpu", "machine.py",
             "if flags is None:\n        return False", "if flags is None:\n        return True",
             "a CPU-conditioned entry applies when the CPU's flags are unknown"),
    Mutation("no-xpass", "verdict/judge.py",
             'if verdict.status == "pass" and known:', "if False:",
             "a fixed TensorFlow bug passes silently instead of xpassing"),
    Mutation("tolerance-x1000", "verdict/compare.py",
             "return np.where(np.isfinite(tol), tol, 0.0)", "return np.where(np.isfinite(tol), tol * 1000, 0.0)",
             "the bound is a thousand times too loose"),
    Mutation("half-types-accumulate-in-half", "verdict/compare.py",
             'ACCUMULATE = {"float16": "float32", "bfloat16": "float32"}', "ACCUMULATE = {}",
             "float16 and bfloat16 bounded as if summed in their own precision (accepts zeros)"),
    Mutation("no-final-rounding", "verdict/compare.py",
             "tol = summed + u_out * (ref + summed) + TINY[dtype]", "tol = summed + TINY[dtype]",
             "the output dtype's rounding of the result is not allowed for"),
    Mutation("nan-equals-anything", "verdict/compare.py",
             "err = np.where(~finite_ref, np.where(special, 0.0, np.inf), err)",
             "err = np.where(~finite_ref, 0.0, err)",
             "a NaN or infinite reference cell matches whatever TensorFlow returns"),
    Mutation("non-finite-output-within-bound", "verdict/compare.py",
             "err = np.where(finite_ref & finite_got, err, np.inf)", "err = np.where(finite_ref & finite_got, err, 0.0)",
             "TensorFlow returning NaN or infinity for a finite reference passes"),
    Mutation("overflow-excuses-any-infinity", "verdict/compare.py",
             "& (np.abs(r_re) + limit >= big))", "& (np.abs(r_re) + limit >= 0))",
             "an infinity passes for any finite reference of its sign"),
    Mutation("complex-compared-as-real", "verdict/compare.py",
             "kind = np.complex128 if np.iscomplexobj(reference) or np.iscomplexobj(actual) else np.float64",
             "kind = np.float64",
             "the imaginary part of complex outputs is dropped"),
    Mutation("non-finite-inputs-widen-bounds", "run/execute.py",
             "return np.where(np.isfinite(m), m, 0.0)", "return m",
             "a NaN or infinity in the input makes the bound of finite cells infinite"),
    Mutation("dtype-ignored", "verdict/judge.py",
             "if dtype is not None and str(got.dtype) != dtype:", "if False:",
             "an output of the wrong dtype passes"),
    Mutation("error-rule-ignored", "verdict/judge.py",
             "if not ref.rule:\n        return None", "if True:\n        return None",
             "both rejecting passes whatever reason TensorFlow gives"),
    Mutation("harness-error-as-tensorflow", "verdict/judge.py",
             'if tf.kind == "error" and tf.origin == "harness":', "if False:",
             "an exception of the harness's own counts as TensorFlow rejecting the call"),
    Mutation("expect-unchecked", "verdict/judge.py",
             "        if problem:\n            return Verdict(\"fail\", \"expect\", problem)",
             "        if False:\n            return Verdict(\"fail\", \"expect\", problem)",
             "the reference is never held to the case's own expect"),
    Mutation("max-pool-inexact", "verdict/judge.py",
             "if terms is None or magnitude is None or dtype not in compare.UNIT_ROUNDOFF:\n        return None",
             "if terms is None or magnitude is None or dtype not in compare.UNIT_ROUNDOFF:\n        return 1e-3",
             "ops that round nothing (max pooling, integers) get a tolerance"),
)


def outcome(returncode: int, stdout: str) -> tuple[list[str], str | None]:
    """(tests that failed, error) of one pytest run of the judge tests. Only exit status 1 (tests
    ran and some failed) kills a mutant; 0 means it survived; anything else (a collection or usage
    error, an interruption, no tests, a signal) says nothing about the mutant and is an error."""
    if returncode == 0:
        return [], None
    lines = stdout.strip().splitlines()
    if returncode == 1:
        failed = [line.split()[1] for line in lines if line.startswith(("FAILED ", "ERROR ")) and len(line.split()) > 1]
        return failed or [f"pytest exit 1: {lines[-1:]}"], None
    return [], f"pytest exited {returncode}, not 0 or 1: {' | '.join(lines[-3:]) or 'no output'}"


def _pytest(tests: tuple[str, ...], mutation: Mutation | None) -> tuple[list[str], str | None]:
    """Run the judge tests against a copy of the package, with `mutation` applied (None: as it is):
    (tests that failed, error). LookupError when the mutation's text is not in its file once."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for folder in ("harness", "reference"):
            shutil.copytree(ROOT / folder, tmp / folder, ignore=shutil.ignore_patterns("__pycache__"))
        (tmp / "tests").mkdir()
        for name in [*tests, "tests/conftest.py"]:
            if (ROOT / name).exists():
                shutil.copy(ROOT / name, tmp / name)
        if mutation is not None:
            target = tmp / "harness" / mutation.file
            text = target.read_text()
            if text.count(mutation.old) != 1:
                raise LookupError(f"harness/{mutation.file}: the text to mutate occurs "
                                  f"{text.count(mutation.old)} times, expected once")
            target.write_text(text.replace(mutation.old, mutation.new))
        (tmp / "pytest.ini").write_text("[pytest]\n")
        env = dict(os.environ, PYTHONPATH=str(tmp), PYTHONDONTWRITEBYTECODE="1")
        files = [t for t in tests if (ROOT / t).exists()]
        try:
            proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                                   "-p", "no:tfconform", "-p", "no:xdist", "-rfE", *files],
                                  cwd=tmp, env=env, capture_output=True, text=True, timeout=600, check=False)
        except subprocess.TimeoutExpired:
            return [], "the judge tests timed out (600 s)"
        return outcome(proc.returncode, proc.stdout)


def _run_mutant(mutation: Mutation, tests: tuple[str, ...]) -> Result:
    try:
        failed, error = _pytest(tests, mutation)
    except LookupError as exc:
        return Result(mutation, [], str(exc))
    if error:
        return Result(mutation, [], f"{error} (not counted as a kill)", label="ERROR")
    return Result(mutation, failed)


def baseline(tests: tuple[str, ...] = TESTS) -> str | None:
    """Why the judge tests do not pass on the unmutated code, or None when they do. A mutant can
    only be killed by tests that pass without it: otherwise every mutant would look killed."""
    failed, error = _pytest(tests, None)
    if error:
        return error
    if failed:
        return f"{len(failed)} judge test(s) fail on the unmutated code, e.g. {failed[0]}"
    return None


def run(mutations=JUDGE_MUTATIONS, tests: tuple[str, ...] = TESTS, jobs: int = 2) -> list[Result]:
    """Each mutant against the judge tests, once these pass on the unmutated code; if they do not,
    says why on stderr and exits with status 2 (no mutant is run)."""
    problem = baseline(tests)
    if problem:
        print(f"tfconform mutate --judge: the judge tests do not pass on the unmutated code, so no "
              f"mutant can be judged: {problem}", file=sys.stderr)
        raise SystemExit(2)
    with ThreadPoolExecutor(max(1, jobs)) as pool:
        return list(pool.map(lambda m: _run_mutant(m, tests), mutations))


def summary(results: list[Result]) -> tuple[str, int]:
    return mutate_summary(results, "test", "no judge test notices", "judge mutation score")
