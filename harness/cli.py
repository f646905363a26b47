"""The `tfconform` command (also `python -m harness`): run, check, report.

Exit status: 0 nothing unexpected happened; 1 a case failed or xpassed; 2 unusable case files or
arguments (one `path:line: what` line per problem, never a traceback).
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from harness.args import keyword_filter, parse_size, parse_targets
from harness.cases.shard import parse_shard, selects
from harness.model import REFERENCE
from harness.targets import defaults

BAD_STATUSES = ("fail", "xpass")


def make_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tfconform", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run cases through the reference and TensorFlow")
    run.add_argument("paths", nargs="*", default=["cases"], help="case files or folders (default: cases)")
    run.add_argument("-o", "--output", default="reports", help="where results.jsonl.gz and the report go")
    run.add_argument("--targets", type=parse_targets, default=list(defaults()),
                     help="comma-separated target patterns, e.g. eager,*/onednn")
    run.add_argument("-k", dest="keyword", help="only cases whose id or op matches, e.g. 'conv2d and not transpose'")
    run.add_argument("-j", "--jobs", type=int, default=1, help="TensorFlow workers per variant (its modes share them)")
    from harness.run.ray_engine import add_arguments as engine_arguments
    engine_arguments(run)
    run.add_argument("--timeout", type=float, default=60.0, help="seconds a TF call may take (default 60)")
    run.add_argument("--memory-budget", type=parse_size, default=1 << 30,
                     help="refuse cases whose tensors need more (default 1GiB)")
    run.add_argument("--no-report", action="store_true", help="write results.jsonl.gz only")
    run.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    run.add_argument("--shard", type=parse_shard, default=None,
                     help="I/N: only the cases of shard I of N (split by case id)")
    run.add_argument("--no-cache", action="store_true",
                     help="ask TensorFlow everything again, neither reading nor writing the outcome cache, "
                          "and take nothing from the output folder's last complete run")
    run.add_argument("--fresh", action="store_true",
                     help="do everything again: take nothing from the output folder, not even the "
                          "results of an interrupted run")

    cache = sub.add_parser("cache", help="the outcome cache: where it is, how big, clear it")
    cache.add_argument("action", choices=("info", "clear"))

    from harness.sweep import add_arguments as sweep_arguments
    sweep_arguments(sub.add_parser("sweep", help="generate configurations of an op, find and shrink deviations"))

    mutate = sub.add_parser("mutate", help="mutation proof: break the reference (or, with --judge, "
                                           "the verdict code) on purpose, one way at a time, and "
                                           "show that some case (or judge test) notices")
    mutate.add_argument("--judge", action="store_true",
                        help="mutate the comparison and verdict code and run the judge tests instead")
    mutate.add_argument("-j", "--jobs", type=int, default=2, help="mutants tested at once (--judge)")
    mutate.add_argument("paths", nargs="*", default=["cases"])
    mutate.add_argument("--target", type=parse_targets, default=["eager/eigen"],
                        help="the one target TF runs on (default eager/eigen)")
    mutate.add_argument("--timeout", type=float, default=60.0)
    mutate.add_argument("--memory-budget", type=parse_size, default=1 << 30)

    pin = sub.add_parser("pin", help="record what TensorFlow does into the signatures of known entries")
    pin.add_argument("paths", nargs="+", help="case files or folders whose known entries to pin")
    pin.add_argument("--targets", type=parse_targets, default=list(defaults()),
                     help="only entries whose targets all lie in these patterns (default: all)")
    pin.add_argument("--repeat", type=int, default=3,
                     help="calls per wrong-valued result, the later ones with memory poisoned another "
                          "way, to tell uninitialised memory (default 3)")
    pin.add_argument("--add", action="store_true",
                     help="also add entries (with a generated reason to review) for failures no entry covers")
    pin.add_argument("--timeout", type=float, default=60.0)
    pin.add_argument("--memory-budget", type=parse_size, default=1 << 30)

    matrix = sub.add_parser("matrix", help="run cases on several TF versions; write each known entry's tf: range "
                                           "from what was seen")
    matrix.add_argument("paths", nargs="+", help="case files or folders whose known entries to range")
    matrix.add_argument("--tf", required=True, help="comma-separated TF versions, e.g. 2.19.0,2.20.0,2.21.0")
    matrix.add_argument("--targets", type=parse_targets, default=list(defaults()),
                        help="target patterns, without versions (default: the default targets)")
    matrix.add_argument("--add", action="store_true", help="also add entries for failures no entry covers")
    matrix.add_argument("--repeat", type=int, default=3)
    matrix.add_argument("--timeout", type=float, default=60.0)
    matrix.add_argument("--memory-budget", type=parse_size, default=1 << 30)

    env = sub.add_parser("env", help="TensorFlow versions as environments: add, list, remove")
    env.add_argument("action", choices=("add", "list", "remove"))
    env.add_argument("versions", nargs="*", help="TensorFlow versions, e.g. 2.20.0")

    from harness.output.bugreport import add_arguments as bugreport_arguments
    bugreport_arguments(sub.add_parser("bugreport", help="write repro.py and issue.md for one deviating case: "
                                                         "a report TensorFlow or oneDNN developers can act on"))

    sub.add_parser("targets", help="list the variants (built in and configured) and the TF versions installed")

    check = sub.add_parser("check", help="validate case files only")
    check.add_argument("paths", nargs="*", default=["cases"])
    check.add_argument("--memory-budget", type=parse_size, default=1 << 30)

    report = sub.add_parser("report", help="render HTML from stored results (merges shards)")
    report.add_argument("results", nargs="+", help="results files (results.jsonl.gz, or plain .jsonl)")
    report.add_argument("-o", "--output", default="reports")
    report.add_argument("--screenshots", action="store_true",
                        help="also save DIR/screenshots/*.png with headless Chromium")
    return p


def _load(paths, budget):
    from harness.cases.loader import load
    cases, problems = load(list(paths), memory_budget=budget)
    for problem in problems:
        print(problem, file=sys.stderr)
    return cases, problems


def cmd_check(args) -> int:
    from harness.cases.entries import unsigned
    cases, problems = _load(args.paths, args.memory_budget)
    if problems:
        print(f"{len(problems)} problem(s) in case files", file=sys.stderr)
        return 2
    warnings = unsigned(cases)
    for warning in warnings:
        print(warning, file=sys.stderr)
    print(f"{len(cases)} case(s) OK" + (f"; {len(warnings)} known entr{'y' if len(warnings) == 1 else 'ies'} "
                                         f"without a signature" if warnings else ""))
    return 0


def _progress(total: int, quiet: bool):
    from harness.output.progress import Progress
    return Progress(total, "run", quiet=quiet)


def cmd_run(args) -> int:
    from harness.output import results
    from harness.output.recorder import Recorder, clear, render_folder
    from harness.run.session import Session

    from harness.run import reuse
    from harness.run.cache import OutcomeCache
    from harness.run.ray_engine import make_engine
    out = Path(args.output)
    prior = reuse.Prior({}, set(), set()) if args.fresh else reuse.prior_records(out, complete=not args.no_cache)
    cache = None if args.no_cache else OutcomeCache()
    session = Session(timeout=args.timeout, jobs=args.jobs, cache=cache, engine=make_engine(args.engine, args.address))
    try:
        # What the last run had to ask every time (values that change, timeouts) is asked again:
        # its workers start importing TensorFlow while the cases load.
        if prior.again & set(args.targets):
            session.prestart(sorted(prior.again & set(args.targets)))
        cases, problems = _load(args.paths, args.memory_budget)
    except BaseException:
        session.close()
        raise
    if problems:
        session.close()
        return 2
    keep = keyword_filter(args.keyword)
    cases = [c for c in cases if keep(f"{c.id} {c.op}")]
    cases = [c for c in cases if selects(args.shard, c.id)]
    total = sum(c.applies_to(t) for c in cases for t in [REFERENCE, *args.targets])
    if not total and args.shard:       # a CI matrix may have more shards than cases
        print(f"shard {args.shard[0]}/{args.shard[1]}: no case", file=sys.stderr)
    elif not total:
        session.close()
        print("no case matches", file=sys.stderr)
        return 2
    taken, skip = _reusable(session, cases, args, out, prior)
    clear(out, tensors=False)   # tensor files are named after their content: unchanged ones are kept
    recorder = Recorder(out, journal=True)    # the tensors the report draws go next to the results
    with _progress(total, args.quiet) as bar:
        def report(rec: dict) -> None:
            bad = rec["status"] in BAD_STATUSES
            if bad:
                bar.write(f"{rec['status'].upper()} {rec['id']} @ {rec['target']}: {rec['kind']}: "
                          f"{(rec.get('message') or '')[:200]}")
            bar.update(1, failed=int(bad))

        def on_result(result):
            report(recorder.add(result, session.result_key(result.case, result.target)))
        for rec in taken:
            report(recorder.reuse(rec))
        try:
            session.run_all(cases, args.targets, on_result, skip=skip)
        finally:
            session.close()
            if cache is not None:
                cache.trim()
    if cache is not None and not args.quiet:
        print(f"outcome cache: {cache.hits} reused, {cache.misses} asked of TensorFlow "
              f"({cache.folder}; --no-cache to ask everything again)", file=sys.stderr)
    recorder.write(out / results.NAME)
    recorder.prune()
    if not args.no_report:     # from the file, as `tfconform report` would: the same report
        render_folder(out, [out / results.NAME])
    return _summarise(recorder.records, out, args.no_report)


def _reusable(session, cases, args, out: Path, found) -> tuple[list[dict], frozenset]:
    """The records of the output folder this run takes instead of running again
    (harness.run.reuse; `found` what reuse.prior_records found there), and the (case id, target)
    pairs they stand for."""
    from harness.output import results
    from harness.run import reuse
    prior, journaled = found.found, found.journaled
    if not prior:
        return [], frozenset()
    taken = []
    for case in cases:
        for target in [REFERENCE, *args.targets]:
            if case.applies_to(target):
                rec = prior.get(session.result_key(case, target))
                if rec is not None and reuse.tensors_present(rec, out):    # (the key holds the id)
                    taken.append(rec)
    resumed = sum(r["key"] in journaled for r in taken)
    if journaled:
        print(f"resuming an interrupted run: {resumed} of its {len(journaled)} results taken "
              f"(--fresh to start over)", file=sys.stderr)
    if len(taken) > resumed and not args.quiet:
        print(f"{len(taken) - resumed} results taken unchanged from {out / results.NAME} "
              f"(--fresh to do them again)", file=sys.stderr)
    return taken, frozenset((r["id"], r["target"]) for r in taken)


def _summarise(records, out: Path, no_report: bool) -> int:
    from harness.output import results
    counts = Counter(r["status"] for r in records)
    print(" ".join(f"{counts[s]} {s}" for s in ("pass", "fail", "xfail", "xpass", "skip") if counts[s]))
    print(f"results: {out / results.NAME}" + ("" if no_report else f"   report: {out / 'index.html'}"))
    return 1 if any(counts[s] for s in BAD_STATUSES) else 0


def cmd_report(args) -> int:
    from harness.output import results
    from harness.output.report import render

    if args.screenshots:            # checked first: a missing tool is not worth a rendered report
        from harness.output.browser import find_chromium
        if not find_chromium():
            print("tfconform report: --screenshots needs headless Chromium, and none was found: install "
                  "it (Debian/Ubuntu: apt-get install chromium) or set TFCONFORM_CHROMIUM to its path",
                  file=sys.stderr)
            return 2
    records, problems = results.read([Path(p) for p in args.results])
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 2
    paths = [Path(p) for p in args.results]
    index = render(records, Path(args.output), meta=results.read_meta(paths))
    print(f"report: {index} ({len(records)} results from {len(paths)} file(s))")
    if args.screenshots:
        from harness.output.browser import BrowserError, screenshots
        try:
            for shot in screenshots(index):
                print(f"screenshot: {shot}")
        except BrowserError as exc:
            print(f"tfconform report: screenshots failed: {exc}", file=sys.stderr)
            return 2
    return 0


def cmd_cache(args) -> int:
    from harness.run.cache import OutcomeCache
    cache = OutcomeCache()
    if args.action == "clear":
        n, size = cache.clear()
        print(f"removed {n} outcomes ({size / 2**20:.1f} MiB) from {cache.folder}")
    else:
        files = cache.files()
        size = sum(p.stat().st_size for p in files)
        print(f"{cache.folder}: {len(files)} outcomes, {size / 2**20:.1f} MiB of at most "
              f"{cache.max_bytes / 2**20:.0f} MiB (TFCONFORM_CACHE, TFCONFORM_CACHE_SIZE)")
    return 0


def cmd_sweep(args) -> int:
    from harness.sweep import cmd_sweep as sweep
    return sweep(args)


def cmd_mutate(args) -> int:
    if args.judge:
        from harness.proof import judge_mutations
        text, killed = judge_mutations.summary(judge_mutations.run(jobs=args.jobs))
        print(text)
        return 0 if killed == len(judge_mutations.JUDGE_MUTATIONS) else 1
    from harness.proof import mutate
    from harness.run.session import Session

    cases, problems = _load(args.paths, args.memory_budget)
    if problems:
        return 2
    target = args.target[0]
    session = Session(timeout=args.timeout)
    try:
        rows = mutate.baseline(cases, target, session)
    finally:
        session.close()
    print(f"TensorFlow ran {len(rows)} cases on {target}; running {len(mutate.MUTATIONS)} mutants of "
          "the reference against them", file=sys.stderr)
    text, killed = mutate.summary(mutate.run(rows, target, session.tf_version))
    print(text)
    return 0 if killed == len(mutate.MUTATIONS) else 1


def cmd_env(args) -> int:
    from harness.envs import cmd_env as env
    if args.action != "list" and not args.versions:
        print(f"tfconform env {args.action}: name the TensorFlow versions, e.g. 2.20.0", file=sys.stderr)
        return 2
    return env(args)


def cmd_bugreport(args) -> int:
    from harness.output.bugreport import cmd_bugreport as bugreport
    return bugreport(args)


def cmd_targets(args) -> int:
    from harness.envs import listed
    from harness.targets import MODES, variants
    print(f"modes: {', '.join(MODES)} (graph: function and xla)")
    print("variants (* run by default):")
    for v in variants().values():
        env = " ".join(f"{k}={val}" for k, val in v.env.items())
        print(f"  {'*' if v.default else ' '} {v.name:<14} {v.device:<4} {env}\n      {v.about}")
    versions = [e["tf_version"] for e in listed()]
    print("TensorFlow versions (tfconform env add): " + (", ".join(versions) if versions else "none")
          + "; without @version the TensorFlow beside the harness runs")
    return 0


def missing_environments(targets: list[str]) -> list[str]:
    """The TensorFlow versions these targets ask for that have no environment (harness.envs)."""
    from harness import envs
    from harness.targets import Target
    out = []
    for version in dict.fromkeys(Target.of(t).version for t in targets if Target.of(t).version):
        try:
            envs.python(version)
        except LookupError:
            out.append(version)
    return out


def cmd_pin(args) -> int:
    from harness.pin import cmd_pin as pin
    return pin(args)


def cmd_matrix(args) -> int:
    from harness.pin import cmd_matrix as matrix
    return matrix(args)


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    from harness.run.session import missing_tensorflow
    targets = getattr(args, "targets", None) or (args.target if getattr(args, "target", None) else [])
    needs_tf = args.command in ("run", "pin", "sweep", "matrix", "bugreport") or args.command == "mutate" and not args.judge
    if needs_tf and missing_tensorflow(targets):
        print(missing_tensorflow(targets), file=sys.stderr)
        return 2
    missing = missing_environments(targets)
    if missing:
        for version in missing:
            print(f"no environment for TensorFlow {version}: run `tfconform env add {version}`", file=sys.stderr)
        return 2
    return {"run": cmd_run, "check": cmd_check, "report": cmd_report, "pin": cmd_pin, "env": cmd_env, "matrix": cmd_matrix,
            "targets": cmd_targets, "bugreport": cmd_bugreport, "cache": cmd_cache,
            "sweep": cmd_sweep, "mutate": cmd_mutate}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
