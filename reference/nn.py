"""tf.nn's convolution and pooling ops, with tf.nn's names and keyword arguments: numpy in, numpy out.

Each op checks its arguments as tf.nn documents them (raising InvalidArgumentError naming the broken
rule), moves channels last, and calls one of the two primitives. Float results are float64.
"""
import math

import numpy as np

from .conv import conv_general
from .errors import InvalidArgumentError
from .padding import parse_padding, window_geometry
from .pool import window_reduce

FORMATS = {1: ("NWC", "NCW"), 2: ("NHWC", "NCHW"), 3: ("NDHWC", "NCDHW")}


def _array(a, name):
    a = np.asarray(a)
    if a.dtype.kind not in "iuf" and a.dtype.name != "bfloat16":
        raise InvalidArgumentError(f"{name} must hold real numbers, got dtype {a.dtype}")
    return a  # the primitives cast to float64 chunk by chunk


def _channels_first(data_format, n):
    last, first = FORMATS[n]
    if data_format in (None, last, first):
        return data_format == first
    raise InvalidArgumentError(f"data_format must be {last} or {first}, got {data_format!r}")


def _per_dim(value, n, name, channels_first=False, forms="s1nf"):
    """An int (form s), or a list of length 1 (1), n (n) or n + 2 with 1 at batch and channels (f)."""
    scalar = np.ndim(value) == 0
    try:
        v = [int(a) for a in ([value] if scalar else list(value))]
        assert v == list(np.ravel(value))
    except (TypeError, ValueError, AssertionError):
        raise InvalidArgumentError(f"{name} must be integers, got {value!r}") from None
    if not ("s" in forms and scalar or "1" in forms and len(v) == 1 and not scalar
            or "n" in forms and len(v) == n or "f" in forms and len(v) == n + 2):
        allowed = {"s": "an int", "1": "length 1", "n": f"length {n}", "f": f"length {n + 2}"}
        raise InvalidArgumentError(f"{name} must be {' or '.join(allowed[f] for f in forms)}, got {value!r}")
    if len(v) == n + 2 and "f" in forms:
        if v[0] != 1 or v[1 if channels_first else -1] != 1:
            raise InvalidArgumentError(f"{name} must be 1 in the batch and channel dimensions, got {value!r}")
        v = v[2:] if channels_first else v[1:-1]
    v = v * n if len(v) == 1 else v
    if min(v) < 1:
        raise InvalidArgumentError(f"{name} must be positive, got {value!r}")
    return tuple(v)


def _check_rank(a, rank, name, extra_batch=False):
    if a.ndim != rank and not (extra_batch and a.ndim > rank):
        raise InvalidArgumentError(f"{name} must have rank {rank}{' or more' if extra_batch else ''}, got shape {a.shape}")


def _last(x, channels_first):
    return np.moveaxis(x, 1, -1) if channels_first else x


def _back(y, channels_first):
    return np.moveaxis(y, -1, 1) if channels_first else y


def _conv(x, w, strides, padding, data_format, dilations, n, op, stride_forms="s1nf", dil_forms="s1nf",
          explicit_ok=True, depthwise=False):
    cf = _channels_first(data_format, n)
    x, w = _array(x, "input"), _array(w, "filters")
    _check_rank(x, n + 2, "input", extra_batch=not depthwise)
    _check_rank(w, n + 2, "filters")
    s = _per_dim(strides, n, "strides", cf, stride_forms)
    d = (1,) * n if dilations is None else _per_dim(dilations, n, "dilations", cf, dil_forms)
    spec = parse_padding(padding, n, cf, op, explicit_ok)
    lead = x.shape[:-n - 1]  # conv1d/2d/3d accept extra leading batch dimensions
    x = _last(x.reshape((math.prod(lead),) + x.shape[-n - 1:]), cf)
    c, cg, o = x.shape[-1], w.shape[-2], w.shape[-1]
    if depthwise:  # filter (*k, C, multiplier): output channel c * multiplier + m, one group per channel
        if c != cg:
            raise InvalidArgumentError(f"channel mismatch: input has {c} channels, filter expects {cg}")
        w, cg, o = w.reshape(w.shape[:n] + (1, c * o)), 1, c * o
    if cg == 0 or c % cg:
        raise InvalidArgumentError(f"channel mismatch: input has {c} channels, filters expect {cg} "
                                   "(or a multiple of it, for a grouped convolution)")
    if o % (c // cg):
        raise InvalidArgumentError(f"filters' {o} output channels are not divisible by the {c // cg} groups")
    keff = [(k - 1) * dd + 1 for k, dd in zip(w.shape[:n], d)]
    _, pads = window_geometry(x.shape[1:-1], keff, s, spec)
    y = conv_general(x, w, s, pads, rhs_dilation=d, groups=c // cg)
    y = _back(y, cf)
    return y.reshape(lead + y.shape[1:])


def conv2d(input, filters, strides, padding, data_format="NHWC", dilations=None):
    return _conv(input, filters, strides, padding, data_format, dilations, 2, "conv2d")


def conv1d(input, filters, stride, padding, data_format="NWC", dilations=None):
    return _conv(input, filters, stride, padding, data_format, dilations, 1, "conv1d",
                 "s1f", "s1f", explicit_ok=False)


def conv3d(input, filters, strides, padding, data_format="NDHWC", dilations=None):
    return _conv(input, filters, strides, padding, data_format, dilations, 3, "conv3d",
                 "f", "f", explicit_ok=False)


def _no_stride_with_dilation(s, d, op):
    if max(s) > 1 and max(d) > 1:  # documented for tf.nn.convolution and tf.nn.depthwise_conv2d
        raise InvalidArgumentError(f"{op}: strides > 1 are not supported with dilations > 1: strides {s}, dilations {d}")


def convolution(input, filters, strides=None, padding="VALID", data_format=None, dilations=None):
    """N-d from the input's rank (3, 4, 5 -> 1, 2, 3 spatial dims)."""
    n = np.ndim(input) - 2
    if n not in FORMATS:
        raise InvalidArgumentError(f"input must have rank 3, 4 or 5, got shape {np.shape(input)}")
    cf = _channels_first(data_format, n)
    s = _per_dim(1 if strides is None else strides, n, "strides", cf)
    d = _per_dim(1 if dilations is None else dilations, n, "dilations", cf)
    _no_stride_with_dilation(s, d, "convolution")
    return _conv(input, filters, s, padding, data_format, d, n, "convolution", explicit_ok=False)


def atrous_conv2d(value, filters, rate, padding):
    r = _per_dim(rate, 2, "rate", forms="s1n")
    return _conv(value, filters, 1, padding, "NHWC", r, 2, "atrous_conv2d")


def depthwise_conv2d(input, filter, strides, padding, data_format="NHWC", dilations=None):
    cf = _channels_first(data_format, 2)
    _no_stride_with_dilation(_per_dim(strides, 2, "strides", cf, "f"),
                             (1, 1) if dilations is None else _per_dim(dilations, 2, "dilations", cf, "n"), "depthwise_conv2d")
    return _conv(input, filter, strides, padding, data_format, dilations, 2, "depthwise_conv2d",
                 "f", "n", depthwise=True)


def conv2d_transpose(input, filters, output_shape, strides, padding="SAME", data_format="NHWC", dilations=None):
    """The gradient of conv2d(y, filters) with respect to y, for y of output_shape.

    filters [h, w, out_channels, in_channels]. output_shape must be a shape whose forward convolution
    gives input's spatial size; several may be (stride > 1), so the caller chooses."""
    n = 2
    cf = _channels_first(data_format, n)
    x, w = _array(input, "input"), _array(filters, "filters")
    _check_rank(x, n + 2, "input")
    _check_rank(w, n + 2, "filters")
    s = _per_dim(strides, n, "strides", cf)
    d = (1,) * n if dilations is None else _per_dim(dilations, n, "dilations", cf)
    spec = parse_padding(padding, n, cf, "conv2d_transpose")
    x = _last(x, cf)
    shape = [int(v) for v in np.ravel(output_shape)]
    if len(shape) == n + 2:
        batch, spatial, c_out = shape[0], shape[2:] if cf else shape[1:-1], shape[1] if cf else shape[-1]
    elif len(shape) == n:
        batch, spatial, c_out = x.shape[0], shape, w.shape[-2]
    else:
        raise InvalidArgumentError(f"output_shape must have {n + 2} (or {n} spatial) values, got {shape}")
    if x.shape[-1] != w.shape[-1]:
        raise InvalidArgumentError(f"channel mismatch: input has {x.shape[-1]} channels, filters expect {w.shape[-1]}")
    if c_out != w.shape[-2]:
        raise InvalidArgumentError(f"channel mismatch: output_shape has {c_out} channels, filters give {w.shape[-2]}")
    if batch != x.shape[0]:
        raise InvalidArgumentError(f"batch mismatch: output_shape has batch {batch}, input has {x.shape[0]}")
    keff = [(k - 1) * dd + 1 for k, dd in zip(w.shape[:n], d)]
    forward, pads = window_geometry(spatial, keff, s, spec)
    if list(forward) != list(x.shape[1:-1]):
        raise InvalidArgumentError(
            f"output_shape [{','.join(map(str, shape))}] inconsistent with the forward convolution: "
            f"it gives {'x'.join(map(str, forward))}, input is {'x'.join(map(str, x.shape[1:-1]))}")
    if x.size == 0:  # nothing flows back: the gradient is zero (also when a forward output size is 0)
        return _back(np.zeros((batch, *spatial, c_out)), cf)
    # Input-dilate by the stride, pad so every output position sees the taps that read it, flip the kernel.
    tpads = [(k - 1 - lo, k - 1 - hi + (size + lo + hi - k) % st) for k, (lo, hi), size, st in zip(keff, pads, spatial, s)]
    flipped = w[(slice(None, None, -1),) * n].swapaxes(-1, -2)
    y = conv_general(x, flipped, (1,) * n, tpads, lhs_dilation=s, rhs_dilation=d)
    return _back(y, cf)


def _pool(x, ksize, strides, padding, data_format, n, op, kind, explicit_ok):
    if n not in FORMATS:
        raise InvalidArgumentError(f"input must have rank 3, 4 or 5, got shape {np.shape(x)}")
    cf = _channels_first(data_format, n)
    x = _array(x, "input")
    _check_rank(x, n + 2, "input")
    k = _per_dim(ksize, n, "ksize", cf)
    s = _per_dim(strides, n, "strides", cf)
    spec = parse_padding(padding, n, cf, op, explicit_ok)
    if not isinstance(spec, str):
        for dim, (lo, hi), kk in zip(FORMATS[n][0][1:-1], spec, k):
            if max(lo, hi) >= kk:
                raise InvalidArgumentError(f"explicit padding ({lo}, {hi}) must be smaller than the window size {kk} along {dim}")
    x = _last(x, cf)
    _, pads = window_geometry(x.shape[1:-1], k, s, spec)
    return _back(window_reduce(x, k, s, pads, kind), cf)


def max_pool2d(input, ksize, strides, padding, data_format="NHWC"):
    return _pool(input, ksize, strides, padding, data_format, 2, "max_pool2d", "max", True)


def avg_pool2d(input, ksize, strides, padding, data_format="NHWC"):
    return _pool(input, ksize, strides, padding, data_format, 2, "avg_pool2d", "avg", False)


def max_pool1d(input, ksize, strides, padding, data_format="NWC"):
    return _pool(input, ksize, strides, padding, data_format, 1, "max_pool1d", "max", True)


def avg_pool1d(input, ksize, strides, padding, data_format="NWC"):
    return _pool(input, ksize, strides, padding, data_format, 1, "avg_pool1d", "avg", False)


def max_pool3d(input, ksize, strides, padding, data_format="NDHWC"):
    return _pool(input, ksize, strides, padding, data_format, 3, "max_pool3d", "max", False)


def avg_pool3d(input, ksize, strides, padding, data_format="NDHWC"):
    return _pool(input, ksize, strides, padding, data_format, 3, "avg_pool3d", "avg", False)


def max_pool(input, ksize, strides, padding, data_format=None):
    """N-d from the input's rank (3, 4, 5 -> 1, 2, 3 spatial dims); explicit padding only for rank 3, 4."""
    n = np.ndim(input) - 2
    return _pool(input, ksize, strides, padding, data_format, n, "max_pool", "max", n < 3)


def avg_pool(input, ksize, strides, padding, data_format=None):
    n = np.ndim(input) - 2
    return _pool(input, ksize, strides, padding, data_format, n, "avg_pool", "avg", False)


def max_pool_with_argmax(input, ksize, strides, padding, data_format="NHWC", output_dtype="int64",
                         include_batch_in_index=False):
    """(max_pool2d, argmax): the flat index ((b * H + y) * W + x) * C + c of each max, b only with
    include_batch_in_index; ties go to the first element in row-major window order. Indices are int64."""
    if data_format != "NHWC":
        raise InvalidArgumentError(f"max_pool_with_argmax supports only data_format NHWC, got {data_format!r}")
    if getattr(output_dtype, "name", getattr(output_dtype, "__name__", output_dtype)) not in ("int32", "int64"):
        raise InvalidArgumentError(f"output_dtype must be int32 or int64, got {output_dtype!r}")
    x = _array(input, "input")
    _check_rank(x, 4, "input")
    k, s = _per_dim(ksize, 2, "ksize"), _per_dim(strides, 2, "strides")
    _, pads = window_geometry(x.shape[1:-1], k, s, parse_padding(padding, 2, op="max_pool_with_argmax", explicit_ok=False))
    return window_reduce(x, k, s, pads, "argmax", include_batch_in_index)


def bias_add(value, bias, data_format=None):
    """value + bias along the channel axis: the last, or axis 1 when data_format starts with "NC"."""
    value, bias = _array(value, "value"), _array(bias, "bias")
    if value.ndim < 2:
        raise InvalidArgumentError(f"value must have rank >= 2, got shape {value.shape}")
    if bias.ndim != 1:
        raise InvalidArgumentError(f"bias must be 1-D, got shape {bias.shape}")
    if data_format is not None and data_format.startswith("NC"):
        axis = 1
    elif data_format is None or data_format.startswith("N") and data_format.endswith("C"):
        axis = value.ndim - 1
    else:
        raise InvalidArgumentError(f"data_format must be of the form N...C or NC..., got {data_format!r}")
    if bias.size != value.shape[axis]:
        raise InvalidArgumentError(f"bias size {bias.size} != channels {value.shape[axis]}")
    return np.add(value, bias.reshape((-1,) + (1,) * (value.ndim - 1 - axis)), dtype=np.float64)
