"""Numeric comparison of TensorFlow's output with the reference's, and the tolerance model.

The reference returns float64 values computed from exactly the case's inputs. TensorFlow rounds
its products and sums in the case's dtype, so its error is bounded by that dtype's unit roundoff
times the number of terms summed times the magnitude of what was summed. The magnitude comes from
the same op applied to |x| and |w| (for a convolution: sum |x_i w_i| over the window), so an
output that cancels to near zero is not held to a relative bound it cannot meet, and a large
output is not excused by an absolute bound.
"""
from __future__ import annotations

import numpy as np

# Unit roundoff (half the machine epsilon) of each float dtype.
UNIT_ROUNDOFF = {"float16": 2.0 ** -11, "bfloat16": 2.0 ** -8, "float32": 2.0 ** -24,
                 "float64": 2.0 ** -53}
# The smallest normal number: sums in this range may flush to zero on some kernels.
TINY = {"float16": 6.1e-5, "bfloat16": 1.2e-38, "float32": 1.2e-38, "float64": 2.3e-308}
# Complex types round each part as their float type (a complex sum is two real sums).
for _complex, _part in (("complex64", "float32"), ("complex128", "float64")):
    UNIT_ROUNDOFF[_complex], TINY[_complex] = UNIT_ROUNDOFF[_part], TINY[_part]
WORST = 5     # positions listed in a failure message


def bound(dtype: str, terms: int | None, magnitude: np.ndarray | None, override: dict | None):
    """Per-element absolute tolerance, or None for ops that must match exactly."""
    if override:
        atol, rtol = float(override.get("atol", 0.0)), float(override.get("rtol", 0.0))
        return atol + rtol * np.abs(magnitude) if magnitude is not None else np.float64(atol)
    if terms is None or dtype not in UNIT_ROUNDOFF:
        return None
    u = UNIT_ROUNDOFF[dtype]
    # gamma_n = n*u/(1-n*u) bounds recursive summation of n products in any order; +1 for the
    # final rounding of the result into the dtype; TINY absorbs flushed subnormals.
    n = terms + 1
    gamma = n * u / max(1e-3, 1 - n * u)
    return gamma * magnitude + TINY[dtype]


def diff(reference: np.ndarray, actual: np.ndarray, tol) -> dict:
    """Where and by how much `actual` departs from `reference` beyond `tol`."""
    # Complex outputs (bias_add) compare as complex: casting to float would drop the imaginary part.
    kind = np.complex128 if np.iscomplexobj(reference) or np.iscomplexobj(actual) else np.float64
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        return _diff(np.asarray(reference).astype(kind), np.asarray(actual).astype(kind), tol)


def _number(value):
    """A JSON-able scalar: a float, or [real, imag] for a complex value."""
    return [float(value.real), float(value.imag)] if np.iscomplexobj(value) else float(value)


def _diff(ref: np.ndarray, got: np.ndarray, tol) -> dict:
    abs_err = np.abs(got - ref)
    same_special = (np.isnan(ref) & np.isnan(got)) | (np.isinf(ref) & (ref == got))
    abs_err = np.where(same_special, 0.0, abs_err)
    abs_err = np.where(np.isnan(abs_err), np.inf, abs_err)
    limit = np.zeros(ref.shape) if tol is None else np.broadcast_to(tol, ref.shape)
    bad = abs_err > limit
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
        excess = np.where(bad, abs_err - limit, -np.inf).ravel()
        order = np.argsort(-excess, kind="stable")[:min(WORST, out["mismatched"])]
        for flat in order:
            idx = np.unravel_index(flat, ref.shape)
            out["worst"].append({"index": [int(i) for i in idx], "reference": _number(ref[idx]),
                                 "tf": _number(got[idx]), "abs_err": float(abs_err[idx]),
                                 "tolerance": float(limit[idx])})
    return out
