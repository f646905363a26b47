"""What a configuration means: the op's arguments and tensor shapes, and the features that name its
class (output size 0, window larger than the input, stride > 1, layout, ...), by op family. The op
records (harness.ops) bind these builders to their ops; nothing here knows an op by name."""
from __future__ import annotations

from dataclasses import dataclass, field

from harness.cases.tensors import DTYPES
from harness.model import TensorSpec
from harness.sweep.knobs import AXES, FORMATS


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
    def of(rank: int, cfg: dict) -> Geometry:
        r = cfg.get("rank", rank)
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

    def full(self, values: list, channel: int = 1) -> list:
        return [1, channel, *values] if self.first else [1, *values, channel]

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


def conv(cfg, rank: int, stride_arg: str = "strides") -> Built:
    """A convolution (conv1d/2d/3d, convolution): input, filters [*k, in / groups, out]."""
    g, c = Geometry.of(rank, cfg), cfg["c"]
    fc, channel_facts = _filter_channels(cfg)
    groups = c // fc if fc and c and c % fc == 0 else 1
    args = {stride_arg: g.per_dim(cfg["stride_form"], g.strides),
            "padding": g.padding(cfg["padding"])}
    if max(g.dilations) > 1:
        args["dilations"] = g.per_dim(cfg["dilation_form"], g.dilations)
    return Built(args | g.layout_args(), {"input": g.image(cfg["n"], g.sizes, c),
                                          "filters": (*g.kernel, fc, cfg["o"] * groups)},
                 cfg["dtype"], cfg["values"], g.facts(cfg["padding"]) + channel_facts)


def depthwise(cfg, rank: int = 2, separable: bool = False) -> Built:
    """depthwise_conv2d, or with `separable` separable_conv2d (a pointwise filter after it)."""
    g, c = Geometry.of(rank, cfg), cfg["c"]
    fc, channel_facts = _filter_channels(cfg)
    args = {"strides": g.full(g.strides), "padding": g.padding(cfg["padding"])}
    if max(g.dilations) > 1:
        args["dilations"] = g.dilations
    facts = g.facts(cfg["padding"]) + channel_facts
    tensors = {"input": g.image(cfg["n"], g.sizes, c), "filter": (*g.kernel, fc, cfg["multiplier"])}
    if separable:
        mid = c * cfg["multiplier"] + (cfg["pointwise"] == "mismatch")
        tensors = {"input": tensors["input"], "depthwise_filter": tensors["filter"],
                   "pointwise_filter": (1 + (cfg["pointwise"] == "spatial"), 1, mid, cfg["o"])}
        facts += {"mismatch": ["pointwise-mismatch"], "spatial": ["pointwise-2x1"]}.get(cfg["pointwise"], [])
    return Built(args | g.layout_args(), tensors, cfg["dtype"], cfg["values"], facts)


def forward_size(size: int, keff: int, s: int, padding: str, lo: int, hi: int) -> int:
    if padding == "SAME":
        return -(-size // s)
    num = size + (lo + hi if padding == "EXPLICIT" else 0) - keff + s
    return num // s if num >= 0 else -(-num // s)


def transpose_sizes(g: Geometry, padding: str, extras: list, fit: bool) -> tuple[list, bool]:
    """Output sizes whose forward convolution gives the input's sizes (per axis the extra-th such
    size, counting round) or, unless `fit`, a size past the last one along the first axis; with
    whether they all fit (along some axis no size may)."""
    out, fits_all = [], True
    for i, (size, k, d, s, (lo, hi), extra) in enumerate(zip(g.sizes, g.kernel, g.dilations, g.strides,
                                                            g.pads, extras)):
        keff = (k - 1) * d + 1 if k > 0 else 0
        fits = [n for n in range((size + 2) * s + keff + 2) if forward_size(n, keff, s, padding, lo, hi) == size]
        if fits and (fit or i > 0):
            out.append(fits[extra % len(fits)])
        else:
            out.append((fits[-1] if fits else size * s) + 1 + extra)
            fits_all = False
    return out, fits_all


def transpose(cfg, rank: int, atrous: bool = False) -> Built:
    """A transposed convolution (atrous_conv2d_transpose with `atrous`): filters [*k, out, in]."""
    g, c = Geometry.of(rank, cfg), cfg["c"]
    fc, channel_facts = _filter_channels(cfg)
    sizes, fit = transpose_sizes(g, cfg["padding"], [cfg["extra_" + a] for a in AXES[g.rank]],
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


def atrous(cfg, rank: int = 2) -> Built:
    g, c = Geometry.of(rank, cfg), cfg["c"]
    fc, channel_facts = _filter_channels(cfg)
    return Built({"rate": cfg["rate"], "padding": cfg["padding"]},
                 {"value": g.image(cfg["n"], g.sizes, c), "filters": (*g.kernel, fc, cfg["o"])},
                 cfg["dtype"], cfg["values"], g.facts(cfg["padding"]) + channel_facts)


def pool(cfg, rank: int, form: str = "ksize") -> Built:
    """A pooling op: `ksize` (max_pool*, avg_pool*), `window_shape` (tf.nn.pool) or `argmax`
    (max_pool_with_argmax, ksize plus its index arguments)."""
    g = Geometry.of(rank, cfg)
    if form == "window_shape":
        args = {"window_shape": g.kernel, "pooling_type": cfg["pooling_type"], "padding": cfg["padding"]}
        args |= {"strides": g.strides} if max(g.strides) > 1 else {}
        args |= {"dilations": g.dilations} if max(g.dilations) > 1 else {}
        facts = g.facts(cfg["padding"]) + [cfg["pooling_type"].lower()]
    elif cfg.get("depth", 1) > 1:     # max pooling over depth: ksize and strides with a channel entry
        depth = cfg["depth"]
        args = {"ksize": g.full(g.kernel, depth), "strides": g.full(g.strides, depth),
                "padding": g.padding(cfg["padding"])}
        facts = g.facts(cfg["padding"]) + ["depth-pool"]
    else:
        args = {"ksize": g.per_dim(cfg["ksize_form"], g.kernel),
                "strides": g.per_dim(cfg["stride_form"], g.strides), "padding": g.padding(cfg["padding"])}
        facts = g.facts(cfg["padding"])
    if cfg["padding"] == "EXPLICIT" and any(p >= k for (lo, hi), k in zip(g.pads, g.kernel) for p in (lo, hi)):
        facts.append("pad>=window")
    if form == "argmax":         # defaults left out
        args |= {"include_batch_in_index": True} if cfg["include_batch_in_index"] else {}
        args |= {"output_dtype": cfg["output_dtype"]} if cfg["output_dtype"] != "int64" else {}
        facts += ["batch-in-index"] if cfg["include_batch_in_index"] else []
        facts += ["int32-index"] if cfg["output_dtype"] == "int32" else []
    return Built(args | g.layout_args(), {"input": g.image(cfg["n"], g.sizes, cfg["c"])},
                 cfg["dtype"], cfg["values"], facts)


def morphology(cfg, first: str = "input") -> Built:
    """dilation2d / erosion2d (`first`: their first tensor's name): filters [kh, kw, depth], strides
    and dilations [1, s, s, 1]."""
    g, c = Geometry.of(2, cfg), cfg["c"]
    fc = c + 1 if cfg["filter_c"] == "mismatch" else c
    args = {"strides": g.full(g.strides), "padding": cfg["padding"],
            "data_format": FORMATS[2][g.first], "dilations": g.full(g.dilations)}
    facts = g.facts(cfg["padding"]) + (["channel-mismatch"] if fc != c else [])
    return Built(args, {first: g.image(cfg["n"], g.sizes, c), "filters": (*g.kernel, fc)},
                 cfg["dtype"], cfg["values"], facts)


def patches(cfg) -> Built:
    """extract_patches: sizes, strides and rates [1, r, c, 1] over NHWC images."""
    g = Geometry.of(2, cfg)
    args = {"sizes": [1, *g.kernel, 1], "strides": [1, *g.strides, 1], "rates": [1, *g.dilations, 1],
            "padding": cfg["padding"]}
    return Built(args, {"images": g.image(cfg["n"], g.sizes, cfg["c"])}, cfg["dtype"], cfg["values"],
                 g.facts(cfg["padding"]))


def bias_add(cfg, rank: int = 4) -> Built:
    dims = tuple(cfg[f"d{i}"] for i in range(cfg["rank"]))
    fmt = cfg["data_format"]
    axis = 1 if fmt and fmt.startswith("NC") else len(dims) - 1
    size = dims[axis] + (1 if cfg["bias"] == "mismatch" else 0)
    facts = [f"rank{cfg['rank']}"] if cfg["rank"] != 4 else []         # 4 is the simplest rank
    facts += [f"format-{fmt.lower()}"] if fmt else []
    facts += ["bias-mismatch"] if cfg["bias"] == "mismatch" else []
    return Built({"data_format": fmt} if fmt else {}, {"value": dims, "bias": (size,)},
                 cfg["dtype"], cfg["values"], facts)


def tensor_spec(shape: tuple, dtype: str, values: str, index: int, special: str = "none") -> TensorSpec:
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
