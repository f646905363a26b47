"""reference.dilation2d / erosion2d and their gradients against values worked out by hand, the duality
tf.nn documents (erosion2d(v, f) = -dilation2d(-v, f mirrored)) and central finite differences.

output[b, y, x, c] = max over taps (dy, dx) inside the input of
input[b, y*sy + dy*ry - pad_top, x*sx + dx*rx - pad_left, c] + filters[dy, dx, c].
"""
import ml_dtypes
import numpy as np
import pytest

import reference as R
from reference.grad import vjp

S1 = [1, 1, 1, 1]
# image 0, channel 0 (3 x 4); channel 1 is its negation; image 1 is image 0 + 10 (both channels)
X0 = np.array([[1, 5, 2, 0], [3, -1, 4, 6], [0, 2, -3, 1]], np.float64)
X = np.stack([np.stack([X0, -X0], -1), np.stack([X0 + 10, -X0 + 10], -1)])        # (2, 3, 4, 2)
F = np.stack([np.array([[0, -1], [-2, 1]]), np.full((2, 2), -1)], -1).astype(np.float64)  # (2, 2, 2), negative taps


def test_dilation_valid_strided_by_hand():
    # VALID, strides (1, 2): 2 x 2 outputs, window columns 2x .. 2x+1. Channel 0, taps x+0, x-1, x-2, x+1:
    # (0,0) max(1, 5-1, 3-2, -1+1) = 4   (0,1) max(2, 0-1, 4-2, 6+1) = 7
    # (1,0) max(3, -1-1, 0-2, 2+1) = 3   (1,1) max(4, 6-1, -3-2, 1+1) = 5
    # channel 1: max(-x) - 1 = -min(x) - 1: (0,0) 1-1 = 0, (0,1) 0-1 = -1, (1,0) 1-1 = 0, (1,1) 3-1 = 2
    y = R.dilation2d(X, F, [1, 1, 2, 1], "VALID")
    np.testing.assert_array_equal(y[0, ..., 0], [[4, 7], [3, 5]])
    np.testing.assert_array_equal(y[0, ..., 1], [[0, -1], [0, 2]])
    np.testing.assert_array_equal(y[1], y[0] + 10)
    assert y.dtype == np.float64 and y.shape == (2, 2, 2, 2)


def test_erosion_valid_strided_by_hand():
    # min of v - f mirrored: channel 0, mirrored filter [[1, -2], [-1, 0]]:
    # (0,0) min(1-1, 5+2, 3+1, -1-0) = -1   (0,1) min(2-1, 0+2, 4+1, 6) = 1
    # (1,0) min(3-1, -1+2, 0+1, 2) = 1      (1,1) min(4-1, 6+2, -3+1, 1) = -2
    # channel 1: min(-x) + 1: (0,0) -5+1 = -4, (0,1) -6+1 = -5, (1,0) -3+1 = -2, (1,1) -6+1 = -5
    y = R.erosion2d(X, F, [1, 1, 2, 1], "VALID")
    np.testing.assert_array_equal(y[0, ..., 0], [[-1, 1], [1, -2]])
    np.testing.assert_array_equal(y[0, ..., 1], [[-4, -5], [-2, -5]])
    np.testing.assert_array_equal(y, -R.dilation2d(-X, F[::-1, ::-1], [1, 1, 2, 1], "VALID"))


def test_dilation_same_rate2_by_hand():
    # 3 x 3 ramp, filter [[0, -1], [-2, -3]] at rate 2: window 3, SAME pads (1, 1); output (y, x) reads
    # (y + 2dy - 1, x + 2dx - 1). (0,0): only tap (1,1) is inside: 5-3 = 2; (1,1): max(1, 3-1, 7-2, 9-3) = 6;
    # (2,0): only tap (0,1) at (1,1): 5-1 = 4; the others likewise.
    x = np.arange(1.0, 10).reshape(1, 3, 3, 1)
    f = np.array([[0.0, -1], [-2, -3]]).reshape(2, 2, 1)
    y = R.dilation2d(x, f, S1, "SAME", dilations=[1, 2, 2, 1])
    np.testing.assert_array_equal(y[0, ..., 0], [[2, 3, 3], [5, 6, 6], [4, 5, 5]])


def test_dilation_same_stride2_odd_even():
    # 5 x 4 input, 3 x 2 window of zeros, strides (2, 2), SAME: out (3, 2); pads H (1, 1), W (0, 0):
    # dilation with a zero filter is max pooling with padding left out.
    x = np.arange(20.0).reshape(1, 5, 4, 1) * np.array([1, -1])
    y = R.dilation2d(x, np.zeros((3, 2, 2)), [1, 2, 2, 1], "SAME")
    assert y.shape == (1, 3, 2, 2)
    np.testing.assert_array_equal(y, R.max_pool2d(x, [1, 3, 2, 1], [1, 2, 2, 1], "SAME"))
    # channel 0 (ramp): the window's bottom-right element; rows {0,1}, {1,2,3}, {3,4}; columns {0,1}, {2,3}
    np.testing.assert_array_equal(y[0, ..., 0], [[5, 7], [13, 15], [17, 19]])


def test_window_of_padding_only_is_minus_infinity():
    # 1 x 1 input, 2 x 1 window at rate 3 (span 4), SAME pads (1, 2): taps at rows -1 and 2, both padding.
    # (TF's kernel gives the dtype's lowest value here, not -inf: a deviation for the harness to pin.)
    y = R.dilation2d(np.full((1, 1, 1, 1), 5.0), np.zeros((2, 1, 1)), S1, "SAME", dilations=[1, 3, 1, 1])
    assert y[0, 0, 0, 0] == -np.inf
    assert R.erosion2d(np.full((1, 1, 1, 1), 5.0), np.zeros((2, 1, 1)), S1, "SAME", dilations=[1, 3, 1, 1])[0, 0, 0, 0] == np.inf
    yi = R.dilation2d(np.full((1, 1, 1, 1), 5, np.int16), np.zeros((2, 1, 1), np.int16), S1, "SAME", dilations=[1, 3, 1, 1])
    assert yi.dtype == np.int16 and yi[0, 0, 0, 0] == -32768


def test_integers_wrap_as_tf_adds_in_the_dtype():
    # int8: 100 + 100 = 200 -> -56, 120 + 100 -> -36 (the max of the wrapped sums);
    # erosion via negation: -(-128) wraps to -128, -128 + 1 = -127, negated: 127; -5 + 1 = -4 -> 4
    y = R.dilation2d(np.array([100, 120], np.int8).reshape(1, 1, 2, 1), np.full((1, 1, 1), 100, np.int8), S1, "VALID")
    assert y.dtype == np.int8 and y.ravel().tolist() == [-56, -36]
    e = R.erosion2d(np.array([-128, 5], np.int8).reshape(1, 1, 2, 1), np.ones((1, 1, 1), np.int8), S1, "VALID")
    assert e.ravel().tolist() == [127, 4]
    u = R.dilation2d(np.array([250, 3], np.uint8).reshape(1, 1, 2, 1), np.full((1, 1, 1), 10, np.uint8), S1, "VALID")
    assert u.dtype == np.uint8 and u.ravel().tolist() == [4, 13]


def test_nan_propagates():
    # the reference's rule (IEEE 754 maximum); TF's kernel skips NaN (`val > cur` is false): pinned in cases
    x = np.array([np.nan, 1, 2, np.nan]).reshape(1, 1, 4, 1)
    y = R.dilation2d(x, np.zeros((1, 2, 1)), S1, "VALID")
    assert np.isnan(y[0, 0, 0, 0]) and y[0, 0, 1, 0] == 2 and np.isnan(y[0, 0, 2, 0])


@pytest.mark.parametrize("dtype", [np.float16, np.float32, ml_dtypes.bfloat16])
def test_half_and_single_give_float64(dtype):
    x = X.astype(dtype)
    y = R.dilation2d(x, F.astype(dtype), [1, 1, 2, 1], "VALID")
    assert y.dtype == np.float64
    np.testing.assert_array_equal(y, R.dilation2d(X, F, [1, 1, 2, 1], "VALID"))


# ---------------------------------------------------------------- gradients

UP = np.array([1.0, 10, 100, 1000]).reshape(1, 2, 2, 1)


@pytest.mark.parametrize("op,name", [("dilation2d", "input"), ("erosion2d", "value")])
def test_ties_go_to_the_first_tap_in_row_major_order(op, name):
    # all zeros, 2 x 2 window, VALID on 3 x 3: every tap ties; each window's gradient goes to its first tap
    # (top-left): as TF's Dilation2DBackpropInput/Filter (strict >, checked with TF 2.21). The filter
    # gradient collects all of it at tap (0, 0); erosion's at the mirrored tap (1, 1), negated.
    g = vjp(op, {name: np.zeros((1, 3, 3, 1)), "filters": np.zeros((2, 2, 1))}, {"strides": S1, "padding": "VALID"},
            {"output": UP})
    np.testing.assert_array_equal(g[name][0, ..., 0], [[1, 10, 0], [100, 1000, 0], [0, 0, 0]])
    np.testing.assert_array_equal(g["filters"][..., 0], [[1111, 0], [0, 0]] if op == "dilation2d" else [[0, 0], [0, -1111]])


@pytest.mark.parametrize("op,name", [("dilation2d", "input"), ("erosion2d", "value")])
def test_same_padding_ties_skip_the_padding(op, name):
    # 2 x 2 zeros, 3 x 3 zero filter, SAME pads (1, 1): every window's first real element is input (0, 0),
    # read by tap (1 - y, 1 - x) of output (y, x): dilation's filter gradient [[1000, 100], [10, 1]] in the top-left,
    # erosion's mirrored into the bottom-right and negated
    g = vjp(op, {name: np.zeros((1, 2, 2, 1)), "filters": np.zeros((3, 3, 1))}, {"strides": S1, "padding": "SAME"},
            {"output": UP})
    np.testing.assert_array_equal(g[name][0, ..., 0], [[1111, 0], [0, 0]])
    expect = np.array([[1000, 100, 0], [10, 1, 0], [0, 0, 0]])
    np.testing.assert_array_equal(g["filters"][..., 0], expect if op == "dilation2d" else -expect[::-1, ::-1])


def test_dilation_gradient_by_hand():
    # test_dilation_valid_strided_by_hand's channel 0, upstream [[1, 2], [3, 4]]: argmax taps (0,1) -> x[0,1],
    # (1,1) -> x[1,3], (0,0) (a tie with (1,1): 3 = 3) -> x[1,0], (0,1) -> x[1,3]
    up = np.zeros((2, 2, 2, 2))
    up[0, ..., 0] = [[1, 2], [3, 4]]
    g = vjp("dilation2d", {"input": X, "filters": F}, {"strides": [1, 1, 2, 1], "padding": "VALID"}, {"output": up})
    dx = np.zeros((3, 4))
    dx[0, 1], dx[1, 3], dx[1, 0] = 1, 2 + 4, 3
    np.testing.assert_array_equal(g["input"][0, ..., 0], dx)
    assert not g["input"][1].any() and not g["input"][..., 1].any()
    np.testing.assert_array_equal(g["filters"][..., 0], [[3, 1 + 4], [0, 2]])


@pytest.mark.parametrize("op,name", [("dilation2d", "input"), ("erosion2d", "value")])
@pytest.mark.parametrize("strides,rates,padding", [([1, 2, 1, 1], [1, 1, 2, 1], "SAME"), ([1, 1, 2, 1], [1, 2, 1, 1], "VALID")])
def test_finite_differences(op, name, strides, rates, padding):
    # random values: no ties, so the op is linear around them and the central difference is exact up to rounding
    rng = np.random.default_rng(7)
    x, f = rng.normal(size=(2, 5, 6, 3)), rng.normal(size=(2, 3, 3))
    kw = {"strides": strides, "padding": padding, "dilations": rates}
    up = rng.normal(size=getattr(R, op)(x, f, **kw).shape)
    g = vjp(op, {name: x, "filters": f}, kw, {"output": up})
    loss = lambda a, b: np.sum(up * getattr(R, op)(a, b, **kw))
    h = 1e-6
    for t, key in ((x, name), (f, "filters")):
        num = np.zeros(t.shape)
        for i in np.ndindex(t.shape):
            t[i] += h
            hi = loss(x, f)
            t[i] -= 2 * h
            num[i] = (hi - loss(x, f)) / (2 * h)
            t[i] += h
        np.testing.assert_allclose(g[key], num, atol=1e-6)
