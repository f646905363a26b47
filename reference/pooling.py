"""tf.nn's pooling ops, with tf.nn's names and keyword arguments: numpy in, numpy out.

Each checks its arguments as tf.nn documents them and calls the window-reduce primitive. Max pooling
with ksize [1, 1, 1, k] pools over channels (TF's depthwise max pooling: k divides the depth, depth
stride k, 1x1 spatial window, no explicit padding), computed as pooling over a third axis. Max pooling
keeps integer dtypes (TF's MaxPool accepts int8..int64, uint8, uint16; MaxPoolWithArgmax every
integer); floats give float64. Average pooling takes floats only.
"""
import numpy as np

from . import args
from .errors import InvalidArgumentError
from .padding import parse_padding, window_geometry
from .plans import Layout, PoolPlan, planned


def pool_plan(x, ksize, strides, padding, data_format, n, op, kind, explicit_ok, allowed, dilations=None,
              forms="s1nf"):
    if n not in args.FORMATS:
        raise InvalidArgumentError("rank", f"input must have rank 3, 4 or 5, got shape {np.shape(x)}")
    cf = args.channels_first(data_format, n)
    x = args.tensor(x, "input", allowed, op)
    args.check_rank(x, n + 2, "input")
    ksize, strides, depth, depth_stride = _depth_window(ksize, strides, n, cf, kind)
    k = args.per_dim(ksize, n, "ksize", cf, forms)
    s = args.per_dim(strides, n, "strides", cf, forms)
    if depth > 1 and max(k) > 1:
        raise InvalidArgumentError("depth-pool-spatial", f"{op}: pooling over depth (window {depth}) and over width/height "
                                   f"(window {k}) at once is not supported")
    d = dilations or (1,) * n
    spec = parse_padding(padding, n, cf, op, explicit_ok)
    if not isinstance(spec, str) and max(d) == 1:
        for dim, (lo, hi), kk in zip(args.FORMATS[n][0][1:-1], spec, k):
            if max(lo, hi) >= kk:
                raise InvalidArgumentError("pool-padding-too-large", f"explicit padding ({lo}, {hi}) must be smaller "
                                           f"than the window size {kk} along {dim}")
    layout = Layout(x.shape, cf, n)
    xl = layout.to_last(x)
    _, pads = window_geometry(xl.shape[1:-1], [(kk - 1) * dd + 1 for kk, dd in zip(k, d)], s, spec)
    if depth == 1:
        return PoolPlan(layout, xl, k, s, pads, kind, d)
    # TF's checks, in its kernel's order (TF ignores the spatial strides here: XLA applies them, as the reference does)
    if not isinstance(spec, str):
        raise InvalidArgumentError("depth-pool-explicit-padding", f"{op}: pooling over depth takes no explicit padding")
    if xl.shape[-1] % depth:
        raise InvalidArgumentError("depth-pool-divides-depth", f"{op}: the depth window {depth} does not evenly divide "
                                   f"the input depth {xl.shape[-1]}")
    if depth_stride != depth:
        raise InvalidArgumentError("depth-pool-stride", f"{op}: the depth window {depth} differs from the depth stride "
                                   f"{depth_stride}")
    layout = DepthLayout(x.shape, cf, n)
    return PoolPlan(layout, layout.to_last(x), k + (depth,), s + (depth,), pads + [(0, 0)], kind)


class DepthLayout(Layout):
    """Pooling over channels as pooling over one more 'spatial' axis: (N, *spatial, C) <-> (N, *spatial, C, 1)."""

    def to_last(self, a):
        return super().to_last(a)[..., None]

    def back(self, a, shape=None):
        return super().back(a[..., 0], shape)


def _depth_window(ksize, strides, n, cf, kind):
    """(ksize, strides, depth window, depth stride): max pooling over channels, "depthwise max pooling", is a
    ksize [1, 1, 1, k] (NHWC; k > 1) of tf.nn.max_pool and max_pool1d/2d; its channel entries are taken out."""
    c = 1 if cf else n + 1
    if kind == "avg" or n == 3 or np.ndim(ksize) != 1 or len(ksize) != n + 2 or ksize[c] == 1:
        return ksize, strides, 1, 1
    try:
        depth = int(ksize[c])
    except (TypeError, ValueError):
        return ksize, strides, 1, 1  # per_dim names it
    if depth < 1:
        raise InvalidArgumentError("ksize-not-positive", f"ksize must be positive, got {ksize!r}")
    full = np.ndim(strides) == 1 and len(strides) == n + 2
    depth_stride = int(strides[c]) if full else 1
    ksize = [1 if i == c else v for i, v in enumerate(ksize)]
    strides = [1 if i == c else v for i, v in enumerate(strides)] if full else strides
    return ksize, strides, depth, depth_stride


@planned
def max_pool2d(input, ksize, strides, padding, data_format="NHWC"):
    return pool_plan(input, ksize, strides, padding, data_format, 2, "max_pool2d", "max", True, args.MAX_POOL)


@planned
def avg_pool2d(input, ksize, strides, padding, data_format="NHWC"):
    return pool_plan(input, ksize, strides, padding, data_format, 2, "avg_pool2d", "avg", False, args.FLOATS)


@planned
def max_pool1d(input, ksize, strides, padding, data_format="NWC"):
    return pool_plan(input, ksize, strides, padding, data_format, 1, "max_pool1d", "max", True, args.MAX_POOL)


@planned
def avg_pool1d(input, ksize, strides, padding, data_format="NWC"):
    return pool_plan(input, ksize, strides, padding, data_format, 1, "avg_pool1d", "avg", False, args.FLOATS)


@planned
def max_pool3d(input, ksize, strides, padding, data_format="NDHWC"):
    """MaxPool3D takes no integers (nor float64, but the reference computes it: a TF limitation)."""
    return pool_plan(input, ksize, strides, padding, data_format, 3, "max_pool3d", "max", False, args.FLOATS)


@planned
def avg_pool3d(input, ksize, strides, padding, data_format="NDHWC"):
    return pool_plan(input, ksize, strides, padding, data_format, 3, "avg_pool3d", "avg", False, args.FLOATS)


@planned
def max_pool(input, ksize, strides, padding, data_format=None):
    """N-d from the input's rank (3, 4, 5 -> 1, 2, 3 spatial dims); explicit padding only for rank 3, 4."""
    n = np.ndim(input) - 2
    return pool_plan(input, ksize, strides, padding, data_format, n, "max_pool", "max", n < 3,
                     args.MAX_POOL if n < 3 else args.FLOATS)


@planned
def avg_pool(input, ksize, strides, padding, data_format=None):
    n = np.ndim(input) - 2
    return pool_plan(input, ksize, strides, padding, data_format, n, "avg_pool", "avg", False, args.FLOATS)


@planned
def pool(input, window_shape, pooling_type, strides=None, padding="VALID", data_format=None, dilations=None):
    """tf.nn.pool: MAX or AVG over a window_shape (length 1, 2 or 3) window with per-dimension strides
    or dilations (not both > 1; dilations only with VALID or explicit padding; strides <= window_shape).
    Window element z of output x reads input x * strides - pad_before + dilations * z; out-of-bounds
    positions never take part."""
    op = "pool"
    n = np.size(window_shape) if np.ndim(window_shape) == 1 else 0
    if n not in args.FORMATS:
        raise InvalidArgumentError("window-shape-length",
                                   f"window_shape must be a list of length 1, 2 or 3, got {window_shape!r}")
    window = args.per_dim(window_shape, n, "window_shape", forms="n")
    s = args.per_dim([1] * n if strides is None else strides, n, "strides", forms="n")
    d = args.per_dim([1] * n if dilations is None else dilations, n, "dilations", forms="n")
    args.no_stride_with_dilation(s, d, op)
    if padding == "SAME" and max(d) > 1:
        raise InvalidArgumentError("pool-same-dilations",
                                   f"pool: SAME padding is not implemented for dilations > 1, got dilations {d}")
    if any(ss > w for ss, w in zip(s, window)):
        raise InvalidArgumentError("pool-strides-window", f"pool: strides {s} > window_shape {window} are not supported")
    if pooling_type not in ("MAX", "AVG"):
        raise InvalidArgumentError("pooling-type", f"pooling_type must be MAX or AVG, got {pooling_type!r}")
    kind, allowed = ("max", args.MAX_POOL if n < 3 else args.FLOATS) if pooling_type == "MAX" else ("avg", args.FLOATS)
    explicit_ok = max(d) > 1 or kind == "max" and n < 3  # dilated: TF pads itself (space_to_batch)
    return pool_plan(input, window, s, padding, data_format, n, op, kind, explicit_ok, allowed, d, forms="n")


@planned
def max_pool_with_argmax(input, ksize, strides, padding, data_format="NHWC", output_dtype="int64",
                         include_batch_in_index=False):
    """(max_pool2d, argmax): the flat index ((b * H + y) * W + x) * C + c of each max, b only with
    include_batch_in_index; ties go to the first element in row-major window order. Indices are
    output_dtype (int32 or int64); values keep an integer input's dtype."""
    op = "max_pool_with_argmax"
    if data_format != "NHWC":
        raise InvalidArgumentError("argmax-data-format",
                                   f"max_pool_with_argmax supports only data_format NHWC, got {data_format!r}")
    index_dtype = getattr(output_dtype, "name", getattr(output_dtype, "__name__", output_dtype))
    if index_dtype not in ("int32", "int64"):
        raise InvalidArgumentError("argmax-output-dtype", f"output_dtype must be int32 or int64, got {output_dtype!r}")
    plan = pool_plan(input, ksize, strides, padding, "NHWC", 2, op, "argmax", False, args.ARGMAX, forms="s1nf")
    plan.include_batch_in_index, plan.index_dtype = bool(include_batch_in_index), index_dtype
    return plan
