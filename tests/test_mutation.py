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
