"""Sweep throughput: configurations (and TensorFlow calls) per second for one op, without shrinking.

    python bench/bench_sweep.py [--op conv2d] [--n 300] [--seed 0] [--targets LIST] [--shrink]

The TF workers are started (TensorFlow imported, one process per target) before the clock starts,
so the number is the steady rate a long sweep sees; worker restarts after crashes and timeouts
are part of it. With --shrink it also shrinks the classes found and times that.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness.args import parse_targets  # noqa: E402
from harness.targets import defaults  # noqa: E402
from harness.sweep import OPS, Sweep, config_id, generate, name_classes, to_case  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--op", default="conv2d", choices=OPS)
    p.add_argument("--n", type=int, default=300)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--targets", type=parse_targets, default=list(defaults()))
    p.add_argument("--shrink", action="store_true", help="also shrink the classes found")
    args = p.parse_args()

    sweep = Sweep(args.op, args.seed, args.targets)
    try:
        start = time.perf_counter()
        warm = to_case(args.op, generate(args.op, args.seed, -1), config_id(args.op, args.seed, -1))
        sweep.run_cases([warm])
        startup = time.perf_counter() - start
        sweep.tf_calls = 0
        sweep.sweep(range(args.n))
        calls = sweep.tf_calls
        print(f"op {args.op}, {args.n} configurations x {len(args.targets)} targets, "
              f"TF {sweep.session.tf_version}, {os.cpu_count()} CPUs")
        print(f"worker start-up          {startup:8.1f} s")
        print(f"sweep                    {sweep.seconds:8.1f} s")
        print(f"configurations/s         {args.n / sweep.seconds:8.1f}")
        print(f"TF calls/s               {calls / sweep.seconds:8.1f}")
        print(f"deviating configurations {sweep.deviating:8d}   classes before shrinking {len(sweep.groups)}")
        print(f"2,000 configurations in  {2000 / (args.n / sweep.seconds) / 60:8.1f} min (sweep only)")
        if args.shrink:
            start, before = time.perf_counter(), sweep.tf_calls
            found = sweep.shrink_all()
            name_classes(found)
            took = time.perf_counter() - start
            print(f"shrink                   {took:8.1f} s for {len(found)} classes, "
                  f"{sweep.tf_calls - before} TF calls")
    finally:
        sweep.session.close()


if __name__ == "__main__":
    main()
