"""The one convolution primitive: N-d, strided, padded (or cropped), input- and kernel-dilated, grouped.

Every tf.nn convolution, its transpose and their gradients are this with different arguments (see
nn.py, transpose.py, grad.py). Float inputs are computed in float64, integer ones in int64.
Per block of output rows: gather the patches and multiply by the filter matrix (one GEMM); a
depthwise convolution (one input channel per group) instead sums over its windows with one einsum;
input dilation (transposes, gradients) splits the output into stride phases first.
"""
import itertools
import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from . import blocks
from .errors import InvalidArgumentError
from .padding import pad_input

CHUNK_BYTES = 4 << 20  # gathered patches per block (up to 4x, see budget): bounds the temporaries; 2-4 MiB is fastest


def conv_general(x, w, strides, padding, lhs_dilation=None, rhs_dilation=None, groups=1, out=None):
    """y[b, o, g*Og + j] = sum over taps k, c < Cg of xp[b, o*strides + k*rhs_dilation, g*Cg + c] * w[k, c, g*Og + j]

    x: (N, *spatial, C) channels last; w: (*kernel, Cg, O) with C == groups * Cg and O divisible by
    groups; xp: x with lhs_dilation - 1 zeros inserted between elements, then padded by (lo, hi) per
    spatial dimension (negative = cropped). Returns (N, *out, O): float64, or int64 (exact modulo
    2**64) when both x and w are integers; written into `out` (zeros of that shape, maybe a strided view
    of a larger output) when given.
    """
    x, w = np.asarray(x), np.asarray(w)
    n = x.ndim - 2
    # The ops check these first (reference/nn.py); called directly, the primitive names the same rules.
    fit = f"conv_general: input {x.shape} and filters {w.shape} do not fit {groups} groups"
    if w.ndim != n + 2:
        raise InvalidArgumentError("rank", fit)
    if x.shape[-1] != groups * w.shape[-2]:
        raise InvalidArgumentError("channel-mismatch", fit)
    if w.shape[-1] % groups:
        raise InvalidArgumentError("groups-output-channels", fit)
    acc = np.int64 if x.dtype.kind in "iub" and w.dtype.kind in "iub" else np.float64
    w = w.astype(acc, copy=False)  # x is cast block by block
    kernel, cg, o_total = w.shape[:n], w.shape[n], w.shape[n + 1]
    strides, rd, ld = tuple(strides), tuple(rhs_dilation or (1,) * n), tuple(lhs_dilation or (1,) * n)
    dilated = [max((s - 1) * d + 1, 0) for s, d in zip(x.shape[1:-1], ld)]
    keff = [(k - 1) * d + 1 for k, d in zip(kernel, rd)]
    out_sizes = [max((s + lo + hi - k) // st + 1, 0) for s, (lo, hi), k, st in zip(dilated, padding, keff, strides)]
    # zeros only where some outputs get no block: no input or filter (phases no tap reaches: _by_phases)
    gaps = 0 in (cg, x.size, math.prod(kernel))
    y = (np.zeros if gaps else np.empty)((x.shape[0], *out_sizes, o_total), acc) if out is None else out
    if y.size == 0 or cg == 0 or math.prod(kernel) == 0 or x.size == 0:
        return y
    if max(ld) > 1:
        _by_phases(x, w, y, strides, padding, ld, rd, groups)
        return y

    taps, og = math.prod(kernel), o_total // groups
    depthwise = cg == 1 and groups > 1
    if groups == 1:
        wm = w.reshape(taps * cg, o_total)
    else:  # (taps, groups, Cg, Og): output channel g*Og + j reads input channels g*Cg .. g*Cg + Cg - 1
        wm = w.reshape(taps, cg, groups, og).transpose(0, 2, 1, 3)
    every = (slice(None),)

    def block(images, rows):
        out = y[images, rows]
        xp = pad_input(x[images], padding, rows=(rows.start * strides[0], (rows.stop - 1) * strides[0] + keff[0]), dtype=acc)
        win = sliding_window_view(xp, keff, axis=tuple(range(1, n + 1)))  # (nb, *positions, C, *keff)
        win = win[every + tuple(slice(0, o * s, s) for o, s in zip(out.shape[1:-1], strides))
                  + every + tuple(slice(None, None, d) for d in rd)]
        if depthwise:  # memory-bound: one pass of multiply-adds over the strided windows, no patch copy
            sp, k = "xyz"[:n], "ijk"[:n]
            np.einsum(f"b{sp}c{k},{k}co->b{sp}co", win, w.reshape(kernel + (groups, og)),
                      out=out.reshape(out.shape[:-1] + (groups, og)))
            return
        cols = np.ascontiguousarray(np.moveaxis(win, n + 1, -1))  # (nb, *out, *kernel, C): the patches
        if groups == 1 and out.flags.c_contiguous:  # the GEMM writes the output block in place: no copy
            np.matmul(cols.reshape(-1, taps * cg), wm, out=out.reshape(-1, o_total))
        elif groups == 1:
            out[...] = (cols.reshape(-1, taps * cg) @ wm).reshape(out.shape)
        else:
            cols = cols.reshape(-1, taps, groups, cg)
            out[...] = np.einsum("mtgc,tgco->mgo", cols, wm, optimize=True).reshape(out.shape)

    row_bytes = 8 * (1 if depthwise else taps) * x.shape[-1] * math.prod(out_sizes[1:])  # patches (depthwise: none)
    # every GEMM call packs all of wm (and syncs the BLAS threads): blocks of 2 * wm amortise that, up to 4 * CHUNK_BYTES
    budget = min(max(CHUNK_BYTES, 2 * wm.nbytes), 4 * CHUNK_BYTES)
    todo = blocks.row_blocks(x.shape[0], out_sizes[0], row_bytes, budget)
    blocks.run(block, todo, threads=depthwise or blocks.GEMM_THREADS)
    return y


def _by_phases(x, w, y, strides, padding, ld, rd, groups):
    """Input dilation without multiplying by the inserted zeros: split each output dimension into
    `period` phases o = period*j + r; the taps of phase r that land on real input elements are every
    (ld/g)-th tap from the first such k0 (g = gcd(rd, ld)), reading input s2*j + start + m*rd/g. So
    each phase is a smaller convolution of the undilated input with a sub-kernel."""
    n = x.ndim - 2
    phases = []
    for size, k, s, l, d, (lo, _), out in zip(x.shape[1:-1], w.shape[:n], strides, ld, rd, padding, y.shape[1:-1]):
        period, step = l // math.gcd(s, l), l // math.gcd(d, l)
        s2, d2 = s * period // l, d * step // l
        dim = []
        for r in range(min(period, out)):
            k0 = next((t for t in range(min(step, k)) if (r * s + t * d - lo) % l == 0), None)
            if k0 is None:  # no tap of this phase reads a real element: its outputs are zeros
                y[(slice(None),) * (len(phases) + 1) + (slice(r, None, period),)] = 0
                continue
            start, count, taps = (r * s + k0 * d - lo) // l, len(range(r, out, period)), len(range(k0, k, step))
            hi = (count - 1) * s2 + (taps - 1) * d2 + 1 - size + start  # exactly `count` outputs
            dim.append((slice(r, None, period), slice(k0, None, step), s2, d2, (-start, hi)))
        phases.append(dim)
    step = max(1, CHUNK_BYTES // (8 * max(1, x[0].size)))  # images per chunk, cast once for every phase
    for b in range(0, x.shape[0], step):
        xb = x[b:b + step].astype(y.dtype, copy=False)

        def phase(*combo):  # phases write disjoint outputs: they run on the threads, each a serial conv_general
            out_slices, kernel_slices, s2, d2, pads = zip(*combo)
            conv_general(xb, w[kernel_slices], s2, pads, None, d2, groups, out=y[(slice(b, b + step),) + out_slices])
        blocks.run(phase, list(itertools.product(*phases)), threads=y.nbytes > CHUNK_BYTES)
