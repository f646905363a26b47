"""What happened, without the configuration's numbers: per target a failure kind and its gist,
deviations grouping the targets that failed alike, and classes of deviations (op, deviation,
targets, features) with their names."""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from harness.model import Case, Outcome, Verdict
from harness.targets import ALL_TARGETS, base, order, target_matches
from harness.verdict.signature import clean_message


def gist(message: str | None, limit: int = 100) -> str:
    """An error message without the parts that vary with the configuration: numbers, node names,
    bracketed shapes."""
    text = clean_message(message)
    while re.search(r"\[[^\[\]]*\]", text):     # innermost brackets first: [a=[1, 2], b] is one [..]
        text = re.sub(r"\[[^\[\]]*\]", "\0", text)
    text = text.replace("\0", "[..]")
    text = re.sub(r"-?\d+", "N", text)
    return text.strip(" .:;,")[:limit]


def first_line(message: str | None, limit: int = 200) -> str:
    text = clean_message(message)
    return text if len(text) <= limit else text[:limit] + "..."


def crash_line(log: str | None) -> str:
    """The line of a crashed worker's log that says why (a CHECK failure, a fatal error)."""
    for pattern in (r"Check failed.*", r"F\d{4} .*", r"Fatal Python error.*", r"terminate called.*"):
        found = re.findall(pattern, log or "")
        if found:
            return found[-1].strip()[:240]
    return ""


def shape_relation(case: Case, ref: Outcome, tf: Outcome) -> str:
    got = next(iter(tf.outputs.values()), None) if tf.kind == "value" else None
    if got is None:
        return "nothing"
    first = next(iter(case.tensors.values()))
    if list(got.shape) == list(first.shape):
        return "the input's shape"
    if got.size == 0:
        return "an empty tensor"
    return "another shape"


def ref_gist(ref: Outcome) -> str:
    if ref.kind == "value":
        return "value"
    text = re.sub(r"^[a-z_N]+: ", "", gist(ref.error_message))     # an op name prefix: "pool: ..."
    return text.split(":")[0].split(",")[0].split(" (")[0][:60]


def behaviour(case: Case, verdict: Verdict, ref: Outcome, tf: Outcome | None) -> str:
    """What this target did wrong, without the configuration's numbers."""
    kind = verdict.kind
    if tf is None:
        return gist(verdict.message)
    if kind == "crash":
        return f"crash {tf.signal}"
    if kind == "timeout":
        return "timeout"
    if tf.kind == "error":
        return f"{tf.error_type}: {gist(tf.error_message)}"
    if kind == "missing-error":
        return "returns a result"
    if kind == "shape":
        return f"returns {shape_relation(case, ref, tf)}"
    if kind == "value":
        # Not how wrong: values read from uninitialised memory differ from run to run.
        bad = [name for name, d in verdict.details.items() if isinstance(d, dict) and d.get("mismatched")]
        return f"wrong values in {', '.join(bad) or 'output'}"
    return gist(verdict.message)


@dataclass(frozen=True)
class Deviation:
    kind: str
    behaviour: str
    reference: str              # ref_gist: 'value' or the gist of the reference's error
    targets: tuple[str, ...]


def deviations(case: Case, results: dict[str, tuple]) -> list[Deviation]:
    """results: target -> Result. Failing targets grouped by (kind, behaviour)."""
    groups: dict[tuple, list[str]] = {}
    ref_text = "value"
    for target, result in results.items():
        verdict, ref, tf = result.verdict, result.reference, result.tf
        if verdict.status not in ("fail", "xpass"):
            continue
        ref_text = ref_gist(ref) if tf is not None else "harness"
        groups.setdefault((verdict.kind, behaviour(case, verdict, ref, tf), ref_text), []).append(target)
    return [Deviation(kind, beh, r, tuple(sorted(ts, key=order)))
            for (kind, beh, r), ts in sorted(groups.items())]


def target_patterns(targets) -> list[str]:
    """The fewest patterns matching exactly these targets (`*`, `graph`, `eager`, `*/onednn`, ...),
    per TensorFlow version (`@2.20.0` after each); targets of other variants are named as they are."""
    out = []
    by_version: dict[str, set] = {}
    for t in targets:
        by_version.setdefault(t.partition("@")[2], set()).add(base(t))
    for version, wanted in sorted(by_version.items()):
        suffix = f"@{version}" if version else ""
        universe = [t for t in ALL_TARGETS]
        candidates = ["*", "graph", "eager", "function", "xla", "*/onednn", "*/eigen", "graph/onednn",
                      "graph/eigen", *universe]
        reach = {p: {t for t in universe if target_matches(p, t)} for p in candidates}
        left = set(wanted) & set(universe)
        while left:
            best = max((p for p in candidates if reach[p] <= wanted),
                       key=lambda p: (len(left & reach[p]), -candidates.index(p)))
            out.append(best + suffix)
            left -= reach[best]
        out += [t + suffix for t in sorted(set(wanted) - set(universe), key=order)]
    return out



# Features that split deviations into classes before shrinking (the rest are decided by it);
# every "empty-<tensor>" is one too.
COARSE = ("output-zero", "kernel>input", "kernel>output", "kernel-0", "channel-mismatch",
          "pointwise-mismatch", "output_shape-mismatch", "bias-mismatch", "pad>=window")


def coarse(feature: str) -> bool:
    return feature in COARSE or feature.startswith("empty-")


def _slug(text: str) -> str:
    text = text.replace(">=", "-ge-").replace(">", "-gt-").replace("*", "all")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _behaviour_word(dev: Deviation) -> str:
    b = dev.behaviour
    if dev.kind == "crash":
        return b.split()[-1]
    if dev.kind == "shape":
        return {"returns the input's shape": "input-shaped", "returns an empty tensor": "empty"}.get(b, "")
    if ":" in b:
        return b.split(":")[0].lower()
    return ""


@dataclass
class Group:
    """The deviating configurations of one class as the sweep meets them (before shrinking)."""
    deviation: Deviation
    coarse: tuple
    count: int = 0
    best: tuple | None = None        # (size, config id, config)

    def offer(self, size: tuple, cid: str, cfg: dict) -> None:
        self.count += 1
        if self.best is None or size < self.best[0]:
            self.best = (size, cid, cfg)


@dataclass
class Found:
    """One class after shrinking: its minimal configuration and what every target did with it."""
    op: str
    deviation: Deviation             # with the targets the minimal configuration shows it on
    features: tuple
    config: dict
    example: str                     # the sweep configuration it was shrunk from
    count: int
    checks: int = 0
    tf_calls: int = 0
    slug: str = ""
    path: Path | None = None
    status: str = ""                 # new | exists | unstable | not-reproduced | reference
    others: list = field(default_factory=list)    # every deviation of the minimal configuration
    outcomes: dict = field(default_factory=dict)  # target -> Result of the minimal run
    twin: Found | None = None      # the class whose repro file (the same configuration) pins this one
    example_config: dict = field(default_factory=dict)
    seconds: float = 0.0             # spent shrinking it

    def key(self) -> tuple:
        d = self.deviation
        return (self.op, d.kind, d.behaviour, d.reference, d.targets, self.features)



def canon(feats) -> set:
    """Features for merging classes: any zero-size tensor is one feature, and SAME vs VALID
    padding is not one."""
    return {"empty" if f.startswith("empty-") else f for f in feats if f not in ("valid", "same")}


def merge_classes(found: list[Found]) -> list[Found]:
    """A class is dropped into another that fails the same way on the same targets with fewer
    features (its minimal configuration needs no more than the other's), unless another class's
    repro file is its own."""
    out: list[Found] = []
    for f in sorted(found, key=lambda f: (len(canon(f.features)), -f.count)):
        home = next((g for g in out if same_deviation(g.deviation, f.deviation) and g.status != "unstable"
                     and g.deviation.targets == f.deviation.targets
                     and canon(g.features) <= canon(f.features)), None)
        if home and not any(t.twin is f for t in found):
            home.count += f.count
            continue
        out.append(f)
    order = {id(f): i for i, f in enumerate(found)}
    return sorted(out, key=lambda f: order[id(f)])


def same_deviation(a: Deviation, b: Deviation) -> bool:
    return (a.kind, a.behaviour, a.reference) == (b.kind, b.behaviour, b.reference)



SEVERITY = ("crash", "timeout", "value", "shape", "missing-error", "internal-error", "error-type",
            "error-message", "unexpected-error")


def name_classes(found: list[Found]) -> None:
    """Deterministic file names: kind, how, targets, features; a hash when two would collide."""
    twins = {id(f): [f.deviation] + [t.deviation for t in found if t.twin is f] for f in found}
    found = [f for f in found if not f.twin]
    for f in found:
        # A file that several classes shrank to is named after the gravest of them.
        d = min(twins[id(f)], key=lambda x: SEVERITY.index(x.kind) if x.kind in SEVERITY else len(SEVERITY))
        parts = [d.kind, _behaviour_word(d), "-".join(_slug(p) for p in target_patterns(d.targets))]
        f.slug = _slug("-".join(p for p in parts + list(f.features) if p))[:120].strip("-")
    seen: dict[str, list[Found]] = {}
    for f in found:
        seen.setdefault(f.slug, []).append(f)
    for slug, same in seen.items():
        if len(same) > 1:
            for f in same:
                f.slug = f"{slug}-{zlib.crc32(repr(f.key()).encode()):08x}"[:128]


