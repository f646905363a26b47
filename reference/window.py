"""The window primitives: window_reduce (max, avg with padding left out of the divisor, argmax pooling),
max_plus (grayscale dilation) and gather_patches (extract_patches); the last two loop over taps only, each
tap a strided slice of the outputs whose input it reaches (tap_slices), so padding is never materialised."""
import functools
import math

import numpy as np

from . import blocks
from .padding import pad_input, tap_view

CHUNK_BYTES = 2 << 20  # (padded) input rows per block: bounds the temporaries, stays in cache (L2: 2 MiB)


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
    bfloat16 is widened to float64), float maxima are returned as float64, integer ones keep x's dtype;
    max reduces one spatial dimension at a time (max_block), avg and argmax over the padded window.
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
    y = np.empty((x.shape[0], *out_sizes, channels), work if work.kind in "iu" else np.float64)  # blocks fill it
    index = np.full(y.shape, -1, np.int64) if op == "argmax" else None
    if y.size == 0:
        return (y, index) if op == "argmax" else y
    if op == "avg":  # number of real (non-padding) elements under each window
        ones = pad_input(np.ones((1, *spatial, 1)), padding)
        count = sum(tap_view(ones, t, out_sizes, strides, d) for t in taps)
    if op == "argmax":  # where each output position's window starts, per dimension; element strides
        starts = [np.arange(o) * st - lo for o, st, (lo, _) in zip(out_sizes, strides, padding)]
        elem = [math.prod(spatial[i + 1:]) * channels for i in range(n)]

    def max_block(images, rows):
        # A max over a box is a max along each dimension in turn (exact; NaN still wins): the first pass
        # reads whole rows of x (long contiguous runs) and no padded copy is made. At tap t, the outputs
        # in range o read the input, the others padding (`fill`).
        a = x[images]
        for i, (k, st, dd, (lo, _)) in enumerate(zip(window, strides, d, padding)):
            size, start = (rows.stop - rows.start, rows.start * st) if i == 0 else (out_sizes[i], 0)
            b, lead = np.empty(a.shape[:i + 1] + (size,) + a.shape[i + 2:], work), (slice(None),) * (i + 1)
            for t in range(k):
                o, inp = tap_range(a.shape[i + 1], size, st, t * dd - lo + start)
                for part, value in (slice(0, o.start), fill), (slice(o.stop, size), fill), (o, a[lead + (inp,)]):
                    if t == 0:
                        b[lead + (part,)] = value
                    else:
                        np.maximum(b[lead + (part,)], value, out=b[lead + (part,)])
            a = b
        y[images, rows] = a

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
    todo = blocks.row_blocks(x.shape[0], out_sizes[0], row_bytes, CHUNK_BYTES)
    blocks.run(max_block if op == "max" else block, todo, threads=True)
    return (y, index) if op == "argmax" else y


def tap_slices(spatial, out_sizes, strides, offset):
    """(output slices, input slices) of the output positions o whose input o * strides + offset (a tap's
    k * dilation - pad_lo, per dimension) lies inside x; None when there are none. Python ints: no
    padded copy is made, so huge paddings or rates cost nothing."""
    outs, ins = [], []
    for size, o, s, t in zip(spatial, out_sizes, strides, offset):
        out, inp = tap_range(size, o, s, t)
        if out.start == out.stop:
            return None
        outs.append(out)
        ins.append(inp)
    return (slice(None), *outs), (slice(None), *ins)


def tap_range(size, count, stride, offset):
    """(outputs, inputs) along one dimension: the slice of the `count` outputs o whose input o * stride +
    offset lies in [0, size), and the slice of those inputs (both empty when there are none)."""
    first = min(max(0, -(offset // stride)), count)
    stop = max(first, min(count, (size - 1 - offset) // stride + 1))
    if first == stop:
        return slice(first, first), slice(0, 0)
    return slice(first, stop), slice(first * stride + offset, (stop - 1) * stride + offset + 1, stride)


def max_plus(x, f, strides, padding, dilations, out_sizes):
    """(y, tap): y[b, o, c] = max over the taps k of f (*kernel, C) whose input lies inside x (N, *spatial, C)
    of x[b, o * strides + k * dilations - lo, c] + f[k, c]: the max-plus correlation of grayscale
    dilation. Padding never takes part: a window without a real element is -inf (integers: their
    minimum). Sums are computed in x's dtype (integers wrap, floats round as TF's kernel does), so ties are
    TF's. NaN propagates (IEEE 754 maximum). tap: the row-major index of the first tap that gives the
    maximum (its first NaN), -1 for none: TF's Dilation2D gradients route each output's gradient there."""
    x, f = np.asarray(x), np.asarray(f)
    dtype = np.result_type(x, f)
    lowest = np.iinfo(dtype).min if dtype.kind in "iu" else -np.inf
    y = np.full((x.shape[0], *out_sizes, x.shape[-1]), lowest, dtype)
    tap = np.full(y.shape, -1, np.int64)
    for t, k in enumerate(np.ndindex(*f.shape[:-1])):
        where = tap_slices(x.shape[1:-1], out_sizes, strides, [kk * d - lo for kk, d, (lo, _) in zip(k, dilations, padding)])
        if where is None or y.size == 0:
            continue
        out, inp = where
        with np.errstate(invalid="ignore", over="ignore"):   # inf - inf is NaN, as in TF's kernel
            v = (x[inp] + f[k]).astype(dtype, copy=False)
        cur, first = y[out], tap[out]
        with np.errstate(invalid="ignore"):
            take = (first < 0) | (v > cur)
        if dtype.kind not in "iu":  # the first NaN wins and stays
            take |= np.isnan(v) & ~np.isnan(cur)
        cur[take], first[take] = v[take], t
    return y, tap


def gather_patches(x, kernel, strides, padding, dilations, out_sizes):
    """(N, *out, *kernel, C): the window of every output position, padding as 0, in x's dtype."""
    y = np.zeros((x.shape[0], *out_sizes, *kernel, x.shape[-1]), x.dtype)
    for k in np.ndindex(*kernel):
        where = tap_slices(x.shape[1:-1], out_sizes, strides, [kk * d - lo for kk, d, (lo, _) in zip(k, dilations, padding)])
        if where is not None and y.size:
            out, inp = where
            y[out + k] = x[inp]
    return y
