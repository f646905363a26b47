"""TensorFlow's window geometry: SAME / VALID / explicit padding, output sizes, padded input.

Everything is per spatial dimension. A window of k taps with dilation d spans
keff = (k - 1) * d + 1 input elements; output element o reads input o * stride + tap * d - pad_lo.
"""
import math

import numpy as np

from .errors import InvalidArgumentError

DIM_NAMES = {1: "W", 2: "HW", 3: "DHW"}
INT32_MAX = 2**31 - 1


def parse_padding(padding, n, channels_first=False, op="this op", explicit_ok=True):
    """'SAME' | 'VALID' | [[lo, hi]] * (n + 2) in data_format order -> 'SAME', 'VALID' or n (lo, hi) pairs.

    Case-sensitive, as TF's op attribute is ('same' is rejected)."""
    if isinstance(padding, str) and padding in ("SAME", "VALID"):
        return padding
    if not isinstance(padding, (list, tuple, np.ndarray)):  # another name, a number, None
        raise InvalidArgumentError("bad-padding", f"unknown padding {padding!r} (expected SAME, VALID or explicit pairs)")
    if not explicit_ok:
        raise InvalidArgumentError("explicit-padding-unsupported",
                                   f"explicit padding is not supported by {op} (expected SAME or VALID)")
    pairs_needed = f"explicit padding needs {n + 2} [lo, hi] pairs, one per dimension, got {padding!r}"
    try:
        pairs = [tuple(int(v) for v in p) for p in padding]
    except (TypeError, ValueError):  # a list, but not of pairs of integers
        raise InvalidArgumentError("explicit-padding-length", pairs_needed) from None
    if len(pairs) != n + 2 or any(len(p) != 2 for p in pairs):
        raise InvalidArgumentError("explicit-padding-length", pairs_needed)
    outer = [pairs[0], pairs[1] if channels_first else pairs[-1]]
    if any(p != (0, 0) for p in outer):
        raise InvalidArgumentError("explicit-padding-batch-channel",
                                   f"explicit padding of the batch and channel dimensions must be [0, 0], got {padding!r}")
    if any(v < 0 for p in pairs for v in p):
        raise InvalidArgumentError("explicit-padding-negative", f"explicit padding must be non-negative, got {padding!r}")
    return pairs[2:] if channels_first else pairs[1:-1]


def window_geometry(in_sizes, keff, strides, padding):
    """(output sizes, (lo, hi) pads) as TF's GetWindowedOutputSize computes them.

    SAME:     out = ceil(in / s); pad_total = max((out - 1) * s + keff - in, 0), the odd pad at the END.
    VALID:    out = (in - keff + s) / s with C++ truncating division; an error only if out < 0,
              so an empty output (out == 0) is legal when -s < in - keff + s < s.
    explicit: the same with in + lo + hi.
    A window keff beyond int32 is rejected (dilated-window-overflow): TF computes it in int32.
    """
    outs, pads = [], []
    for i, (size, k, s) in enumerate(zip(in_sizes, keff, strides)):
        dim = DIM_NAMES[len(in_sizes)][i]
        if padding == "SAME":
            out = -(-size // s)
            total = max((out - 1) * s + k - size, 0)
            lo, hi = total // 2, total - total // 2
        else:
            lo, hi = (0, 0) if padding == "VALID" else padding[i]
            num = size + lo + hi - k + s
            out = num // s if num >= 0 else -(-num // s)  # C++ division truncates towards zero
            if out < 0:
                how = "padding VALID" if padding == "VALID" else f"explicit padding ({lo}, {hi})"
                raise InvalidArgumentError("negative-output-size", f"negative output size: input {size} < effective "
                                           f"kernel {k} along {dim} with {how} (stride {s})")
        if k > INT32_MAX:  # checked after a VALID window's negative output size, as TF's shape functions do
            raise InvalidArgumentError("dilated-window-overflow", f"the dilated window {k} along {dim} exceeds int32 "
                                       f"({INT32_MAX}): TF's kernels and space_to_batch overflow computing it")
        outs.append(out)
        pads.append((lo, hi))
    return outs, pads


MAX_PADDED_BYTES = 1 << 31   # 2 GiB: a padded copy beyond it is a huge rate or window, not a test input


def pad_input(x, pads, fill=0.0, rows=None, dtype=np.float64):
    """x (N, *spatial, C) padded with `fill` by (lo, hi) per spatial dimension (a negative lo or hi
    crops instead), as `dtype`. rows=(start, stop): only those rows of the first spatial dimension
    of the padded result. Padded coordinate p holds x[p - lo] where that exists. Nothing to pad and
    x already of `dtype`: a view of x."""
    sizes = x.shape[1:-1]
    spans = [rows or (0, sizes[0] + sum(pads[0]))] + [(0, s + lo + hi) for s, (lo, hi) in zip(sizes[1:], pads[1:])]
    if all(a - lo >= 0 and b - lo <= s for (a, b), s, (lo, _) in zip(spans, sizes, pads)):  # no padding: a view
        inner = tuple(slice(a - lo, b - lo) for (a, b), (lo, _) in zip(spans, pads))
        return x[(slice(None),) + inner].astype(dtype, copy=False)
    shape = (x.shape[0], *[b - a for a, b in spans], x.shape[-1])
    if math.prod(shape) * np.dtype(dtype).itemsize > MAX_PADDED_BYTES:
        # Not a rule of TF's (which may manage, or run out of memory): the reference declines to
        # allocate it, and the harness reports that as its own failure, never as a verdict on TF.
        raise MemoryError(f"the reference would pad the input to {shape}: over {MAX_PADDED_BYTES >> 30} GiB")
    out = np.empty(shape, dtype)
    src, dst = [slice(None)], [slice(None)]
    for size, (a, b), (lo, _) in zip(sizes, spans, pads):
        first, last = max(a - lo, 0), min(b - lo, size)
        if first >= last:
            out.fill(fill)
            return out
        src.append(slice(first, last))
        dst.append(slice(first + lo - a, last + lo - a))
    out[tuple(dst)] = x[tuple(src)]
    for i, inner in enumerate(dst[1:], 1):  # fill only the border: a full fill would write the block twice
        out[(slice(None),) * i + (slice(None, inner.start),)] = fill
        out[(slice(None),) * i + (slice(inner.stop, None),)] = fill
    return out


def tap_view(xp, tap, out_sizes, strides, dilation=None):
    """The strided view of padded input xp read by kernel tap `tap` for every output position."""
    d = dilation or (1,) * len(tap)
    return xp[(slice(None),) + tuple(slice(t * dd, t * dd + max(o - 1, 0) * s + min(o, 1), s)
                                     for t, dd, o, s in zip(tap, d, out_sizes, strides)) + (slice(None),)]
