"""Pooling: max_pool*, avg_pool*, tf.nn.pool, max_pool_with_argmax."""
from functools import partial

from harness.ops.spec import FLOATS, OpSpec, window_terms
from harness.sweep import geometry as g
from harness.sweep.knobs import (ANY_PAD, ARGMAX_DTYPES, BATCH_K, CHAN_K, EXCLUSIVE, FEW_PAD, FLOAT_K, FORMS,
                                 FORMS_W, INTS, LAYOUT, MAX_DTYPES, TWO_PAD, VALUES, VALUES_K, Knob, padding,
                                 pool, space, spatial)

WINDOWED = ("same-extra-pad-at-start", "same-output-floor", "valid-output-off-by-one", "nchw-spatial-swap")
MAX_INTS = tuple(t for t in INTS)                 # MaxPool (1-D and 2-D) takes these integers
DEPTH = ("depth-pool-spatial", "depth-pool-divides-depth", "depth-pool-stride", "depth-pool-explicit-padding")
# max pooling over depth: ksize and strides [1, 1, 1, k] (spatial entries drawn as usual: shrinking
# finds whether they matter)
DEPTH_K = Knob("depth", (1, 2, 3), (12, 1, 1), "c")


def _max_window(args: dict) -> bool:
    return True


def _as_average(args: dict) -> tuple:
    """Average pooling over the same windows: its gradient reaches every element of each."""
    return "avg_pool", {k: v for k, v in args.items() if k in ("ksize", "strides", "padding", "data_format")}


def _pool_terms(shapes: dict, args: dict) -> int:
    """tf.nn.pool: AVG sums the window; MAX is exact (0)."""
    from math import prod
    return 0 if args.get("pooling_type") == "MAX" else max(1, prod(args.get("window_shape") or [1]))


def _max(name: str, rank: int, ranks: tuple, dtypes=FLOATS + MAX_INTS, knob=MAX_DTYPES, pads=ANY_PAD,
         rules=("pool-padding-too-large",) + DEPTH, late=(DEPTH_K,)) -> OpSpec:
    return OpSpec(name, ("input",), dtypes=dtypes, rules=rules, max_window=_max_window, spread=_as_average,
                  rank=rank,
                  space=pool(ranks, pads, knob), late=late, build=partial(g.pool, rank=rank),
                  mutations=WINDOWED + ("max-pool-pads-with-zero",))


def _avg(name: str, rank: int, ranks: tuple) -> OpSpec:
    return OpSpec(name, ("input",), terms=window_terms, rank=rank, space=pool(ranks, FEW_PAD),
                  build=partial(g.pool, rank=rank), mutations=WINDOWED + ("avg-pool-divides-by-full-window",))


RECORDS = (
    _max("max_pool", 2, (1, 2, 3)),
    _max("max_pool1d", 1, (1,)),
    _max("max_pool2d", 2, (2,)),
    _max("max_pool3d", 3, (3,), FLOATS, FLOAT_K, FEW_PAD, (), ()),
    _avg("avg_pool", 2, (1, 2, 3)),
    _avg("avg_pool1d", 1, (1,)),
    _avg("avg_pool2d", 2, (2,)),
    _avg("avg_pool3d", 3, (3,)),
    OpSpec("pool", ("input",), dtypes=FLOATS + MAX_INTS,          # integers: MAX in 1-D and 2-D
           rules=("pool-same-dilations", "pool-strides-window", "pooling-type",
                                      "window-shape-length"),
           terms=_pool_terms, max_window=lambda args: args.get("pooling_type") == "MAX",
           spread=lambda args: ("pool", {**args, "pooling_type": "AVG"}),
           space=space(FLOAT_K, LAYOUT, padding(TWO_PAD), BATCH_K, spatial((1, 2, 3), pads=False), CHAN_K,
                       Knob("pooling_type", ("MAX", "AVG"), (1, 1)), VALUES_K, EXCLUSIVE),
           build=partial(g.pool, rank=2, form="window_shape"),
           mutations=WINDOWED[:2] + ("max-pool-pads-with-zero", "avg-pool-divides-by-full-window")),
    OpSpec("max_pool_with_argmax", ("input",), outputs=("output", "argmax"),
           dtypes=FLOATS + MAX_INTS + ("uint32", "uint64"),
           rules=("argmax-data-format", "argmax-output-dtype") + DEPTH, max_window=_max_window, spread=_as_average,
           space=space(ARGMAX_DTYPES, Knob("layout", ("NHWC", "NCHW"), (12, 0.5)), padding(TWO_PAD), BATCH_K,
                       spatial((2,), dilation=False, pads=False), CHAN_K, Knob("ksize_form", FORMS, FORMS_W),
                       Knob("stride_form", FORMS, FORMS_W), Knob("include_batch_in_index", (False, True), (2, 1)),
                       Knob("output_dtype", ("int64", "int32"), (2, 1)), Knob("values", VALUES, (0.5, 1, 6))),
           late=(DEPTH_K,), build=partial(g.pool, rank=2, form="argmax"),
           mutations=WINDOWED[:3] + ("max-pool-pads-with-zero", "argmax-last-tie", "argmax-channel-major")),
)
