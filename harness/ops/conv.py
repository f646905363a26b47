"""Forward convolutions: conv1d, conv2d, conv3d, convolution, atrous_conv2d, depthwise_conv2d,
separable_conv2d."""
from functools import partial
from math import prod

from harness.ops.spec import FLOATS, OpSpec, filter_terms
from harness.sweep import geometry as g
from harness.sweep.knobs import (ATROUS_AXES, BATCH_K, CHAN_K, CONV_DTYPES, DEPTHWISE, EXCLUSIVE,
                                 FEW_PAD, FLOAT_K, MISMATCH, OUT_K, RATE, TWO_PAD, VALUES_K, Knob, conv,
                                 padding, space)

GROUPED = ("channel-mismatch", "filter-depth-zero", "groups-zero", "groups-output-channels")
WINDOWED = ("same-extra-pad-at-start", "same-output-floor", "valid-output-off-by-one", "nchw-spatial-swap")
DILATED = ("padding-for-undilated-kernel", "dilation-on-input")
HWIO = {"filters": ("in", "out")}


def _separable_terms(shapes: dict, args: dict) -> int:
    """Depthwise taps (kh * kw) summed, then in_channels * multiplier pointwise products summed:
    the errors add up to first order, so kh * kw + C * m bounds them as gamma_(terms) times the
    magnitude sum |x| |dw| |pw|; the depthwise result stored in the dtype between the two stages
    is the op's one intermediate rounding (OpSpec.roundings)."""
    dw, pw = shapes["depthwise_filter"], shapes["pointwise_filter"]
    return prod(dw[:2]) + pw[2] if dw and pw else 1


RECORDS = (
    OpSpec("conv1d", ("input", "filters"), dtypes=FLOATS + ("int32",), rules=GROUPED,
           terms=filter_terms("filters"), filters=HWIO, rank=1,
           space=conv((1,), pads=FEW_PAD, dtypes=CONV_DTYPES), build=partial(g.conv, rank=1, stride_arg="stride"),
           mutations=WINDOWED + DILATED + ("groups-ignored",)),
    OpSpec("conv2d", ("input", "filters"), dtypes=FLOATS + ("int32",), rules=GROUPED,
           terms=filter_terms("filters"), filters=HWIO, rank=2,
           space=conv((2,), dtypes=CONV_DTYPES), build=partial(g.conv, rank=2),
           mutations=WINDOWED + DILATED + ("groups-ignored",)),
    OpSpec("conv3d", ("input", "filters"), rules=("channel-mismatch", "filter-depth-zero"),
           terms=filter_terms("filters"), filters=HWIO, rank=3,
           space=conv((3,), pads=FEW_PAD, forms_w=(0.5, 0.5, 8, 0.3)), build=partial(g.conv, rank=3),
           mutations=WINDOWED + DILATED),
    OpSpec("convolution", ("input", "filters"), dtypes=FLOATS + ("int32",), rules=GROUPED,
           terms=filter_terms("filters"), filters=HWIO,
           space=conv((1, 2, 3), pads=FEW_PAD, dtypes=CONV_DTYPES, extra=(EXCLUSIVE,)),
           build=partial(g.conv, rank=2), mutations=WINDOWED + DILATED + ("groups-ignored",)),
    OpSpec("atrous_conv2d", ("value", "filters"), dtypes=FLOATS + ("int32",), rules=GROUPED,
           terms=filter_terms("filters"),
           filters=HWIO, space=space(FLOAT_K, padding(TWO_PAD), BATCH_K, ATROUS_AXES, RATE, CHAN_K,
                                     MISMATCH, OUT_K, VALUES_K),
           build=g.atrous, mutations=WINDOWED[:3] + DILATED),
    OpSpec("depthwise_conv2d", ("input", "filter"), rules=("channel-mismatch",),
           terms=lambda shapes, args: max(1, prod(shapes["filter"][:2])),
           filters={"filter": ("in", "multiplier")}, space=DEPTHWISE, build=g.depthwise,
           mutations=WINDOWED + DILATED + ("depthwise-channel-order",)),
    OpSpec("separable_conv2d", ("input", "depthwise_filter", "pointwise_filter"),
           rules=GROUPED + ("pointwise-not-1x1",), terms=_separable_terms, roundings=1,
           filters={"depthwise_filter": ("in", "multiplier"), "pointwise_filter": ("in", "out")},
           space=space(*DEPTHWISE[:-2], OUT_K, Knob("pointwise", ("equal", "mismatch", "spatial"),
                                                   (12, 0.7, 0.7), "c"), VALUES_K, EXCLUSIVE),
           build=partial(g.depthwise, separable=True),
           mutations=WINDOWED + DILATED + ("depthwise-channel-order",)),
)
