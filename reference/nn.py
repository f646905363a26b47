"""tf.nn's forward convolutions and bias_add, with tf.nn's names and keyword arguments: numpy in, numpy out.

Each op checks its arguments as tf.nn documents them (raising InvalidArgumentError naming the broken
rule), moves channels last, and calls the convolution primitive. Float results are float64; for the
integer dtypes TF accepts (int32 for the 1-d and 2-d convolutions, every integer for bias_add) the
exact result is wrapped into that dtype, as TF's integer kernels wrap.
"""
import numpy as np

from . import args
from .errors import InvalidArgumentError
from .padding import parse_padding, window_geometry
from .plans import ChainPlan, ConvPlan, Layout, exported, planned


def conv_plan(x, w, strides, padding, data_format, dilations, n, op, allowed=args.CONV, stride_forms="s1nf",
              dil_forms="s1nf", explicit_ok=True, depthwise=False, grouped=True, names=("input", "filters")):
    """The checked call as conv_general(x, w, strides, pads, rhs_dilation=dilations, groups=C / Cg)."""
    cf = args.channels_first(data_format, n)
    x, w = args.tensor(x, names[0], allowed, op), args.tensor(w, names[1], allowed, op)
    args.check_rank(x, n + 2, names[0], extra_batch=not depthwise)
    args.check_rank(w, n + 2, names[1])
    args.check_window(w, n, names[1])
    s = args.per_dim(strides, n, "strides", cf, stride_forms)
    d = (1,) * n if dilations is None else args.per_dim(dilations, n, "dilations", cf, dil_forms)
    spec = parse_padding(padding, n, cf, op, explicit_ok)
    layout = Layout(x.shape, cf, n)
    xl, dtype, filter_back = layout.to_last(x), args.result_dtype(x, w), None
    c, cg, o = xl.shape[-1], w.shape[-2], w.shape[-1]
    if depthwise:  # filter (*k, C, multiplier): output channel c * multiplier + m, one group per channel
        if c != cg:
            raise InvalidArgumentError("channel-mismatch", f"channel mismatch: input has {c} channels, filter expects {cg}")
        shape = w.shape
        w, cg, o = w.reshape(w.shape[:n] + (1, c * o)), 1, c * o
        filter_back = lambda g: g.reshape(shape)
        if c == 0:  # TF's depthwise kernel only asks C == in_channels: no channels give an empty output,
            w, c = w.reshape(w.shape[:n] + (0, 0)), 1  # computed as one group of no channels (c // cg == 1)
    elif cg == 0:  # TF's other convolutions reject a filter depth of 0, and 0 groups
        raise InvalidArgumentError("filter-depth-zero",
                                   f"filter depth must be positive, got in_channels 0 ({names[1]} shape {w.shape})")
    elif not grouped and c != cg:
        raise InvalidArgumentError("channel-mismatch",
                                   f"channel mismatch: input has {c} channels, filters expect {cg} ({op} has no groups)")
    elif c == 0:
        raise InvalidArgumentError("groups-zero", f"number of groups must be positive: input has 0 channels, filters "
                                   f"expect {cg} per group (groups = input channels / filters' in_channels)")
    elif c % cg:
        raise InvalidArgumentError("channel-mismatch", f"channel mismatch: input has {c} channels, filters expect {cg} "
                                   "(or a multiple of it, for a grouped convolution)")
    if o % (c // cg):
        raise InvalidArgumentError("groups-output-channels",
                                   f"filters' {o} output channels are not divisible by the {c // cg} groups")
    keff = [(k - 1) * dd + 1 for k, dd in zip(w.shape[:n], d)]
    _, pads = window_geometry(xl.shape[1:-1], keff, s, spec)
    return ConvPlan(names, layout, xl, w, s, pads, None, d, c // cg, dtype, filter_back)


@planned
def conv2d(input, filters, strides, padding, data_format="NHWC", dilations=None):
    """Grouped when the input has k times the filters' in_channels (k groups; out_channels divisible by k)."""
    return conv_plan(input, filters, strides, padding, data_format, dilations, 2, "conv2d")


@planned
def conv1d(input, filters, stride, padding, data_format="NWC", dilations=None):
    return conv_plan(input, filters, stride, padding, data_format, dilations, 1, "conv1d", stride_forms="s1f",
                     dil_forms="s1f", explicit_ok=False)


@planned
def conv3d(input, filters, strides, padding, data_format="NDHWC", dilations=None):
    """in_channels must match between input and filters: TF documents no groups for conv3d."""
    return conv_plan(input, filters, strides, padding, data_format, dilations, 3, "conv3d", args.FLOATS,
                     "f", "f", explicit_ok=False, grouped=False)


@planned
def convolution(input, filters, strides=None, padding="VALID", data_format=None, dilations=None):
    """N-d from the input's rank (3, 4, 5 -> 1, 2, 3 spatial dims). Explicit padding only where TF takes it:
    2-D with dilations > 1 (TF's space_to_batch path; its undilated path passes the list to the op as a string)."""
    n = args.spatial_rank(input)
    cf = args.channels_first(data_format, n)
    s = args.per_dim(1 if strides is None else strides, n, "strides", cf)
    d = args.per_dim(1 if dilations is None else dilations, n, "dilations", cf)
    args.no_stride_with_dilation(s, d, "convolution")
    return conv_plan(input, filters, s, padding, data_format, d, n, "convolution", args.CONV if n < 3 else args.FLOATS,
                     explicit_ok=n == 2 and max(d) > 1, grouped=n < 3)


@planned
def atrous_conv2d(value, filters, rate, padding):
    r = args.per_dim(rate, 2, "rate", forms="s1n")
    return conv_plan(value, filters, 1, padding, "NHWC", r, 2, "atrous_conv2d", names=("value", "filters"))


def _depthwise_plan(input, filter, strides, padding, data_format, dilations, op, names):
    cf = args.channels_first(data_format, 2)
    args.no_stride_with_dilation(args.per_dim(strides, 2, "strides", cf, "f"),
                                 (1, 1) if dilations is None else args.per_dim(dilations, 2, "dilations", cf, "n"), op)
    return conv_plan(input, filter, strides, padding, data_format, dilations, 2, op, args.FLOATS, "f", "n",
                     depthwise=True, names=names)


@planned
def depthwise_conv2d(input, filter, strides, padding, data_format=None, dilations=None):
    """filter [h, w, in_channels, multiplier]: output channel c * multiplier + m sees input channel c only."""
    return _depthwise_plan(input, filter, strides, padding, data_format, dilations, "depthwise_conv2d", ("input", "filter"))


@planned
def separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding, data_format=None, dilations=None):
    """depthwise_conv2d(input, depthwise_filter, strides, padding, dilations), then a 1x1 conv2d with
    pointwise_filter [1, 1, in_channels * multiplier, out_channels], stride 1, VALID."""
    op = "separable_conv2d"
    pointwise = args.tensor(pointwise_filter, "pointwise_filter", args.FLOATS, op)
    args.check_rank(pointwise, 4, "pointwise_filter")
    if pointwise.shape[:2] != (1, 1):
        raise InvalidArgumentError("pointwise-not-1x1",
                                   f"pointwise_filter must be 1x1 in its spatial dimensions, got shape {pointwise.shape}")
    first = _depthwise_plan(input, depthwise_filter, strides, padding, data_format, dilations, op, ("input", "depthwise_filter"))
    second = lambda h: conv_plan(h, pointwise, 1, "VALID", data_format, None, 2, op, args.FLOATS,
                                 names=("depthwise output", "pointwise_filter"))
    store = np.asarray(input).dtype
    return ChainPlan(first, second, ("input", "depthwise_filter", "pointwise_filter"),
                     store if store.kind in "fV" and store.itemsize < 8 else None)


def bias_axis(value, bias, data_format):
    """The checked channel axis of bias_add: the last, or 1 when data_format starts with "NC"."""
    if value.ndim < 2:
        raise InvalidArgumentError("rank", f"value must have rank >= 2, got shape {value.shape}")
    if bias.ndim != 1:
        raise InvalidArgumentError("rank", f"bias must be 1-D, got shape {bias.shape}")
    if data_format is not None and data_format.startswith("NC"):
        axis = 1
    elif data_format is None or data_format.startswith("N") and data_format.endswith("C"):
        axis = value.ndim - 1
    else:
        raise InvalidArgumentError("bad-data-format", f"data_format must be of the form N...C or NC..., got {data_format!r}")
    if bias.size != value.shape[axis]:
        raise InvalidArgumentError("bias-size", f"bias size {bias.size} != channels {value.shape[axis]}")
    return axis


@exported
def bias_add(value, bias, data_format=None):
    """value + bias along the channel axis. Integers add in their own dtype, wrapping as TF's kernel
    does; complex inputs give complex128."""
    value, bias = args.tensor(value, "value", args.BIAS_ADD, "bias_add"), args.tensor(bias, "bias", args.BIAS_ADD, "bias_add")
    axis = bias_axis(value, bias, data_format)
    return np.add(value, bias.reshape((-1,) + (1,) * (value.ndim - 1 - axis)), dtype=args.result_dtype(value, bias))

