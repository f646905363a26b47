"""The one window-reduce primitive: max, avg (padding left out of the divisor) and argmax pooling."""
import functools
import math

import numpy as np

from . import blocks
from .padding import pad_input, tap_view

CHUNK_BYTES = 2 << 20  # padded input per block: bounds the temporaries, stays in cache


def window_reduce(x, window, strides, padding, op, include_batch_in_index=False, dilations=None):
    """Reduce every window of x (N, *spatial, C) with op in 'max', 'avg', 'argmax'.

    Output element o reads x[o * strides + tap * dilations - lo] for every tap of the window that is
    inside x; padding: (lo, hi) per spatial dimension. Padding never takes part: max pads with -inf
    (a window always holds at least one real element), avg divides by the number of real elements,
    argmax never selects padding. NaN propagates through max and avg (np.maximum semantics): the
    maximum of values holding a NaN is NaN (IEEE 754), the rule the reference keeps although TF's
    max pooling skips NaN (TF documents no NaN rule; see cases/ops/max_pool_nan.yaml).
    'argmax' returns (max, index): the flat index (y * W + x) * C + c of the input element (plus
    b * H * W * C with include_batch_in_index), the first in row-major window order that equals the max.
    avg sums in float64. max and argmax compare in x's own dtype (exact: a max is one of the values;
    bfloat16 is widened to float64), float maxima are returned as float64, integer ones keep x's dtype.
    """
    x = np.asarray(x)
    n, spatial, channels = x.ndim - 2, x.shape[1:-1], x.shape[-1]
    d = tuple(dilations or (1,) * n)
    keff = [(k - 1) * dd + 1 for k, dd in zip(window, d)]
    out_sizes = [max((s + lo + hi - k) // st + 1, 0) for s, (lo, hi), k, st in zip(spatial, padding, keff, strides)]
    taps = list(np.ndindex(*window))
    native = x.dtype.kind in "iu" or x.dtype in (np.float16, np.float32)
    work = x.dtype if native and op != "avg" else np.dtype(np.float64)
    fill = 0 if op == "avg" else np.iinfo(work).min if work.kind in "iu" else -np.inf
    y = np.zeros((x.shape[0], *out_sizes, channels), work if work.kind in "iu" else np.float64)
    index = np.full(y.shape, -1, np.int64) if op == "argmax" else None
    if y.size == 0:
        return (y, index) if op == "argmax" else y
    if op == "avg":  # number of real (non-padding) elements under each window
        ones = pad_input(np.ones((1, *spatial, 1)), padding)
        count = sum(tap_view(ones, t, out_sizes, strides, d) for t in taps)
    if op == "argmax":  # where each output position's window starts, per dimension; element strides
        starts = [np.arange(o) * st - lo for o, st, (lo, _) in zip(out_sizes, strides, padding)]
        elem = [math.prod(spatial[i + 1:]) * channels for i in range(n)]

    def block(images, rows):
        xp = pad_input(x[images], padding, fill, (rows.start * strides[0], (rows.stop - 1) * strides[0] + keff[0]), work)
        out = y[images, rows]
        acc = out if work == y.dtype else np.empty(out.shape, work)  # float16/32 maxima: cast at the end
        acc[...] = tap_view(xp, taps[0], acc.shape[1:-1], strides, d)
        for t in taps[1:]:
            (np.add if op == "avg" else np.maximum)(acc, tap_view(xp, t, acc.shape[1:-1], strides, d), out=acc)
        if op == "avg":
            acc /= count[:, rows]
        if acc is not out:
            out[...] = acc
        if op != "argmax":
            return
        first = index[images, rows]
        place = [np.reshape(v[rows] if i == 0 else v, (1,) * (i + 1) + (-1,) + (1,) * (n - i)) for i, v in enumerate(starts)]
        for t in taps:
            pos = [p + k * dd for p, k, dd in zip(place, t, d)]
            valid = functools.reduce(np.logical_and, [(p >= 0) & (p < s) for p, s in zip(pos, spatial)])
            flat = sum(p * e for p, e in zip(pos, elem)) + np.arange(channels)
            if include_batch_in_index:
                flat = flat + np.arange(images.start, images.stop).reshape((-1,) + (1,) * (n + 1)) * x[0].size
            v = tap_view(xp, t, acc.shape[1:-1], strides, d)
            hit = valid & (first < 0) & ((v == acc) | (np.isnan(v) & np.isnan(acc)))
            first[...] = np.where(hit, flat, first)

    row_bytes = work.itemsize * strides[0] * math.prod(s + lo + hi for s, (lo, hi) in zip(spatial[1:], padding[1:])) * channels
    blocks.run(block, blocks.row_blocks(x.shape[0], out_sizes[0], row_bytes, CHUNK_BYTES), threads=True)
    return (y, index) if op == "argmax" else y
