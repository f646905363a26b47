"""Mutation proof of the reference: break it on purpose, one way at a time, and show that the
shipped cases notice. A reference nobody has tried to break is not yet a specification.

TensorFlow runs once per case (on one target); each mutant then re-runs only the reference, in
this process, from a patched copy of the package, and is judged against the stored TF outcomes.
A mutant is killed when some case's verdict changes.
"""
from __future__ import annotations

import importlib
import shutil
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from harness.run.execute import reference_outcome, tensors_of
from harness.verdict.judge import judge
from harness.ops import OPS
from harness.proof.mutations import MUTATIONS, Mutation

REFERENCE = Path(__file__).resolve().parents[2] / "reference"


@dataclass
class Result:
    mutation: Mutation
    killed_by: list[str]          # case ids whose verdict changed
    error: str | None = None      # why it was not judged: its text is no longer in the file, or
    label: str = "NOT APPLIED"    # ("ERROR") the run that was to judge it went wrong


@contextmanager
def mutated_reference(mutation: Mutation):
    """The `reference` package imported from a copy with one textual change."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "reference"
        shutil.copytree(REFERENCE, copy, ignore=shutil.ignore_patterns("__pycache__"))
        target = copy / mutation.file
        text = target.read_text()
        if text.count(mutation.old) != 1:
            raise LookupError(f"{mutation.file}: the text to mutate occurs "
                              f"{text.count(mutation.old)} times, expected once")
        target.write_text(text.replace(mutation.old, mutation.new))
        saved = {k: v for k, v in sys.modules.items() if k == "reference" or k.startswith("reference.")}
        for key in saved:
            del sys.modules[key]
        sys.path.insert(0, tmp)
        try:
            importlib.invalidate_caches()
            yield importlib.import_module("reference")
        finally:
            sys.path.remove(tmp)
            for key in [k for k in sys.modules if k == "reference" or k.startswith("reference.")]:
                del sys.modules[key]
            sys.modules.update(saved)


def baseline(cases, target: str, session):
    """(case, tensors, tf outcome, verdict status) for every case that applies to the target."""
    rows = []
    for result in session.run_all(cases, [target]):
        if result.tf is not None:
            rows.append((result.case, tensors_of(result.case), result.tf, result.status))
    return rows


def concerns(mutation: Mutation, case) -> bool:
    """Whether the mutation concerns the case's op (or a layer's): its record lists it."""
    return any(mutation.name in OPS[op].mutations for op in [case.op, *(layer.op for layer in case.layers)]
               if op in OPS)


def run(rows, target: str, tf_version: str | None, mutations=MUTATIONS) -> list[Result]:
    """Each mutant against the cases of the ops it concerns (the op records say which): a mutant
    must be noticed where it matters, not by some unrelated case."""
    results = []
    for mutation in mutations:
        try:
            with mutated_reference(mutation):
                killed = []
                for case, tensors, tf, status in rows:
                    if not concerns(mutation, case):
                        continue
                    try:
                        run = reference_outcome(case, tensors)
                        verdict = judge(case, target, run.outcome, run.scale, tf, tf_version).status
                    except Exception:            # a mutant that crashes on a case is caught too
                        verdict = "crash"
                    if verdict != status:
                        killed.append(case.id)
                results.append(Result(mutation, killed))
        except LookupError as exc:
            results.append(Result(mutation, [], str(exc)))
    return results


def summary(results: list[Result], noun: str = "case", nobody: str = "no shipped case notices",
            score: str = "mutation score") -> tuple[str, int]:
    """One line per mutant (killed by which {noun}s, survived, no longer applicable, or an error
    of the run that was to judge it: not a kill) and the score; with the number killed."""
    lines, killed = [], 0
    width = max(len(r.mutation.name) for r in results)
    for r in results:
        if r.error:
            state = f"{r.label}: {r.error}"
        elif r.killed_by:
            killed += 1
            state = f"killed by {len(r.killed_by)} {noun}(s), e.g. {r.killed_by[0]}"
        else:
            state = f"SURVIVED: {nobody} ({r.mutation.why})"
        lines.append(f"{r.mutation.name:<{width}}  {state}")
    lines.append(f"{score}: {killed}/{len(results)} killed")
    return "\n".join(lines), killed
