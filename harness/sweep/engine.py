"""The sweep itself: configurations in chunks through the reference and every target (bounded
memory, crash quarantine), deviating ones grouped into classes, each class shrunk, repro files
rerun before they are kept."""
from __future__ import annotations

import time
import zlib
from dataclasses import replace

from harness.model import Case, Result
from harness.targets import defaults
from harness.sweep.shrink import Knob, shrink
from harness.sweep.build import case_key, features, size, to_case
from harness.sweep.classify import (
    Deviation,
    Found,
    Group,
    same_deviation,
    canon,
    coarse,
    deviations,
    merge_classes,
    ref_gist,
)
from harness.sweep.space import OPS, SPACES, config_id, generate

QUARANTINE = 3                 # crashes in a row of one structure on one target before it is skipped


class Sweep:
    """Runs configurations (in chunks: memory stays bounded), groups deviations, shrinks each
    class and writes its repro file."""

    def __init__(self, op: str, seed: int = 0, targets=None, timeout: float = 20.0,
                 session=None, chunk: int = 32, progress=None, log=None):
        from harness.run.session import Session
        if op not in SPACES:
            raise ValueError(f"no sweep generator for op {op!r} (known: {', '.join(OPS)})")
        self.op, self.seed, self.targets, self.timeout = op, seed, list(targets or defaults()), timeout
        self.session = session or Session(timeout=timeout)
        self.chunk = chunk
        self.progress = progress or (lambda total, unit, desc: _NoBar())
        self.log = log or (lambda text: None)
        self.groups: dict[tuple, Group] = {}
        self.configs = self.deviating = self.tf_calls = 0
        self.seconds = 0.0
        self.harness_errors: list[str] = []
        self.crashes: dict[tuple, list] = {}     # (target, signature) -> [crashed, ran]
        self.skipped = 0

    # -- crash quarantine ----------------------------------------------------------------
    def _signature(self, cfg: dict) -> tuple:
        """The configuration's structure: its edge cases (empty tensors, windows larger than the
        input, mismatched channels or output_shape, ...)."""
        return tuple(f for f in features(self.op, cfg) if coarse(f))

    def _quarantine(self, case: Case, signature: tuple) -> Case:
        """The case, minus the targets on which every one of at least QUARANTINE configurations
        of this structure crashed: each crash costs a worker restart (seconds), and the class is
        known already. Skipped runs are counted in the summary."""
        counts = {t: self.crashes.get((t, signature), [0, 0]) for t in self.targets}
        skip = [t for t, (crashed, ran) in counts.items() if crashed >= QUARANTINE and crashed == ran]
        if not skip:
            return case
        self.skipped += len(skip)
        return replace(case, targets=tuple(t for t in self.targets if t not in skip))

    # -- one batch of cases on every target ------------------------------------------------
    def run_cases(self, cases: list[Case], targets=None) -> dict[str, dict[str, Result]]:
        """{case id: {target: Result}}."""
        targets = list(targets or self.targets)
        ran = self.session.run_all(cases, targets)
        self.tf_calls += len(ran)
        out: dict[str, dict[str, Result]] = {c.id: {} for c in cases}
        for result in ran:
            out[result.case.id][result.target] = result
        return out

    def sweep(self, indices, records=None) -> None:
        """Run configurations `indices`; `records(case, results)` gets every deviating one."""
        indices = list(indices)
        start = time.perf_counter()
        with self.progress(len(indices), "config", f"sweep {self.op}") as bar:
            for at in range(0, len(indices), self.chunk):
                batch = indices[at:at + self.chunk]
                configs = {config_id(self.op, self.seed, i): generate(self.op, self.seed, i) for i in batch}
                sigs = {cid: self._signature(cfg) for cid, cfg in configs.items()}
                cases = [self._quarantine(to_case(self.op, cfg, cid), sigs[cid]) for cid, cfg in configs.items()]
                results = self.run_cases(cases)
                for case in cases:
                    cid = case.name
                    for target, result in results[case.id].items():
                        seen = self.crashes.setdefault((target, sigs[cid]), [0, 0])
                        seen[0] += result.tf is not None and result.tf.kind == "crash"
                        seen[1] += 1
                    devs = deviations(case, results[case.id])
                    if not devs:
                        continue
                    self.deviating += 1
                    ref = next(iter(results[case.id].values())).reference
                    feats = features(self.op, configs[cid], ref)
                    how_big = size(self.op, configs[cid])
                    for dev in devs:
                        if dev.kind == "harness-error":
                            self.harness_errors.append(f"{cid}: {dev.behaviour}")
                            continue
                        split = tuple(f for f in feats if coarse(f)) + \
                            ((case.dtype,) if dev.kind == "value" else ())
                        self.groups.setdefault((dev, split), Group(dev, split)).offer(how_big, cid, configs[cid])
                    if records:
                        records(case, configs[cid], results[case.id])
                self.configs += len(batch)
                bar.update(len(batch))
        self.seconds += time.perf_counter() - start

    # -- shrinking -----------------------------------------------------------------------
    def oracle(self, dev: Deviation, budget: dict, seconds: float = 30.0, start: dict | None = None):
        """still_fails(config) for shrinking class `dev`: the reference says the same thing (cheap,
        no TensorFlow) and then every target of the class deviates the same way. Configurations
        that build the same case (a knob the op ignores at this rank) are asked once."""
        from harness.run.execute import reference_outcome, tensors_of
        deadline = time.monotonic() + seconds     # a crash costs a worker restart: bound the time
        seen = {case_key(to_case(self.op, start, "start")): True} if start else {}

        def ask(case: Case) -> bool:
            try:
                ref = reference_outcome(case, tensors_of(case)).outcome
            except Exception:           # a reference bug: not this class
                return False
            if ref_gist(ref) != dev.reference:
                return False
            budget["tf"] -= 1
            results = self.run_cases([case], dev.targets)[case.id]
            return any(same_deviation(d, dev) and set(dev.targets) <= set(d.targets) for d in deviations(case, results))

        def still_fails(cfg: dict) -> bool:
            case = to_case(self.op, cfg, f"shrink-{zlib.crc32(repr(sorted(cfg.items())).encode()):08x}")
            key = case_key(case)
            if key not in seen:
                if budget["tf"] <= 0 or time.monotonic() > deadline:
                    return False
                seen[key] = ask(case)
            return seen[key]
        return still_fails

    def shrink_all(self, max_tf: int = 150, max_checks: int = 3000, seconds: float = 30.0) -> list[Found]:
        """Shrink every class (most frequent first); a class whose example has every feature of an
        already shrunk class with the same deviation is counted there instead."""
        found: list[Found] = []
        groups = sorted(self.groups.values(), key=lambda g: (-g.count, g.best[1]))
        with self.progress(len(groups), "class", f"shrink {self.op}") as bar:
            for group in groups:
                bar.update(1)
                dev, (_, cid, cfg) = group.deviation, group.best
                feats = canon(features(self.op, cfg)) | {"output-zero"}
                home = next((f for f in found if same_deviation(f.deviation, dev) and
                             dev.targets == f.deviation.targets and canon(f.features) <= feats), None)
                if home:
                    home.count += group.count
                    continue
                space = SPACES[self.op]
                if dev.kind == "value":     # unit values could match stale memory by chance
                    space = tuple(Knob(k.name, ("random",)) if k.name == "values" else k for k in space)
                    cfg = {**cfg, "values": "random"}
                budget, started = {"tf": max_tf}, time.perf_counter()
                slow = dev.kind in ("crash", "timeout")     # every check restarts a worker
                result = shrink(space, cfg, self.oracle(dev, budget, seconds * (3 if slow else 1),
                                                           cfg if dev.kind != "value" else None), max_checks)
                small = result.config
                case = to_case(self.op, small, f"minimal-{zlib.crc32(repr(sorted(small.items())).encode()):08x}")
                outcomes = self.run_cases([case])[case.id]
                others = [d for d in deviations(case, outcomes) if d.kind != "harness-error"]
                mine = next((d for d in others if same_deviation(d, dev) and set(dev.targets) <= set(d.targets)), None)
                ref = next(iter(outcomes.values())).reference
                item = Found(self.op, mine or dev, features(self.op, small, ref), small, cid, group.count,
                             result.checks, max_tf - budget["tf"], others=others, outcomes=outcomes,
                             example_config=cfg, seconds=time.perf_counter() - started)
                if mine is None:
                    item.status = "unstable"
                twin = next((f for f in found if f.key() == item.key()), None)
                if twin:
                    twin.count += group.count
                    continue
                # Another class shrunk to the same configuration: its file pins this one too.
                item.twin = next((f for f in found if f.config == item.config and not f.twin
                                  and item.status != "unstable"), None)
                found.append(item)
        return merge_classes(found)


class _NoBar:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n=1):
        pass


def verify(sweep: Sweep, found: list[Found], rounds: int = 2) -> None:
    """Rerun every new repro file as the harness will: through the loader, on every target of the
    sweep; each must be xfail where it pins a deviation and pass elsewhere, `rounds` times."""
    from harness.cases.loader import load
    for f in found:
        if f.status != "new":
            continue
        cases, problems = load([f.path.as_posix()])
        bad = list(problems) if problems or len(cases) != 1 else []
        for _ in range(rounds if not bad else 0):
            pinned = {t for d in f.others for t in d.targets}
            for target, result in sweep.run_cases(cases)[cases[0].id].items():
                want = "xfail" if target in pinned else "pass"
                if result.status != want:
                    bad.append(f"{target}: {result.status} ({result.verdict.kind}), expected {want}")
        if bad:
            f.status = "not-reproduced"
            f.path.unlink()
            sweep.log(f"{f.path}: not reproduced on rerun, not written: {'; '.join(bad[:3])}")
    for f in found:
        if f.twin:
            f.path, f.status = f.twin.path, f"in #{found.index(f.twin) + 1}'s file"


