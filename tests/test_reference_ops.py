"""The numpy reference's newer ops (transposes, separable, pool, grouped, integer dtypes) against
values computed by hand and TF's documented rules, never TensorFlow's output.

Shapes use distinct N, H, W, C (odd and even), strides > 1 and dilations > 1. Each expected literal
comes with its arithmetic.
"""
import ml_dtypes
import numpy as np
import pytest

import reference as R
from reference import blocks
from reference import conv as conv_module

IAE = R.InvalidArgumentError


def check(got, expected, dtype=np.float64):
    expected = np.asarray(expected)
    assert got.dtype == dtype, (got.dtype, dtype)
    assert got.shape == expected.shape, (got.shape, expected.shape)
    np.testing.assert_array_equal(got, expected.astype(dtype))


def col(*v):
    """A 1-D signal as (1, W, 1)."""
    return np.asarray(v, np.float64).reshape(1, -1, 1)


# ---------------------------------------------------------------- transposed convolutions

def test_conv1d_transpose_stride2_scatters_the_filter():
    # forward SAME 4 -> ceil(4/2) = 2, pad_total = (2-1)*2 + 2 - 4 = 0; out[2o + k] += x[o] * w[k]
    # = [1*1, 1*10, 2*1, 2*10]
    y = R.conv1d_transpose(col(1, 2), col(1, 10).reshape(2, 1, 1), [1, 4, 1], 2, "SAME")
    check(y, col(1, 10, 2, 20))
    # NCW: the same numbers with channels first
    y = R.conv1d_transpose(col(1, 2).reshape(1, 1, 2), col(1, 10).reshape(2, 1, 1), [1, 1, 4], [1, 1, 2], "SAME",
                           data_format="NCW")
    check(y, col(1, 10, 2, 20).reshape(1, 1, 4))


def test_conv1d_transpose_dilated():
    # stride 1 VALID dilation 2: keff 3, forward 4 -> 2; out[o + 2k] += x[o] w[k]:
    # (o, k) = (0, 0) -> out0 += 1, (1, 0) -> out1 += 2, (0, 1) -> out2 += 10, (1, 1) -> out3 += 20
    y = R.conv1d_transpose(col(1, 2), col(1, 10).reshape(2, 1, 1), [1, 4, 1], 1, "VALID", dilations=2)
    check(y, col(1, 2, 10, 20))


def test_conv1d_transpose_channels():
    # filters [k, out_c, in_c] = (1, 3, 2): out[o] = sum_i w[o, i] x[i], x = [1, 10], w = [[1, 2], [3, 4], [5, 6]]
    x = np.array([1.0, 10]).reshape(1, 1, 2)
    w = np.array([[1.0, 2], [3, 4], [5, 6]]).reshape(1, 3, 2)
    check(R.conv1d_transpose(x, w, [1, 1, 3], 1, "VALID"), np.array([21, 43, 65]).reshape(1, 1, 3))


def test_conv3d_transpose_stride2():
    # input (1, D=2, H=1, W=2, 1) = [[1, 2], [3, 4]] over (d, w); filter [1, -1] along W, stride 2 in W, VALID:
    # forward (4 - 2 + 2) // 2 = 2. out[d, 2o + k] += x[d, o] w[k]: d0 [1, -1, 2, -2], d1 [3, -3, 4, -4]
    x = np.array([[1.0, 2], [3, 4]]).reshape(1, 2, 1, 2, 1)
    w = np.array([1.0, -1]).reshape(1, 1, 2, 1, 1)
    y = R.conv3d_transpose(x, w, [1, 2, 1, 4, 1], [1, 1, 1, 2, 1], "VALID")
    check(y, np.array([[1, -1, 2, -2], [3, -3, 4, -4]]).reshape(1, 2, 1, 4, 1))


def test_conv_transpose_dispatches_on_output_shape():
    x, w = col(1, 2), col(1, 10).reshape(2, 1, 1)
    check(R.conv_transpose(x, w, [1, 4, 1], 2), col(1, 10, 2, 20))  # padding defaults to SAME
    x2, w2 = np.ones((1, 2, 2, 1)), np.ones((2, 2, 1, 1))
    check(R.conv_transpose(x2, w2, [1, 4, 4, 1], 2, "SAME"), np.ones((1, 4, 4, 1)))
    with pytest.raises(IAE, match="output_shape must have 3, 4 or 5 values"):
        R.conv_transpose(x2, w2, [4, 4], 2)


def test_atrous_conv2d_transpose_rate2_same():
    # 3x3 ones, 2x2 ones filter at rate 2: keff 3, SAME pads (1, 1); the forward reads x[o + 2k - 1].
    # Per axis, out[i] = #{(o, k): o + 2k - 1 = i, o in 0..2, k in 0..1}: i=0 (o=1,k=0) -> 1;
    # i=1 (o=2,k=0), (o=0,k=1) -> 2; i=2 (o=1,k=1) -> 1. 2-D: the outer product.
    y = R.atrous_conv2d_transpose(np.ones((1, 3, 3, 1)), np.ones((2, 2, 1, 1)), [1, 3, 3, 1], 2, "SAME")
    check(y, np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]).reshape(1, 3, 3, 1))
    # it is conv2d_transpose with dilations = rate
    rng = np.random.default_rng(0)
    v, f = rng.standard_normal((2, 3, 4, 5)), rng.standard_normal((3, 2, 3, 5))
    np.testing.assert_allclose(R.atrous_conv2d_transpose(v, f, [2, 7, 6, 3], 2, "VALID"),
                               R.conv2d_transpose(v, f, [2, 7, 6, 3], 1, "VALID", dilations=2), rtol=1e-13)
    # rate 1 goes to conv2d_transpose as it is, explicit padding included
    p = [[0, 0], [1, 0], [0, 1], [0, 0]]
    # (output 3x3, pads H (1, 0) W (0, 1), filter 3x2: the forward gives 3+1-3+1 = 2 by 3+1-2+1 = 3)
    np.testing.assert_array_equal(R.atrous_conv2d_transpose(v[:, :2, :3], f, [2, 3, 3, 3], 1, p),
                                  R.conv2d_transpose(v[:, :2, :3], f, [2, 3, 3, 3], 1, p))


# ---------------------------------------------------------------- separable, grouped

def test_separable_conv2d_is_depthwise_then_pointwise():
    # channel 0 = [[1, 2], [3, 4]], channel 1 = 10x that; 2x2 ones depthwise VALID: [1+2+3+4, 10+20+30+40] = [10, 100]
    # pointwise [[1, 2, 3], [4, 5, 6]]: [10 + 400, 20 + 500, 30 + 600] = [410, 520, 630]
    x = np.stack([np.array([[1.0, 2], [3, 4]]), np.array([[10.0, 20], [30, 40]])], axis=-1)[None]
    pw = np.array([[1.0, 2, 3], [4, 5, 6]]).reshape(1, 1, 2, 3)
    check(R.separable_conv2d(x, np.ones((2, 2, 2, 1)), pw, [1, 1, 1, 1], "VALID"), np.array([410, 520, 630]).reshape(1, 1, 1, 3))


def test_separable_conv2d_stride2_same_and_nchw():
    # ramp 1..9 (3x3), 2x2 ones, stride 2 SAME: out 2, pad_total (2-1)*2 + 2 - 3 = 1 -> (0, 1):
    # windows {0,1}x{0,1} = 1+2+4+5 = 12, {0,1}x{2} = 3+6 = 9, {2}x{0,1} = 7+8 = 15, {2}x{2} = 9.
    # pointwise [1, -1]: channels (v, -v)
    x = np.arange(1.0, 10).reshape(1, 3, 3, 1)
    pw = np.array([1.0, -1]).reshape(1, 1, 1, 2)
    y = R.separable_conv2d(x, np.ones((2, 2, 1, 1)), pw, [1, 2, 2, 1], "SAME")
    check(y, np.stack([[[12, 9], [15, 9]], [[-12, -9], [-15, -9]]], axis=-1)[None])
    y2 = R.separable_conv2d(x.reshape(1, 1, 3, 3), np.ones((2, 2, 1, 1)), pw, [1, 1, 2, 2], "SAME", data_format="NCHW")
    check(y2, np.moveaxis(y, -1, 1))


def test_grouped_conv1d_and_convolution():
    # C = 4, filters (1, 2, 2): 2 groups; o0 reads x[0:2] = [1, 2] with w[:, 0] = [1, 2] -> 1 + 4 = 5,
    # o1 reads x[2:4] = [3, 4] with w[:, 1] = [3, 4] -> 9 + 16 = 25
    x = np.array([1.0, 2, 3, 4]).reshape(1, 1, 4)
    w = np.array([[1.0, 3], [2, 4]]).reshape(1, 2, 2)
    check(R.conv1d(x, w, 1, "VALID"), np.array([5, 25]).reshape(1, 1, 2))
    check(R.convolution(x, w), np.array([5, 25]).reshape(1, 1, 2))


def test_conv3d_has_no_groups():
    # tf.nn.conv3d documents that in_channels must match between input and filters
    with pytest.raises(IAE, match=r"input has 4 channels, filters expect 2 \(conv3d has no groups\)"):
        R.conv3d(np.ones((1, 2, 2, 2, 4)), np.ones((1, 1, 1, 2, 2)), [1] * 5, "VALID")
    with pytest.raises(IAE, match=r"\(convolution has no groups\)"):
        R.convolution(np.ones((1, 2, 2, 2, 4)), np.ones((1, 1, 1, 2, 2)))


# ---------------------------------------------------------------- tf.nn.pool

def test_pool_dilated_1d():
    # [1, 5, 2, 4, 3, 0], window 2 at dilation 2, VALID: 6 - 3 + 1 = 4 outputs over (x[i], x[i+2]):
    # max (1,2)=2 (5,4)=5 (2,3)=3 (4,0)=4; avg 1.5, 4.5, 2.5, 2
    x = col(1, 5, 2, 4, 3, 0)
    check(R.pool(x, [2], "MAX", dilations=[2]), col(2, 5, 3, 4))
    check(R.pool(x, [2], "AVG", padding="VALID", dilations=[2]), col(1.5, 4.5, 2.5, 2))


def test_pool_dilated_2d_with_stride1_and_window_order():
    # x[r, c] = 4r + c (0..19, 5x4); window 2x2 at dilations (2, 1): reads rows r, r+2 and cols c, c+1
    # -> out 3x3; max = x[r+2, c+1] = 4r + c + 9; avg = (4r+c + 4r+c+1 + 4r+c+8 + 4r+c+9) / 4 = 4r + c + 4.5
    x = np.arange(20.0).reshape(1, 5, 4, 1)
    r, c = np.meshgrid(np.arange(3), np.arange(3), indexing="ij")
    check(R.pool(x, [2, 2], "MAX", padding="VALID", dilations=[2, 1]), (4 * r + c + 9)[None, :, :, None])
    check(R.pool(x, [2, 2], "AVG", padding="VALID", dilations=[2, 1]), (4 * r + c + 4.5)[None, :, :, None])


def test_pool_matches_the_named_pools():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 7, 6, 3)).astype(np.float32)
    np.testing.assert_array_equal(R.pool(x, [3, 2], "MAX", [2, 2], "SAME"), R.max_pool2d(x, [3, 2], 2, "SAME"))
    np.testing.assert_array_equal(R.pool(x, [3, 2], "AVG", [2, 1], "SAME"), R.avg_pool2d(x, [3, 2], [2, 1], "SAME"))
    x3 = x[:, :5, :4, :2].reshape(2, 5, 2, 2, 2)
    np.testing.assert_array_equal(R.pool(x3, [2, 2, 1], "MAX", [2, 1, 1], "SAME", data_format="NDHWC"),
                                  R.max_pool3d(x3, [2, 2, 1], [2, 1, 1], "SAME"))
    np.testing.assert_array_equal(R.pool(x[:, 0], [3], "AVG", [2], "SAME", data_format="NCW"),
                                  R.avg_pool1d(x[:, 0], 3, 2, "SAME", data_format="NCW"))


@pytest.mark.parametrize("call,message", [
    (lambda: R.pool(np.ones((1, 5, 5, 1)), [2, 2], "MAX", [3, 3]), r"strides \(3, 3\) > window_shape \(2, 2\)"),
    (lambda: R.pool(np.ones((1, 5, 5, 1)), [2, 2], "max"), "pooling_type must be MAX or AVG"),
    (lambda: R.pool(np.ones((1, 5, 5, 1)), [2, 2], "MAX", padding="SAME", dilations=[2, 2]), "SAME padding is not implemented for dilations > 1"),
    (lambda: R.pool(np.ones((1, 5, 5, 1)), [2, 2], "MAX", [2, 2], dilations=[2, 1]), "strides > 1 are not supported with dilations > 1"),
    (lambda: R.pool(np.ones((1, 5, 5, 1)), [2, 2], "MAX", 2), "strides must be length 2"),
    (lambda: R.pool(np.ones((1, 5, 5, 1)), [2, 2, 2, 2], "MAX"), "window_shape must be a list of length 1, 2 or 3"),
    (lambda: R.pool(np.ones((1, 5, 5, 1), np.float32), [2, 2, 2], "MAX"), "input must have rank 5"),
    (lambda: R.pool(np.ones((1, 5, 5, 1)), [2, 2], "AVG", padding=[[0, 0], [1, 0], [1, 0], [0, 0]]), "explicit padding is not supported by pool"),
    (lambda: R.pool(np.ones((1, 5, 5, 1)), [2, 2], "MAX", data_format="NCW"), "data_format must be NHWC or NCHW"),
])
def test_pool_invalid_arguments(call, message):
    with pytest.raises(IAE, match=message):
        call()


# ---------------------------------------------------------------- integer dtypes (TF's registered types)

def test_int32_conv_wraps_like_tf():
    # 4 taps of 2**20 * (2**12 + 1) = 2**34 + 2**22, which wraps in int32 to 2**22 = 4194304
    x = np.full((1, 2, 2, 1), 2 ** 20, np.int32)
    w = np.full((2, 2, 1, 1), 2 ** 12 + 1, np.int32)
    check(R.conv2d(x, w, 1, "VALID"), [[[[4194304]]]], np.int32)
    # small values are exact: 3*2 + (-7)*3 + 11*(-4) + 5*5 = 6 - 21 - 44 + 25 = -34
    xs = np.array([3, -7, 11, 5], np.int32).reshape(1, 2, 2, 1)
    ws = np.array([2, 3, -4, 5], np.int32).reshape(2, 2, 1, 1)
    check(R.conv2d(xs, ws, 1, "VALID"), [[[[-34]]]], np.int32)
    check(R.conv1d(xs.reshape(1, 4, 1), ws.reshape(4, 1, 1), 1, "VALID"), [[[-34]]], np.int32)
    # conv2d_transpose of one 2**20 with that filter: 2**20 * (2**12 + 1) = 2**32 + 2**20 -> 2**20 per cell
    check(R.conv2d_transpose(x[:, :1, :1], w, [1, 2, 2, 1], 1, "VALID"), np.full((1, 2, 2, 1), 2 ** 20), np.int32)


def test_integer_bias_add_and_max_pool_keep_their_dtype():
    # int8: 100 + 100 = 200 wraps to 200 - 256 = -56; -100 + -100 = -200 wraps to 56
    check(R.bias_add(np.array([[100, -100]], np.int8), np.array([100, -100], np.int8)), [[-56, 56]], np.int8)
    # uint8: 250 + 10 = 260 wraps to 4
    check(R.bias_add(np.array([[250]], np.uint8), np.array([10], np.uint8)), [[4]], np.uint8)
    # int8 -128 everywhere, SAME padding: the result is the real -128, whatever the padding holds
    check(R.max_pool2d(np.full((1, 3, 3, 1), -128, np.int8), 2, 2, "SAME"), np.full((1, 2, 2, 1), -128), np.int8)
    # uint64 beyond 2**53 stays exact: max(2**63 + 1, 2**63) = 2**63 + 1 (float64 would round both to 2**63)
    x = np.array([2 ** 63 + 1, 2 ** 63], np.uint64).reshape(1, 1, 2, 1)
    values, index = R.max_pool_with_argmax(x, [1, 2], [1, 2], "VALID")
    check(values, np.array([2 ** 63 + 1], np.uint64).reshape(1, 1, 1, 1), np.uint64)
    check(index, [[[[0]]]], np.int64)
    _, index = R.max_pool_with_argmax(x.astype(np.int16), [1, 2], [1, 2], "VALID", output_dtype="int32")
    assert index.dtype == np.int32


def test_complex_bias_add():
    # (1 + 2j) + (3 - 1j) = 4 + 1j
    check(R.bias_add(np.array([[1 + 2j]], np.complex64), np.array([3 - 1j], np.complex64)), [[4 + 1j]], np.complex128)


@pytest.mark.parametrize("call,op,dtype", [
    (lambda: R.conv3d(np.ones((1, 2, 2, 2, 1), np.int32), np.ones((1, 1, 1, 1, 1), np.int32), [1] * 5, "VALID"), "conv3d", "int32"),
    (lambda: R.conv2d(np.ones((1, 2, 2, 1), np.int64), np.ones((1, 1, 1, 1), np.int64), 1, "VALID"), "conv2d", "int64"),
    (lambda: R.depthwise_conv2d(np.ones((1, 2, 2, 1), np.int32), np.ones((1, 1, 1, 1), np.int32), [1] * 4, "VALID"), "depthwise_conv2d", "int32"),
    (lambda: R.avg_pool2d(np.ones((1, 2, 2, 1), np.int32), 2, 2, "VALID"), "avg_pool2d", "int32"),
    (lambda: R.max_pool3d(np.ones((1, 2, 2, 2, 1), np.int32), 2, 2, "VALID"), "max_pool3d", "int32"),
    (lambda: R.max_pool2d(np.ones((1, 2, 2, 1), np.uint32), 2, 2, "VALID"), "max_pool2d", "uint32"),
    (lambda: R.conv3d_transpose(np.ones((1, 1, 1, 1, 1), np.int32), np.ones((1, 1, 1, 1, 1), np.int32), [1, 1, 1, 1, 1], 1, "VALID"), "conv3d_transpose", "int32"),
    (lambda: R.separable_conv2d(np.ones((1, 2, 2, 1)), np.ones((1, 1, 1, 1)), np.ones((1, 1, 1, 1), np.int32), [1] * 4, "VALID"), "separable_conv2d", "int32"),
    (lambda: R.bias_add(np.ones((1, 2), bool), np.ones(2, bool)), "bias_add", "bool"),
])
def test_dtypes_tf_does_not_register_are_rejected(call, op, dtype):
    with pytest.raises(IAE, match=f"{op}: .* has dtype {dtype}, which {op} does not accept"):
        call()


def test_bfloat16_max_pool_is_exact():
    # bfloat16 values are exact in float64; the max comes back as float64
    x = np.array([1.5, -2.25, 3.0, 0.5], ml_dtypes.bfloat16).reshape(1, 2, 2, 1)
    check(R.max_pool2d(x, 2, 2, "VALID"), [[[[3.0]]]])


# ---------------------------------------------------------------- more invalid arguments

@pytest.mark.parametrize("call,message", [
    (lambda: R.conv1d_transpose(col(1, 2), np.ones((2, 1, 1)), [4, 1], 2), "output_shape must have 3 values"),
    (lambda: R.conv3d_transpose(np.ones((1, 2, 2, 2, 1)), np.ones((2, 2, 2, 1, 1)), [4, 4, 4], 2), "output_shape must have 5 values"),
    (lambda: R.conv1d_transpose(col(1, 2), np.ones((2, 1, 1)), [1, 4, 1], 1, [[0, 0], [1, 0], [0, 0]]), "explicit padding is not supported by conv1d_transpose"),
    (lambda: R.conv1d_transpose(col(1, 2), np.ones((2, 1, 1)), [1, 6, 1], 2, "SAME"), r"output_shape \[1,6,1\] inconsistent .* it gives 3, input is 2"),
    (lambda: R.atrous_conv2d_transpose(np.ones((1, 3, 3, 1)), np.ones((2, 2, 1, 1)), [3, 3], 2, "SAME"), "output_shape must have 4 values"),
    (lambda: R.atrous_conv2d_transpose(np.ones((1, 3, 3, 1)), np.ones((2, 2, 1, 1)), [1, 3, 3, 1], 0, "SAME"), "rate must be positive"),
    (lambda: R.atrous_conv2d_transpose(np.ones((1, 3, 3, 1)), np.ones((2, 2, 1, 1)), [1, 3, 3, 1], [2, 2], "SAME"), "rate must be an int"),
    (lambda: R.atrous_conv2d_transpose(np.ones((1, 3, 3, 1)), np.ones((2, 2, 1, 1)), [1, 3, 3, 1], 2, [[0, 0]] * 4), "explicit padding is not supported by atrous_conv2d_transpose"),
    (lambda: R.atrous_conv2d_transpose(np.ones((1, 3, 3, 2)), np.ones((2, 2, 1, 1)), [1, 3, 3, 1], 2, "SAME"), "input has 2 channels, filters expect 1"),
    (lambda: R.separable_conv2d(np.ones((1, 4, 4, 2)), np.ones((2, 2, 2, 1)), np.ones((2, 1, 2, 3)), [1] * 4, "VALID"), "pointwise_filter must be 1x1"),
    (lambda: R.separable_conv2d(np.ones((1, 4, 4, 2)), np.ones((2, 2, 2, 1)), np.ones((1, 1, 2, 3)), 2, "VALID"), "strides must be length 4"),
    (lambda: R.separable_conv2d(np.ones((1, 4, 4, 2)), np.ones((2, 2, 2, 1)), np.ones((1, 1, 2, 3)), [1, 2, 2, 1], "VALID", dilations=[2, 2]),
     "separable_conv2d: strides > 1 are not supported with dilations > 1"),
    (lambda: R.separable_conv2d(np.ones((1, 4, 4, 2)), np.ones((2, 2, 3, 1)), np.ones((1, 1, 3, 3)), [1] * 4, "VALID"), "channel mismatch: input has 2 channels, filter expects 3"),
    (lambda: R.max_pool_with_argmax(np.ones((1, 4, 4, 1)), 2, 2, "SAME", output_dtype="int16"), "output_dtype must be int32 or int64"),
])
def test_invalid_arguments(call, message):
    with pytest.raises(IAE, match=message):
        call()


# ---------------------------------------------------------------- blocks and threads

def test_depthwise_blocks_on_threads_equal_one_block(monkeypatch):
    # the depthwise path runs row blocks on two threads; any split gives the same numbers
    rng = np.random.default_rng(5)
    x, w = rng.standard_normal((3, 9, 7, 4)), rng.standard_normal((3, 2, 4, 2))
    whole = R.depthwise_conv2d(x, w, [1, 2, 1, 1], "SAME")
    monkeypatch.setattr(conv_module, "CHUNK_BYTES", 1)  # one output row per block
    np.testing.assert_array_equal(R.depthwise_conv2d(x, w, [1, 2, 1, 1], "SAME"), whole)
    monkeypatch.setattr(blocks, "THREADS", 1)
    np.testing.assert_array_equal(R.depthwise_conv2d(x, w, [1, 2, 1, 1], "SAME"), whole)


def test_row_blocks_cover_everything_once():
    for batch, rows, row_bytes, budget in [(3, 7, 10, 25), (5, 2, 10, 100), (1, 9, 1000, 10), (4, 0, 10, 100)]:
        cover = np.zeros((batch, rows), int)
        for images, r in blocks.row_blocks(batch, rows, row_bytes, budget):
            cover[images, r] += 1
        assert (cover == 1).all()


# ---------------------------------------------------------------- the op registry

def test_registry_lists_every_reference_argument():
    """harness.ops.OPS names each op's tensors and arguments in the reference's (tf.nn's) order, and
    requires exactly those without a default; every registered op has a reference gradient."""
    import inspect

    from harness.ops import OPS
    GRAD_OPS = {name for name, fn in R.OPS.items() if hasattr(fn, "plan")}
    for name, spec in OPS.items():
        params = inspect.signature(getattr(R, name)).parameters
        assert list(spec.tensors) + list(spec.args) == list(params), name
        # what the reference requires; a record may require more where tf.nn does (morphology's
        # data_format and dilations)
        assert set(spec.required) >= {p for p, v in params.items() if v.default is inspect.Parameter.empty}, name
        assert set(spec.required) <= set(params), name
        assert spec.grad == (name in GRAD_OPS or name == "bias_add"), name


@pytest.mark.parametrize("dtype", [np.float16, np.float32, ml_dtypes.bfloat16])
def test_max_in_the_input_dtype_equals_max_in_float64(dtype):
    """max/argmax compare float16/float32 in their own dtype (exact): the same values and indices as
    float64, NaN, -inf and ties included, returned as float64."""
    rng = np.random.default_rng(7)
    x = rng.integers(-3, 4, (3, 6, 5, 2)).astype(np.float64)  # small integers: many ties
    x[0, 1, 2, 0], x[1, 3, 3, 1], x[2, :2, :2, :] = np.nan, -np.inf, -np.inf
    for op in ("max", "argmax"):
        want = R.window_reduce(x, (3, 2), (2, 1), [(1, 1), (0, 1)], op, True)
        got = R.window_reduce(x.astype(dtype), (3, 2), (2, 1), [(1, 1), (0, 1)], op, True)
        for g, w in zip(got if op == "argmax" else (got,), want if op == "argmax" else (want,)):
            assert g.dtype == w.dtype
            np.testing.assert_array_equal(g, w)
