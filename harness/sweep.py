"""Differential sweeps: generated configurations of one op through the reference and every target,
deviations grouped into classes, each class shrunk to a minimal case file for cases/found/.

    tfconform sweep --op conv2d [--n 2000] [--seed 0] [--targets ...] [-o DIR] [--shard I/N]

A configuration is a dict of knob values (harness.shrink.Knob), drawn from a generator seeded by
(op, seed, index), so configuration `conv2d-s0-00042` is the same on every machine and a shard
needs nothing but its own ids. Configurations are valid and invalid alike: sizes from 0, kernels
larger than their input, strides and dilations 1 to 4, SAME, VALID and explicit padding, both
layouts, every dtype the op takes, channel counts that do not fit. Each becomes a harness Case
without `expect`, so the reference is the oracle and the normal verdicts apply.

A deviation is what one or more targets did wrong the same way: the failure kind and its gist
(TensorFlow's error type and message without numbers, the crash signal, how a wrong shape relates
to the input's) together with what the reference said. A class is the op, the deviation, the set of
targets showing it, and the features of the configuration that matter (output size zero, kernel
larger than the input, stride > 1, layout, dtype, ...): after shrinking, the features left are the
ones no simplification could remove.
"""
from __future__ import annotations

import json
import math
import random
import re
import sys
import time
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path

from harness.model import (
    ALL_TARGETS,
    Case,
    Outcome,
    TensorSpec,
    Verdict,
    target_matches,
)
from harness.shrink import Knob, Space, rank, shrink

# ---------------------------------------------------------------------------------------------
# Knobs: every domain lists its simplest value first (see harness.shrink).
# Sizes: 1 first, 0 last: an empty tensor is an edge case of its own, kept only when it matters.
SIZE = (1, 2, 3, 4, 5, 6, 7, 8, 0)
SIZE_W = (3, 3, 4, 4, 3, 2, 1.5, 1, 0.6)
BATCH, BATCH_W = (1, 2, 3, 0), (6, 2, 1, 0.4)
CHAN, CHAN_W = (1, 2, 3, 4, 0), (4, 4, 3, 2, 0.3)
KERNEL, KERNEL_W = (1, 2, 3, 4, 5, 6, 0), (3, 4, 4, 2, 1.5, 1, 0.2)
STRIDE, STRIDE_W = (1, 2, 3, 4), (5, 3, 1.5, 1)
DILATION, DILATION_W = (1, 2, 3, 4), (7, 2, 1, 0.7)
PAD, PAD_W = (0, 1, 2, 3), (4, 3, 2, 1)
FORMS, FORMS_W = ("scalar", "pair", "full", "single"), (3, 3, 2, 1)
VALUES, VALUES_W = ("ones", "ramp", "random"), (1, 1, 4)
FLOATS = ("float32", "float64", "float16", "bfloat16")
FLOATS_W = (6, 1, 1.5, 1.5)


def _axis(axis: str, size=True, kernel=True, stride=True, dilation=True, pads=True) -> list[Knob]:
    """The knobs of one spatial axis ('h' or 'w'), grouped so that they shrink together."""
    lo, hi = ("pt", "pb") if axis == "h" else ("pl", "pr")
    out = []
    if size:
        out.append(Knob(axis, SIZE, SIZE_W, axis))
    if kernel:
        out.append(Knob("k" + axis, KERNEL, KERNEL_W, axis))
    if stride:
        out.append(Knob("s" + axis, STRIDE, STRIDE_W, axis))
    if dilation:
        out.append(Knob("d" + axis, DILATION, DILATION_W, axis))
    if pads:
        out += [Knob(lo, PAD, PAD_W, axis), Knob(hi, PAD, PAD_W, axis)]
    return out


def _space(*knobs) -> Space:
    flat: list[Knob] = []
    for k in knobs:
        flat += k if isinstance(k, list) else [k]
    return tuple(flat)


LAYOUT = Knob("layout", ("NHWC", "NCHW"), (4, 1))
PADDING3 = Knob("padding", ("VALID", "SAME", "EXPLICIT"), (2, 2, 1))
PADDING2 = Knob("padding", ("VALID", "SAME", "EXPLICIT"), (5, 5, 0.3))   # EXPLICIT: invalid
VALUES_K = Knob("values", VALUES, VALUES_W)
BATCH_K = Knob("n", BATCH, BATCH_W)
CHAN_K = Knob("c", CHAN, CHAN_W, "c")

SPACES: dict[str, Space] = {
    "conv2d": _space(
        Knob("dtype", FLOATS + ("int32",), FLOATS_W + (0.7,)), LAYOUT, PADDING3, BATCH_K,
        _axis("h"), _axis("w"), CHAN_K,
        Knob("filter_c", ("equal", "grouped", "mismatch"), (8, 1.5, 0.7), "c"),
        Knob("o", CHAN, CHAN_W, "c"),
        Knob("stride_form", FORMS, FORMS_W), Knob("dilation_form", FORMS, FORMS_W), VALUES_K),
    "depthwise_conv2d": _space(
        Knob("dtype", FLOATS, FLOATS_W), LAYOUT, PADDING3, BATCH_K, _axis("h"), _axis("w"),
        CHAN_K, Knob("filter_c", ("equal", "mismatch"), (12, 0.7), "c"),
        Knob("multiplier", CHAN, CHAN_W, "c"), VALUES_K),
    "conv2d_transpose": _space(
        Knob("dtype", FLOATS, FLOATS_W), LAYOUT, PADDING3, BATCH_K, _axis("h"), _axis("w"),
        Knob("extra_h", (0, 1, 2, 3, 4), (5, 3, 2, 1, 0.5), "h"),
        Knob("extra_w", (0, 1, 2, 3, 4), (5, 3, 2, 1, 0.5), "w"),
        CHAN_K, Knob("filter_c", ("equal", "mismatch"), (12, 0.7), "c"), Knob("o", CHAN, CHAN_W, "c"),
        Knob("stride_form", FORMS[:3], FORMS_W[:3]), VALUES_K),
    "atrous_conv2d": _space(
        Knob("dtype", FLOATS, FLOATS_W), Knob("padding", ("VALID", "SAME"), (1, 1)), BATCH_K,
        _axis("h", stride=False, dilation=False, pads=False),
        _axis("w", stride=False, dilation=False, pads=False),
        Knob("rate", DILATION, (3, 3, 2, 1.5), "h"), CHAN_K,
        Knob("filter_c", ("equal", "mismatch"), (12, 0.7), "c"), Knob("o", CHAN, CHAN_W, "c"),
        VALUES_K),
    "max_pool2d": _space(
        Knob("dtype", FLOATS + ("int32", "int64", "int8", "uint8", "int16", "uint16"),
             FLOATS_W + (0.6, 0.4, 0.4, 0.4, 0.3, 0.3)),
        LAYOUT, PADDING3, BATCH_K, _axis("h", dilation=False), _axis("w", dilation=False), CHAN_K,
        Knob("ksize_form", FORMS, FORMS_W), Knob("stride_form", FORMS, FORMS_W), VALUES_K),
    "avg_pool2d": _space(
        Knob("dtype", FLOATS, FLOATS_W), LAYOUT, PADDING2, BATCH_K, _axis("h", dilation=False),
        _axis("w", dilation=False), CHAN_K, Knob("ksize_form", FORMS, FORMS_W),
        Knob("stride_form", FORMS, FORMS_W), VALUES_K),
    "max_pool_with_argmax": _space(
        Knob("dtype", FLOATS, FLOATS_W), Knob("layout", ("NHWC", "NCHW"), (12, 0.5)),
        Knob("padding", ("VALID", "SAME"), (1, 1)), BATCH_K,
        _axis("h", dilation=False, pads=False), _axis("w", dilation=False, pads=False), CHAN_K,
        Knob("ksize_form", FORMS, FORMS_W), Knob("stride_form", FORMS, FORMS_W),
        Knob("include_batch_in_index", (False, True), (2, 1)),
        Knob("output_dtype", ("int64", "int32"), (2, 1)), Knob("values", VALUES, (0.5, 1, 6))),
    "bias_add": _space(
        Knob("dtype", FLOATS + ("int32", "int64", "int8", "uint8", "int16"),
             FLOATS_W + (0.8, 0.5, 0.4, 0.4, 0.3)),
        Knob("rank", (4, 2, 3, 5), (3, 2, 2, 2)),
        *[Knob(f"d{i}", CHAN, CHAN_W, "d") for i in range(5)],
        Knob("data_format", (None, "NHWC", "NCHW", "N...C", "NC..."), (4, 2, 2, 1, 1)),
        Knob("bias", ("equal", "mismatch"), (12, 0.7)), VALUES_K),
}
SPACES["max_pool"] = SPACES["max_pool2d"]
SPACES["avg_pool"] = SPACES["avg_pool2d"]

OPS = tuple(SPACES)


# ---------------------------------------------------------------------------------------------
# Configurations -> cases
def config_id(op: str, seed: int, index: int) -> str:
    return f"{op}-s{seed}-{index:05d}"


def generate(op: str, seed: int, index: int) -> dict:
    """Configuration `index` of the sweep (op, seed): independent of every other index."""
    rng = random.Random(f"tfconform-sweep/{op}/{seed}/{index}")
    return {k.name: k.draw(rng) for k in SPACES[op]}


@dataclass
class Built:
    """What a configuration means: the op's arguments, its tensors, and facts for its features."""
    args: dict
    tensors: dict          # name -> (shape, dtype)
    dtype: str
    values: str
    facts: list = field(default_factory=list)


def _per_dim(form: str, a: int, b: int, full: list | None, allow_scalar=True):
    """strides/ksize/dilations in one of tf.nn's forms (an int only when both dims agree)."""
    if form == "full" and full is not None:
        return full
    if a == b and allow_scalar and form == "scalar":
        return a
    if a == b and allow_scalar and form == "single":
        return [a]
    return [a, b]


def _full(layout: str, a: int, b: int) -> list:
    return [1, 1, a, b] if layout == "NCHW" else [1, a, b, 1]


def _image(layout: str, n: int, h: int, w: int, c: int) -> tuple:
    return (n, c, h, w) if layout == "NCHW" else (n, h, w, c)


def _padding(cfg: dict) -> str | list:
    if cfg["padding"] != "EXPLICIT":
        return cfg["padding"]
    hw = [[cfg["pt"], cfg["pb"]], [cfg["pl"], cfg["pr"]]]
    return [[0, 0], [0, 0], *hw] if cfg.get("layout") == "NCHW" else [[0, 0], *hw, [0, 0]]


def _window_facts(cfg: dict, kernel: tuple, dil: tuple, strides: tuple) -> list[str]:
    """Features of the window geometry along h and w."""
    facts = []
    pads = [(cfg.get("pt", 0), cfg.get("pb", 0)), (cfg.get("pl", 0), cfg.get("pr", 0))]
    for size, k, d, (lo, hi) in zip((cfg["h"], cfg["w"]), kernel, dil, pads):
        keff = (k - 1) * d + 1 if k > 0 else 0
        room = size + (lo + hi if cfg["padding"] == "EXPLICIT" else 0)
        if cfg["padding"] != "SAME" and keff > room:
            facts.append("kernel>input")
    if max(strides) > 1:
        facts.append("stride>1")
    if max(dil) > 1:
        facts.append("dilation>1")
    if 0 in kernel:
        facts.append("kernel-0")
    return facts


def _conv2d(cfg):
    lay, c = cfg["layout"], cfg["c"]
    fc = {"equal": c, "grouped": 1 if c > 1 else c, "mismatch": c + 1}[cfg["filter_c"]]
    groups = c // fc if fc and c % fc == 0 else 1
    o = cfg["o"] * groups
    args = {"strides": _per_dim(cfg["stride_form"], cfg["sh"], cfg["sw"], _full(lay, cfg["sh"], cfg["sw"])),
            "padding": _padding(cfg)}
    if (cfg["dh"], cfg["dw"]) != (1, 1):
        args["dilations"] = _per_dim(cfg["dilation_form"], cfg["dh"], cfg["dw"],
                                     _full(lay, cfg["dh"], cfg["dw"]))
    if lay == "NCHW":
        args["data_format"] = "NCHW"
    facts = _window_facts(cfg, (cfg["kh"], cfg["kw"]), (cfg["dh"], cfg["dw"]), (cfg["sh"], cfg["sw"]))
    facts += {"grouped": ["grouped"] if groups > 1 else [],
              "mismatch": ["channel-mismatch"]}.get(cfg["filter_c"], [])
    return Built(args, {"input": _image(lay, cfg["n"], cfg["h"], cfg["w"], c),
                        "filters": (cfg["kh"], cfg["kw"], fc, o)}, cfg["dtype"], cfg["values"], facts)


def _depthwise(cfg):
    lay, c = cfg["layout"], cfg["c"]
    fc = c + 1 if cfg["filter_c"] == "mismatch" else c
    args = {"strides": _full(lay, cfg["sh"], cfg["sw"]), "padding": _padding(cfg)}
    if (cfg["dh"], cfg["dw"]) != (1, 1):
        args["dilations"] = [cfg["dh"], cfg["dw"]]
    if lay == "NCHW":
        args["data_format"] = "NCHW"
    facts = _window_facts(cfg, (cfg["kh"], cfg["kw"]), (cfg["dh"], cfg["dw"]), (cfg["sh"], cfg["sw"]))
    facts += ["channel-mismatch"] if cfg["filter_c"] == "mismatch" else []
    return Built(args, {"input": _image(lay, cfg["n"], cfg["h"], cfg["w"], c),
                        "filter": (cfg["kh"], cfg["kw"], fc, cfg["multiplier"])},
                 cfg["dtype"], cfg["values"], facts)


def _forward_size(size: int, keff: int, s: int, padding: str, lo: int, hi: int) -> int:
    if padding == "SAME":
        return -(-size // s)
    num = size + (lo + hi if padding == "EXPLICIT" else 0) - keff + s
    return num // s if num >= 0 else -(-num // s)


def _transpose_size(cfg, axis: str) -> tuple[int, bool]:
    """An output size whose forward convolution gives the input's size: the extra_<axis>-th such
    size, or, past the last one, a size that does not fit (and then False)."""
    k, d, s = cfg["k" + axis], cfg["d" + axis], cfg["s" + axis]
    lo, hi = (cfg["pt"], cfg["pb"]) if axis == "h" else (cfg["pl"], cfg["pr"])
    keff = (k - 1) * d + 1 if k > 0 else 0
    fits = [size for size in range(0, (cfg[axis] + 2) * s + keff + 2)
            if _forward_size(size, keff, s, cfg["padding"], lo, hi) == cfg[axis]]
    extra = cfg["extra_" + axis]
    if extra < len(fits):
        return fits[extra], True
    return (fits[-1] if fits else cfg[axis] * s) + 1 + extra - len(fits), False


def _transpose(cfg):
    lay, c = cfg["layout"], cfg["c"]
    fc = c + 1 if cfg["filter_c"] == "mismatch" else c
    (out_h, ok_h), (out_w, ok_w) = _transpose_size(cfg, "h"), _transpose_size(cfg, "w")
    out_shape = list(_image(lay, cfg["n"], out_h, out_w, cfg["o"]))
    args = {"output_shape": out_shape,
            "strides": _per_dim(cfg["stride_form"], cfg["sh"], cfg["sw"], _full(lay, cfg["sh"], cfg["sw"])),
            "padding": _padding(cfg)}
    if (cfg["dh"], cfg["dw"]) != (1, 1):
        args["dilations"] = [cfg["dh"], cfg["dw"]]
    if lay == "NCHW":
        args["data_format"] = "NCHW"
    facts = [f for f in _window_facts(cfg, (cfg["kh"], cfg["kw"]), (cfg["dh"], cfg["dw"]),
                                      (cfg["sh"], cfg["sw"])) if f != "kernel>input"]
    # The transpose's own "kernel larger than its output" (what the forward conv would see).
    for size, k, d in ((out_h, cfg["kh"], cfg["dh"]), (out_w, cfg["kw"], cfg["dw"])):
        if cfg["padding"] != "SAME" and (k - 1) * d + 1 > size:
            facts.append("kernel>output")
    facts += [] if ok_h and ok_w else ["output_shape-mismatch"]
    facts += ["channel-mismatch"] if cfg["filter_c"] == "mismatch" else []
    return Built(args, {"input": _image(lay, cfg["n"], cfg["h"], cfg["w"], c),
                        "filters": (cfg["kh"], cfg["kw"], cfg["o"], fc)},
                 cfg["dtype"], cfg["values"], facts)


def _atrous(cfg):
    c = cfg["c"]
    fc = c + 1 if cfg["filter_c"] == "mismatch" else c
    cfg2 = {**cfg, "dh": cfg["rate"], "dw": cfg["rate"]}
    facts = [f.replace("dilation", "rate") for f in
             _window_facts(cfg2, (cfg["kh"], cfg["kw"]), (cfg["rate"],) * 2, (1, 1))]
    facts += ["channel-mismatch"] if cfg["filter_c"] == "mismatch" else []
    return Built({"rate": cfg["rate"], "padding": cfg["padding"]},
                 {"value": (cfg["n"], cfg["h"], cfg["w"], c), "filters": (cfg["kh"], cfg["kw"], fc, cfg["o"])},
                 cfg["dtype"], cfg["values"], facts)


def _pool(cfg):
    lay = cfg.get("layout", "NHWC")
    args = {"ksize": _per_dim(cfg["ksize_form"], cfg["kh"], cfg["kw"], _full(lay, cfg["kh"], cfg["kw"])),
            "strides": _per_dim(cfg["stride_form"], cfg["sh"], cfg["sw"], _full(lay, cfg["sh"], cfg["sw"])),
            "padding": _padding(cfg)}
    if lay == "NCHW":
        args["data_format"] = "NCHW"
    facts = _window_facts(cfg, (cfg["kh"], cfg["kw"]), (1, 1), (cfg["sh"], cfg["sw"]))
    if cfg["padding"] == "EXPLICIT" and any(p >= k for p, k in (
            (cfg["pt"], cfg["kh"]), (cfg["pb"], cfg["kh"]), (cfg["pl"], cfg["kw"]), (cfg["pr"], cfg["kw"]))):
        facts.append("pad>=window")
    if "include_batch_in_index" in cfg:          # max_pool_with_argmax; defaults left out
        if cfg["include_batch_in_index"]:
            args["include_batch_in_index"] = True
        if cfg["output_dtype"] != "int64":
            args["output_dtype"] = cfg["output_dtype"]
        facts += ["batch-in-index"] if cfg["include_batch_in_index"] else []
        facts += ["int32-index"] if cfg["output_dtype"] == "int32" else []
    return Built(args, {"input": _image(lay, cfg["n"], cfg["h"], cfg["w"], cfg["c"])},
                 cfg["dtype"], cfg["values"], facts)


def _bias_add(cfg):
    dims = tuple(cfg[f"d{i}"] for i in range(cfg["rank"]))
    fmt = cfg["data_format"]
    axis = 1 if fmt and fmt.startswith("NC") else len(dims) - 1
    size = dims[axis] + (1 if cfg["bias"] == "mismatch" else 0)
    args = {"data_format": fmt} if fmt else {}
    facts = [f"rank{cfg['rank']}"] + (["bias-mismatch"] if cfg["bias"] == "mismatch" else [])
    return Built(args, {"value": dims, "bias": (size,)}, cfg["dtype"], cfg["values"], facts)


BUILDERS = {"conv2d": _conv2d, "depthwise_conv2d": _depthwise, "conv2d_transpose": _transpose,
            "atrous_conv2d": _atrous, "max_pool2d": _pool, "max_pool": _pool, "avg_pool2d": _pool,
            "avg_pool": _pool, "max_pool_with_argmax": _pool, "bias_add": _bias_add}


def _tensor_spec(shape: tuple, dtype: str, values: str, index: int) -> TensorSpec:
    integer = dtype.startswith(("int", "uint"))
    if values == "ones":
        return TensorSpec(tuple(shape), "fill", 1, dtype)
    if values == "ramp" and dtype not in ("float16", "bfloat16"):   # ramps overflow half floats
        return TensorSpec(tuple(shape), "range", {"start": 1, "step": 1}, dtype)
    if integer:
        data = {"dist": "integers", "seed": index + 1, "low": 0 if dtype.startswith("u") else -4, "high": 5}
    else:
        data = {"dist": "normal", "seed": index + 1, "mean": 0.0, "std": 1.0}
    return TensorSpec(tuple(shape), "random", data, dtype)


def to_case(op: str, cfg: dict, cid: str) -> Case:
    built = BUILDERS[op](cfg)
    tensors = {name: _tensor_spec(shape, built.dtype, built.values, i)
               for i, (name, shape) in enumerate(built.tensors.items())}
    return Case(id=f"sweep/{op}::{cid}", path=f"sweep/{op}", line=0, name=cid, op=op,
                args=built.args, tensors=tensors, dtype=built.dtype)


def features(op: str, cfg: dict, ref: Outcome | None = None) -> tuple[str, ...]:
    """The configuration's notable features, in a fixed order (its class key's last part)."""
    built = BUILDERS[op](cfg)
    out = []
    if built.dtype != "float32":
        out.append(built.dtype)
    if cfg.get("layout") == "NCHW":
        out.append("nchw")
    if "padding" in cfg:
        out.append(cfg["padding"].lower())
    out += built.facts
    shapes = list(built.tensors.values())
    if 0 in shapes[0]:
        out.append("empty-input")
    if any(0 in shape for shape in shapes[1:]) and "kernel-0" not in out:
        out.append("empty-" + list(built.tensors)[1])
    if ref is not None and ref.kind == "value":
        first = next(iter(ref.outputs.values()), None)
        if first is not None and first.size == 0 and "empty-input" not in out:
            out.append("output-zero")
    for form in ("stride_form", "ksize_form", "dilation_form"):
        if cfg.get(form) in ("full", "single"):
            out.append(f"{form.split('_')[0]}-{cfg[form]}")
    return tuple(dict.fromkeys(out))


# ---------------------------------------------------------------------------------------------
# What happened: per target a failure kind and its gist; deviations group targets alike
def clean_message(message: str | None) -> str:
    """TensorFlow's error message as one line, without its node names, Python traceback ("Graph
    execution error" from tf.function), XLA's window protos and debug links."""
    text = message or ""
    if text.startswith("Graph execution error"):
        text = "\n".join(line for line in text.splitlines()[1:]
                         if line.strip() and not line.startswith(("  File ", "Detected at node")))
    text = re.sub(r"\{\{[^}]*\}\}", "", text)
    text = re.sub(r"goo\.gle/\S+", "", text)
    text = re.sub(r"\[_XlaMustCompile=[^\]]*\]", "", text)
    text = re.sub(r"__inference_\w+?_\d+", "the function", text)
    while re.search(r"\w+ \{[^{}]*\}", text):             # XLA's protos: dimensions { ... }
        text = re.sub(r"\w+ \{[^{}]*\}", "", text)
    for cut in ("\t [[", " [[", "tf2xla conversion failed", " [Op:", " for '", " with input shapes",
                "The op is created at"):
        text = text.split(cut)[0]
    return re.sub(r"\s+", " ", text).strip()


def gist(message: str | None, limit: int = 100) -> str:
    """An error message without the parts that vary with the configuration: numbers, node names,
    bracketed shapes."""
    text = re.sub(r"\[[^\]]*\]", "[..]", clean_message(message))
    text = re.sub(r"-?\d+", "N", text)
    return text.strip(" .:;,")[:limit]


def _first_line(message: str | None, limit: int = 200) -> str:
    text = clean_message(message)
    return text if len(text) <= limit else text[:limit] + "..."


def _crash_line(log: str | None) -> str:
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
    return gist(ref.error_message).split(":")[0].split(",")[0].split(" (")[0][:60]


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
    """results: target -> (verdict, ref, tf). Failing targets grouped by (kind, behaviour)."""
    groups: dict[tuple, list[str]] = {}
    ref_text = "value"
    for target, (verdict, ref, tf) in results.items():
        if verdict.status not in ("fail", "xpass"):
            continue
        ref_text = ref_gist(ref) if tf is not None else "harness"
        groups.setdefault((verdict.kind, behaviour(case, verdict, ref, tf), ref_text), []).append(target)
    return [Deviation(kind, beh, r, tuple(sorted(ts, key=ALL_TARGETS.index)))
            for (kind, beh, r), ts in sorted(groups.items())]


def target_patterns(targets) -> list[str]:
    """The fewest patterns matching exactly these targets (`*`, `graph`, `eager`, `*/onednn`, ...)."""
    wanted, out = set(targets), []
    candidates = ["*", "graph", "eager", "function", "xla", "*/onednn", "*/eigen", "graph/onednn",
                  "graph/eigen", *ALL_TARGETS]
    left = set(wanted)
    while left:
        best = max((p for p in candidates
                    if {t for t in ALL_TARGETS if target_matches(p, t)} <= wanted),
                   key=lambda p: (len(left & {t for t in ALL_TARGETS if target_matches(p, t)}),
                                  -candidates.index(p)))
        out.append(best)
        left -= {t for t in ALL_TARGETS if target_matches(best, t)}
    return out


# ---------------------------------------------------------------------------------------------
# Classes
# Features that split deviations into classes before shrinking (the rest are decided by it).
COARSE = ("empty-input", "empty-filters", "empty-filter", "empty-bias", "output-zero",
          "kernel>input", "kernel>output", "kernel-0",
          "channel-mismatch", "output_shape-mismatch", "bias-mismatch", "pad>=window")

PHRASES = {
    "nchw": "NCHW", "valid": "VALID padding", "same": "SAME padding", "explicit": "explicit padding",
    "kernel>input": "a window larger than the input", "kernel>output": "a window larger than the output",
    "output-zero": "an output size of 0", "empty-input": "an input with a zero dimension",
    "stride>1": "stride > 1", "dilation>1": "dilation > 1", "rate>1": "rate > 1",
    "kernel-0": "a window of size 0", "empty-filters": "filters with a zero dimension",
    "empty-filter": "a filter with a zero dimension", "empty-bias": "an empty bias", "channel-mismatch": "filter channels that do not fit the input",
    "grouped": "a grouped convolution", "output_shape-mismatch": "an output_shape the input cannot come from",
    "pad>=window": "explicit padding not smaller than the window", "batch-in-index": "include_batch_in_index",
    "int32-index": "output_dtype int32", "bias-mismatch": "a bias whose size is not the channel count",
    "strides-full": "strides as [1, s, s, 1]", "strides-single": "strides as [s]",
    "ksize-full": "ksize as [1, k, k, 1]", "ksize-single": "ksize as [k]",
    "dilation-full": "dilations as [1, d, d, 1]", "dilation-single": "dilations as [d]",
    **{f"rank{r}": f"a rank-{r} value" for r in range(2, 6)},
}


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
    outcomes: dict = field(default_factory=dict)  # target -> (verdict, ref, tf) of the minimal run
    twin: Found | None = None      # the class whose repro file (the same configuration) pins this one
    example_config: dict = field(default_factory=dict)
    seconds: float = 0.0             # spent shrinking it

    def key(self) -> tuple:
        d = self.deviation
        return (self.op, d.kind, d.behaviour, d.reference, d.targets, self.features)


def _size(op: str, cfg: dict) -> tuple:
    built = BUILDERS[op](cfg)
    return (sum(math.prod(s) for s in built.tensors.values()), rank(SPACES[op], cfg))


# ---------------------------------------------------------------------------------------------
# Repro files
def _scalar(value) -> str:
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z][A-Za-z0-9_.]*", value) and \
            value.lower() not in ("true", "false", "null", "yes", "no", "on", "off"):
        return value
    return json.dumps(value)


def _tensor_yaml(spec: TensorSpec) -> str:
    shape = json.dumps(list(spec.shape))
    if spec.kind == "fill":
        return f"{{shape: {shape}, fill: {spec.data}}}"
    if spec.kind == "range":
        return f"{{shape: {shape}, range: {spec.data['start']}}}"
    data = spec.data
    extra = f", low: {data['low']}, high: {data['high']}" if data["dist"] == "integers" else ""
    return f"{{shape: {shape}, random: {{dist: {data['dist']}, seed: {data['seed']}{extra}}}}}"


def case_body(case: Case, indent: str = "    ") -> list[str]:
    """The case's keys as YAML lines (op, dtype, tensors, arguments), in the op's order."""
    from harness.ops import OPS
    lines = [f"op: {case.op}"]
    if case.dtype != "float32":
        lines.append(f"dtype: {case.dtype}")
    lines += [f"{name}: {_tensor_yaml(spec)}" for name, spec in case.tensors.items()]
    lines += [f"{name}: {_scalar(case.args[name])}" for name in OPS[case.op].args if name in case.args]
    return [indent + line for line in lines]


def _did(kind: str, case: Case, outcome: tuple, timeout: float) -> str:
    """What TensorFlow did, in words, with this configuration's numbers."""
    verdict, ref, tf = outcome
    if kind == "crash":
        line = _crash_line(tf.log)
        return f"kills the TensorFlow process ({tf.signal}{': ' + line if line else ''})"
    if kind == "timeout":
        return f"does not return within {timeout:g} s"
    if tf is not None and tf.kind == "error":
        return f'raises {tf.error_type} "{_first_line(tf.error_message)}"'
    if kind == "value":     # counts, not magnitudes: uninitialised memory differs between runs
        bad = [f"{d['mismatched']} of {d['total']} elements of {name}" for name, d in verdict.details.items()
               if isinstance(d, dict) and d.get("mismatched")]
        return f"returns wrong values ({', '.join(bad) or verdict.message} beyond tolerance)"
    if tf is None:
        return verdict.message
    got = list(next(iter(tf.outputs.values())).shape)
    relation = shape_relation(case, ref, tf)
    return f"returns shape {got}" + (" (the input's shape)" if relation == "the input's shape" else "")


def _says(kind: str, ref: Outcome) -> str:
    if ref.kind == "error":
        return f'the reference rejects the call ("{_first_line(ref.error_message)}")'
    shape = list(next(iter(ref.outputs.values())).shape)
    return f"the reference gives shape {shape}" + (" and other values" if kind == "value" else "")


def _reason(dev: Deviation, case: Case, outcome: tuple, feats: tuple, timeout: float) -> str:
    who = ", ".join(target_patterns(dev.targets))
    what = ", ".join(PHRASES.get(f, f) for f in feats)
    return (f"tf.nn.{case.op} on {who} {_did(dev.kind, case, outcome, timeout)}; "
            f"{_says(dev.kind, outcome[1])}" + (f" ({what})." if what else "."))


def _pattern_yaml(pattern: str) -> str:
    return json.dumps(pattern) if pattern.startswith("*") else pattern


def repro_text(found: Found, source: str, tf_version: str | None, timeout: float) -> str:
    case = to_case(found.op, found.config, found.slug)
    spec = f'"=={".".join((tf_version or "0").split(".")[:2])}.*"'
    d = found.deviation
    lines = [
        "# Found by `tfconform sweep`: the smallest configuration of this deviation class.",
        f"# class: {found.op} | {d.kind} | {', '.join(target_patterns(d.targets))} | "
        f"{', '.join(found.features) or '-'}",
        f"# shrunk from sweep configuration {found.example} ({found.count} deviating "
        f"configuration(s) in that sweep).",
        f"# TensorFlow {tf_version}, what each failing target did:",
    ]
    for target, outcome in found.outcomes.items():
        if outcome[0].status in ("fail", "xpass"):
            lines.append(f"#   {target}: {outcome[0].kind}: {_did(outcome[0].kind, case, outcome, timeout)}")
    ref = next(iter(found.outcomes.values()))[1]
    agree = [t for t, o in found.outcomes.items() if o[0].status == "pass"]
    lines.append(f"#   {_says(d.kind, ref)}" + (f"; so do {', '.join(agree)}." if agree else "."))
    lines += [f"source: {json.dumps(source)}", "cases:", f"  - id: {found.slug}"]
    lines += case_body(case)
    lines.append("    known:")
    for other in found.others:
        first = found.outcomes[other.targets[0]]
        lines += [f"      - targets: [{', '.join(map(_pattern_yaml, target_patterns(other.targets)))}]",
                  f"        tf: {spec}",
                  f"        kind: {other.kind}",
                  f"        reason: {json.dumps(_reason(other, case, first, found.features, timeout))}"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# The sweep
QUARANTINE = 3                 # crashes in a row of one structure on one target before it is skipped


class Sweep:
    """Runs configurations (in chunks: memory stays bounded), groups deviations, shrinks each
    class and writes its repro file."""

    def __init__(self, op: str, seed: int = 0, targets=ALL_TARGETS, timeout: float = 20.0,
                 session=None, chunk: int = 32, progress=None, log=None):
        from harness.runner import Session
        if op not in SPACES:
            raise ValueError(f"no sweep generator for op {op!r} (known: {', '.join(OPS)})")
        self.op, self.seed, self.targets, self.timeout = op, seed, list(targets), timeout
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
        return tuple(f for f in features(self.op, cfg) if f in COARSE)

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
    def run_cases(self, cases: list[Case], targets=None) -> dict[str, dict[str, tuple]]:
        targets = list(targets or self.targets)
        ran = self.session.run_all(cases, targets)
        self.tf_calls += len(ran)
        out: dict[str, dict[str, tuple]] = {c.id: {} for c in cases}
        for case, target, verdict, ref, tf in ran:
            out[case.id][target] = (verdict, ref, tf)
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
                    for target, (_, _, tf) in results[case.id].items():
                        seen = self.crashes.setdefault((target, sigs[cid]), [0, 0])
                        seen[0] += tf is not None and tf.kind == "crash"
                        seen[1] += 1
                    devs = deviations(case, results[case.id])
                    if not devs:
                        continue
                    self.deviating += 1
                    ref = next(iter(results[case.id].values()))[1]
                    feats = features(self.op, configs[cid], ref)
                    size = _size(self.op, configs[cid])
                    for dev in devs:
                        if dev.kind == "harness-error":
                            self.harness_errors.append(f"{cid}: {dev.behaviour}")
                            continue
                        coarse = tuple(f for f in feats if f in COARSE) + \
                            ((case.dtype,) if dev.kind == "value" else ())
                        key = (dev, coarse)
                        self.groups.setdefault(key, Group(dev, coarse)).offer(size, cid, configs[cid])
                    if records:
                        records(case, configs[cid], results[case.id])
                self.configs += len(batch)
                bar.update(len(batch))
        self.seconds += time.perf_counter() - start

    # -- shrinking -----------------------------------------------------------------------
    def oracle(self, dev: Deviation, budget: dict, seconds: float = 30.0):
        """still_fails(config) for shrinking class `dev`: the reference says the same thing (cheap,
        no TensorFlow) and then every target of the class deviates the same way."""
        from harness.execute import reference_outcome, tensors_of
        deadline = time.monotonic() + seconds     # a crash costs a worker restart: bound the time

        def still_fails(cfg: dict) -> bool:
            if budget["tf"] <= 0 or time.monotonic() > deadline:
                return False
            case = to_case(self.op, cfg, f"shrink-{zlib.crc32(repr(sorted(cfg.items())).encode()):08x}")
            try:
                ref = reference_outcome(case, tensors_of(case))[0]
            except Exception:           # a reference bug: not this class
                return False
            if ref_gist(ref) != dev.reference:
                return False
            budget["tf"] -= 1
            results = self.run_cases([case], dev.targets)[case.id]
            return any(d.kind == dev.kind and d.behaviour == dev.behaviour and d.reference == dev.reference
                       and set(dev.targets) <= set(d.targets) for d in deviations(case, results))
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
                home = next((f for f in found if _same(f.deviation, dev) and
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
                result = shrink(space, cfg, self.oracle(dev, budget, seconds * (3 if slow else 1)), max_checks)
                small = result.config
                case = to_case(self.op, small, f"minimal-{zlib.crc32(repr(sorted(small.items())).encode()):08x}")
                outcomes = self.run_cases([case])[case.id]
                others = [d for d in deviations(case, outcomes) if d.kind != "harness-error"]
                mine = next((d for d in others if _same(d, dev) and set(dev.targets) <= set(d.targets)), None)
                ref = next(iter(outcomes.values()))[1]
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


# For merging classes: any zero-size tensor is one feature, and SAME vs VALID padding is not one.
EMPTY = ("empty-input", "empty-filters", "empty-filter", "empty-bias")


def canon(feats) -> set:
    return {"empty" if f in EMPTY else f for f in feats if f not in ("valid", "same")}


def merge_classes(found: list[Found]) -> list[Found]:
    """A class is dropped into another that fails the same way on the same targets with fewer
    features (its minimal configuration needs no more than the other's), unless another class's
    repro file is its own."""
    out: list[Found] = []
    for f in sorted(found, key=lambda f: (len(canon(f.features)), -f.count)):
        home = next((g for g in out if _same(g.deviation, f.deviation) and g.status != "unstable"
                     and g.deviation.targets == f.deviation.targets
                     and canon(g.features) <= canon(f.features)), None)
        if home and not any(t.twin is f for t in found):
            home.count += f.count
            continue
        out.append(f)
    order = {id(f): i for i, f in enumerate(found)}
    return sorted(out, key=lambda f: order[id(f)])


def _same(a: Deviation, b: Deviation) -> bool:
    return (a.kind, a.behaviour, a.reference) == (b.kind, b.behaviour, b.reference)


class _NoBar:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n=1):
        pass


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


def write_repros(found: list[Found], folder: Path, source: str, tf_version: str | None,
                 timeout: float, overwrite: bool = False) -> None:
    for f in found:
        if f.status == "unstable" or f.twin:
            continue
        f.path = Path(folder) / f.op / f"{f.slug}.yaml"
        if f.path.exists() and not overwrite:
            f.status = "exists"
            continue
        f.path.parent.mkdir(parents=True, exist_ok=True)
        f.path.write_text(repro_text(f, source, tf_version, timeout), encoding="utf-8")
        f.status = "new"


def verify(sweep: Sweep, found: list[Found], rounds: int = 2) -> None:
    """Rerun every new repro file as the harness will: through the loader, on every target of the
    sweep; each must be xfail where it pins a deviation and pass elsewhere, `rounds` times."""
    from harness.loader import load
    for f in found:
        if f.status != "new":
            continue
        cases, problems = load([f.path.as_posix()])
        bad = list(problems) if problems or len(cases) != 1 else []
        for _ in range(rounds if not bad else 0):
            pinned = {t for d in f.others for t in d.targets}
            for target, (verdict, _, _) in sweep.run_cases(cases)[cases[0].id].items():
                want = "xfail" if target in pinned else "pass"
                if verdict.status != want:
                    bad.append(f"{target}: {verdict.status} ({verdict.kind}), expected {want}")
        if bad:
            f.status = "not-reproduced"
            f.path.unlink()
            sweep.log(f"{f.path}: not reproduced on rerun, not written: {'; '.join(bad[:3])}")
    for f in found:
        if f.twin:
            f.path, f.status = f.twin.path, f"in #{found.index(f.twin) + 1}'s file"


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


# ---------------------------------------------------------------------------------------------
# Command line
def add_arguments(p) -> None:
    from harness.cli import parse_targets
    from harness.shard import parse_shard
    p.add_argument("--op", required=True, choices=OPS, help="the tf.nn op to sweep")
    p.add_argument("--n", type=int, default=500, help="configurations to generate (default 500)")
    p.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    p.add_argument("--targets", type=parse_targets, default=list(ALL_TARGETS),
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


def _bars(quiet: bool):
    def bar(total, unit, desc):
        from tqdm import tqdm
        tty = sys.stderr.isatty()     # in a CI log: a line every 30 s rather than none
        return tqdm(total=total, unit=unit, desc=desc, disable=quiet, file=sys.stderr,
                    dynamic_ncols=True, leave=not tty, mininterval=0.1 if tty else 30)
    return bar


def cmd_sweep(args) -> int:
    from harness import results
    from harness.shard import selects
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    sweep = Sweep(args.op, args.seed, args.targets, args.timeout, progress=_bars(args.quiet),
                  log=lambda text: print(text, file=sys.stderr))
    indices = [i for i in range(args.n) if selects(args.shard, config_id(args.op, args.seed, i))]
    shard_text = f", shard {args.shard[0]}/{args.shard[1]}" if args.shard else ""
    found: list[Found] = []
    with open(out / "results.jsonl", "w", encoding="utf-8") as stream:
        def record(case, cfg, outcomes):
            case = replace(case, text="\n".join(line[4:] for line in case_body(case)))
            for target, (verdict, ref, tf) in outcomes.items():
                rec = results.record(case, target, verdict, ref, tf, sweep.session.tf_version)
                stream.write(json.dumps(rec, sort_keys=True, ensure_ascii=False) + "\n")
        try:
            sweep.sweep(indices, record)
            if not args.no_shrink:
                found = sweep.shrink_all(args.max_shrink_calls, seconds=args.shrink_seconds)
                name_classes(found)
                source = (f"tfconform sweep --op {args.op} --seed {args.seed} "
                          f"(TF {sweep.session.tf_version})")
                write_repros(found, Path(args.found), source, sweep.session.tf_version, args.timeout,
                             args.overwrite)
                verify(sweep, found)
        finally:
            sweep.session.close()
    if args.no_shrink:
        found = [Found(args.op, g.deviation, g.coarse, g.best[2], g.best[1], g.count, status="unshrunk")
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
