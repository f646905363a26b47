"""The knobs sweeps draw from (harness.sweep.shrink.Knob, each listing its values simplest first)
and the spaces of the op families, assembled from them; the op records (harness.ops) pick theirs.

Spatial knobs are per axis and named after it: size `h`, kernel `kh`, stride `sh`, dilation `dh`,
explicit pads `loh`/`hih` (axes `w`; `h`, `w`; `d`, `h`, `w` for 1-, 2- and 3-D ops). Ops whose rank
follows their input (tf.nn.convolution, conv_transpose, max_pool, avg_pool, pool) draw a `rank` knob
too and ignore the knobs of axes they do not have.
"""
from __future__ import annotations

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


def space(*parts) -> Space:
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
    return space(dtypes, LAYOUT, padding(pads), BATCH_K, spatial(ranks), CHAN_K,
                  Knob("filter_c", ("equal", "grouped", "mismatch"), (8, 1.5, 0.7), "c"), OUT_K,
                  Knob("stride_form", FORMS, forms_w), Knob("dilation_form", FORMS, forms_w), VALUES_K,
                  *extra)


def transpose(ranks, pads=ANY_PAD) -> Space:
    top = max(ranks)
    return space(CONV_DTYPES if top < 3 else FLOAT_K, LAYOUT, padding(pads), BATCH_K, spatial(ranks), EXTRA[3 - top:], CHAN_K,
                  MISMATCH, OUT_K, Knob("stride_form", FORMS[:3], FORMS_W[:3]), VALUES_K, FIT)


def pool(ranks, pads: tuple, dtypes=FLOAT_K) -> Space:
    return space(dtypes, LAYOUT, padding(pads), BATCH_K, spatial(ranks, dilation=False), CHAN_K,
                  Knob("ksize_form", FORMS, FORMS_W), Knob("stride_form", FORMS, FORMS_W), VALUES_K)


DEPTHWISE = space(FLOAT_K, LAYOUT, padding(ANY_PAD), BATCH_K, spatial((2,)), CHAN_K, MISMATCH,
                   Knob("multiplier", CHAN, CHAN_W, "c"), VALUES_K, EXCLUSIVE)
RATE = Knob("rate", DILATION, (3, 3, 2, 1.5), "h")
ATROUS_AXES = spatial((2,), stride=False, dilation=False, pads=False)

# NaN and infinities in the inputs, in a share of every op's configurations. Drawn last, so that
# adding it left every earlier configuration of a seed as it was.
NON_FINITE_K = Knob("special", ("none", "nonfinite"), (9, 1))
