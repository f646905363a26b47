"""tf.nn's argument rules shared by the ops: dtypes, data formats, per-dimension lists, ranks.

Each check raises InvalidArgumentError naming the broken rule (reference/errors.py RULES).
"""
import numpy as np

from .errors import InvalidArgumentError

FORMATS = {1: ("NWC", "NCW"), 2: ("NHWC", "NCHW"), 3: ("NDHWC", "NCDHW")}

# Beyond the floats (float16, bfloat16, float32, float64: every op computes them in float64), the
# dtypes each op's registration (its OpDef attr T, see tf.raw_ops) accepts. TF rejects the others
# (TypeError while tracing, InvalidArgumentError eagerly), and so does the reference. (TF also has
# float gaps: MaxPool3D has no float64, and no CPU kernel for float16; AvgPool3D has no CPU kernel
# for float16 and float64. The reference computes those: they are TF's limitations, for `known`.)
FLOATS = ()                                                  # Conv3D, DepthwiseConv2dNative, AvgPool, MaxPool3D, ...
CONV = ("int32",)                                            # Conv2D, Conv2DBackpropInput (1-d and 2-d)
MAX_POOL = ("int8", "int16", "int32", "int64", "uint8", "uint16")  # MaxPool (1-d and 2-d); not MaxPool3D
ARGMAX = MAX_POOL + ("uint32", "uint64")                     # MaxPoolWithArgmax
BIAS_ADD = ARGMAX + ("complex64", "complex128")              # BiasAdd
DILATION = ARGMAX                                            # Dilation2D: every real type
EROSION = ("int8", "int16", "int32", "int64")               # erosion2d negates: Neg takes no unsigned integers
PATCHES = BIAS_ADD                                           # ExtractImagePatches (bool: in the OpDef, no kernel)


# The rules a per-dimension argument breaks, by its name (TF words each argument's rules its own way;
# an atrous rate is a dilation, pool's window_shape its ksize).
LENGTH = {"strides": "strides-length", "dilations": "dilations-length", "rate": "dilations-length",
          "ksize": "ksize-length", "window_shape": "ksize-length"}
BATCH_CHANNEL = {"strides": "strides-batch-channel", "dilations": "dilations-batch-channel",
                 "ksize": "ksize-batch-channel"}
POSITIVE = {"strides": "strides-not-positive", "dilations": "dilations-not-positive", "rate": "dilations-not-positive",
            "ksize": "ksize-not-positive", "window_shape": "ksize-not-positive"}


def tensor(a, name, allowed, op):
    """a as an ndarray of a float dtype or of a dtype in `allowed` (values untouched: the primitives
    widen them)."""
    a = np.asarray(a)
    if a.dtype.kind != "f" and a.dtype.name != "bfloat16" and a.dtype.name not in allowed:
        raise InvalidArgumentError("dtype-not-accepted", f"{op}: {name} has dtype {a.dtype.name}, which {op} does "
                                   f"not accept (allowed: floats{''.join(', ' + t for t in allowed)})")
    return a


def result_dtype(*arrays):
    """The op's output dtype: float64 for float inputs (the reference's precision); for integer inputs
    TF's own integer dtype, into which the exact int64 result is wrapped (two's complement), as TF's
    integer kernels wrap; complex128 for complex inputs (bias_add)."""
    kinds = {a.dtype.kind for a in arrays}
    if kinds <= {"i", "u"}:
        return np.result_type(*arrays)
    return np.dtype(np.complex128 if "c" in kinds else np.float64)


def channels_first(data_format, n):
    last, first = FORMATS[n]
    if data_format in (None, last, first):
        return data_format == first
    raise InvalidArgumentError("bad-data-format", f"data_format must be {last} or {first}, got {data_format!r}")


def per_dim(value, n, name, channels_first=False, forms="s1nf"):
    """An int (form s), or a list of length 1 (1), n (n) or n + 2 with 1 at batch and channels (f)."""
    scalar = np.ndim(value) == 0
    try:
        v = [int(a) for a in ([value] if scalar else list(value))]
        assert v == list(np.ravel(value))
    except (TypeError, ValueError, AssertionError):
        raise InvalidArgumentError("not-integers", f"{name} must be integers, got {value!r}") from None
    if not ("s" in forms and scalar or "1" in forms and len(v) == 1 and not scalar
            or "n" in forms and len(v) == n or "f" in forms and len(v) == n + 2):
        allowed = {"s": "an int", "1": "length 1", "n": f"length {n}", "f": f"length {n + 2}"}
        raise InvalidArgumentError(LENGTH[name], f"{name} must be {' or '.join(allowed[f] for f in forms)}, "
                                   f"got {value!r}" + (" (an int; this argument needs a list)"
                                                       if scalar and "s" not in forms else ""))
    if len(v) == n + 2 and "f" in forms:
        if v[0] != 1 or v[1 if channels_first else -1] != 1:
            raise InvalidArgumentError(BATCH_CHANNEL[name],
                                       f"{name} must be 1 in the batch and channel dimensions, got {value!r}")
        v = v[2:] if channels_first else v[1:-1]
    v = v * n if len(v) == 1 else v
    if min(v) < 1:
        raise InvalidArgumentError(POSITIVE[name], f"{name} must be positive, got {value!r}")
    return tuple(v)


def check_rank(a, rank, name, extra_batch=False):
    if a.ndim != rank and not (extra_batch and a.ndim > rank):
        raise InvalidArgumentError("rank",
                                   f"{name} must have rank {rank}{' or more' if extra_batch else ''}, got shape {a.shape}")


def spatial_rank(a, name="input"):
    """1, 2 or 3 from an N-d op's input rank 3, 4 or 5."""
    n = np.ndim(a) - 2
    if n not in FORMATS:
        raise InvalidArgumentError("rank", f"{name} must have rank 3, 4 or 5, got shape {np.shape(a)}")
    return n


def check_window(w, n, name):
    """A filter's spatial (window) dimensions, the first n, must be positive, as TF's convolutions
    require ("filter must not have zero elements"; XLA: "Window has a non-positive dimension")."""
    if 0 in w.shape[:n]:
        raise InvalidArgumentError("window-zero", f"{name} must have a window of at least 1 in every spatial "
                                   f"dimension, got shape {w.shape}")


def no_stride_with_dilation(s, d, op):
    if max(s) > 1 and max(d) > 1:  # documented for tf.nn.convolution, depthwise_conv2d and pool
        raise InvalidArgumentError("strides-with-dilations",
                                   f"{op}: strides > 1 are not supported with dilations > 1: strides {s}, dilations {d}")
