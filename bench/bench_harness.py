"""The harness against TensorFlow's own time: a cold run (no outcome cache) over a plain loop of
the same TensorFlow calls, and a warm rerun (every outcome cached), side by side in one run.

    python bench/bench_harness.py [PATH...] [--targets LIST]     (default: cases/ops cases/blogs cases/errors)

The plain loop is the floor: per variant one process, started with the variant's settings, imports
TensorFlow and makes every request of the cases in turn (each case on every mode) with the worker's
own call code, with no reference, no judging, no pipes, no records; the variants' processes run at
once, as the harness's workers do (one per variant, serving its modes). Cases with a `known` crash
or timeout are left out of all three timings: a crash would end the plain loop. The cold and warm runs are `Session.run_all` with the
results recorded as `tfconform run` records them (tensors included), without the HTML report.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from harness.args import parse_targets                      # noqa: E402
from harness.cases.loader import load                       # noqa: E402
from harness.model import REFERENCE                         # noqa: E402
from harness.output.recorder import Recorder                # noqa: E402
from harness.output.results import NAME                     # noqa: E402
from harness.run.cache import OutcomeCache                  # noqa: E402
from harness.run.execute import tf_request                  # noqa: E402
from harness.run.pool import worker_env                     # noqa: E402
from harness.run.session import Session, installed_tf_version   # noqa: E402
from harness.run.wire import frame                          # noqa: E402
from harness.targets import Target, defaults, process       # noqa: E402

LOOP = """
import sys, time
import tensorflow as tf
from harness.run.wire import read_message
from harness.run.worker import run
with open(sys.argv[1], "rb") as f:
    while True:
        try:
            header, arrays = read_message(f)
        except EOFError:
            break
        run(tf, header, arrays)
"""


def plain_loop(cases, targets, folder: Path) -> float:
    """Seconds for every variant's process to import TensorFlow and make its calls, all at once."""
    reference = Session()
    files = {}
    for target in targets:
        files.setdefault(process(target), (target, folder / f"{process(target)}.requests"))
    handles = {name: open(path, "wb") for name, (_, path) in files.items()}
    for case in cases:                  # as the harness asks: case by case, each on every mode
        for target in targets:
            if case.applies_to(target):
                run = reference.reference(case)
                ref = run.outcome if run.outcome.kind == "value" else None
                handles[process(target)].write(
                    frame(*tf_request(case, run.tensors, Target.of(target).mode, ref, run.upstream)))
        reference.forget(case)
    for handle in handles.values():
        handle.close()
    start = time.perf_counter()
    procs = {name: subprocess.Popen([sys.executable, "-c", LOOP, str(path)], env=worker_env(target), cwd=ROOT,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
             for name, (target, path) in files.items()}
    for name, proc in procs.items():
        _, err = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"the plain loop of {name} failed ({proc.returncode}): {err.decode()[-800:]}")
    return time.perf_counter() - start


def harness_run(cases, targets, cache, folder: Path) -> tuple[float, int]:
    """Seconds for a run as `tfconform run --no-report` makes it; and its number of results."""
    start = time.perf_counter()
    session = Session(cache=cache)
    recorder = Recorder(folder)
    try:
        session.run_all(cases, targets, recorder.add)
    finally:
        session.close()
    recorder.write(folder / NAME)
    return time.perf_counter() - start, len(recorder.records)


def steady_cases(paths, targets) -> tuple[list, list[str]]:
    """The cases of `paths` a timing can use (none skipped, none with a known crash or hang: a
    crash ends a plain loop and restarts a worker, seconds of noise) and the TensorFlow targets."""
    cases, problems = load(paths)
    if problems:
        raise SystemExit("\n".join(problems))
    cases = [c for c in cases if not c.skip and not any(k.kind in ("crash", "timeout") for k in c.known)]
    return cases, [t for t in targets if t != REFERENCE]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("paths", nargs="*", default=["cases/ops", "cases/blogs", "cases/errors"])
    p.add_argument("--targets", type=parse_targets, default=list(defaults()))
    args = p.parse_args()
    cases, targets = steady_cases(args.paths, args.targets)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        floor = plain_loop(cases, targets, tmp)
        cold, n = harness_run(cases, targets, None, tmp / "cold")
        cache = OutcomeCache(tmp / "cache")
        harness_run(cases, targets, cache, tmp / "fill")
        warm, _ = harness_run(cases, targets, OutcomeCache(tmp / "cache"), tmp / "warm")
    print(f"{len(cases)} cases x {len(targets)} targets ({n} results with the reference's), "
          f"TF {installed_tf_version()}, {os.cpu_count()} CPUs")
    print(f"plain loop of the TF calls   {floor:7.1f} s")
    print(f"harness, cold (no cache)     {cold:7.1f} s   {cold / floor:5.2f} x the plain loop")
    print(f"harness, warm (all cached)   {warm:7.1f} s   {warm / floor:5.2f} x the plain loop")


if __name__ == "__main__":
    main()
