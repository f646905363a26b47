"""What a sweep configuration means: its case (the op record's builder, harness.sweep.geometry)
and the features that name its class (output size 0, window larger than the input, stride > 1,
layout, dtype, ...)."""
from __future__ import annotations

import math

from harness.cases.tensors import DTYPES
from harness.model import Case, Outcome
from harness.ops import OPS
from harness.sweep.geometry import Built, tensor_spec
from harness.sweep.knobs import FORMATS
from harness.sweep.shrink import rank as knob_rank
from harness.sweep.space import SPACES


def build(op: str, cfg: dict) -> Built:
    return OPS[op].build(cfg)


def to_case(op: str, cfg: dict, cid: str) -> Case:
    built = build(op, cfg)
    tensors = {name: tensor_spec(shape, built.dtype, built.values, i, cfg.get("special", "none"))
               for i, (name, shape) in enumerate(built.tensors.items())}
    return Case(id=f"sweep/{op}::{cid}", path=f"sweep/{op}", line=0, name=cid, op=op,
                args=built.args, tensors=tensors, dtype=built.dtype)


def case_key(case: Case) -> str:
    """What TensorFlow is given: two configurations with one key are one experiment."""
    return repr((case.op, case.dtype, sorted(case.args.items()),
                 [(n, t.shape, t.kind, repr(t.data), t.dtype) for n, t in case.tensors.items()]))


def features(op: str, cfg: dict, ref: Outcome | None = None) -> tuple[str, ...]:
    """The configuration's notable features, in a fixed order (its class key's last part)."""
    built = build(op, cfg)
    out = [built.dtype] if built.dtype != "float32" else []
    if cfg.get("special") == "nonfinite" and DTYPES[built.dtype].kind in "fcV":
        out.append("nonfinite")
    if cfg.get("layout") == "NCHW":
        out.append(FORMATS[cfg.get("rank", OPS[op].rank)][1].lower())
    if "padding" in cfg:
        out.append(cfg["padding"].lower())
    out += built.facts
    shapes = list(built.tensors.values())
    if 0 in shapes[0]:
        out.append("empty-input")
    names = list(built.tensors)
    out += ["empty-" + names[i] for i in range(1, len(shapes)) if 0 in shapes[i] and "kernel-0" not in out]
    if ref is not None and ref.kind == "value":
        first = next(iter(ref.outputs.values()), None)
        if first is not None and first.size == 0 and "empty-input" not in out:
            out.append("output-zero")
    for form, names in (("stride_form", ("strides", "stride")), ("ksize_form", ("ksize",)),
                        ("dilation_form", ("dilations",))):
        if cfg.get(form) in ("full", "single") and any(name in built.args for name in names):
            out.append(f"{form.split('_')[0]}-{cfg[form]}")
    return tuple(dict.fromkeys(out))


def size(op: str, cfg: dict) -> tuple:
    """How big a configuration is (tensor elements, then knob ranks): the smallest example of a
    class is the one shrinking starts from."""
    built = build(op, cfg)
    return (sum(math.prod(s) for s in built.tensors.values()), knob_rank(SPACES[op], cfg))
