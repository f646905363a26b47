"""tf.nn.dilation2d and tf.nn.erosion2d (grayscale morphology) and tf.image.extract_patches: numpy in, numpy out.

dilation2d: output[b, y, x, c] = max over (dy, dx) of input[b, y*sy + dy*ry - pad_top, x*sx + dx*rx - pad_left, c]
+ filters[dy, dx, c], over the taps inside the input (TF's unmirrored max-plus correlation; padding never
takes part). erosion2d(v, f) = -dilation2d(-v, f reversed in both spatial dims), as tf.nn computes it
(negation wraps for integers). Integers keep their dtype (sums wrap, as TF's kernel adds in T); floats
give float64. extract_patches keeps the input's dtype, padding reads as 0.
"""
from dataclasses import dataclass

import numpy as np

from . import args
from .errors import InvalidArgumentError
from .padding import parse_padding, window_geometry
from .plans import planned
from .window import gather_patches, max_plus


@dataclass
class MorphPlan:
    x: np.ndarray             # (N, H, W, C): the input (erosion: negated)
    f: np.ndarray             # (kh, kw, C): the filter (erosion: reversed)
    strides: tuple
    padding: list             # (lo, hi) per spatial dimension
    dilations: tuple
    out_sizes: list
    erosion: bool
    names: tuple

    def argmax(self):
        return max_plus(self.x, self.f, self.strides, self.padding, self.dilations, self.out_sizes)

    def run(self):
        y = self.argmax()[0]
        y = -y if self.erosion else y  # integers: wraps, as tf.negative does
        return y if y.dtype.kind in "iu" else y.astype(np.float64)


def _window_arg(value, name, op):
    """strides / rates / sizes as TF 2.x takes them: only a list [1, r, c, 1] (an int is rejected, as TF does)."""
    return args.per_dim(value, 2, name, forms="f")


def _morph_plan(x, f, strides, padding, data_format, dilations, op, names):
    if data_format != "NHWC":
        raise InvalidArgumentError("morphology-data-format", f"{op} supports only data_format NHWC, got {data_format!r}")
    x = args.tensor(x, names[0], args.EROSION if op == "erosion2d" else args.DILATION, op)
    f = args.tensor(f, names[1], args.EROSION if op == "erosion2d" else args.DILATION, op)
    args.check_rank(x, 4, names[0])
    args.check_rank(f, 3, names[1])
    s = _window_arg(strides, "strides", op)
    d = (1, 1) if dilations is None else _window_arg(dilations, "dilations", op)
    spec = parse_padding(padding, 2, op=op, explicit_ok=False)
    if x.shape[-1] != f.shape[-1]:
        raise InvalidArgumentError("channel-mismatch", f"channel mismatch: {names[0]} has {x.shape[-1]} channels, "
                                   f"filters {f.shape[-1]}")
    args.check_window(f, 2, names[1])  # TF accepts an empty filter (a max over nothing); the reference does not
    out, pads = window_geometry(x.shape[1:3], [(k - 1) * dd + 1 for k, dd in zip(f.shape[:2], d)], s, spec)
    if op == "erosion2d":
        x, f = -x, f[::-1, ::-1]
    return MorphPlan(x, f, s, pads, d, out, op == "erosion2d", names)


@planned
def dilation2d(input, filters, strides, padding, data_format="NHWC", dilations=None):
    """filters [filter_height, filter_width, depth]; strides and dilations [1, r, c, 1]; SAME or VALID."""
    return _morph_plan(input, filters, strides, padding, data_format, dilations, "dilation2d", ("input", "filters"))


@planned
def erosion2d(value, filters, strides, padding, data_format="NHWC", dilations=None):
    """-dilation2d(-value, filters[::-1, ::-1]): the min of value - filters, the filter mirrored."""
    return _morph_plan(value, filters, strides, padding, data_format, dilations, "erosion2d", ("value", "filters"))


@dataclass
class PatchPlan:
    x: np.ndarray
    sizes: tuple
    strides: tuple
    padding: list
    rates: tuple
    out_sizes: list
    names: tuple = ("images",)

    def run(self):
        y = gather_patches(self.x, self.sizes, self.strides, self.padding, self.rates, self.out_sizes)
        return y.reshape(y.shape[:3] + (int(np.prod(y.shape[3:])),))  # each patch flattened in (row, col, depth) order


@planned
def extract_patches(images, sizes, strides, rates, padding):
    """output[b, y, x, (dy * c + dx) * depth + k] = images[b, y*sy + dy*ry - pad_top, x*sx + dx*rx - pad_left, k],
    0 in the padding; sizes, strides and rates [1, r, c, 1]."""
    op = "extract_patches"
    x = args.tensor(images, "images", args.PATCHES, op)
    args.check_rank(x, 4, "images")
    k = _window_arg(sizes, "ksize", op)
    s = _window_arg(strides, "strides", op)
    r = _window_arg(rates, "dilations", op)
    spec = parse_padding(padding, 2, op=op, explicit_ok=False)
    out, pads = window_geometry(x.shape[1:3], [(kk - 1) * rr + 1 for kk, rr in zip(k, r)], s, spec)
    return PatchPlan(x, k, s, pads, r, out)
