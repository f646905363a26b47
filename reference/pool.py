"""The one window-reduce primitive: max, avg (padding left out of the divisor) and argmax pooling."""
import functools
import math

import numpy as np

from .padding import pad_input, tap_view

CHUNK_BYTES = 8 << 20  # padded input of one batch chunk: bounds the temporaries, helps the cache


def window_reduce(x, window, strides, padding, op, include_batch_in_index=False):
    """Reduce every window of x (N, *spatial, C) with op in 'max', 'avg', 'argmax'.

    padding: (lo, hi) per spatial dimension. Padding never takes part: max pads with -inf (a window
    always holds at least one real element), avg divides by the number of real elements, argmax
    never selects padding. NaN propagates through max and avg (np.maximum semantics).
    'argmax' returns (max, index): the flat index (y * W + x) * C + c of the input element (plus
    b * H * W * C with include_batch_in_index), the first in row-major window order that equals the max.
    """
    x = np.asarray(x)  # cast to float64 chunk by chunk
    spatial, channels = x.shape[1:-1], x.shape[-1]
    out_sizes = [max((s + lo + hi - k) // st + 1, 0) for s, (lo, hi), k, st in zip(spatial, padding, window, strides)]
    taps = list(np.ndindex(*window))
    y = np.zeros((x.shape[0], *out_sizes, channels))
    index = np.full(y.shape, -1, np.int64) if op == "argmax" else None
    if y.size == 0:
        return (y, index) if op == "argmax" else y
    if op == "avg":  # number of real (non-padding) elements under each window
        ones = pad_input(np.ones((1, *spatial, 1)), padding)
        count = sum(tap_view(ones, t, out_sizes, strides) for t in taps)
    if op == "argmax":  # flat input index and validity of the element each tap reads, per output position
        coords = [np.arange(o) * st - lo for o, st, (lo, _) in zip(out_sizes, strides, padding)]
        place = [np.reshape(v, (1,) * (i + 1) + (-1,) + (1,) * (len(coords) - i)) for i, v in enumerate(coords)]
        elem = [math.prod(spatial[i + 1:]) * channels for i in range(len(spatial))]
    batch = max(1, CHUNK_BYTES // max(1, 8 * x[:1].size))
    for b in range(0, x.shape[0], batch):
        xp = pad_input(x[b:b + batch], padding, fill=0.0 if op == "avg" else -np.inf)
        acc = y[b:b + batch]
        acc[...] = tap_view(xp, taps[0], out_sizes, strides)
        for t in taps[1:]:
            (np.add if op == "avg" else np.maximum)(acc, tap_view(xp, t, out_sizes, strides), out=acc)
        if op != "argmax":
            continue
        first = index[b:b + batch]
        for t in taps:
            pos = [p + k for p, k in zip(place, t)]
            valid = functools.reduce(np.logical_and, [(p >= 0) & (p < s) for p, s in zip(pos, spatial)])
            flat = sum(p * e for p, e in zip(pos, elem)) + np.arange(channels)
            if include_batch_in_index:
                flat = flat + np.arange(b, b + len(acc)).reshape((-1,) + (1,) * (x.ndim - 1)) * x[0].size
            v = tap_view(xp, t, out_sizes, strides)
            hit = valid & (first < 0) & ((v == acc) | (np.isnan(v) & np.isnan(acc)))
            first[...] = np.where(hit, flat, first)
    if op == "avg":
        y /= count
    return (y, index) if op == "argmax" else y
