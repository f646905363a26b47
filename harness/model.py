"""The data the harness passes around: cases as loaded, outcomes as observed, verdicts as judged.

Everything here is plain data (frozen dataclasses, numpy arrays); no TensorFlow, no I/O.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from harness.targets import is_target_pattern, target_matches


# The pseudo-target of a case's own `expect`, checked against the reference once (no TensorFlow).
REFERENCE = "reference"


@dataclass(frozen=True)
class TensorSpec:
    """How to make one tensor argument; materialised by harness.cases.tensors.make_tensor."""
    shape: tuple[int, ...]
    kind: str                 # values | fill | range | random | npy
    data: Any                 # the literal list, the fill number, {start, step}, {dist, seed, ...}, npy path
    dtype: str
    line: int = 0


@dataclass(frozen=True)
class Known:
    """A known deviation: on these targets and TF versions, TensorFlow fails this way. `signature`
    says exactly how (see harness.verdict.signature); without one, only the kind is known."""
    targets: tuple[str, ...]   # patterns
    reason: str
    tf: str | None = None      # PEP 440 specifier of TF versions it applies to, e.g. "<2.22"
    cpu: tuple[str, ...] = ()  # CPU flags it needs (avx512_fp16) or must lack (!avx512_fp16)
    kind: str | None = None    # only failures of this kind are expected (default: any)
    link: str | None = None    # the upstream issue, pull request or advisory
    status: str | None = None  # what the tracker says: open, closed-fixed, ..., not-found
    signature: dict = field(default_factory=dict)   # error/match, signal, shape, values, ...
    when: dict | None = None   # matrix values it is limited to, as written
    line: int = 0              # where the entry starts in its file


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
        if target == REFERENCE:
            return self.skip is None and bool(self.reference_expects())
        return self.targets is None or any(target_matches(p, target) for p in self.targets)


    def reference_expects(self) -> list[dict]:
        """The parts of `expect` the reference itself must satisfy: an untargeted expectation
        whole; of a targeted one, the results it names (targets may legitimately raise where
        others return, so a targeted error is TensorFlow's business only)."""
        expect = self.expect or {}
        if not any(is_target_pattern(k) for k in expect):
            return [expect] if expect else []
        return [v for v in expect.values() if isinstance(v, dict) and "error" not in v]


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
    # errors: "tensorflow" when TensorFlow raised it, "harness" when the harness's own code did
    # (never counted as TensorFlow rejecting the call); the reference's errors name their rule.
    origin: str | None = None
    rule: str | None = None
    # values: True when identical calls gave different bits (uninitialised memory), False when
    # repeated calls agreed, None when the call was made once.
    nondeterministic: bool | None = None
    cache_key: str | None = None           # the outcome cache's key, when the cache was asked

    def shapes(self) -> dict[str, list[int]]:
        return {k: list(v.shape) for k, v in self.outputs.items()}

    def summary(self) -> dict:
        if self.kind == "value":
            out = {"shape": next(iter(self.shapes().values()), None), "shapes": self.shapes()}
            return out | ({"nondeterministic": self.nondeterministic}
                          if self.nondeterministic is not None else {})
        if self.kind == "error":
            out = {"error": self.error_type, "message": self.error_message}
            return out | {k: v for k, v in (("rule", self.rule), ("origin", self.origin)) if v}
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
    tolerances: dict = field(default_factory=dict)  # output -> the per-element bound it used
    observed: dict = field(default_factory=dict)    # what TF did, as a `known` signature


@dataclass
class ReferenceRun:
    """The reference's side of a case: the case's tensors, the reference's outcome, per output the
    (magnitude, terms, roundings) its tolerance derives from, and a grad case's upstream gradient."""
    tensors: dict
    outcome: Outcome
    scale: dict = field(default_factory=dict)
    upstream: np.ndarray | None = None
    snippet_memo: dict = field(default_factory=dict)    # its tensors as snippet expressions


@dataclass
class Result:
    """One case on one target (or its `expect` on the reference): what the reference and TensorFlow
    did and the verdict. `inputs` holds the case's tensors while the result is being recorded
    (the report draws them); the Session drops them once every target of the case has run."""
    case: Case
    target: str
    verdict: Verdict
    reference: Outcome
    tf: Outcome | None = None
    inputs: dict | None = None
    tf_version: str | None = None      # the TensorFlow the target ran (None: the reference's result)

    @property
    def status(self) -> str:
        return self.verdict.status
