"""What a configuration means: the op's arguments and tensors (a harness Case), and the features
that name its class (output size 0, window larger than the input, stride > 1, layout, dtype, ...)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from harness.model import Case, Outcome, TensorSpec
from harness.sweep.shrink import rank as knob_rank
from harness.cases.tensors import DTYPES
from harness.sweep.space import AXES, FORMATS, SPACES

# The spatial rank of ops without a `rank` knob.
RANK = {op: 1 if "1d" in op else 3 if "3d" in op else 2 for op in SPACES}


@dataclass
class Built:
    args: dict
    tensors: dict          # name -> shape, in the op's order
    dtype: str
    values: str
    facts: list = field(default_factory=list)


@dataclass
class Geometry:
    """The spatial knobs of a configuration, one entry per axis of its rank."""
    rank: int
    varies: bool           # the op takes several ranks (then the rank is a feature)
    first: bool            # channels first (NCHW and its 1-D and 3-D kin)
    sizes: list
    kernel: list
    strides: list
    dilations: list        # atrous ops: the rate along every axis
    pads: list             # [lo, hi] per axis
    atrous: bool = False

    @staticmethod
    def of(op: str, cfg: dict) -> Geometry:
        r = cfg.get("rank", RANK[op])
        names = AXES[r]
        strides, dilations = [cfg.get("s" + a, 1) for a in names], [cfg.get("d" + a, 1) for a in names]
        if cfg.get("stride_dilation") == "exclusive" and max(strides) > 1:
            dilations = [1] * r
        if "rate" in cfg:
            dilations = [cfg["rate"]] * r
        return Geometry(r, "rank" in cfg, cfg.get("layout") == "NCHW", [cfg[a] for a in names],
                        [cfg["k" + a] for a in names], strides, dilations,
                        [[cfg.get("lo" + a, 0), cfg.get("hi" + a, 0)] for a in names], "rate" in cfg)

    def image(self, n: int, sizes: list, c: int) -> tuple:
        return (n, c, *sizes) if self.first else (n, *sizes, c)

    def full(self, values: list) -> list:
        return [1, 1, *values] if self.first else [1, *values, 1]

    def per_dim(self, form: str, values: list):
        """strides, ksize or dilations in one of tf.nn's forms (an int only when all agree)."""
        if form == "full":
            return self.full(values)
        if len(set(values)) == 1 and form == "scalar":
            return values[0]
        if len(set(values)) == 1 and form == "single":
            return [values[0]]
        return list(values)

    def padding(self, padding: str):
        if padding != "EXPLICIT":
            return padding
        return [[0, 0], [0, 0], *self.pads] if self.first else [[0, 0], *self.pads, [0, 0]]

    def layout_args(self) -> dict:
        return {"data_format": FORMATS[self.rank][1]} if self.first else {}

    def facts(self, padding: str, sizes: list | None = None, beyond: str = "kernel>input") -> list[str]:
        """Features of the window geometry: a window larger than its (padded) input, stride and
        dilation > 1, a window of size 0."""
        out = []
        for size, k, d, (lo, hi) in zip(sizes or self.sizes, self.kernel, self.dilations, self.pads):
            room = size + (lo + hi if padding == "EXPLICIT" else 0)
            if padding != "SAME" and k > 0 and (k - 1) * d + 1 > room:
                out.append(beyond)
        out += ["stride>1"] if max(self.strides) > 1 else []
        out += [("rate" if self.atrous else "dilation") + ">1"] if max(self.dilations) > 1 else []
        out += ["kernel-0"] if 0 in self.kernel else []
        out += [f"{self.rank}d"] if self.varies else []
        return out


def _filter_channels(cfg: dict) -> tuple[int, list]:
    """The filter's in_channels (equal to the input's, 1 for a grouped convolution, or one too
    many) and the feature that names it."""
    c, how = cfg["c"], cfg["filter_c"]
    facts = {"grouped": ["grouped"] if c > 1 else [], "mismatch": ["channel-mismatch"]}.get(how, [])
    return {"equal": c, "grouped": min(c, 1), "mismatch": c + 1}[how], facts


def _conv(op, cfg):
    g, c = Geometry.of(op, cfg), cfg["c"]
    fc, channel_facts = _filter_channels(cfg)
    groups = c // fc if fc and c and c % fc == 0 else 1
    args = {"stride" if op == "conv1d" else "strides": g.per_dim(cfg["stride_form"], g.strides),
            "padding": g.padding(cfg["padding"])}
    if max(g.dilations) > 1:
        args["dilations"] = g.per_dim(cfg["dilation_form"], g.dilations)
    return Built(args | g.layout_args(), {"input": g.image(cfg["n"], g.sizes, c),
                                          "filters": (*g.kernel, fc, cfg["o"] * groups)},
                 cfg["dtype"], cfg["values"], g.facts(cfg["padding"]) + channel_facts)


def _depthwise(op, cfg):
    g, c = Geometry.of(op, cfg), cfg["c"]
    fc, channel_facts = _filter_channels(cfg)
    args = {"strides": g.full(g.strides), "padding": g.padding(cfg["padding"])}
    if max(g.dilations) > 1:
        args["dilations"] = g.dilations
    facts = g.facts(cfg["padding"]) + channel_facts
    tensors = {"input": g.image(cfg["n"], g.sizes, c), "filter": (*g.kernel, fc, cfg["multiplier"])}
    if op == "separable_conv2d":
        mid = c * cfg["multiplier"] + (cfg["pointwise"] == "mismatch")
        tensors = {"input": tensors["input"], "depthwise_filter": tensors["filter"],
                   "pointwise_filter": (1 + (cfg["pointwise"] == "spatial"), 1, mid, cfg["o"])}
        facts += {"mismatch": ["pointwise-mismatch"], "spatial": ["pointwise-2x1"]}.get(cfg["pointwise"], [])
    return Built(args | g.layout_args(), tensors, cfg["dtype"], cfg["values"], facts)


def _forward_size(size: int, keff: int, s: int, padding: str, lo: int, hi: int) -> int:
    if padding == "SAME":
        return -(-size // s)
    num = size + (lo + hi if padding == "EXPLICIT" else 0) - keff + s
    return num // s if num >= 0 else -(-num // s)


def _transpose_sizes(g: Geometry, padding: str, extras: list, fit: bool) -> tuple[list, bool]:
    """Output sizes whose forward convolution gives the input's sizes (per axis the extra-th such
    size, counting round) or, unless `fit`, a size past the last one along the first axis; with
    whether they all fit (along some axis no size may)."""
    out, fits_all = [], True
    for i, (size, k, d, s, (lo, hi), extra) in enumerate(zip(g.sizes, g.kernel, g.dilations, g.strides,
                                                            g.pads, extras)):
        keff = (k - 1) * d + 1 if k > 0 else 0
        fits = [n for n in range((size + 2) * s + keff + 2) if _forward_size(n, keff, s, padding, lo, hi) == size]
        if fits and (fit or i > 0):
            out.append(fits[extra % len(fits)])
        else:
            out.append((fits[-1] if fits else size * s) + 1 + extra)
            fits_all = False
    return out, fits_all


def _transpose(op, cfg):
    g, c = Geometry.of(op, cfg), cfg["c"]
    fc, channel_facts = _filter_channels(cfg)
    atrous = op == "atrous_conv2d_transpose"
    sizes, fit = _transpose_sizes(g, cfg["padding"], [cfg["extra_" + a] for a in AXES[g.rank]],
                                  cfg["output_fit"] == "fits")
    out_shape = list(g.image(cfg["n"], sizes, cfg["o"]))
    if atrous:
        args = {"output_shape": out_shape, "rate": cfg["rate"], "padding": cfg["padding"]}
    else:
        args = {"output_shape": out_shape, "strides": g.per_dim(cfg["stride_form"], g.strides),
                "padding": g.padding(cfg["padding"])} | g.layout_args()
        if max(g.dilations) > 1:
            args["dilations"] = g.dilations
    # The transpose's window against its output (what the forward convolution sees).
    facts = g.facts(cfg["padding"], sizes, beyond="kernel>output")
    facts += ([] if fit else ["output_shape-mismatch"]) + channel_facts
    return Built(args, {"value" if atrous else "input": g.image(cfg["n"], g.sizes, c),
                        "filters": (*g.kernel, cfg["o"], fc)}, cfg["dtype"], cfg["values"], facts)


def _atrous(op, cfg):
    g, c = Geometry.of(op, cfg), cfg["c"]
    fc, channel_facts = _filter_channels(cfg)
    return Built({"rate": cfg["rate"], "padding": cfg["padding"]},
                 {"value": g.image(cfg["n"], g.sizes, c), "filters": (*g.kernel, fc, cfg["o"])},
                 cfg["dtype"], cfg["values"], g.facts(cfg["padding"]) + channel_facts)


def _pool(op, cfg):
    g = Geometry.of(op, cfg)
    if op == "pool":
        args = {"window_shape": g.kernel, "pooling_type": cfg["pooling_type"], "padding": cfg["padding"]}
        args |= {"strides": g.strides} if max(g.strides) > 1 else {}
        args |= {"dilations": g.dilations} if max(g.dilations) > 1 else {}
        facts = g.facts(cfg["padding"]) + [cfg["pooling_type"].lower()]
    else:
        args = {"ksize": g.per_dim(cfg["ksize_form"], g.kernel),
                "strides": g.per_dim(cfg["stride_form"], g.strides), "padding": g.padding(cfg["padding"])}
        facts = g.facts(cfg["padding"])
    if cfg["padding"] == "EXPLICIT" and any(p >= k for (lo, hi), k in zip(g.pads, g.kernel) for p in (lo, hi)):
        facts.append("pad>=window")
    if op == "max_pool_with_argmax":         # defaults left out
        args |= {"include_batch_in_index": True} if cfg["include_batch_in_index"] else {}
        args |= {"output_dtype": cfg["output_dtype"]} if cfg["output_dtype"] != "int64" else {}
        facts += ["batch-in-index"] if cfg["include_batch_in_index"] else []
        facts += ["int32-index"] if cfg["output_dtype"] == "int32" else []
    return Built(args | g.layout_args(), {"input": g.image(cfg["n"], g.sizes, cfg["c"])},
                 cfg["dtype"], cfg["values"], facts)


def _bias_add(op, cfg):
    dims = tuple(cfg[f"d{i}"] for i in range(cfg["rank"]))
    fmt = cfg["data_format"]
    axis = 1 if fmt and fmt.startswith("NC") else len(dims) - 1
    size = dims[axis] + (1 if cfg["bias"] == "mismatch" else 0)
    facts = [f"rank{cfg['rank']}"] if cfg["rank"] != 4 else []         # 4 is the simplest rank
    facts += [f"format-{fmt.lower()}"] if fmt else []
    facts += ["bias-mismatch"] if cfg["bias"] == "mismatch" else []
    return Built({"data_format": fmt} if fmt else {}, {"value": dims, "bias": (size,)},
                 cfg["dtype"], cfg["values"], facts)


def builder(op: str):
    if op == "bias_add":
        return _bias_add
    if op.startswith(("max_pool", "avg_pool")) or op == "pool":
        return _pool
    if "transpose" in op:
        return _transpose
    return {"depthwise_conv2d": _depthwise, "separable_conv2d": _depthwise, "atrous_conv2d": _atrous}.get(op, _conv)


def build(op: str, cfg: dict) -> Built:
    return builder(op)(op, cfg)


def _tensor_spec(shape: tuple, dtype: str, values: str, index: int, special: str = "none") -> TensorSpec:
    if special == "nonfinite" and DTYPES[dtype].kind in "fcV":     # 10% NaN, 10% +-inf
        data = {"dist": "normal", "seed": index + 1, "mean": 0.0, "std": 1.0, "nan": 0.1, "inf": 0.1}
        return TensorSpec(tuple(shape), "random", data, dtype)
    if values == "ones":
        return TensorSpec(tuple(shape), "fill", 1, dtype)
    if values == "ramp" and dtype not in ("float16", "bfloat16"):   # ramps overflow half floats
        return TensorSpec(tuple(shape), "range", {"start": 1, "step": 1}, dtype)
    if dtype.startswith(("int", "uint")):
        data = {"dist": "integers", "seed": index + 1, "low": 0 if dtype.startswith("u") else -4, "high": 5}
    else:
        data = {"dist": "normal", "seed": index + 1, "mean": 0.0, "std": 1.0}
    return TensorSpec(tuple(shape), "random", data, dtype)


def to_case(op: str, cfg: dict, cid: str) -> Case:
    built = build(op, cfg)
    tensors = {name: _tensor_spec(shape, built.dtype, built.values, i, cfg.get("special", "none"))
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
        out.append(FORMATS[cfg.get("rank", RANK[op])][1].lower())
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
