"""tf.nn's transposed convolutions: the gradient of a forward convolution with respect to its input.

conv*_transpose(input, filters [*k, out_channels, in_channels], output_shape, ...) is, for y of
output_shape, d/dy of sum(input * conv(y, filters)). The caller chooses output_shape, since several
shapes give the same forward size when a stride is > 1; it must be one of them. It runs as
conv_general of the input dilated by the stride, with the kernel flipped and its channels swapped.
"""
import numpy as np

from . import args
from .errors import InvalidArgumentError
from .padding import parse_padding, window_geometry
from .plans import ConvPlan, Layout, planned


def _flip_swap(w):
    n = w.ndim - 2
    return w[(slice(None, None, -1),) * n].swapaxes(-1, -2)


def transpose_plan(x, w, output_shape, strides, padding, data_format, dilations, n, op, allowed=args.CONV,
                   explicit_ok=False, spatial_shape_ok=False, names=("input", "filters")):
    cf = args.channels_first(data_format, n)
    x, w = args.tensor(x, names[0], allowed, op), args.tensor(w, names[1], allowed, op)
    args.check_rank(x, n + 2, names[0])
    args.check_rank(w, n + 2, names[1])
    args.check_window(w, n, names[1])
    s = args.per_dim(strides, n, "strides", cf)
    d = (1,) * n if dilations is None else args.per_dim(dilations, n, "dilations", cf)
    spec = parse_padding(padding, n, cf, op, explicit_ok)
    layout = Layout(x.shape, cf, n)
    xl = layout.to_last(x)
    try:
        shape = [int(v) for v in np.ravel(output_shape)]
    except (TypeError, ValueError):
        raise InvalidArgumentError("not-integers", f"output_shape must be integers, got {output_shape!r}") from None
    if len(shape) == n + 2:
        batch, spatial, c_out = shape[0], shape[2:] if cf else shape[1:-1], shape[1] if cf else shape[-1]
    elif len(shape) == n and spatial_shape_ok:
        batch, spatial, c_out = xl.shape[0], shape, w.shape[-2]
    else:
        also = f" (or {n} spatial)" if spatial_shape_ok else ""
        raise InvalidArgumentError("output-shape-length", f"output_shape must have {n + 2}{also} values, got {shape}")
    if w.shape[-2] == 0:  # the depth of the forward convolution's filter, which TF's kernels reject when 0
        raise InvalidArgumentError("filter-depth-zero",
                                   f"filter depth must be positive, got output channels 0 ({names[1]} shape {w.shape})")
    if xl.shape[-1] != w.shape[-1]:
        raise InvalidArgumentError("channel-mismatch",
                                   f"channel mismatch: input has {xl.shape[-1]} channels, filters expect {w.shape[-1]}")
    if c_out != w.shape[-2]:
        raise InvalidArgumentError("output-shape-channels",
                                   f"channel mismatch: output_shape has {c_out} channels, filters give {w.shape[-2]}")
    if batch != xl.shape[0]:
        raise InvalidArgumentError("output-shape-batch",
                                   f"batch mismatch: output_shape has batch {batch}, input has {xl.shape[0]}")
    if min(spatial) < 0:
        raise InvalidArgumentError("output-shape-negative", f"output_shape must be non-negative, got {shape}")
    keff = [(k - 1) * dd + 1 for k, dd in zip(w.shape[:n], d)]
    forward, pads = window_geometry(spatial, keff, s, spec)
    if list(forward) != list(xl.shape[1:-1]):
        raise InvalidArgumentError(
            "output-shape-mismatch",
            f"output_shape [{','.join(map(str, shape))}] inconsistent with the forward convolution: "
            f"it gives {'x'.join(map(str, forward))}, input is {'x'.join(map(str, xl.shape[1:-1]))}")
    # Input-dilate by the stride, pad so every output position sees the taps that read it, flip the kernel.
    tpads = [(k - 1 - lo, k - 1 - hi + (size + lo + hi - k) % st) for k, (lo, hi), size, st in zip(keff, pads, spatial, s)]
    return ConvPlan(names, layout, xl, _flip_swap(w), (1,) * n, tpads, s, d, 1, args.result_dtype(x, w),
                    _flip_swap, tuple(spatial))


@planned
def conv2d_transpose(input, filters, output_shape, strides, padding="SAME", data_format="NHWC", dilations=None):
    """output_shape: [N, H, W, C] in data_format order, or just [H, W]."""
    return transpose_plan(input, filters, output_shape, strides, padding, data_format, dilations, 2, "conv2d_transpose",
                          explicit_ok=True, spatial_shape_ok=True)


@planned
def conv1d_transpose(input, filters, output_shape, strides, padding="SAME", data_format="NWC", dilations=None):
    return transpose_plan(input, filters, output_shape, strides, padding, data_format, dilations, 1, "conv1d_transpose")


@planned
def conv3d_transpose(input, filters, output_shape, strides, padding="SAME", data_format="NDHWC", dilations=None):
    return transpose_plan(input, filters, output_shape, strides, padding, data_format, dilations, 3, "conv3d_transpose",
                          args.FLOATS)


@planned
def conv_transpose(input, filters, output_shape, strides, padding="SAME", data_format=None, dilations=None):
    """conv1d/2d/3d_transpose by len(output_shape) - 2 (a full output shape is required)."""
    size = len(output_shape) if np.ndim(output_shape) == 1 else -1
    if size not in (3, 4, 5):
        raise InvalidArgumentError("output-shape-length", f"output_shape must have 3, 4 or 5 values, got {output_shape!r}")
    return [conv1d_transpose, conv2d_transpose, conv3d_transpose][size - 3].plan(
        input, filters, output_shape, strides, padding, data_format, dilations)


@planned
def atrous_conv2d_transpose(value, filters, output_shape, rate, padding):
    """conv2d_transpose with dilations = rate and stride 1 (TF computes it with space_to_batch)."""
    op = "atrous_conv2d_transpose"
    (r,) = args.per_dim(rate, 1, "rate", forms="s")
    if r == 1:  # TF hands the call to conv2d_transpose as it is
        return transpose_plan(value, filters, output_shape, 1, padding, "NHWC", None, 2, op, explicit_ok=True,
                              spatial_shape_ok=True, names=("value", "filters"))
    if np.shape(output_shape) != (4,):
        raise InvalidArgumentError("output-shape-length", f"output_shape must have 4 values, got {output_shape!r}")
    return transpose_plan(value, filters, output_shape, 1, padding, "NHWC", r, 2, op, names=("value", "filters"))
