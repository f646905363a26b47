"""The Ray engine against the local one: throughput, and what Ray adds to each call, side by side
in one run.

    python bench/bench_ray.py [PATH...] [--targets LIST] [--target T] [--calls N]   (default: cases/blogs)

Throughput: results per second of `Session.run_all` over the cases with no outcome cache (every
TensorFlow call made; starting the workers included, nothing recorded), with the local engine
(one worker process per variant, serving its modes), then Ray with 1 and with 2 workers (actors)
per variant on a local Ray instance with this machine's cores; and, as the ceiling of one driver
whatever the engine, a local run with every outcome cached (the reference, judging and the
cache's reads only).

Overhead: the requests of the cases for one target, made alternately through a harness Worker and
through a Ray actor's Worker (both started and warmed up first): the median time per call of each;
their difference is what Ray scheduling and moving arrays through its object store cost per case.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench_harness import steady_cases                      # noqa: E402
from harness.args import parse_targets                      # noqa: E402
from harness.run.cache import OutcomeCache                  # noqa: E402
from harness.run.execute import tf_request                  # noqa: E402
from harness.run.pool import Worker                         # noqa: E402
from harness.run.ray_engine import RayEngine                # noqa: E402
from harness.run.session import Session, installed_tf_version   # noqa: E402
from harness.targets import Target, defaults                # noqa: E402


def throughput(cases, targets, jobs=1, engine=None, cache=None) -> tuple[float, int]:
    """(seconds, results) of one run_all."""
    count = [0]
    start = time.perf_counter()
    session = Session(jobs=jobs, engine=engine, cache=cache)
    try:
        session.run_all(cases, targets, lambda result: count.__setitem__(0, count[0] + 1))
    finally:
        session.close()
    return time.perf_counter() - start, count[0]


def overhead(cases, target: str, calls: int, engine: RayEngine) -> tuple[list[float], list[float]]:
    """Seconds per call, direct and through the actor, the same requests alternately."""
    reference = Session()
    requests = []
    for case in cases:
        if case.applies_to(target) and not case.skip:
            run = reference.reference(case)
            ref = run.outcome if run.outcome.kind == "value" else None
            requests.append(tf_request(case, run.tensors, Target.of(target).mode, ref, run.upstream))
    direct, actor = Worker(target), engine.worker(target)
    try:
        for worker in (direct, actor):          # TensorFlow imported, each op traced once
            for header, arrays in requests:
                worker.call(header, arrays)
        times = {direct: [], actor: []}
        for i in range(calls):
            header, arrays = requests[i % len(requests)]
            for worker in ((direct, actor) if i % 2 else (actor, direct)):
                start = time.perf_counter()
                worker.call(header, arrays)
                times[worker].append(time.perf_counter() - start)
        return times[direct], times[actor]
    finally:
        direct.close()
        actor.close()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("paths", nargs="*", default=["cases/blogs"])
    p.add_argument("--targets", type=parse_targets, default=list(defaults()))
    p.add_argument("--target", default="eager/onednn", help="the target of the overhead measurement")
    p.add_argument("--calls", type=int, default=400, help="calls of each kind in the overhead measurement")
    args = p.parse_args()
    cases, targets = steady_cases(args.paths, args.targets)

    rows = []
    seconds, n = throughput(cases, targets)
    rows.append(("local engine, 1 worker per variant", seconds, n))
    start = time.perf_counter()
    engine = RayEngine(num_cpus=os.cpu_count())
    ray_start = time.perf_counter() - start
    try:
        for jobs in (1, 2):
            seconds, n = throughput(cases, targets, jobs, engine)
            rows.append((f"Ray, {jobs} worker{'s' if jobs > 1 else ''} per variant", seconds, n))
        direct, actor = overhead(cases, args.target, args.calls, engine)
    finally:
        engine.close()
    with tempfile.TemporaryDirectory() as tmp:
        throughput(cases, targets, cache=OutcomeCache(Path(tmp)))          # fills the cache
        seconds, n = throughput(cases, targets, cache=OutcomeCache(Path(tmp)))
        rows.append(("driver only: local, every outcome cached", seconds, n))

    print(f"{len(cases)} cases x {len(targets)} targets ({n} results with the reference's), TF "
          f"{installed_tf_version()}, {os.cpu_count()} CPUs; starting the local Ray instance: {ray_start:.1f} s")
    print(f"| {'run':<42} | {'seconds':>7} | {'results/s':>9} |")
    print(f"| {'-' * 42} | {'-' * 7} | {'-' * 9} |")
    for name, seconds, n in rows:
        print(f"| {name:<42} | {seconds:7.1f} | {n / seconds:9.1f} |")
    d, a = statistics.median(direct) * 1e3, statistics.median(actor) * 1e3
    print(f"\nper call on {args.target}, {len(direct)} calls each, alternated (median; mean):")
    print(f"| {'call':<30} | {'ms (median)':>11} | {'ms (mean)':>9} |")
    print(f"| {'-' * 30} | {'-' * 11} | {'-' * 9} |")
    print(f"| {'Worker.call, direct':<30} | {d:11.2f} | {statistics.fmean(direct) * 1e3:9.2f} |")
    print(f"| {'through a Ray actor':<30} | {a:11.2f} | {statistics.fmean(actor) * 1e3:9.2f} |")
    print(f"| {'overhead of Ray per call':<30} | {a - d:11.2f} | "
          f"{(statistics.fmean(actor) - statistics.fmean(direct)) * 1e3:9.2f} |")


if __name__ == "__main__":
    main()
