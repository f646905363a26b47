"""The data the harness passes around: cases as loaded, outcomes as observed, verdicts as judged.

Everything here is plain data (frozen dataclasses, numpy arrays); no TensorFlow, no I/O.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

# Targets are "mode/variant": eager, tf.function, and tf.function(jit_compile=True) (XLA).
MODES = ("eager", "function", "xla")
VARIANTS = ("onednn", "eigen")
ALL_TARGETS = tuple(f"{m}/{v}" for m in MODES for v in VARIANTS)


# `graph` names both traced modes: what static shape inference decides happens in both.
MODE_ALIASES = {"*": MODES, "graph": ("function", "xla")}


def target_matches(pattern: str, target: str) -> bool:
    """`eager` and `eager/*` match every eager target, `*/onednn` every oneDNN one, `graph`
    the function and xla targets, `*` all."""
    mode, _, variant = pattern.partition("/")
    t_mode, _, t_variant = target.partition("/")
    return t_mode in MODE_ALIASES.get(mode, (mode,)) and variant in ("", "*", t_variant)


def is_target_pattern(text: str) -> bool:
    if not isinstance(text, str):
        return False
    mode, sep, variant = text.partition("/")
    return (mode in MODES or mode in MODE_ALIASES) and (not sep or variant in VARIANTS + ("*",))


@dataclass(frozen=True)
class TensorSpec:
    """How to make one tensor argument; materialised by harness.tensors.make_tensor."""
    shape: tuple[int, ...]
    kind: str                 # values | fill | range | random | npy
    data: Any                 # the literal list, the fill number, {start, step}, {dist, seed, ...}, npy path
    dtype: str
    line: int = 0


@dataclass(frozen=True)
class Known:
    targets: tuple[str, ...]   # patterns
    reason: str
    tf: str | None = None      # PEP 440 specifier of TF versions it applies to, e.g. "<2.22"
    kind: str | None = None    # only failures of this kind are expected (default: any)
    link: str | None = None


@dataclass(frozen=True)
class Layer:
    """One step of an `op: chain` case; `feed` names the argument the previous output fills."""
    op: str
    args: dict
    tensors: dict              # argument name -> TensorSpec
    feed: str | None = None


@dataclass(frozen=True)
class Case:
    id: str                    # "<path>::<name>"  (stable, unique across the run)
    path: str                  # the case file, posix, as given on the command line
    line: int                  # line of the case entry in that file
    name: str                  # "<case id>" plus "[k=v,...]" for matrix entries
    op: str
    args: dict                 # non-tensor keyword arguments, plain YAML values
    tensors: dict              # argument name -> TensorSpec, in the op's argument order
    dtype: str = "float32"
    expect: dict | None = None # normalised: see harness.expect
    tolerance: dict | None = None
    targets: tuple[str, ...] | None = None
    known: tuple[Known, ...] = ()
    grad: bool = False
    note: str | None = None
    skip: str | None = None
    source: str | None = None
    text: str = ""             # the case's YAML, for reports
    matrix: dict = field(default_factory=dict)   # the matrix values of this entry
    layers: tuple[Layer, ...] = ()   # op: chain only; its tensors are then keyed "<layer>:<arg>"

    def applies_to(self, target: str) -> bool:
        return self.targets is None or any(target_matches(p, target) for p in self.targets)


@dataclass
class Outcome:
    """What one implementation did with a case."""
    kind: str                              # value | error | crash | timeout
    outputs: dict[str, np.ndarray] = field(default_factory=dict)
    error_type: str | None = None
    error_message: str | None = None
    signal: str | None = None              # for crashes: "SIGSEGV", "SIGABRT", "exit 3"
    log: str | None = None                 # tail of the worker's stderr on a crash
    seconds: float = 0.0

    def shapes(self) -> dict[str, list[int]]:
        return {k: list(v.shape) for k, v in self.outputs.items()}

    def summary(self) -> dict:
        if self.kind == "value":
            return {"shape": next(iter(self.shapes().values()), None), "shapes": self.shapes()}
        if self.kind == "error":
            return {"error": self.error_type, "message": self.error_message}
        return {"error": self.kind, "signal": self.signal, "message": self.error_message}


@dataclass
class Verdict:
    status: str                 # pass | fail | xfail | xpass | skip
    kind: str | None = None     # failure kind (see DESIGN.md); None on pass
    message: str = ""
    max_abs_err: float | None = None
    max_rel_err: float | None = None
    details: dict = field(default_factory=dict)   # mismatch counts, worst positions, tolerance used
    snippet: str = ""           # a standalone tf.nn script reproducing the case on its target
