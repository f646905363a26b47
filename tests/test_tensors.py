"""make_tensor: exact, made in the tensor's own dtype, the same on every run and machine."""
import ml_dtypes
import numpy as np
import pytest

from harness.model import TensorSpec
from harness.cases.tensors import DTYPES, itemsize, make_tensor


def spec(shape, kind, data, dtype="float32"):
    return TensorSpec(tuple(shape), kind, data, dtype)


def test_flat_and_nested_values_are_the_same_tensor():
    flat = make_tensor(spec([2, 2, 1], "values", [1, 2, 3, 4]))
    nested = make_tensor(spec([2, 2, 1], "values", [[[1], [2]], [[3], [4]]]))
    np.testing.assert_array_equal(flat, nested)
    assert flat.shape == (2, 2, 1) and flat.dtype == np.float32
    assert flat[1, 0, 0] == 3


def test_bfloat16_rounds_once_to_nearest_even():
    t = make_tensor(spec([3], "values", [1.0, 1.00390625, 3.14159], "bfloat16"))
    assert t.dtype == ml_dtypes.bfloat16 and itemsize("bfloat16") == 2
    # 1 + 2**-8 is halfway between two bfloat16 numbers: ties go to the even one, 1.0.
    assert t.astype(np.float64).tolist() == [1.0, 1.0, 3.140625]
    filled = make_tensor(spec([2], "fill", 0.1, "bfloat16"))
    assert filled.dtype == ml_dtypes.bfloat16 and filled.astype(float).tolist() == [0.10009765625] * 2


def test_random_is_seeded_and_pinned():
    s = spec([3], "random", {"dist": "normal", "seed": 0, "mean": 0.0, "std": 1.0}, "float64")
    np.testing.assert_array_equal(make_tensor(s), make_tensor(s))
    # PCG64's stream is part of the contract: the same values on every machine.
    assert make_tensor(s).tolist() == [0.1257302210933933, -0.1321048632913019, 0.6404226504432821]
    other = spec([3], "random", {"dist": "normal", "seed": 1, "mean": 0.0, "std": 1.0}, "float64")
    assert not np.array_equal(make_tensor(s), make_tensor(other))


def test_random_integers_and_rounded_floats_for_integer_dtypes():
    ints = make_tensor(spec([2, 3], "random", {"dist": "integers", "seed": 7, "low": -4, "high": 5},
                            "int32"))
    assert ints.dtype == np.int32 and ints.tolist() == [[4, 1, 2], [4, 1, 2]]
    wide = make_tensor(spec([1000], "random", {"dist": "normal", "seed": 3, "mean": 0, "std": 1000},
                            "int8"))
    assert wide.dtype == np.int8 and wide.min() == -128 and wide.max() == 127   # clipped
    half = make_tensor(spec([4], "random", {"dist": "uniform", "seed": 1, "low": -2, "high": 2},
                            "float16"))
    assert half.dtype == np.float16 and (abs(half) <= 2).all()


def test_range_is_a_row_major_ramp():
    t = make_tensor(spec([2, 3], "range", {"start": 1, "step": 2}))
    assert t.tolist() == [[1, 3, 5], [7, 9, 11]] and t.dtype == np.float32
    big = make_tensor(spec([2], "range", {"start": 2**60, "step": 1}, "int64"))
    assert big.tolist() == [2**60, 2**60 + 1]   # exact: integer ramps never pass through floats


def test_fill_and_literal_integers():
    assert make_tensor(spec([2, 2], "fill", 7, "uint8")).tolist() == [[7, 7], [7, 7]]
    assert make_tensor(spec([2], "values", [2**63 - 1, -1], "int64")).tolist() == [2**63 - 1, -1]
    assert make_tensor(spec([0, 3], "fill", 1)).shape == (0, 3)


def test_npy_shape_must_match(tmp_path):
    np.save(tmp_path / "x.npy", np.ones((2, 3)))
    assert make_tensor(spec([2, 3], "npy", str(tmp_path / "x.npy"), "float16")).dtype == np.float16
    with pytest.raises(ValueError, match="holds shape"):
        make_tensor(spec([3, 2], "npy", str(tmp_path / "x.npy")))


def test_dtypes():
    assert DTYPES["bfloat16"] == np.dtype(ml_dtypes.bfloat16)
    assert {name: itemsize(name) for name in ("float16", "float64", "int8", "bool")} == {
        "float16": 2, "float64": 8, "int8": 1, "bool": 1}
