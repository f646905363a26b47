"""What a sweep draws: per op, a tuple of knobs (harness.sweep.shrink.Knob), each listing its values
simplest first, and a seeded generator over them.

Spatial knobs are per axis and named after it: size `h`, kernel `kh`, stride `sh`, dilation `dh`,
explicit pads `loh`/`hih` (axes `w`; `h`, `w`; `d`, `h`, `w` for 1-, 2- and 3-D ops). Ops whose rank
follows their input (tf.nn.convolution, conv_transpose, max_pool, avg_pool, pool) draw a `rank` knob
too and ignore the knobs of axes they do not have.
"""
from __future__ import annotations

import random

from harness.sweep.shrink import Knob, Space

# Sizes: 1 first, 0 last: an empty tensor is an edge case of its own, kept only when it matters.
SIZE, SIZE_W = (1, 2, 3, 4, 5, 6, 7, 8, 0), (3, 3, 4, 4, 3, 2, 1.5, 1, 0.6)
SIZE3, SIZE3_W = (1, 2, 3, 4, 5, 0), (3, 4, 4, 3, 2, 0.6)            # 3-D: smaller per axis
BATCH, BATCH_W = (1, 2, 3, 0), (6, 2, 1, 0.4)
CHAN, CHAN_W = (1, 2, 3, 4, 0), (4, 4, 3, 2, 0.3)
KERNEL, KERNEL_W = (1, 2, 3, 4, 5, 6, 0), (3, 4, 4, 2, 1.5, 1, 0.2)
STRIDE, STRIDE_W = (1, 2, 3, 4), (5, 3, 1.5, 1)
DILATION, DILATION_W = (1, 2, 3, 4), (7, 2, 1, 0.7)
PAD, PAD_W = (0, 1, 2, 3), (4, 3, 2, 1)
FORMS, FORMS_W = ("scalar", "list", "full", "single"), (3, 3, 2, 1)
VALUES, VALUES_W = ("ones", "ramp", "random"), (1, 1, 4)
FLOATS, FLOATS_W = ("float32", "float64", "float16", "bfloat16"), (6, 1, 1.5, 1.5)
INTS = ("int32", "int64", "int8", "uint8", "int16", "uint16")
INTS_W = (0.6, 0.4, 0.4, 0.4, 0.3, 0.3)

AXES = {1: ("w",), 2: ("h", "w"), 3: ("d", "h", "w")}
FORMATS = {1: ("NWC", "NCW"), 2: ("NHWC", "NCHW"), 3: ("NDHWC", "NCDHW")}   # channels last, first


def axis_knobs(axis: str, rank: int = 2, kernel=True, stride=True, dilation=True, pads=True) -> list[Knob]:
    """The knobs of one spatial axis, grouped so that they shrink together."""
    sizes = (SIZE3, SIZE3_W) if rank == 3 else (SIZE, SIZE_W)
    out = [Knob(axis, *sizes, axis)]
    out += [Knob("k" + axis, KERNEL, KERNEL_W, axis)] if kernel else []
    out += [Knob("s" + axis, STRIDE, STRIDE_W, axis)] if stride else []
    out += [Knob("d" + axis, DILATION, DILATION_W, axis)] if dilation else []
    out += [Knob("lo" + axis, PAD, PAD_W, axis), Knob("hi" + axis, PAD, PAD_W, axis)] if pads else []
    return out


def spatial(ranks: tuple, **which) -> list[Knob]:
    """A `rank` knob when the op takes several ranks (2 drawn most), then the axes' knobs."""
    out = [Knob("rank", ranks, tuple({2: 4, 1: 2, 3: 2}[r] for r in ranks))] if len(ranks) > 1 else []
    top = max(ranks)
    for axis in AXES[top]:
        out += axis_knobs(axis, top, **which)
    return out


def padding(weights: tuple) -> Knob:
    """VALID, SAME and, given a third weight (low where TF documents no explicit padding), explicit."""
    return Knob("padding", ("VALID", "SAME", "EXPLICIT")[:len(weights)], weights)


ANY_PAD, FEW_PAD, TWO_PAD = (2, 2, 1), (5, 5, 0.3), (1, 1)


def _space(*parts) -> Space:
    flat: list[Knob] = []
    for part in parts:
        flat += part if isinstance(part, list) else [part]
    return tuple(flat)


LAYOUT = Knob("layout", ("NHWC", "NCHW"), (4, 1))            # channels last / first, at any rank
VALUES_K = Knob("values", VALUES, VALUES_W)
BATCH_K = Knob("n", BATCH, BATCH_W)
CHAN_K = Knob("c", CHAN, CHAN_W, "c")
OUT_K = Knob("o", CHAN, CHAN_W, "c")
MISMATCH = Knob("filter_c", ("equal", "mismatch"), (12, 0.7), "c")
# Every dtype the reference takes for the op (reference/args.py), TF's own kernels or not.
FLOAT_K = Knob("dtype", FLOATS, FLOATS_W)
CONV_DTYPES = Knob("dtype", FLOATS + ("int32",), FLOATS_W + (0.7,))        # Conv2D and its backprop
MAX_DTYPES = Knob("dtype", FLOATS + INTS, FLOATS_W + INTS_W)
ARGMAX_DTYPES = Knob("dtype", FLOATS + INTS + ("uint32", "uint64"), FLOATS_W + INTS_W + (0.3, 0.3))
BIAS_DTYPES = Knob("dtype", FLOATS + INTS + ("uint32", "uint64", "complex64", "complex128"),
                   FLOATS_W + (0.8, 0.5, 0.4, 0.4, 0.3, 0.3, 0.3, 0.3, 0.4, 0.4))
# A transpose's output_shape: per axis which of the sizes that fit (the forward convolution of
# each gives the input's size; extra_<axis> counts modulo their number), or one that fits none.
EXTRA = [Knob(f"extra_{a}", (0, 1, 2, 3, 4), (5, 3, 2, 1, 0.5), a) for a in ("d", "h", "w")]
FIT = Knob("output_fit", ("fits", "mismatch"), (12, 1))


# Where TF documents strides > 1 and dilations > 1 as exclusive, most configurations keep to that
# (the builder drops the dilations otherwise); a few break the rule on purpose.
EXCLUSIVE = Knob("stride_dilation", ("exclusive", "both"), (10, 1))


def conv(ranks, pads=ANY_PAD, dtypes=FLOAT_K, forms_w=FORMS_W, extra=()) -> Space:
    return _space(dtypes, LAYOUT, padding(pads), BATCH_K, spatial(ranks), CHAN_K,
                  Knob("filter_c", ("equal", "grouped", "mismatch"), (8, 1.5, 0.7), "c"), OUT_K,
                  Knob("stride_form", FORMS, forms_w), Knob("dilation_form", FORMS, forms_w), VALUES_K,
                  *extra)


def transpose(ranks, pads=ANY_PAD) -> Space:
    top = max(ranks)
    return _space(CONV_DTYPES if top < 3 else FLOAT_K, LAYOUT, padding(pads), BATCH_K, spatial(ranks), EXTRA[3 - top:], CHAN_K,
                  MISMATCH, OUT_K, Knob("stride_form", FORMS[:3], FORMS_W[:3]), VALUES_K, FIT)


def pool(ranks, pads: tuple, dtypes=FLOAT_K) -> Space:
    return _space(dtypes, LAYOUT, padding(pads), BATCH_K, spatial(ranks, dilation=False), CHAN_K,
                  Knob("ksize_form", FORMS, FORMS_W), Knob("stride_form", FORMS, FORMS_W), VALUES_K)


DEPTHWISE = _space(FLOAT_K, LAYOUT, padding(ANY_PAD), BATCH_K, spatial((2,)), CHAN_K, MISMATCH,
                   Knob("multiplier", CHAN, CHAN_W, "c"), VALUES_K, EXCLUSIVE)
RATE = Knob("rate", DILATION, (3, 3, 2, 1.5), "h")
ATROUS_AXES = spatial((2,), stride=False, dilation=False, pads=False)

SPACES: dict[str, Space] = {
    "conv1d": conv((1,), pads=FEW_PAD, dtypes=CONV_DTYPES),
    "conv2d": conv((2,), dtypes=CONV_DTYPES),
    "conv3d": conv((3,), pads=FEW_PAD, forms_w=(0.5, 0.5, 8, 0.3)),      # TF: strides of length 5
    "convolution": conv((1, 2, 3), pads=FEW_PAD, dtypes=CONV_DTYPES, extra=(EXCLUSIVE,)),
    "depthwise_conv2d": DEPTHWISE,
    "separable_conv2d": _space(*DEPTHWISE[:-2], OUT_K, Knob("pointwise", ("equal", "mismatch", "spatial"),
                                                            (12, 0.7, 0.7), "c"), VALUES_K, EXCLUSIVE),
    "atrous_conv2d": _space(FLOAT_K, padding(TWO_PAD), BATCH_K, ATROUS_AXES,
                            RATE, CHAN_K, MISMATCH, OUT_K, VALUES_K),
    "conv1d_transpose": transpose((1,), pads=FEW_PAD),
    "conv2d_transpose": transpose((2,)),
    "conv3d_transpose": transpose((3,), pads=FEW_PAD),
    "conv_transpose": transpose((1, 2, 3), pads=FEW_PAD),
    "atrous_conv2d_transpose": _space(FLOAT_K, padding(TWO_PAD), BATCH_K, ATROUS_AXES,
                                      EXTRA[1:], RATE, CHAN_K, MISMATCH, OUT_K, VALUES_K, FIT),
    "max_pool": pool((1, 2, 3), ANY_PAD, MAX_DTYPES),
    "max_pool1d": pool((1,), ANY_PAD, MAX_DTYPES),
    "max_pool2d": pool((2,), ANY_PAD, MAX_DTYPES),
    "max_pool3d": pool((3,), FEW_PAD),
    "avg_pool": pool((1, 2, 3), FEW_PAD),
    "avg_pool1d": pool((1,), FEW_PAD),
    "avg_pool2d": pool((2,), FEW_PAD),
    "avg_pool3d": pool((3,), FEW_PAD),
    "pool": _space(FLOAT_K, LAYOUT, padding(TWO_PAD), BATCH_K, spatial((1, 2, 3), pads=False), CHAN_K,
                   Knob("pooling_type", ("MAX", "AVG"), (1, 1)), VALUES_K, EXCLUSIVE),
    "max_pool_with_argmax": _space(
        ARGMAX_DTYPES, Knob("layout", ("NHWC", "NCHW"), (12, 0.5)), padding(TWO_PAD), BATCH_K,
        spatial((2,), dilation=False, pads=False), CHAN_K, Knob("ksize_form", FORMS, FORMS_W),
        Knob("stride_form", FORMS, FORMS_W), Knob("include_batch_in_index", (False, True), (2, 1)),
        Knob("output_dtype", ("int64", "int32"), (2, 1)), Knob("values", VALUES, (0.5, 1, 6))),
    "bias_add": _space(
        BIAS_DTYPES, Knob("rank", (4, 2, 3, 5), (3, 2, 2, 2)),
        *[Knob(f"d{i}", CHAN, CHAN_W, "d") for i in range(5)],
        Knob("data_format", (None, "NHWC", "NCHW", "N...C", "NC..."), (4, 2, 2, 1, 1)),
        Knob("bias", ("equal", "mismatch"), (12, 0.7)), VALUES_K),
}
# NaN and infinities in the inputs, in a share of every op's configurations. Drawn last, so that
# adding it left every earlier configuration of a seed as it was.
NON_FINITE_K = Knob("special", ("none", "nonfinite"), (9, 1))
SPACES = {op: space + (NON_FINITE_K,) for op, space in SPACES.items()}
OPS = tuple(SPACES)


def config_id(op: str, seed: int, index: int) -> str:
    return f"{op}-s{seed}-{index:05d}"


def generate(op: str, seed: int, index: int) -> dict:
    """Configuration `index` of the sweep (op, seed): independent of every other index."""
    rng = random.Random(f"tfconform-sweep/{op}/{seed}/{index}")
    return {k.name: k.draw(rng) for k in SPACES[op]}
