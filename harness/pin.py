"""`tfconform pin`: record what TensorFlow does into the signatures of `known` entries, as
pytest-regressions regenerates its files.

Each `known:` list of a case file (a case's own, or the file's defaults') is rewritten from what
its entries cover: every (matrix entry, target) where an entry applies on the running TF version is
run (values repeated to tell uninitialised memory), and the entry gets the observed kind and
signature. Where TensorFlow does different things on different targets or matrix entries, the
entry is split (`targets`, `when`); where TensorFlow no longer deviates, the entry loses those
targets, or goes. Reasons, links and `tf:` ranges are kept; entries for other TF versions or
targets outside --targets, or for a CPU unlike this one (`cpu:`), are left as written. A rewritten
file is loaded back before it is kept.
"""
from __future__ import annotations

import json
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

import yaml

from harness.verdict import signature
from harness.cases import yamlines
from harness.verdict.judge import applies, first_output
from harness.cases.entries import applies_to_entry
from harness.cases.loader import load
from harness.machine import cpu_flags, cpu_holds
from harness.model import Case, Known
from harness.targets import MODES, base, order, process, target_matches, variants
from harness.sweep.classify import target_patterns
from harness.cases.yamlout import known_entry


@dataclass
class Block:
    """One `known:` list as written: in a case item (index) or in the defaults (None)."""
    item: int | None
    entries: list                    # the raw entries (LDicts)
    cases: list = field(default_factory=list)   # the expanded cases that use it
    key_line: int = 0                # 1-based line of `known:`


def _raw_known(entry) -> Known:
    """The parts of a raw entry that say where it applies."""
    return Known(targets=tuple(entry.get("targets", ["*"])), reason=entry["reason"], tf=entry.get("tf"),
                 cpu=tuple(entry.get("cpu") or ()), kind=entry.get("kind"))


def _blocks(path: str, cases: list[Case]) -> tuple[list[Block], str]:
    text = Path(path).read_text(encoding="utf-8-sig")
    data, _ = yamlines.load(text)
    items = data.get("cases") or []
    defaults = data.get("defaults") or {}
    blocks = {}
    if isinstance(defaults.get("known"), list):
        blocks[None] = Block(None, defaults["known"], key_line=defaults.lines["known"])
    for i, item in enumerate(items):
        if isinstance(item.get("known"), list):
            blocks[i] = Block(i, item["known"], key_line=item.lines["known"])
    by_line = {line: i for i, line in enumerate(items.lines)}
    for case in cases:
        i = by_line[case.line]
        block = blocks.get(i, blocks.get(None) if "known" not in items[i] else None)
        if block is not None:
            block.cases.append(case)
    return [b for b in blocks.values() if b.entries], text


def _covered(block: Block, targets: list[str], version_of, any_version: bool = False):
    """{(case name, target): [entry indices that apply there]} for the entries pin may rewrite,
    and the indices of the entries it must leave as written: those that also cover targets
    outside `targets`, or no target there on its TensorFlow version."""
    cover, frozen = {}, set()
    chosen = {base(t) for t in targets}
    # Every target there is, not just the default ones: an entry that also names oneDNN-AVX2 is not
    # pin's to rewrite when only eager/onednn runs (it would lose the targets it did not run).
    universe = {f"{m}/{v}" for m in MODES for v in variants()} | chosen
    for j, entry in enumerate(block.entries):
        k = _raw_known(entry)
        bases = {t for t in universe if any(target_matches(p, t) for p in k.targets)}
        mine = [t for t in targets if base(t) in bases and cpu_holds(k.cpu, cpu_flags())
                and (any_version or applies(k, t, version_of(t)))]
        if not bases <= chosen or not mine:
            frozen.add(j)
            continue
        for case in block.cases:
            if applies_to_entry(entry.get("when"), case.matrix):
                for t in mine:
                    cover.setdefault((case.name, t), []).append(j)
    return cover, frozen


def observe(session, case: Case, target: str, repeat: int):
    """The Result when TensorFlow deviates on the target, None when it agrees."""
    result = session.run(case, target, repeat=repeat)
    result.inputs = None
    if result.verdict.kind == "harness-error":
        raise RuntimeError(f"{case.id} @ {target}: {result.verdict.message}")
    return None if result.status in ("pass", "xpass", "skip") else result


def _separating_keys(names: list, others: list, matrices: dict) -> tuple:
    """The fewest matrix keys whose values tell the matrix entries `names` from `others`."""
    keys = list(next(iter(matrices.values())).keys())
    for size in range(1, len(keys) + 1):
        for chosen in combinations(keys, size):
            inside = {json.dumps([matrices[n][k] for k in chosen]) for n in names}
            if not inside & {json.dumps([matrices[n][k] for k in chosen]) for n in others}:
                return chosen
    return tuple(keys)


def _split(pairs: set, matrices: dict, splittable: bool) -> list[tuple[tuple, dict]]:
    """Cover `pairs` of (case name, target) with (targets, when) rectangles: targets per group of
    matrix entries, `when` the fewest matrix keys that set the group apart."""
    by_case = {}
    for name, target in pairs:
        by_case.setdefault(name, set()).add(target)
    groups = {}
    for name, ts in by_case.items():
        groups.setdefault(tuple(sorted(ts, key=order)), []).append(name)
    out = []
    for ts, names in sorted(groups.items()):
        others = [n for n in matrices if n not in names]
        if not others:
            out.append((ts, {}))
            continue
        if not splittable:
            raise ValueError("a defaults entry differs between the cases that use it: move it into "
                             "the cases to pin it")
        keys = _separating_keys(names, others, matrices)
        for values in sorted({json.dumps([matrices[n][k] for k in keys]) for n in names}):
            out.append((ts, dict(zip(keys, json.loads(values)))))
    return out


def _minor(version: str) -> tuple[int, int]:
    major, minor = version.split(".")[:2]
    return int(major), int(minor)


def tf_ranges(seen: set, span: list[str]) -> list[str]:
    """PEP 440 ranges covering exactly the versions `seen` of those observed (`span`, in order):
    one per contiguous run, from its first minor to the minor after its last."""
    runs, run = [], []
    for version in span:
        if version in seen:
            run.append(version)
        elif run:
            runs, run = runs + [run], []
    runs += [run] if run else []
    out = []
    for run in runs:
        (a, b), (c, d) = _minor(run[0]), _minor(run[-1])
        out.append(f"=={a}.{b}.*" if (a, b) == (c, d) else f">={a}.{b},<{c}.{d + 1}")
    return out


def _by_versions(pairs: set, version_of, span: list[str] | None, tf: str | None) -> list[tuple]:
    """[(tf range, pairs)]: without a span, the pairs as they are under `tf`; with one (a matrix
    of TF versions), (case, target without version) pairs grouped by the versions they were seen on."""
    if span is None:
        return [(tf, pairs)]
    seen: dict[tuple, set] = {}
    for name, target in pairs:
        seen.setdefault((name, base(target)), set()).add(version_of(target))
    groups: dict[frozenset, set] = {}
    for pair, versions in seen.items():
        groups.setdefault(frozenset(versions), set()).add(pair)
    return [(spec, group) for versions, group in sorted(groups.items(), key=lambda g: sorted(g[0]))
            for spec in tf_ranges(set(versions), span)]


def rewrite_block(block: Block, cover: dict, frozen: set, results: dict, notes: list,
                  version_of=None, span: list[str] | None = None) -> list[dict]:
    """The block's new entries; what changed beyond signatures goes to `notes`. With a span of
    TensorFlow versions, each entry's `tf:` range is rewritten from what was seen on them."""
    claimed = {j: {} for j in range(len(block.entries))}
    for pair, js in cover.items():
        if results[pair] is None:
            continue
        kind = signature.failure_kind(results[pair].verdict)
        owner = next((j for j in js if block.entries[j].get("kind") == kind), js[0])
        claimed[owner][pair] = results[pair]
    out = []
    for j, entry in enumerate(block.entries):
        base = {k: yamlines.plain(v) for k, v in entry.items()}
        if j in frozen:
            out.append(base)
            continue
        mine = claimed[j]
        gone = sorted({t for (c, t), js in cover.items() if j in js and (c, t) not in mine},
                      key=order)
        if gone:
            notes.append(f"{entry.line}: the {entry.get('kind')} entry no longer holds on "
                         f"{', '.join(gone)}" + ("" if mine else ": removed"))
        matrices = {c.name: c.matrix for c in block.cases
                    if applies_to_entry(entry.get("when"), c.matrix)}
        by_obs = {}
        for pair, (kind, sig) in signature.pinned(mine, first_output(block.cases[0])).items():
            by_obs.setdefault((kind, json.dumps(sig, sort_keys=True)), set()).add(pair)
        keep = {k: v for k, v in base.items() if k in ("cpu", "reason", "link", "status")}
        for (kind, sig), observed in sorted(by_obs.items(), key=lambda item: item[0]):
            for tf, pairs in _by_versions(observed, version_of, span, base.get("tf")):
                for targets, when in _split(pairs, matrices, block.item is not None):
                    new = {"targets": target_patterns(targets), **({"tf": tf} if tf else {}), **keep,
                           "kind": kind}
                    where = {**(base.get("when") or {}), **when}
                    if where:
                        new["when"] = where
                    new.update(json.loads(sig))
                    if kind != entry.get("kind"):
                        notes.append(f"{entry.line}: kind {entry.get('kind')} -> {kind} on {', '.join(targets)}")
                    out.append(new)
    return out


def _replace_span(lines: list[str], key_line: int, new_lines: list[str]) -> None:
    """Replace the `known:` key and its value (through the last line before the next key or item,
    keeping trailing comments and blank lines) with new_lines, in place."""
    start = key_line - 1
    indent = len(lines[start]) - len(lines[start].lstrip())
    if lines[start].lstrip().startswith("-"):
        raise ValueError(f"line {key_line}: `known` opens its case; put `id` first to pin it")
    end = start + 1
    while end < len(lines):
        stripped = lines[end].strip()
        at = len(lines[end]) - len(lines[end].lstrip())
        if stripped and not stripped.startswith("#") and (at < indent or at == indent and not stripped.startswith("- ")):
            break
        end += 1
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].strip().startswith("#")):
        end -= 1
    lines[start:end] = new_lines


def _item_end(lines: list[str], items, i: int, data) -> int:
    """0-based index just past the last line of case item i (trailing comments and blanks left out)."""
    later = [n for n in data.lines.values() if n > items.lines[i]]
    end = (items.lines[i + 1] if i + 1 < len(items) else min(later, default=len(lines) + 1)) - 1
    while end > items.lines[i] and (not lines[end - 1].strip() or lines[end - 1].strip().startswith("#")):
        end -= 1
    return end


def _new_entries(failures: dict, cases: list[Case], tf_version: str | None, timeout: float,
                 version_of=None, span: list[str] | None = None) -> list[dict]:
    """Entries for failures no entry covers, with a reason in the sweep's words (review it)."""
    from harness.sweep.repro import reason_for
    by_name = {c.name: c for c in cases}
    matrices = {c.name: c.matrix for c in cases}
    out, grouped = [], {}
    for pair, (kind, sig) in signature.pinned(failures, first_output(cases[0])).items():
        grouped.setdefault((kind, json.dumps(sig, sort_keys=True)), set()).add(pair)
    for (kind, sig), observed in sorted(grouped.items(), key=lambda item: item[0]):
        example = {name: target for name, target in sorted(observed)}
        for spec, pairs in _by_versions(observed, version_of, span, None):
            for targets, when in _split(pairs, matrices, True):
                name = sorted(n for n, t in pairs if t in targets)[0]
                result = failures[name, example[name]]
                reason = reason_for(by_name[name], kind, target_patterns(targets), result, timeout)
                version = result.tf_version or tf_version or "0"
                spec = spec or "==" + ".".join(version.split(".")[:2]) + ".*"
                out.append({"targets": target_patterns(targets), "tf": spec, "kind": kind,
                            **({"when": when} if when else {}), **json.loads(sig), "reason": reason})
    return out


def observe_file(path: str, session, targets: list[str], repeat: int, budget: int, add: bool,
                 results: dict) -> None:
    """Run, into `results`, every (case, target) pin will look at in this file: every case with
    `add`, else the cases of known blocks; each variant's worker busy at once."""
    cases, problems = load([path], memory_budget=budget)
    if problems:
        return
    blocks, _ = _blocks(path, cases)
    wanted = [(c, t) for c in cases for t in targets if c.applies_to(t)] if add else \
        [(c, t) for b in blocks for c in b.cases for t in targets if c.applies_to(t)]

    # A thread per TensorFlow process (a variant's modes share one), taking its pairs in order,
    # as Session.run_all does: what a worker ran before each call is the same from run to run.
    by_process: dict[str, list] = {}
    for case, target in wanted:
        by_process.setdefault(process(target), []).append((case, target))

    def run(pairs):
        for case, target in pairs:
            if (case.name, target) not in results:
                results[case.name, target] = observe(session, case, target, repeat)
    with ThreadPoolExecutor(max(1, len(by_process))) as pool:
        list(pool.map(run, by_process.values()))


def pin_file(path: str, session, targets: list[str], repeat: int, budget: int, add: bool = False,
             span: list[str] | None = None, results: dict | None = None) -> list[str]:
    """Rewrite one file's known entries (with `add`, also write entries for failures no entry
    covers); returns what changed, as lines to print. With `span` (the TF versions the targets
    run, in order: a matrix), entries apply whatever their `tf:` says and get new ranges."""
    cases, problems = load([path], memory_budget=budget)
    if problems:
        return problems
    blocks, text = _blocks(path, cases)
    data, _ = yamlines.load(text)
    items, lines = data.get("cases") or [], lines_of(text)
    if results is None:
        results = {}
        observe_file(path, session, targets, repeat, budget, add, results)

    def result(case: Case, target: str):
        if (case.name, target) not in results:
            results[case.name, target] = observe(session, case, target, repeat)
        return results[case.name, target]

    notes, covered, edits = [], set(), {}     # edits: item index (None: defaults) -> (block, entries)
    for block in blocks:
        cover, frozen = _covered(block, targets, session.version, any_version=span is not None)
        if not cover:
            continue
        covered |= set(cover)
        by_name = {c.name: c for c in block.cases}
        for name, target in sorted(cover, key=lambda p: (p[0], order(p[1]))):
            result(by_name[name], target)
        block_notes = []
        edits[block.item] = (block, rewrite_block(block, cover, frozen, results, block_notes, session.version, span))
        notes += [f"{path}:{n}" for n in block_notes]
    if add:
        by_line = {line: i for i, line in enumerate(items.lines)}
        own = {b.item: b for b in blocks}
        for i, item in enumerate(items):      # an empty `known: []` is replaced, not added to
            if i not in own and isinstance(item.get("known"), list):
                own[i] = Block(i, item["known"], key_line=item.lines["known"])
        for i in range(len(items)):
            mine = [c for c in cases if by_line[c.line] == i]
            failures = {(c.name, t): result(c, t) for c in mine for t in targets
                        if c.applies_to(t) and (c.name, t) not in covered}
            failures = {p: r for p, r in failures.items() if r is not None}
            if not failures:
                continue
            if lines[items.lines[i] - 1].lstrip().startswith("- {"):
                notes.append(f"{path}:{items.lines[i]}: not added: the case is a flow mapping "
                             "({...}); write it in block style to add known entries")
                continue
            if i not in own and "known" in (data.get("defaults") or {}):
                notes.append(f"{path}:{items.lines[i]}: not added: this case's known entries are the "
                             "defaults'; move them into the case")
                continue
            added = _new_entries(failures, mine, session.tf_version, session.timeout, session.version, span)
            notes.append(f"{path}:{items.lines[i]}: added {len(added)} known entr"
                         f"{'y' if len(added) == 1 else 'ies'}: review the reasons")
            block = own.get(i)
            kept = edits[i][1] if i in edits else \
                [{k: yamlines.plain(v) for k, v in e.items()} for e in (block.entries if block else [])]
            edits[i] = (block, kept + added)

    def place(item):      # where an edit goes: its `known:` line, or the end of its case
        block = edits[item][0]
        return block.key_line - 1 if block is not None else _item_end(lines, items, item, data)

    for item in sorted(edits, key=place, reverse=True):
        block, entries, at = *edits[item], place(item)
        if block is not None:
            key = lines[block.key_line - 1]
            indent = " " * (len(key) - len(key.lstrip()))
        else:
            indent = " " * items[item].col
        new = [f"{indent}known:" if entries else f"{indent}known: []"]
        for entry in entries:
            new += known_entry(entry, indent + "  ")
        if block is not None:
            _replace_span(lines, block.key_line, new)
        else:
            lines[at:at] = new
    new_text = "\n".join(lines) + "\n"
    if new_text != text:
        Path(path).write_text(new_text, encoding="utf-8")
        again, problems = load([path], memory_budget=budget)
        if problems or len(again) != len(cases):
            Path(path).write_text(text, encoding="utf-8")
            import tempfile
            keep = Path(tempfile.mkdtemp(prefix="tfconform-pin-")) / Path(path).name
            keep.write_text(new_text, encoding="utf-8")
            return [f"{path}:1: not pinned: the rewritten file does not load back (it is kept in {keep})"] + \
                [f"{keep}:{problem.split(':', 2)[1]}:{problem.split(':', 2)[2]}" if problem.startswith(str(path))
                 else problem for problem in problems] + notes
        notes.append(f"{path}: written")
    return notes


def lines_of(text: str) -> list[str]:
    return text.splitlines()


def cmd_pin(args) -> int:
    from harness.run.session import Session
    from harness.cases.loader import case_files
    problems: list[str] = []
    files = case_files(list(args.paths), problems)
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        return 2
    session = Session(timeout=args.timeout)
    try:
        return _pin_files(files, session, args, args.targets)
    finally:
        session.close()


def _pin_files(files: list[str], session, args, targets: list[str], span=None, results=None) -> int:
    """pin_file on each file (with `results`, what was observed per file), printing what it says;
    1 when a file could not be pinned."""
    failed = False
    for path in files:
        try:
            seen = {"span": span, "results": results[path]} if results is not None else {}
            for line in pin_file(path, session, targets, args.repeat, args.memory_budget, args.add, **seen):
                print(line)
        except (ValueError, RuntimeError, yaml.YAMLError) as exc:
            print(f"{path}:1: not pinned: {exc}", file=sys.stderr)
            failed = True
    return 1 if failed else 0


def cmd_matrix(args) -> int:
    """Run the cases on several TensorFlow versions and write each known entry's `tf:` range from
    the versions it was seen on with the same signature (splitting it where they differ)."""
    from packaging.version import Version

    from harness.envs import python
    from harness.run.session import Session, installed_tf_version
    from harness.cases.loader import case_files
    versions = sorted(dict.fromkeys(v.strip() for v in args.tf.split(",") if v.strip()), key=Version)
    installed = installed_tf_version()
    missing = []
    for version in versions:
        if version != installed:
            try:
                python(version)
            except LookupError:
                missing.append(version)
    problems: list[str] = [f"no environment for TensorFlow {v}: run `tfconform env add {v}`" for v in missing]
    files = case_files(list(args.paths), problems)
    if problems or len(versions) < 1:
        for p in problems or ["name the TensorFlow versions: --tf 2.19.0,2.20.0,2.21.0"]:
            print(p, file=sys.stderr)
        return 2
    by_version = {v: [t + ("" if v == installed else f"@{v}") for t in args.targets] for v in versions}
    session = Session(timeout=args.timeout)
    results: dict[str, dict] = {path: {} for path in files}
    try:
        for version, targets in by_version.items():      # one version's workers at a time
            print(f"TensorFlow {version}: running {len(files)} file(s) on {len(targets)} target(s)", file=sys.stderr)
            for path in files:
                observe_file(path, session, targets, args.repeat, args.memory_budget, args.add, results[path])
            session.retire(targets)
        everything = [t for targets in by_version.values() for t in targets]
        return _pin_files(files, session, args, everything, span=versions, results=results)
    finally:
        session.close()
