"""Materialise TensorSpecs: the exact input values both implementations see.

Deterministic by construction: literals, fills and ramps are exact, random tensors come from
numpy's PCG64 generator (`np.random.default_rng(seed)`), whose streams do not depend on the machine.
A tensor is made in its own dtype first (e.g. float64 literals rounded to bfloat16), so the
reference and TensorFlow start from the same rounded values.
"""
from __future__ import annotations

from math import prod

import ml_dtypes
import numpy as np

from harness.model import TensorSpec

DTYPES: dict[str, np.dtype] = {
    "float16": np.dtype(np.float16),
    "bfloat16": np.dtype(ml_dtypes.bfloat16),
    "float32": np.dtype(np.float32),
    "float64": np.dtype(np.float64),
    "int8": np.dtype(np.int8),
    "int16": np.dtype(np.int16),
    "int32": np.dtype(np.int32),
    "int64": np.dtype(np.int64),
    "uint8": np.dtype(np.uint8),
    "uint16": np.dtype(np.uint16),
    "uint32": np.dtype(np.uint32),
    "uint64": np.dtype(np.uint64),
    "complex64": np.dtype(np.complex64),
    "complex128": np.dtype(np.complex128),
    "bool": np.dtype(np.bool_),
}

# Parameters of each random distribution and their defaults (integers: numpy's exclusive high).
RANDOM_PARAMS = {
    "normal": {"mean": 0.0, "std": 1.0},
    "uniform": {"low": -1.0, "high": 1.0},
    "integers": {"low": -4, "high": 5},
}


# Shares of a random tensor's elements replaced by NaN and by an infinity (of random sign).
NON_FINITE = ("nan", "inf")


def itemsize(dtype: str) -> int:
    return DTYPES[dtype].itemsize


def is_integer(dtype: str) -> bool:
    return DTYPES[dtype].kind in "iu"


def make_tensor(spec: TensorSpec) -> np.ndarray:
    """A new array of spec.shape in spec.dtype (the loader has checked counts and ranges)."""
    dtype, size = DTYPES[spec.dtype], prod(spec.shape)
    if spec.kind == "values":
        array = _exact(spec.data, dtype)
    elif spec.kind == "fill":
        array = np.full(size, _exact(spec.data, dtype))
    elif spec.kind == "range":
        # Integer ramps stay in int64 so large values are exact; float ramps use float64.
        ramp = np.arange(size, dtype=np.int64 if dtype.kind in "iu" else np.float64)
        array = spec.data["start"] + spec.data["step"] * ramp
    elif spec.kind == "random":
        array = _random(spec.data, size)
    elif spec.kind == "npy":
        array = np.load(spec.data, allow_pickle=False)
        if array.shape != tuple(spec.shape):
            raise ValueError(f"{spec.data} holds shape {list(array.shape)}, "
                             f"expected {list(spec.shape)}")
    else:
        raise ValueError(f"unknown tensor kind {spec.kind!r}")
    return _cast(np.asarray(array), dtype).reshape(spec.shape)


def _exact(data, dtype: np.dtype) -> np.ndarray:
    """Literal values: integers and booleans directly (exact), floats through float64."""
    if dtype.kind in "iub":
        return np.array(data, dtype=dtype)
    return np.array(data, dtype=np.complex128 if dtype.kind == "c" else np.float64)


def _random(data: dict, size: int) -> np.ndarray:
    rng = np.random.default_rng(data["seed"])
    if data["dist"] == "normal":
        values = rng.normal(data["mean"], data["std"], size)
    elif data["dist"] == "uniform":
        values = rng.uniform(data["low"], data["high"], size)
    else:
        values = rng.integers(data["low"], data["high"], size)
    if data.get("nan") or data.get("inf"):   # drawn after the values: those stay as without them
        share, sign = rng.random(size), rng.random(size) < 0.5
        nan, inf = data.get("nan", 0), data.get("inf", 0)
        values = np.where(share < nan, np.nan, values.astype(np.float64))
        values = np.where((share >= nan) & (share < nan + inf), np.where(sign, -np.inf, np.inf), values)
    return values


def _cast(array: np.ndarray, dtype: np.dtype) -> np.ndarray:
    # Float -> int conversion of out-of-range values differs between CPUs: round and clip first.
    if dtype.kind in "iu" and array.dtype.kind in "fc":
        info = np.iinfo(dtype)
        array = np.clip(np.rint(array.real), info.min, info.max)
    return array.astype(dtype)
