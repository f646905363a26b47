"""Numeric comparison of TensorFlow's output with the reference's, and the precision model.

The reference returns float64 values computed from exactly the case's inputs. TensorFlow sums
products in an accumulation type (the precision model: the dtype itself, except that float16 and
bfloat16 accumulate in float32, as measured on TF's CPU kernels), then rounds the result once
into the output dtype. So its error is bounded by gamma_n of the accumulation type times the
magnitude of what was summed, plus one rounding of the output dtype, plus one rounding per
intermediate result a kernel stores in the output dtype (separable_conv2d's depthwise stage, a
chain's layers). The magnitude is the same op applied to |x| and |w| (for a convolution: sum |x_i w_i|
over the window), so an output that cancels to near zero is not held to a relative bound it cannot
meet, and a large output is not excused by an absolute bound.

Non-finite values are compared by identity: NaN matches only NaN, +inf only +inf, -inf only -inf
(or a finite reference that the output dtype cannot hold, rounded to the infinity of its sign).
Non-finite inputs never widen the bound of finite cells (harness.run.execute sums only finite ones).
"""
from __future__ import annotations

import ml_dtypes
import numpy as np

# Unit roundoff (half the machine epsilon) of each float dtype.
UNIT_ROUNDOFF = {"float16": 2.0 ** -11, "bfloat16": 2.0 ** -8, "float32": 2.0 ** -24,
                 "float64": 2.0 ** -53}
# The smallest normal number: TF flushes subnormal results to zero.
TINY = {"float16": 6.1e-5, "bfloat16": 1.2e-38, "float32": 1.2e-38, "float64": 2.3e-308}
# The largest finite number: a result beyond it (plus its bound) may round to infinity.
LARGEST = {"float16": 65504.0, "bfloat16": float(ml_dtypes.finfo(ml_dtypes.bfloat16).max),
           "float32": float(np.finfo(np.float32).max), "float64": float(np.finfo(np.float64).max)}
# Complex types round each part as their float type (a complex sum is two real sums).
for _complex, _part in (("complex64", "float32"), ("complex128", "float64")):
    for _table in (UNIT_ROUNDOFF, TINY, LARGEST):
        _table[_complex] = _table[_part]

# The precision model: the type TensorFlow's kernels sum each dtype in. float32 for the half types is
# what XLA and oneDNN do for every op of TF 2.21 on x86-64 and Eigen for its 2-D convolutions; the
# Eigen kernels that sum in the half type lose more, and are pinned as `known` deviations
# (docs/precision.md has the measurements, cases/ops/precision.yaml the probes).
ACCUMULATE = {"float16": "float32", "bfloat16": "float32"}
WORST = 5     # positions listed in a failure message


def accumulation(dtype: str) -> str:
    return ACCUMULATE.get(dtype, dtype)


def gamma(n: int, u: float) -> float:
    """n*u / (1 - n*u): the bound on the relative error of n products summed in any order."""
    nu = n * u
    if nu >= 0.5:    # no meaningful bound: refuse rather than accept anything
        raise ValueError(f"{n} terms exceed what unit roundoff {u:.3g} can bound")
    return nu / (1 - nu)


def bound(dtype: str, terms: int, magnitude: np.ndarray, reference: np.ndarray,
          roundings: int = 0) -> np.ndarray:
    """Per-element absolute tolerance of an output of `dtype` summing `terms` products of total
    `magnitude` per element, with `roundings` intermediate results stored in `dtype`."""
    u_out, u_acc = UNIT_ROUNDOFF[dtype], UNIT_ROUNDOFF[accumulation(dtype)]
    magnitude = np.asarray(magnitude, dtype=np.float64)
    summed = gamma(max(1, terms), u_acc) * magnitude + roundings * u_out * magnitude
    ref = np.abs(np.asarray(reference))
    with np.errstate(invalid="ignore", over="ignore"):
        tol = summed + u_out * (ref + summed) + TINY[dtype]
    # Non-finite reference cells match by identity, so their bound is never used.
    return np.where(np.isfinite(tol), tol, 0.0)


def override(tolerance: dict, magnitude: np.ndarray | None):
    """A case's own `tolerance: {atol, rtol}` (rtol relative to the magnitude summed)."""
    atol, rtol = float(tolerance.get("atol", 0.0)), float(tolerance.get("rtol", 0.0))
    if magnitude is None:
        return np.float64(atol)
    return atol + rtol * np.abs(np.asarray(magnitude, dtype=np.float64))


def _same(r: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Identical values: NaN with NaN, an infinity with the same infinity, a number with itself."""
    return (np.isnan(r) & np.isnan(g)) | (r == g)


def mismatches(reference, actual, tol, dtype: str | None = None):
    """(bad, abs_err, limit): which cells of `actual` depart from `reference` beyond `tol`."""
    kind = np.complex128 if np.iscomplexobj(reference) or np.iscomplexobj(actual) else np.float64
    ref = np.asarray(reference).astype(kind)
    got = np.asarray(actual).astype(kind)
    limit = np.zeros(ref.shape) if tol is None else np.broadcast_to(np.asarray(tol, np.float64), ref.shape)
    limit = np.where(np.isfinite(limit) & (limit > 0), limit, 0.0)   # a NaN bound accepts nothing
    zero = np.zeros(ref.shape)
    r_re, r_im, g_re, g_im = ((ref.real, ref.imag, got.real, got.imag) if kind is np.complex128
                              else (ref, zero, got, zero))
    finite_ref = np.isfinite(r_re) & np.isfinite(r_im)
    finite_got = np.isfinite(g_re) & np.isfinite(g_im)
    with np.errstate(invalid="ignore", over="ignore"):
        err = np.abs(got - ref)
        err = np.where(finite_ref & finite_got, err, np.inf)
        # A finite result too large for the dtype rounds to the infinity of its sign.
        big = LARGEST.get(dtype or "", np.inf)
        overflow = (finite_ref & ~finite_got & np.isinf(g_re) & ~np.isnan(g_im)
                    & (np.sign(g_re) == np.sign(r_re)) & (np.abs(r_re) + limit >= big))
        err = np.where(overflow, 0.0, err)
        special = _same(r_re, g_re) & _same(r_im, g_im)
        err = np.where(~finite_ref, np.where(special, 0.0, np.inf), err)
    return err > limit, err, limit


def _number(value):
    """A JSON-able scalar: a float, or [real, imag] for a complex value."""
    return [float(value.real), float(value.imag)] if np.iscomplexobj(value) else float(value)


def _wide(a) -> np.ndarray:
    a = np.asarray(a)
    return a.astype(np.complex128 if np.iscomplexobj(a) else np.float64)


def diff(reference, actual, tol, dtype: str | None = None) -> dict:
    """Where and by how much `actual` departs from `reference` beyond `tol`."""
    bad, abs_err, limit = mismatches(reference, actual, tol, dtype)
    ref, got = _wide(reference), _wide(actual)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        rel_err = abs_err / np.maximum(np.abs(ref), np.finfo(np.float64).tiny)
    out = {
        "total": int(ref.size),
        "mismatched": int(bad.sum()),
        "max_abs_err": float(abs_err.max()) if ref.size else 0.0,
        "mean_abs_err": float(abs_err.mean()) if ref.size else 0.0,
        "max_rel_err": float(np.where(abs_err == 0, 0, rel_err).max()) if ref.size else 0.0,
        "max_tolerance": float(np.max(limit)) if ref.size else 0.0,
        "worst": [],
    }
    if out["mismatched"]:
        with np.errstate(invalid="ignore"):
            excess = np.where(bad, abs_err - limit, -np.inf).ravel()
        order = np.argsort(-excess, kind="stable")[:min(WORST, out["mismatched"])]
        for flat in order:
            idx = np.unravel_index(flat, ref.shape)
            out["worst"].append({"index": [int(i) for i in idx], "reference": _number(ref[idx]),
                                 "tf": _number(got[idx]), "abs_err": float(abs_err[idx]),
                                 "tolerance": float(limit[idx])})
    return out
