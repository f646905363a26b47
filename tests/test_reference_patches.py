"""reference.extract_patches (tf.image.extract_patches) and its vjp against TF's documented example and
values worked out by hand."""
import ml_dtypes
import numpy as np
import pytest

import reference as R
from reference.grad import vjp

N10 = np.arange(1, 101).reshape(1, 10, 10, 1)  # tf.image.extract_patches' docstring example: 1 .. 100


def test_documented_example():
    # the docstring's two outputs: 3 x 3 patches 5 apart, VALID, at rates 1 and 2
    y = R.extract_patches(N10, [1, 3, 3, 1], [1, 5, 5, 1], [1, 1, 1, 1], "VALID")
    np.testing.assert_array_equal(y, [[[[1, 2, 3, 11, 12, 13, 21, 22, 23], [6, 7, 8, 16, 17, 18, 26, 27, 28]],
                                       [[51, 52, 53, 61, 62, 63, 71, 72, 73], [56, 57, 58, 66, 67, 68, 76, 77, 78]]]])
    y = R.extract_patches(N10, [1, 3, 3, 1], [1, 5, 5, 1], [1, 2, 2, 1], "VALID")
    np.testing.assert_array_equal(y, [[[[1, 3, 5, 21, 23, 25, 41, 43, 45], [6, 8, 10, 26, 28, 30, 46, 48, 50]],
                                       [[51, 53, 55, 71, 73, 75, 91, 93, 95], [56, 58, 60, 76, 78, 80, 96, 98, 100]]]])
    assert y.dtype == N10.dtype


# 2 x 3 image, 2 channels (the second negated), 2 batch images (the second + 100)
IMG = np.array([[1, 2, 3], [4, 5, 6]], np.float64)
X = np.stack([np.stack([IMG, -IMG], -1), np.stack([IMG + 100, -IMG + 100], -1)])   # (2, 2, 3, 2)


def test_same_strided_by_hand():
    # 2 x 2 patches, strides (1, 2), SAME: out (2, 2); pads H (0, 1), W (0, 1); padding reads 0.
    # patch (y, x) covers rows y, y+1 and columns 2x, 2x+1, flattened (row, col, depth):
    y = R.extract_patches(X, [1, 2, 2, 1], [1, 1, 2, 1], [1, 1, 1, 1], "SAME")
    assert y.shape == (2, 2, 2, 8)
    np.testing.assert_array_equal(y[0, 0, 0], [1, -1, 2, -2, 4, -4, 5, -5])
    np.testing.assert_array_equal(y[0, 0, 1], [3, -3, 0, 0, 6, -6, 0, 0])
    np.testing.assert_array_equal(y[0, 1, 0], [4, -4, 5, -5, 0, 0, 0, 0])
    np.testing.assert_array_equal(y[0, 1, 1], [6, -6, 0, 0, 0, 0, 0, 0])
    np.testing.assert_array_equal(y[1, 0, 0], [101, 99, 102, 98, 104, 96, 105, 95])


def test_rates_and_odd_sizes():
    # 5 x 4 ramp 0 .. 19, 2 x 2 patches at rates (2, 3), strides 1, VALID: span 3 x 4, out (3, 1);
    # patch (y, 0) = x[y, 0], x[y, 3], x[y + 2, 0], x[y + 2, 3]
    x = np.arange(20).reshape(1, 5, 4, 1)
    y = R.extract_patches(x, [1, 2, 2, 1], [1, 1, 1, 1], [1, 2, 3, 1], "VALID")
    np.testing.assert_array_equal(y[0, :, 0], [[0, 3, 8, 11], [4, 7, 12, 15], [8, 11, 16, 19]])


@pytest.mark.parametrize("dtype", ["int8", "uint16", "uint64", "complex64", "float16", ml_dtypes.bfloat16])
def test_keeps_the_dtype(dtype):
    x = np.abs(X)  # exact in every dtype
    y = R.extract_patches(x.astype(dtype), [1, 2, 2, 1], [1, 1, 2, 1], [1, 1, 1, 1], "SAME")
    assert y.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(y.astype(np.complex128), R.extract_patches(x, [1, 2, 2, 1], [1, 1, 2, 1], [1, 1, 1, 1], "SAME"))


def test_vjp_counts_the_patches_holding_each_element():
    # upstream ones: each input element gets the number of patches (of the SAME example above) it appears in:
    # row 0: one patch each; row 1: two (its own row's and the row above's)
    up = np.ones((2, 2, 2, 8))
    g = vjp("extract_patches", {"images": X}, {"sizes": [1, 2, 2, 1], "strides": [1, 1, 2, 1], "rates": [1, 1, 1, 1],
                                                "padding": "SAME"}, {"output": up})["images"]
    np.testing.assert_array_equal(g[0, ..., 0], [[1, 1, 1], [2, 2, 2]])
    np.testing.assert_array_equal(g, np.broadcast_to(g[:1, ..., :1], g.shape))


def test_vjp_is_the_adjoint():
    # extract_patches is linear: <up, P x> == <P^T up, x> for random x, up (strides 2, rates 2, SAME)
    rng = np.random.default_rng(3)
    x = rng.normal(size=(3, 7, 6, 2))
    kw = {"sizes": [1, 3, 2, 1], "strides": [1, 2, 1, 1], "rates": [1, 2, 2, 1], "padding": "SAME"}
    y = R.extract_patches(x, **kw)
    up = rng.normal(size=y.shape)
    g = vjp("extract_patches", {"images": x}, kw, {"output": up})["images"]
    np.testing.assert_allclose(np.sum(up * y), np.sum(g * x))
