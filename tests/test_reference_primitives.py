"""The reference's two primitives against their definitions, one element at a time, and the memory
they use on a big batch."""
import itertools
import tracemalloc

import numpy as np
import pytest

import reference as R
from reference import conv as conv_module
from reference import window as window_module

# ---------------------------------------------------------------- the primitive against its definition

def brute_force_conv(x, w, strides, padding, ld, rd, groups):
    """One output element at a time, straight from conv_general's docstring."""
    n = x.ndim - 2
    kernel, cg, o_total = w.shape[:n], w.shape[n], w.shape[n + 1]
    og = o_total // groups
    dilated = [max((s - 1) * d + 1, 0) for s, d in zip(x.shape[1:-1], ld)]
    keff = [(k - 1) * d + 1 for k, d in zip(kernel, rd)]
    out = [max((s + lo + hi - k) // st + 1, 0) for s, (lo, hi), k, st in zip(dilated, padding, keff, strides)]
    y = np.zeros((x.shape[0], *out, o_total))
    for b, o, oc in itertools.product(range(x.shape[0]), itertools.product(*map(range, out)), range(o_total)):
        g = oc // og
        for k in itertools.product(*map(range, kernel)):
            pos = [oo * s + kk * d - lo for oo, s, kk, d, (lo, _) in zip(o, strides, k, rd, padding)]
            if all(0 <= p < s and p % l == 0 for p, s, l in zip(pos, dilated, ld)):
                src = tuple(p // l for p, l in zip(pos, ld))
                y[(b, *o, oc)] += x[(b, *src, slice(g * cg, (g + 1) * cg))] @ w[(*k, slice(None), oc)]
    return y


@pytest.mark.parametrize("seed", range(40))
def test_conv_general_matches_its_definition(seed, monkeypatch):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 4))
    groups, cg, og = (int(v) for v in rng.integers(1, 3, 3))
    x = rng.standard_normal((int(rng.integers(1, 3)), *rng.integers(1, 6, n), groups * cg))
    w = rng.standard_normal((*rng.integers(1, 4, n), cg, groups * og))
    strides, ld, rd = ([int(v) for v in rng.integers(1, 4, n)] for _ in range(3))
    padding = [tuple(int(v) for v in p) for p in rng.integers(-2, 4, (n, 2))]  # negative = crop
    monkeypatch.setattr(conv_module, "CHUNK_BYTES", int(rng.choice([1, 2000, 1 << 22])))  # force chunking
    y = R.conv_general(x, w, strides, padding, ld, rd, groups)
    z = brute_force_conv(x, w, strides, padding, ld, rd, groups)
    assert y.shape == z.shape
    np.testing.assert_allclose(y, z, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("seed", range(15))
def test_window_reduce_matches_its_definition(seed, monkeypatch):
    rng = np.random.default_rng(seed)
    x = rng.integers(-3, 4, (3, *rng.integers(1, 6, 2), 2)).astype(np.float64)  # small ints: many ties
    window, strides = [int(v) for v in rng.integers(1, 4, 2)], [int(v) for v in rng.integers(1, 3, 2)]
    padding = [(int(rng.integers(0, k)), int(rng.integers(0, k))) for k in window]
    monkeypatch.setattr(window_module, "CHUNK_BYTES", 1)  # one row per block
    mx, (am_v, am) = (R.window_reduce(x, window, strides, padding, op, True) for op in ("max", "argmax"))
    avg = R.window_reduce(x, window, strides, padding, "avg")
    for b, i, j, c in itertools.product(*map(range, mx.shape)):
        cells = [(p, q) for p, q in itertools.product(range(window[0]), range(window[1]))
                 if 0 <= i * strides[0] + p - padding[0][0] < x.shape[1] and 0 <= j * strides[1] + q - padding[1][0] < x.shape[2]]
        vals = [x[b, i * strides[0] + p - padding[0][0], j * strides[1] + q - padding[1][0], c] for p, q in cells]
        assert mx[b, i, j, c] == am_v[b, i, j, c] == max(vals) and avg[b, i, j, c] == pytest.approx(sum(vals) / len(vals))
        p, q = cells[vals.index(max(vals))]  # first in row-major window order
        yy, xx = i * strides[0] + p - padding[0][0], j * strides[1] + q - padding[1][0]
        assert am[b, i, j, c] == ((b * x.shape[1] + yy) * x.shape[2] + xx) * x.shape[3] + c


# ---------------------------------------------------------------- bounded memory

def test_big_batch_is_chunked_with_bounded_temporaries():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2048, 16, 16, 8)).astype(np.float32)  # 16 MiB in, 32 MiB float64 out
    w = rng.standard_normal((3, 3, 8, 8)).astype(np.float32)
    tracemalloc.start()
    y = R.conv2d(x, w, 1, "SAME")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak - y.nbytes < 24 << 20  # patches (4 MiB) and a padded chunk, not a batch-sized copy
    np.testing.assert_allclose(y[1234:1236], R.conv2d(x[1234:1236], w, 1, "SAME"), rtol=1e-13)
    tracemalloc.start()
    p = R.max_pool2d(x, 3, 2, "SAME")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak - p.nbytes < 24 << 20
    np.testing.assert_array_equal(p[2047], R.max_pool2d(x[2047:], 3, 2, "SAME")[0])
