"""Transposed convolutions: conv1d/2d/3d_transpose, conv_transpose, atrous_conv2d_transpose. Their
filters are [*k, out_channels, in_channels]: each output element sums over *k and in_channels."""
from functools import partial

from harness.ops.spec import FLOATS, OpSpec, filter_terms
from harness.sweep import geometry as g
from harness.sweep.knobs import (ATROUS_AXES, BATCH_K, CHAN_K, EXTRA, FEW_PAD, FIT, FLOAT_K, MISMATCH,
                                 OUT_K, RATE, TWO_PAD, VALUES_K, padding, space, transpose)

RULES = ("channel-mismatch", "filter-depth-zero", "output-shape-length", "output-shape-channels",
         "output-shape-batch", "output-shape-negative", "output-shape-mismatch")
MUTATIONS = ("same-extra-pad-at-start", "same-output-floor", "transpose-crop-side", "transpose-no-kernel-flip")
OIHW = {"filters": ("out", "in")}
TERMS = filter_terms("filters", -2)


def _record(name: str, rank: int, ranks: tuple, dtypes=FLOATS, pads=FEW_PAD) -> OpSpec:
    return OpSpec(name, ("input", "filters"), dtypes=dtypes, rules=RULES, terms=TERMS, filters=OIHW, rank=rank,
                  space=transpose(ranks, pads=pads), build=partial(g.transpose, rank=rank),
                  mutations=MUTATIONS + ("nchw-spatial-swap",))


RECORDS = (
    _record("conv1d_transpose", 1, (1,), FLOATS + ("int32",)),
    _record("conv2d_transpose", 2, (2,), FLOATS + ("int32",), pads=(2, 2, 1)),
    _record("conv3d_transpose", 3, (3,)),
    _record("conv_transpose", 2, (1, 2, 3), FLOATS + ("int32",)),      # int32 in 1-D and 2-D
    OpSpec("atrous_conv2d_transpose", ("value", "filters"), dtypes=FLOATS + ("int32",), rules=RULES, terms=TERMS,
           filters=OIHW,
           space=space(FLOAT_K, padding(TWO_PAD), BATCH_K, ATROUS_AXES, EXTRA[1:], RATE, CHAN_K, MISMATCH,
                       OUT_K, VALUES_K, FIT),
           build=partial(g.transpose, rank=2, atrous=True), mutations=MUTATIONS),
)
