"""The mutation proof runs in CI: every deliberate bug of the reference makes some shipped case
fail, and a mutation whose text no longer exists is an error, not a silent pass."""
import os
import subprocess
import sys
from pathlib import Path

from harness.proof import mutate
from harness.proof.mutations import MUTATIONS, Mutation

ROOT = Path(__file__).resolve().parent.parent


def test_at_least_ten_distinct_mutations():
    assert len(MUTATIONS) >= 10
    assert len({m.name for m in MUTATIONS}) == len(MUTATIONS)
    for m in MUTATIONS:
        text = (mutate.REFERENCE / m.file).read_text()
        assert text.count(m.old) == 1, f"{m.name}: the mutated text is not in reference/{m.file} exactly once"


def test_a_mutant_that_no_longer_applies_is_reported():
    stale = Mutation("stale", "padding.py", "this text is not in the reference", "x", "")
    (result,) = mutate.run([], "eager/eigen", None, [stale])
    assert result.error and "occurs 0 times" in result.error
    text, killed = mutate.summary([result])
    assert killed == 0 and "NOT APPLIED" in text


def test_mutated_reference_is_restored():
    import reference
    with mutate.mutated_reference(MUTATIONS[0]) as mutated:
        assert mutated is not reference
    import reference as again
    assert again is reference


def test_every_mutant_is_killed_by_the_shipped_cases():
    proc = subprocess.run([sys.executable, "-m", "harness", "mutate", "cases"], cwd=ROOT,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True, text=True,
                          timeout=1500)
    print(proc.stdout)
    assert f"mutation score: {len(MUTATIONS)}/{len(MUTATIONS)} killed" in proc.stdout, proc.stdout + proc.stderr
    assert proc.returncode == 0


def test_every_judge_mutant_applies_once_and_is_killed():
    """`tfconform mutate --judge`: each deliberate bug of the comparison and verdict code makes a
    judge test fail (CI runs it; a surviving mutant is a judge test missing)."""
    from harness.proof.judge_mutations import JUDGE_MUTATIONS
    assert len(JUDGE_MUTATIONS) >= 15 and len({m.name for m in JUDGE_MUTATIONS}) == len(JUDGE_MUTATIONS)
    for m in JUDGE_MUTATIONS:
        assert (ROOT / "harness" / m.file).read_text().count(m.old) == 1, m.name
    proc = subprocess.run([sys.executable, "-m", "harness", "mutate", "--judge"], cwd=ROOT,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True, text=True,
                          timeout=1500)
    print(proc.stdout)
    n = len(JUDGE_MUTATIONS)
    assert f"judge mutation score: {n}/{n} killed" in proc.stdout, proc.stdout + proc.stderr
    assert proc.returncode == 0


def test_only_failing_judge_tests_kill_a_judge_mutant():
    """pytest's exit 1 (tests failed) kills a mutant; 0 lets it survive; any other status (usage or
    collection error, interrupted, no tests, a signal) is an error of the run, never a kill."""
    from harness.proof import judge_mutations
    from harness.proof.mutate import Result
    assert judge_mutations.outcome(0, "5 passed") == ([], None)
    out = "FAILED tests/test_compare.py::test_nan - assert\nERROR tests/test_judge.py::test_x - E\n1 failed"
    assert judge_mutations.outcome(1, out) == (["tests/test_compare.py::test_nan", "tests/test_judge.py::test_x"], None)
    for status in (2, 3, 4, 5, -11):
        failed, error = judge_mutations.outcome(status, "ERROR collecting tests/test_judge.py\n1 error")
        assert failed == [] and error.startswith(f"pytest exited {status}"), (status, error)
    mutation = judge_mutations.JUDGE_MUTATIONS[0]
    statuses = iter([0, 2])       # the unmutated run passes; the mutant's run is broken
    fake = lambda tests, m: judge_mutations.outcome(next(statuses), "")     # noqa: E731
    import pytest
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(judge_mutations, "_pytest", fake)
        (result,) = judge_mutations.run([mutation], jobs=1)
    assert result.killed_by == [] and "pytest exited 2" in result.error
    text, killed = judge_mutations.summary([result])
    assert killed == 0 and f"{mutation.name}  ERROR: pytest exited 2" in text, text
    assert judge_mutations.summary([Result(mutation, ["t"])])[1] == 1


def test_judge_mutants_are_not_run_unless_the_judge_tests_pass_unmutated(capsys, monkeypatch):
    import pytest
    from harness.proof import judge_mutations
    with pytest.raises(SystemExit) as exc:     # really run: pytest finds no tests (exit 5)
        judge_mutations.run(jobs=1, tests=("tests/no_such_test_file.py",))
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "the judge tests do not pass on the unmutated code" in err and "pytest exited 5" in err, err
    runs = []                                   # the unmutated judge tests fail (exit 1)
    monkeypatch.setattr(judge_mutations, "_pytest", lambda tests, mutation: runs.append(mutation)
                        or judge_mutations.outcome(1, "FAILED tests/test_judge.py::t - assert"))
    with pytest.raises(SystemExit) as exc:
        judge_mutations.run(jobs=1)
    assert exc.value.code == 2 and runs == [None]      # no mutant was tried
    assert "1 judge test(s) fail on the unmutated code, e.g. tests/test_judge.py::t" in capsys.readouterr().err
