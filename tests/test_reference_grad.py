"""reference.grad.vjp against gradients computed by hand, TF's documented rules (conv2d_transpose is
the gradient of conv2d), and central finite differences of the reference's own forward ops.

Every op is linear in each tensor argument (pooling piecewise linear), so the central difference
(L(t + h) - L(t - h)) / 2h of L = sum(upstream * op(t)) is exact up to rounding. Tensors hold
distinct multiples of 1/16 and h = 1/64: exact in every float dtype used, and a max never changes
its argmax under the perturbation.
"""
import itertools

import numpy as np
import pytest

import reference as R
from reference import conv as conv_module
from reference.grad import vjp

IAE = R.InvalidArgumentError
H = 2.0 ** -6


def col(*v):
    return np.asarray(v, np.float64).reshape(1, -1, 1)


# ---------------------------------------------------------------- by hand

def test_conv1d_stride2_valid_by_hand():
    # x = [1..5], w = [1, 10], stride 2 VALID: (5 - 2 + 2) // 2 = 2 outputs, y0 = x0 + 10 x1, y1 = x2 + 10 x3.
    # upstream [1, 100]: dx = [1, 10, 100, 1000, 0] (x4 never read); dw0 = 1*x0 + 100*x2 = 301, dw1 = x1 + 100 x3 = 402
    g = vjp("conv1d", {"input": col(1, 2, 3, 4, 5), "filters": col(1, 10).reshape(2, 1, 1)},
            {"stride": 2, "padding": "VALID"}, {"output": col(1, 100)})
    np.testing.assert_array_equal(g["input"], col(1, 10, 100, 1000, 0))
    np.testing.assert_array_equal(g["filters"], np.array([301.0, 402]).reshape(2, 1, 1))


def test_conv1d_dilated_same_by_hand():
    # x = [1, 2, 3, 4], w = [1, 10, 100] at dilation 2, SAME: keff 5, pads (2, 2), y[o] = sum_k x[o + 2k - 2] w[k].
    # upstream ones: x[i] collects w[k] for each k with 0 <= i + 2 - 2k <= 3: k=0 for i <= 1, k=1 always,
    # k=2 for i >= 2 -> dx = [1+10, 1+10, 10+100, 10+100]; dw[k] = sum of the x each tap reads:
    # k=0 reads x[o-2] for o=2,3 -> 1+2 = 3; k=1 all -> 10; k=2 reads x[o+2] for o=0,1 -> 3+4 = 7
    g = vjp("conv1d", {"input": col(1, 2, 3, 4), "filters": col(1, 10, 100).reshape(3, 1, 1)},
            {"stride": 1, "padding": "SAME", "dilations": 2}, {"output": col(1, 1, 1, 1)})
    np.testing.assert_array_equal(g["input"], col(11, 11, 110, 110))
    np.testing.assert_array_equal(g["filters"], np.array([3.0, 10, 7]).reshape(3, 1, 1))


def test_depthwise_by_hand():
    # x = [1, 10] (1x1 image, 2 channels), filter[c, m] = [[1, 2, 3], [4, 5, 6]], upstream [1, 1, 1, 2, 2, 2]:
    # dx[c] = sum_m up[3c + m] filter[c, m] = [1+2+3, 2*(4+5+6)] = [6, 30]; dfilter[c, m] = x[c] up[3c + m]
    g = vjp("depthwise_conv2d", {"input": np.array([1.0, 10]).reshape(1, 1, 1, 2), "filter": np.arange(1.0, 7).reshape(1, 1, 2, 3)},
            {"strides": [1, 1, 1, 1], "padding": "VALID"}, {"output": np.array([1.0, 1, 1, 2, 2, 2]).reshape(1, 1, 1, 6)})
    np.testing.assert_array_equal(g["input"], np.array([6.0, 30]).reshape(1, 1, 1, 2))
    np.testing.assert_array_equal(g["filter"], np.array([[1.0, 1, 1], [20, 20, 20]]).reshape(1, 1, 2, 3))


def test_max_pool_ties_go_to_the_first_max():
    # all ones, 2x2 stride 1 VALID: every window's first element in row-major order (its top-left) takes its upstream
    g = vjp("max_pool2d", {"input": np.ones((1, 3, 3, 1))}, {"ksize": 2, "strides": 1, "padding": "VALID"},
            {"output": np.array([1.0, 2, 3, 4]).reshape(1, 2, 2, 1)})
    np.testing.assert_array_equal(g["input"][0, ..., 0], [[1, 2, 0], [3, 4, 0], [0, 0, 0]])
    # -1 everywhere, 2x2 stride 2 SAME on 3x3 (pads (0, 1)): windows start at (0,0), (0,2), (2,0), (2,2); padding never wins
    g = vjp("max_pool2d", {"input": -np.ones((1, 3, 3, 1))}, {"ksize": 2, "strides": 2, "padding": "SAME"},
            {"output": np.array([1.0, 2, 3, 4]).reshape(1, 2, 2, 1)})
    np.testing.assert_array_equal(g["input"][0, ..., 0], [[1, 0, 2], [0, 0, 0], [3, 0, 4]])
    # 3-D the same way: ones 2x3x3, 2x2x2 stride 1 VALID -> the window's first corner (d=0)
    g = vjp("max_pool3d", {"input": np.ones((1, 2, 3, 3, 1), np.float32)}, {"ksize": 2, "strides": 1, "padding": "VALID"},
            {"output": np.array([1.0, 2, 3, 4]).reshape(1, 1, 2, 2, 1)})
    np.testing.assert_array_equal(g["input"][0, 0, ..., 0], [[1, 2, 0], [3, 4, 0], [0, 0, 0]])
    assert not g["input"][0, 1].any()


def test_avg_pool_spreads_over_real_elements():
    # 3x3, 2x2 stride 2 SAME (pads (0, 1)); upstream 1..4 over windows of 4, 2, 2 and 1 real elements:
    # 1/4 each to the top-left block, 2/2 to (0..1, 2), 3/2 to (2, 0..1), 4/1 to (2, 2)
    g = vjp("avg_pool2d", {"input": np.ones((1, 3, 3, 1))}, {"ksize": 2, "strides": 2, "padding": "SAME"},
            {"output": np.array([1.0, 2, 3, 4]).reshape(1, 2, 2, 1)})
    np.testing.assert_array_equal(g["input"][0, ..., 0], [[0.25, 0.25, 1], [0.25, 0.25, 1], [1.5, 1.5, 4]])


def test_bias_add_by_hand():
    # NCHW: bias grad sums over N, H, W of channel c: upstream[n, c] = 10 n + c + 1 over 2x2 pixels
    # channel 0: 4 * (1 + 11) = 48, channel 1: 4 * (2 + 12) = 56, channel 2: 4 * (3 + 13) = 64
    up = (10 * np.arange(2)[:, None] + np.arange(3) + 1.0)[:, :, None, None] * np.ones((2, 3, 2, 2))
    g = vjp("bias_add", {"value": np.zeros((2, 3, 2, 2)), "bias": np.zeros(3)}, {"data_format": "NCHW"}, {"output": up})
    np.testing.assert_array_equal(g["bias"], [48, 56, 64])
    np.testing.assert_array_equal(g["value"], up)


def test_max_pool_with_argmax_routes_to_the_argmax():
    # x[b, y, x, c] = ((b*3 + y)*4 + x)*2 + c; 2x2 stride 2 VALID: maxima at y = 1, x = 1 and 3 (see
    # test_max_pool_with_argmax_indices); the integer argmax output takes no gradient
    x = np.arange(48.0).reshape(2, 3, 4, 2)
    up = np.arange(1.0, 9).reshape(2, 1, 2, 2)
    g = vjp("max_pool_with_argmax", {"input": x}, {"ksize": 2, "strides": 2, "padding": "VALID"},
            {"output": up, "argmax": np.ones((2, 1, 2, 2))})
    want = np.zeros((2, 3, 4, 2))
    want[:, 1, 1], want[:, 1, 3] = up[:, 0, 0], up[:, 0, 1]
    np.testing.assert_array_equal(g["input"], want)


# ---------------------------------------------------------------- TF's documented rule: the transpose is the gradient

def test_conv2d_transpose_is_the_input_gradient_of_conv2d():
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((2, 7, 6, 3)), rng.standard_normal((3, 2, 3, 5))
    for strides, padding, dilations in [(2, "SAME", 1), ([3, 2], "VALID", 1), (1, [[0, 0], [1, 2], [0, 1], [0, 0]], [2, 1])]:
        y = R.conv2d(x, w, strides, padding, dilations=dilations)
        up = rng.standard_normal(y.shape)
        g = vjp("conv2d", {"input": x, "filters": w}, {"strides": strides, "padding": padding, "dilations": dilations}, {"output": up})
        np.testing.assert_allclose(g["input"], R.conv2d_transpose(up, w, x.shape, strides, padding, dilations=dilations), rtol=1e-12)
        # and conv2d is the input gradient of conv2d_transpose
        g = vjp("conv2d_transpose", {"input": up, "filters": w},
                {"output_shape": list(x.shape), "strides": strides, "padding": padding, "dilations": dilations}, {"output": x})
        np.testing.assert_allclose(g["input"], R.conv2d(x, w, strides, padding, dilations=dilations), rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------- finite differences

def nice(rng, shape, dtype=np.float64):
    """Distinct multiples of 1/16 around 0 (exact in float16/32/64 for these sizes), shuffled."""
    size = int(np.prod(shape))
    return ((rng.permutation(size) - size // 2) / 16.0).reshape(shape).astype(dtype)


def finite_difference(op, tensors, args, upstream):
    fn = getattr(R, op)

    def loss(ts):
        out = fn(**ts, **args)
        return float(np.sum(np.asarray(out[0] if isinstance(out, tuple) else out, np.float64) * upstream))

    grads = {}
    for name, t in tensors.items():
        g = np.zeros(t.shape)
        for i in np.ndindex(*t.shape):
            plus, minus = t.copy(), t.copy()
            plus[i] += H
            minus[i] -= H
            g[i] = (loss({**tensors, name: plus}) - loss({**tensors, name: minus})) / (2 * H)
        grads[name] = g
    return grads


F32 = np.float32
CASES = [  # (op, {tensor: shape}, args, dtype)
    ("conv2d", {"input": (2, 5, 4, 3), "filters": (3, 2, 3, 2)}, {"strides": [2, 1], "padding": "SAME"}, None),
    ("conv2d", {"input": (2, 6, 5, 2), "filters": (2, 3, 2, 3)}, {"strides": 1, "padding": "VALID", "dilations": [2, 1]}, None),
    ("conv2d", {"input": (1, 5, 6, 2), "filters": (2, 2, 2, 3)}, {"strides": 3, "padding": [[0, 0], [1, 2], [2, 0], [0, 0]]}, None),
    ("conv2d", {"input": (2, 2, 5, 4), "filters": (2, 2, 2, 1)}, {"strides": [1, 1, 2, 1], "padding": "SAME", "data_format": "NCHW"}, None),
    ("conv2d", {"input": (2, 5, 4, 4), "filters": (3, 2, 2, 6)}, {"strides": 2, "padding": "SAME"}, None),  # 2 groups
    ("conv1d", {"input": (3, 7, 2), "filters": (3, 2, 3)}, {"stride": 2, "padding": "SAME", "dilations": 1}, None),
    ("conv1d", {"input": (2, 3, 7), "filters": (2, 3, 2)}, {"stride": 1, "padding": "VALID", "data_format": "NCW", "dilations": 3}, None),
    ("conv3d", {"input": (2, 3, 4, 3, 2), "filters": (2, 2, 1, 2, 3)}, {"strides": [1, 2, 1, 2, 1], "padding": "SAME"}, None),
    ("convolution", {"input": (2, 5, 4, 2), "filters": (2, 2, 2, 3)}, {"padding": "SAME", "dilations": [1, 2]}, None),
    ("atrous_conv2d", {"value": (2, 6, 5, 2), "filters": (2, 2, 2, 3)}, {"rate": 2, "padding": "SAME"}, None),
    ("depthwise_conv2d", {"input": (2, 5, 4, 3), "filter": (3, 2, 3, 2)}, {"strides": [1, 2, 2, 1], "padding": "SAME"}, None),
    ("depthwise_conv2d", {"input": (2, 3, 6, 5), "filter": (2, 2, 3, 1)}, {"strides": [1, 1, 1, 1], "padding": "VALID",
                                                                           "dilations": [2, 2], "data_format": "NCHW"}, None),
    ("separable_conv2d", {"input": (2, 5, 4, 3), "depthwise_filter": (2, 3, 3, 2), "pointwise_filter": (1, 1, 6, 4)},
     {"strides": [1, 2, 1, 1], "padding": "SAME"}, None),
    ("separable_conv2d", {"input": (1, 6, 5, 2), "depthwise_filter": (2, 2, 2, 1), "pointwise_filter": (1, 1, 2, 3)},
     {"strides": [1, 1, 1, 1], "padding": "VALID", "dilations": [2, 1]}, None),
    ("conv2d_transpose", {"input": (2, 3, 2, 3), "filters": (3, 2, 2, 3)}, {"output_shape": [2, 5, 4, 2], "strides": 2, "padding": "SAME"}, None),
    ("conv2d_transpose", {"input": (2, 2, 3, 3), "filters": (2, 2, 2, 3)}, {"output_shape": [2, 7, 6, 2], "strides": [3, 2], "padding": "VALID"}, None),
    ("conv2d_transpose", {"input": (1, 2, 3, 2), "filters": (2, 2, 3, 2)}, {"output_shape": [1, 3, 5, 3], "strides": 1, "padding": "VALID",
                                                                             "dilations": [1, 1, 2, 1], "data_format": "NCHW"}, None),
    ("conv2d_transpose", {"input": (1, 6, 3, 2), "filters": (2, 2, 3, 2)}, {"output_shape": [1, 5, 4, 3], "strides": 1,
                                                                            "padding": [[0, 0], [1, 1], [0, 0], [0, 0]]}, None),
    ("conv1d_transpose", {"input": (2, 4, 3), "filters": (3, 2, 3)}, {"output_shape": [2, 7, 2], "strides": 2, "padding": "SAME"}, None),
    ("conv3d_transpose", {"input": (1, 2, 2, 3, 2), "filters": (2, 2, 2, 3, 2)}, {"output_shape": [1, 3, 4, 5, 3], "strides": [1, 2, 2, 2, 1],
                                                                                  "padding": "SAME"}, None),
    ("conv_transpose", {"input": (2, 3, 2), "filters": (2, 3, 2)}, {"output_shape": [2, 6, 3], "strides": 1, "padding": "VALID",
                                                                    "dilations": 3}, None),
    ("atrous_conv2d_transpose", {"value": (2, 4, 3, 2), "filters": (2, 2, 3, 2)}, {"output_shape": [2, 4, 3, 3], "rate": 2, "padding": "SAME"}, None),
    ("max_pool2d", {"input": (2, 5, 4, 3)}, {"ksize": [3, 2], "strides": 2, "padding": "SAME"}, None),
    ("max_pool2d", {"input": (1, 5, 6, 2)}, {"ksize": 2, "strides": [1, 2], "padding": [[0, 0], [1, 0], [0, 1], [0, 0]]}, None),
    ("max_pool1d", {"input": (2, 3, 7)}, {"ksize": 3, "strides": 2, "padding": "VALID", "data_format": "NCW"}, None),
    ("max_pool3d", {"input": (1, 3, 4, 5, 2)}, {"ksize": [2, 2, 3], "strides": 2, "padding": "SAME"}, F32),
    ("max_pool", {"input": (2, 5, 6, 2)}, {"ksize": 2, "strides": 2, "padding": "SAME", "data_format": "NHWC"}, None),
    ("avg_pool2d", {"input": (2, 5, 4, 3)}, {"ksize": [3, 2], "strides": 2, "padding": "SAME"}, None),
    ("avg_pool2d", {"input": (2, 3, 5, 4)}, {"ksize": 2, "strides": [1, 1, 1, 2], "padding": "VALID", "data_format": "NCHW"}, None),
    ("avg_pool1d", {"input": (2, 7, 3)}, {"ksize": 3, "strides": 2, "padding": "SAME"}, None),
    ("avg_pool3d", {"input": (1, 3, 4, 5, 2)}, {"ksize": [2, 3, 2], "strides": [2, 1, 2], "padding": "SAME"}, None),
    ("avg_pool", {"input": (2, 6, 3)}, {"ksize": 2, "strides": 2, "padding": "VALID"}, None),
    ("pool", {"input": (2, 6, 5, 2)}, {"window_shape": [2, 2], "pooling_type": "MAX", "padding": "VALID", "dilations": [2, 1]}, None),
    ("pool", {"input": (2, 6, 5, 2)}, {"window_shape": [3, 2], "pooling_type": "AVG", "padding": "VALID", "dilations": [1, 2]}, None),
    ("pool", {"input": (1, 7, 3)}, {"window_shape": [3], "pooling_type": "AVG", "strides": [2], "padding": "SAME"}, None),
    ("max_pool_with_argmax", {"input": (2, 5, 4, 3)}, {"ksize": 3, "strides": 2, "padding": "SAME", "include_batch_in_index": True}, None),
    ("bias_add", {"value": (2, 3, 4), "bias": (4,)}, {}, None),
    ("bias_add", {"value": (2, 3, 4, 2), "bias": (3,)}, {"data_format": "NCHW"}, None),
]


@pytest.mark.parametrize("op,shapes,args,dtype", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_vjp_matches_finite_differences(op, shapes, args, dtype):
    rng = np.random.default_rng(len(op) * 100 + len(str(args)))
    tensors = {name: nice(rng, shape, dtype or np.float64) for name, shape in shapes.items()}
    out = getattr(R, op)(**tensors, **args)
    out = out[0] if isinstance(out, tuple) else out
    upstream = nice(rng, out.shape)
    got = vjp(op, tensors, args, {"output": upstream})
    assert set(got) == set(shapes)
    want = finite_difference(op, tensors, args, upstream)
    for name in shapes:
        assert got[name].shape == tensors[name].shape and got[name].dtype == np.float64
        np.testing.assert_allclose(got[name], want[name], rtol=1e-9, atol=1e-9, err_msg=name)


def _conv_general_problem(rng):
    """Random N-d operands and geometry (strides, input and kernel dilations, crops and pads, groups)
    whose output is not empty: geometry is redrawn until it is (a crop can leave nothing to read)."""
    n = int(rng.integers(1, 4))
    groups, cg, og = (int(v) for v in rng.integers(1, 3, 3))
    x = nice(rng, (int(rng.integers(1, 3)), *rng.integers(2, 5, n), groups * cg))
    w = nice(rng, (*rng.integers(1, 3, n), cg, groups * og))
    for _ in range(100):
        strides, ld, rd = ([int(v) for v in rng.integers(1, 3, n)] for _ in range(3))
        padding = [tuple(int(v) for v in p) for p in rng.integers(-1, 3, (n, 2))]
        if R.conv_general(x, w, strides, padding, ld, rd, groups).size:
            return x, w, strides, padding, ld, rd, groups
    raise AssertionError("no geometry with a non-empty output")


@pytest.mark.parametrize("seed", range(12))
def test_conv_general_gradients_match_finite_differences(seed, monkeypatch):
    """The two gradient formulas on the primitive itself, with chunking forced."""
    from reference.grad import conv_filter_grad, conv_input_grad
    rng = np.random.default_rng(100 + seed)
    x, w, strides, padding, ld, rd, groups = _conv_general_problem(rng)
    n = x.ndim - 2
    monkeypatch.setattr(conv_module, "CHUNK_BYTES", int(rng.choice([1, 1 << 22])))
    y = R.conv_general(x, w, strides, padding, ld, rd, groups)
    up = nice(rng, y.shape)
    dx = conv_input_grad(up, w, x.shape[1:-1], strides, padding, ld, rd, groups)
    dw = conv_filter_grad(x, up, w.shape[:n], strides, padding, ld, rd, groups)
    for t, got, which in ((x, dx, 0), (w, dw, 1)):
        want = np.zeros(t.shape)
        for i in itertools.product(*map(range, t.shape)):
            e = np.zeros(t.shape)
            e[i] = 1.0  # linear in each argument: the unit difference is exact
            args = (e, w) if which == 0 else (x, e)
            want[i] = np.sum(R.conv_general(*args, strides, padding, ld, rd, groups) * up)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("strides,padding,ld", [
    ([1, 1], [(-2, -2), (0, 0)], [1, 1]),     # cropped away: 4 - 4 rows are left, fewer than the window
    ([2, 1], [(0, 0), (-1, -3)], [1, 1]),     # the second axis is cropped to nothing
    ([1, 1], [(-5, 0), (0, 0)], [2, 1]),      # input-dilated to 7 rows, 5 cropped, window 3 does not fit
])
def test_conv_general_gradients_of_an_empty_output_are_zero(strides, padding, ld):
    """Nothing is read into an empty output: both gradients are zeros of their operand's shape."""
    from reference.grad import conv_filter_grad, conv_input_grad
    rng = np.random.default_rng(7)
    x, w = nice(rng, (2, 4, 4, 2)), nice(rng, (3, 2, 2, 3))
    y = R.conv_general(x, w, strides, padding, ld, None, 1)
    assert y.size == 0 and y.ndim == 4
    dy = np.zeros(y.shape)
    dx = conv_input_grad(dy, w, x.shape[1:-1], strides, padding, ld, None, 1)
    dw = conv_filter_grad(x, dy, w.shape[:2], strides, padding, ld, None, 1)
    np.testing.assert_array_equal(dx, np.zeros(x.shape))
    np.testing.assert_array_equal(dw, np.zeros(w.shape))


def test_vjp_rejects_unknown_ops_and_checks_arguments():
    with pytest.raises(IAE, match="no gradient for 'relu'"):
        vjp("relu", {}, {}, {"output": np.zeros(1)})
    with pytest.raises(IAE, match="unknown padding 'same'"):
        vjp("conv2d", {"input": np.ones((1, 2, 2, 1)), "filters": np.ones((1, 1, 1, 1))}, {"strides": 1, "padding": "same"},
            {"output": np.ones((1, 2, 2, 1))})


def test_depth_max_pool_gradient_goes_to_the_first_max():
    # channels (1, 1, 1 | 2, 0, 2) in groups of 3: ties go to the first in channel order (XLA's rule;
    # TF's CPU MaxPoolGrad rejects depth pooling: "MaxPoolingGrad is not yet supported on the depth dimension")
    x = np.array([1.0, 1, 1, 2, 0, 2]).reshape(1, 1, 1, 6)
    g = vjp("max_pool2d", {"input": x}, {"ksize": [1, 1, 1, 3], "strides": [1, 1, 1, 3], "padding": "VALID"},
            {"output": np.array([10.0, 20]).reshape(1, 1, 1, 2)})
    np.testing.assert_array_equal(g["input"].ravel(), [10, 0, 0, 20, 0, 0])


def test_depth_max_pool_gradient_finite_differences():
    rng = np.random.default_rng(8)
    x = rng.permutation(2 * 3 * 2 * 6).reshape(2, 3, 2, 6) / 16.0  # distinct: no ties
    args = {"ksize": [1, 1, 1, 2], "strides": [1, 2, 1, 2], "padding": "SAME"}
    up = rng.normal(size=R.max_pool2d(x, **args).shape)
    g = vjp("max_pool2d", {"input": x}, args, {"output": up})["input"]
    num = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        e = np.zeros(x.shape)
        e[i] = H
        num[i] = (np.sum(up * R.max_pool2d(x + e, **args)) - np.sum(up * R.max_pool2d(x - e, **args))) / (2 * H)
    np.testing.assert_allclose(g, num, atol=1e-12)


def test_convolution_explicit_padding_gradient_is_conv2ds():
    rng = np.random.default_rng(9)
    x, w = rng.normal(size=(1, 5, 4, 2)), rng.normal(size=(3, 2, 2, 3))
    pads = [[0, 0], [2, 1], [0, 1], [0, 0]]
    up = rng.normal(size=R.convolution(x, w, padding=pads, dilations=[1, 2]).shape)
    a = vjp("convolution", {"input": x, "filters": w}, {"padding": pads, "dilations": [1, 2]}, {"output": up})
    b = vjp("conv2d", {"input": x, "filters": w}, {"strides": 1, "padding": pads, "dilations": [1, 2]}, {"output": up})
    for k in a:
        np.testing.assert_allclose(a[k], b[k])
