"""`tfconform sweep`: arguments, the run, results.jsonl / classes.json and the summary table."""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

from harness.model import Case
from harness.targets import defaults
from harness.sweep.build import to_case
from harness.sweep.classify import Found, name_classes, target_patterns
from harness.sweep.engine import QUARANTINE, Sweep, verify
from harness.sweep.repro import case_body, write_repros
from harness.sweep.space import OPS, config_id


def describe(case: Case) -> str:
    """One line: tensor shapes (and dtype), then the arguments."""
    parts = [f"{n}{json.dumps(list(t.shape)).replace(' ', '')}" for n, t in case.tensors.items()]
    parts += [f"{k}={v if isinstance(v, str) else json.dumps(v).replace(' ', '')}" for k, v in case.args.items()]
    return " ".join(parts) + ("" if case.dtype == "float32" else f" {case.dtype}")


def summary(sweep: Sweep, found: list[Found], shard_text: str = "") -> str:
    rate = sweep.configs / sweep.seconds if sweep.seconds else 0.0
    lines = [f"sweep {sweep.op}: {sweep.configs} configurations (seed {sweep.seed}{shard_text}) on "
             f"{len(sweep.targets)} target(s), TF {sweep.session.tf_version}: {sweep.seconds:.1f} s, "
             f"{rate:.1f} configurations/s; {sweep.deviating} deviate, {len(found)} class(es)"]
    if sweep.skipped:
        lines.append(f"    {sweep.skipped} run(s) skipped on targets where every one of at least {QUARANTINE} "
                     f"configurations of the same structure crashed")
    if found:
        lines.append(f"{'#':>3} {'count':>5}  {'kind':<16} {'targets':<26} features")
    for i, f in enumerate(found, 1):
        d = f.deviation
        lines.append(f"{i:>3} {f.count:>5}  {d.kind:<16} {', '.join(target_patterns(d.targets)):<26} "
                     f"{', '.join(f.features) or '-'}")
        lines.append(f"{'':>11}TF: {d.behaviour[:110]}")
        lines.append(f"{'':>11}reference: {'returns a result' if d.reference == 'value' else 'rejects: ' + d.reference}")
        where = f.path.as_posix() if f.path else "-"
        if f.example_config:
            lines.append(f"{'':>11}example {f.example}: {describe(to_case(f.op, f.example_config, f.example))}")
        lines.append(f"{'':>11}minimal: {describe(to_case(f.op, f.config, 'minimal'))} -> {where} [{f.status}]")
    for text in sweep.harness_errors[:5]:
        lines.append(f"harness/reference error: {text}")
    return "\n".join(lines)


def add_arguments(p) -> None:
    from harness.args import parse_targets
    from harness.cases.shard import parse_shard
    p.add_argument("--op", required=True, type=parse_ops, metavar="OP[,OP...]|all",
                   help=f"the tf.nn op(s) to sweep, one after the other: {', '.join(OPS)}")
    p.add_argument("--n", type=int, default=500, help="configurations to generate (default 500)")
    p.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    p.add_argument("--targets", type=parse_targets, default=list(defaults()),
                   help="comma-separated target patterns (default: all)")
    p.add_argument("-o", "--output", default="reports/sweep",
                   help="where results.jsonl (deviating configurations) and classes.json go")
    p.add_argument("--found", default="cases/found", help="where repro case files go (default cases/found)")
    p.add_argument("--shard", type=parse_shard, default=None, help="I/N: only this shard's configurations")
    p.add_argument("--timeout", type=float, default=20.0, help="seconds a TF call may take (default 20)")
    p.add_argument("--max-shrink-calls", type=int, default=150,
                   help="TensorFlow runs per class while shrinking (default 150)")
    p.add_argument("--shrink-seconds", type=float, default=20.0,
                   help="time per class while shrinking (default 20; three times that for crashes)")
    p.add_argument("--no-shrink", action="store_true", help="classify only: no shrinking, no repro files")
    p.add_argument("--overwrite", action="store_true", help="replace repro files that already exist")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    from harness.run.ray_engine import add_arguments as engine_arguments
    engine_arguments(p)


def _bars(quiet: bool):
    def bar(total, unit, desc):
        from harness.output.progress import Progress
        return Progress(total, unit, desc, quiet=quiet)
    return bar


def parse_ops(text: str) -> list[str]:
    ops = list(OPS) if text == "all" else [op.strip() for op in text.split(",") if op.strip()]
    unknown = [op for op in ops if op not in OPS]
    if unknown or not ops:
        raise argparse.ArgumentTypeError(f"unknown op {', '.join(unknown) or repr(text)} (known: {', '.join(OPS)}, all)")
    return ops


def cmd_sweep(args) -> int:
    """Each op in turn on one set of TF workers; with several ops, each writes into DIR/<op>/."""
    from harness.run.ray_engine import make_engine
    from harness.run.session import Session
    session = Session(timeout=args.timeout, engine=make_engine(args.engine, args.address))
    try:
        codes = [sweep_op(args, op, session, Path(args.output) / op if len(args.op) > 1 else Path(args.output))
                 for op in args.op]
    finally:
        session.close()
    return max(codes)


def sweep_op(args, op: str, session, out: Path) -> int:
    from harness.output import results
    from harness.cases.shard import selects
    out.mkdir(parents=True, exist_ok=True)
    sweep = Sweep(op, args.seed, args.targets, args.timeout, session=session, progress=_bars(args.quiet),
                  log=lambda text: print(text, file=sys.stderr))
    indices = [i for i in range(args.n) if selects(args.shard, config_id(op, args.seed, i))]
    shard_text = f", shard {args.shard[0]}/{args.shard[1]}" if args.shard else ""
    found: list[Found] = []
    with open(out / "results.jsonl", "w", encoding="utf-8") as stream:
        def record(case, cfg, outcomes):
            case = replace(case, text="\n".join(line[4:] for line in case_body(case)))
            for result in outcomes.values():
                rec = results.record(replace(result, case=case), sweep.session.tf_version)
                stream.write(json.dumps(rec, sort_keys=True, ensure_ascii=False) + "\n")
        sweep.sweep(indices, record)
        if not args.no_shrink:
            found = sweep.shrink_all(args.max_shrink_calls, seconds=args.shrink_seconds)
            name_classes(found)
            source = f"tfconform sweep --op {op} --n {args.n} --seed {args.seed} (TF {sweep.session.tf_version})"
            write_repros(found, Path(args.found), source, sweep.session.tf_version, args.timeout,
                         args.overwrite)
            verify(sweep, found)
    if args.no_shrink:
        found = [Found(op, g.deviation, g.coarse, g.best[2], g.best[1], g.count, status="unshrunk")
                 for g in sorted(sweep.groups.values(), key=lambda g: (-g.count, g.best[1]))]
    results.write_meta(out / "results.jsonl", results.run_meta(sweep.targets, sweep.session.tf_version))
    (out / "classes.json").write_text(json.dumps([{
        "op": f.op, "kind": f.deviation.kind, "targets": list(f.deviation.targets),
        "patterns": target_patterns(f.deviation.targets), "behaviour": f.deviation.behaviour,
        "reference": f.deviation.reference, "features": list(f.features), "count": f.count,
        "example": f.example, "config": f.config, "file": f.path.as_posix() if f.path else None,
        "status": f.status, "shrink_checks": f.checks, "shrink_tf_calls": f.tf_calls,
        "shrink_seconds": round(f.seconds, 1),
    } for f in found], indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(summary(sweep, found, shard_text))
    print(f"results: {out / 'results.jsonl'}   classes: {out / 'classes.json'}")
    return 1 if any(f.status in ("new", "not-reproduced", "unstable") for f in found) else 0
