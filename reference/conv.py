"""The one convolution primitive: N-d, strided, padded (or cropped), input- and kernel-dilated, grouped.

Every tf.nn convolution is this with different arguments (see nn.py). Float64 throughout.
"""
import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .errors import InvalidArgumentError
from .padding import pad_input

CHUNK_BYTES = 4 << 20  # one block of gathered patches: bounds the temporaries, stays in cache


def conv_general(x, w, strides, padding, lhs_dilation=None, rhs_dilation=None, groups=1):
    """y[b, o, g*Og + j] = sum over taps k, c < Cg of xp[b, o*strides + k*rhs_dilation, g*Cg + c] * w[k, c, g*Og + j]

    x: (N, *spatial, C) channels last; w: (*kernel, Cg, O) with C == groups * Cg and O divisible by
    groups; xp: x with lhs_dilation - 1 zeros inserted between elements, then padded by (lo, hi) per
    spatial dimension (negative = cropped). Returns float64 (N, *out, O).
    """
    x, w = np.asarray(x), np.asarray(w, np.float64)  # x is cast to float64 chunk by chunk
    n = x.ndim - 2
    if w.ndim != n + 2 or x.shape[-1] != groups * w.shape[-2] or w.shape[-1] % groups:
        raise InvalidArgumentError(f"conv_general: input {x.shape} and filters {w.shape} do not fit {groups} groups")
    kernel, cg, o_total = w.shape[:n], w.shape[n], w.shape[n + 1]
    strides, rd, ld = tuple(strides), tuple(rhs_dilation or (1,) * n), tuple(lhs_dilation or (1,) * n)
    dilated = [max((s - 1) * d + 1, 0) for s, d in zip(x.shape[1:-1], ld)]
    keff = [(k - 1) * d + 1 for k, d in zip(kernel, rd)]
    out_sizes = [max((s + lo + hi - k) // st + 1, 0) for s, (lo, hi), k, st in zip(dilated, padding, keff, strides)]
    y = np.zeros((x.shape[0], *out_sizes, o_total))
    if y.size == 0 or cg == 0:
        return y
    taps, og = math.prod(kernel), o_total // groups
    if groups == 1:
        wm = w.reshape(taps * cg, o_total)
    else:  # (taps, groups, Cg, Og): output channel g*Og + j reads input channels g*Cg .. g*Cg + Cg - 1
        wm = w.reshape(taps, cg, groups, og).transpose(0, 2, 1, 3)

    # Per block of output rows (first spatial dim) of a batch chunk: gather the patches, one GEMM.
    budget = CHUNK_BYTES if groups == 1 else CHUNK_BYTES // 2  # einsum is memory-bound: smaller blocks
    row_bytes = 8 * taps * x.shape[-1] * math.prod(out_sizes[1:])
    rows = max(1, min(out_sizes[0], budget // row_bytes))
    batch = max(1, budget // (row_bytes * out_sizes[0])) if rows == out_sizes[0] else 1
    every = (slice(None),)
    for b in range(0, x.shape[0], batch):
        xp = pad_input(x[b:b + batch], padding, ld)
        for r in range(0, out_sizes[0], rows):
            block = y[b:b + batch, r:r + rows]
            part = xp[:, r * strides[0]:(r + block.shape[1] - 1) * strides[0] + keff[0]]
            win = sliding_window_view(part, keff, axis=tuple(range(1, n + 1)))  # (nb, *positions, C, *keff)
            win = win[every + tuple(slice(0, o * s, s) for o, s in zip(block.shape[1:-1], strides))
                      + every + tuple(slice(None, None, d) for d in rd)]
            cols = np.empty(block.shape[:-1] + kernel + (x.shape[-1],))
            cols[...] = np.moveaxis(win, n + 1, -1)  # (nb, *out, *kernel, C)
            if groups == 1:
                block[...] = (cols.reshape(-1, taps * cg) @ wm).reshape(block.shape)
            else:  # plain einsum is fastest for depthwise (1x1 per group), the BLAS-backed path otherwise
                cols = cols.reshape(-1, taps, groups, cg)
                block[...] = np.einsum("mtgc,tgco->mgo", cols, wm, optimize=cg * og > 1).reshape(block.shape)
    return y
