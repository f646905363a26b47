"""What a record of an op holds, and the helpers records share.

A record is everything the harness knows about one op, so that nothing else switches on op names:
its tensor arguments (the other arguments, and which are required, come from the reference
function's signature, read from reference/'s source without importing it), the dtypes it takes,
the rules it rejects calls by, its outputs and how to bound their rounding, whether TF has its
gradient, the TensorFlow function (for workers and reproduction scripts), how its filters are
drawn, its sweep space and builder, and the reference mutations that concern it.
"""
from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from math import prod
from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[2] / "reference"
FLOATS = ("float32", "float64", "float16", "bfloat16")


def _never(args: dict) -> bool:
    return False


@dataclass(frozen=True)
class OpSpec:
    name: str
    tensors: tuple[str, ...]             # tensor arguments, in tf.nn's positional order
    args: tuple[str, ...] = ()           # other keyword arguments (default: the reference's)
    required: tuple[str, ...] = ()       # arguments a case must give (default: the reference's)
    outputs: tuple[str, ...] = ("output",)
    dtypes: tuple[str, ...] = FLOATS     # what the reference, like TF's registration, accepts
    rules: tuple[str, ...] = ()          # reference.errors rules it rejects calls by
    # Products summed into one output element, from the tensor shapes and args (None, or 0 for
    # one case: exact op).
    terms: Callable[[dict, dict], int] | None = None
    # Intermediate results the kernel stores in the output dtype (rounded once more each).
    roundings: int = 0
    # TF registers a gradient (float dtypes only; tf.GradientTape gives none for integers), which
    # reference.grad.vjp computes for every tensor argument. Only the first output carries one
    # (max_pool_with_argmax's argmax is an integer output).
    grad: bool = True
    tf: str = ""                         # the TensorFlow function under `tf.` (default nn.<name>)
    filters: dict = field(default_factory=dict)   # filter tensor -> axis names, for report grids
    # The op's gradient reaches one element per window (max pooling): no receptive field to measure
    # from it; `spread` gives (op, args) whose gradient reaches the whole window, for the reference's.
    max_window: Callable[[dict], bool] = _never
    spread: Callable[[dict], tuple] | None = None
    rank: int = 2                        # spatial rank, for ops whose rank does not vary
    space: tuple = ()                    # sweep knobs (harness.sweep.shrink.Knob); () for none
    # Knobs added to a space after it had been swept: drawn last (after the NaN/inf share), so that
    # every configuration drawn before stays as it was.
    late: tuple = ()
    build: Callable | None = None        # sweep configuration -> harness.sweep.geometry.Built
    mutations: tuple[str, ...] = ()      # reference mutations (harness.proof.mutations) that concern it
    selftest: bool = False               # a deliberate crash/hang for the harness's own tests

    def __post_init__(self):
        if not self.selftest and not self.args:
            params, required = reference_signature(self.name)
            object.__setattr__(self, "args", tuple(p for p in params if p not in self.tensors))
            if not self.required:
                object.__setattr__(self, "required", required)
        if not self.tf:
            object.__setattr__(self, "tf", f"nn.{self.name}")


@lru_cache(maxsize=None)
def _reference_functions() -> dict[str, ast.FunctionDef]:
    out = {}
    for path in sorted(REFERENCE.glob("*.py")):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                out.setdefault(node.name, node)
    return out


def reference_signature(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(parameters, the required ones) of reference.<name>, from its source."""
    fn = _reference_functions().get(name)
    if fn is None:
        raise LookupError(f"no function {name} in reference/")
    params = [a.arg for a in fn.args.args]
    required = params[:len(params) - len(fn.args.defaults)]
    return tuple(params), tuple(required)


# -- rounding: products per output element -----------------------------------------------------------
def filter_terms(name: str, out_axis: int = -1) -> Callable[[dict, dict], int]:
    """Products per output element of a convolution: the filter's size over its output channels
    (for a grouped convolution the filter holds in_channels / groups: still right)."""
    def terms(shapes: dict, args: dict) -> int:
        shape = shapes[name]
        return max(1, prod(shape) // max(1, shape[out_axis])) if shape else 1
    return terms


def window_terms(shapes: dict, args: dict) -> int:
    k = args.get("ksize", 1)
    return max(1, prod(k) if isinstance(k, (list, tuple)) else k ** max(1, len(shapes["input"]) - 2))


# Filters as the report draws them: a grid over the window, one per (in, out) channel pair.
HWIO = ("in", "out")
