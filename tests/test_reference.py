"""The numpy reference against values computed by hand (never by TensorFlow).

Shapes use distinct N, H, W, C (odd and even), strides > 1 and dilations > 1, so a transposed
axis or padding on the wrong side cannot hide. Each expected literal comes with its arithmetic.
"""
import itertools
import math

import ml_dtypes
import numpy as np
import pytest

import reference as R
from reference.padding import window_geometry

IAE = R.InvalidArgumentError


def nhwc(a):
    """A 2-D list as a (1, H, W, 1) image."""
    return np.asarray(a, np.float64)[None, :, :, None]


def ramp(h, w):
    """x[r, c] = w * r + c + 1, i.e. 1 .. h*w row-major, as (1, h, w, 1)."""
    return nhwc(np.arange(1, h * w + 1).reshape(h, w))


def check(got, expected):
    expected = np.asarray(expected, np.float64)
    assert got.dtype == np.float64
    assert got.shape == expected.shape, (got.shape, expected.shape)
    np.testing.assert_array_equal(got, expected)


# ---------------------------------------------------------------- padding rules (TF's documented formulas)

@pytest.mark.parametrize("size", range(1, 12))
@pytest.mark.parametrize("k,d,s", [(1, 1, 1), (2, 1, 1), (3, 1, 2), (2, 1, 2), (3, 2, 1), (3, 2, 3), (5, 1, 4)])
def test_same_and_valid_match_tf_docs(size, k, d, s):
    keff = (k - 1) * d + 1
    # tf.nn docs: SAME -> ceil(in / stride); VALID -> ceil((in - keff + 1) / stride)
    (out,), ((lo, hi),) = window_geometry([size], [keff], [s], "SAME")
    assert out == math.ceil(size / s)
    total = max((out - 1) * s + keff - size, 0)
    assert (lo, hi) == (total // 2, total - total // 2) and hi >= lo  # the odd pad goes at the END
    if size >= keff:
        (out,), pads = window_geometry([size], [keff], [s], "VALID")
        assert out == math.ceil((size - keff + 1) / s) and pads == [(0, 0)]


@pytest.mark.parametrize("size,keff,s,out", [
    (4, 5, 1, 0),   # (4 - 5 + 1) / 1 = 0: an empty output, legal
    (2, 5, 2, 0),   # (2 - 5 + 2) / 2 = -1 / 2 = 0 in C++ (truncation), legal
    (3, 5, 2, 0),   # (3 - 5 + 2) / 2 = 0
    (1, 5, 3, 0),   # (1 - 5 + 3) / 3 = -1 / 3 = 0
    (1, 5, 2, None),  # (1 - 5 + 2) / 2 = -1: negative output size
    (3, 5, 1, None),  # (3 - 5 + 1) / 1 = -1
])
def test_valid_output_size_uses_truncating_division(size, keff, s, out):
    if out is None:
        with pytest.raises(IAE, match=f"negative output size: input {size} < effective kernel {keff} along W"):
            window_geometry([size], [keff], [s], "VALID")
    else:
        assert window_geometry([size], [keff], [s], "VALID")[0] == [out]


def test_explicit_geometry():
    # H: (4 + 1 + 2 - 2) // 1 + 1 = 6; W: (5 + 0 + 1 - 3) // 2 + 1 = 2
    assert window_geometry([4, 5], [2, 3], [1, 2], [(1, 2), (0, 1)]) == ([6, 2], [(1, 2), (0, 1)])


# ---------------------------------------------------------------- conv2d

def test_same_even_kernel_pads_at_the_end_ones():
    # 4x4 ones, 2x2 ones, stride 1 SAME: pad_total = 1 -> (0, 1): the last row/col see half the window
    y = R.conv2d(np.ones((1, 4, 4, 1)), np.ones((2, 2, 1, 1)), 1, "SAME")
    check(y, nhwc([[4, 4, 4, 2], [4, 4, 4, 2], [4, 4, 4, 2], [2, 2, 2, 1]]))


def test_same_even_kernel_pads_at_the_end_ramp():
    # x = 1..16 row-major; out[i, j] = x[i, j] + x[i, j+1] + x[i+1, j] + x[i+1, j+1], zeros past the end
    y = R.conv2d(ramp(4, 4), np.ones((2, 2, 1, 1)), [1, 1], "SAME")
    check(y, nhwc([[1 + 2 + 5 + 6, 2 + 3 + 6 + 7, 3 + 4 + 7 + 8, 4 + 8],
                   [5 + 6 + 9 + 10, 6 + 7 + 10 + 11, 7 + 8 + 11 + 12, 8 + 12],
                   [9 + 10 + 13 + 14, 10 + 11 + 14 + 15, 11 + 12 + 15 + 16, 12 + 16],
                   [13 + 14, 14 + 15, 15 + 16, 16]]))


def test_5x5_stride2_same():
    # out = ceil(5/2) = 3; 3x3 kernel: pad_total = (3-1)*2 + 3 - 5 = 2 -> (1, 1)
    # window rows/cols: {-1,0,1} -> 2 real, {1,2,3} -> 3 real, {3,4,5} -> 2 real
    y = R.conv2d(np.ones((1, 5, 5, 1)), np.ones((3, 3, 1, 1)), 2, "SAME")
    check(y, nhwc([[4, 6, 4], [6, 9, 6], [4, 6, 4]]))
    # 2x2 kernel: pad_total = (3-1)*2 + 2 - 5 = 1 -> (0, 1): windows {0,1} {2,3} {4,5}
    y = R.conv2d(np.ones((1, 5, 5, 1)), np.ones((2, 2, 1, 1)), 2, "SAME")
    check(y, nhwc([[4, 4, 2], [4, 4, 2], [2, 2, 1]]))


def test_valid_stride2_drops_the_last_row_and_column():
    # x[r, c] = 5r + c + 1; out = (5 - 2 + 2) // 2 = 2; row/col 4 never read
    y = R.conv2d(ramp(5, 5), np.ones((2, 2, 1, 1)), 2, "VALID")
    check(y, nhwc([[1 + 2 + 6 + 7, 3 + 4 + 8 + 9], [11 + 12 + 16 + 17, 13 + 14 + 18 + 19]]))


def test_dilation2_on_64x64_gives_60x60():
    # keff = (3-1)*2 + 1 = 5; 64 - 5 + 1 = 60; every output sums 3*3 taps * 3 channels of ones = 27
    y = R.conv2d(np.ones((2, 64, 64, 3), np.float32), np.ones((3, 3, 3, 4)), 1, "VALID", dilations=2)
    check(y, np.full((2, 60, 60, 4), 27.0))


def test_dilation_with_stride_greater_than_one():
    # x = 1..25 (5x5), 2x2 kernel dilation 2 (keff 3) stride 2 VALID: out (5-3+2)//2 = 2
    # out[i, j] = x[2i, 2j] + x[2i, 2j+2] + x[2i+2, 2j] + x[2i+2, 2j+2]
    y = R.conv2d(ramp(5, 5), np.ones((2, 2, 1, 1)), 2, "VALID", dilations=[2, 2])
    check(y, nhwc([[1 + 3 + 11 + 13, 3 + 5 + 13 + 15], [11 + 13 + 21 + 23, 13 + 15 + 23 + 25]]))


def test_explicit_padding():
    # 4x4 ones, 2x2 ones, pads H (1, 2), W (0, 1): out 6x4. Window rows r-1..r: 1, 2, 2, 2, 1, 0 real
    # rows; window cols c..c+1: 2, 2, 2, 1 real cols.
    y = R.conv2d(np.ones((1, 4, 4, 1)), np.ones((2, 2, 1, 1)), 1, [[0, 0], [1, 2], [0, 1], [0, 0]])
    check(y, nhwc([[2, 2, 2, 1], [4, 4, 4, 2], [4, 4, 4, 2], [4, 4, 4, 2], [2, 2, 2, 1], [0, 0, 0, 0]]))
    # NCHW orders the pairs N, C, H, W
    y2 = R.conv2d(np.ones((1, 1, 4, 4)), np.ones((2, 2, 1, 1)), 1, [[0, 0], [0, 0], [1, 2], [0, 1]], data_format="NCHW")
    check(y2, np.moveaxis(y, -1, 1))


def test_worked_example_patch_kernel_bias():
    # patch [[1,0,2],[5,4,2],[3,4,5]] * kernel [[-1,0,1]]*3 = (2+2+5) - (1+5+3) = 0, + bias 1 = 1
    img = np.zeros((5, 5))
    img[1:4, 2:5] = [[1, 0, 2], [5, 4, 2], [3, 4, 5]]
    k = np.array([[-1, 0, 1]] * 3, np.float64)[:, :, None, None]
    y = R.bias_add(R.conv2d(nhwc(img), k, 1, "VALID"), [1.0])
    assert y.shape == (1, 3, 3, 1) and y[0, 1, 2, 0] == 1.0


def test_nchw_equals_transposed_nhwc():
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((2, 7, 6, 3)), rng.standard_normal((3, 2, 3, 5))
    a = R.conv2d(x, w, [2, 1], "SAME", dilations=[1, 2])
    b = R.conv2d(x.transpose(0, 3, 1, 2), w, [1, 1, 2, 1], "SAME", data_format="NCHW", dilations=[1, 1, 1, 2])
    assert b.shape == (2, 5, 4, 6)
    np.testing.assert_allclose(b, a.transpose(0, 3, 1, 2), rtol=1e-13)


def test_channels_and_batch_are_not_mixed():
    # batch b, channel c holds the constant 10*b + c; 1x1 filter w[c, o] = (c+1) * (o+1)
    x = np.zeros((2, 3, 5, 2))
    for b, c in itertools.product(range(2), range(2)):
        x[b, :, :, c] = 10 * b + c
    w = np.array([[1, 2, 3], [2, 4, 6]], np.float64)[None, None]
    y = R.conv2d(x, w, 1, "VALID")
    # b=0: [0*1 + 1*2, 0*2 + 1*4, 0*3 + 1*6] = [2, 4, 6]; b=1: [10 + 22, 20 + 44, 30 + 66] = [32, 64, 96]
    check(y, np.broadcast_to(np.array([[2, 4, 6], [32, 64, 96]], np.float64)[:, None, None, :], (2, 3, 5, 3)))


def test_grouped_conv():
    # C = 4, filters (1, 1, 2, 4): 2 groups of 2 output channels
    # group 0 reads x[0:2] = [1, 2]: o0 = 1*1 + 2*5 = 11, o1 = 1*2 + 2*6 = 14
    # group 1 reads x[2:4] = [3, 4]: o2 = 3*3 + 4*7 = 37, o3 = 3*4 + 4*8 = 44
    x = np.array([1.0, 2, 3, 4]).reshape(1, 1, 1, 4)
    w = np.array([[1.0, 2, 3, 4], [5, 6, 7, 8]]).reshape(1, 1, 2, 4)
    check(R.conv2d(x, w, 1, "VALID"), np.array([11, 14, 37, 44]).reshape(1, 1, 1, 4))


def test_extra_leading_batch_dimensions():
    x = np.ones((2, 3, 4, 5, 1))
    y = R.conv2d(x, np.ones((2, 2, 1, 1)), 1, "VALID")
    check(y, np.full((2, 3, 3, 4, 1), 4.0))


def test_zero_size_output_is_legal():
    # 4 - 5 + 1 = 0 rows and cols; 2-row input, 5-row kernel, stride 2: (2 - 5 + 2) / 2 truncates to 0
    assert R.conv2d(np.ones((1, 4, 4, 1)), np.ones((5, 5, 1, 2)), 1, "VALID").shape == (1, 0, 0, 2)
    assert R.conv2d(np.ones((1, 2, 6, 1)), np.ones((5, 1, 1, 1)), [2, 1], "VALID").shape == (1, 0, 6, 1)
    assert R.conv2d(np.ones((0, 4, 4, 1)), np.ones((2, 2, 1, 3)), 1, "SAME").shape == (0, 4, 4, 3)
    assert R.max_pool2d(np.ones((1, 3, 3, 1)), 4, 1, "VALID").shape == (1, 0, 0, 1)


# ---------------------------------------------------------------- atrous, depthwise, 1-D, 3-D, convolution

def test_atrous_rate2_same():
    # 4x4x2 image, every row [1, 2, 3, 4]; 3x3x2x5 ones; rate 2: keff 5, SAME pads (2, 2).
    # Rows i-2, i, i+2: always 2 real rows. Cols j-2, j, j+2: j even -> cols {0, 2} = 1 + 3 = 4,
    # j odd -> cols {1, 3} = 2 + 4 = 6. Times 2 rows, 2 channels: 16 and 24.
    img = np.broadcast_to(np.array([1.0, 2, 3, 4])[None, None, :, None], (1, 4, 4, 2))
    y = R.atrous_conv2d(img, np.ones((3, 3, 2, 5)), 2, "SAME")
    check(y, np.broadcast_to(np.array([16.0, 24, 16, 24])[None, None, :, None], (1, 4, 4, 5)))


def test_depthwise_channel_order():
    # x = [1, 10]; filter[c, m] = [[1, 2, 3], [4, 5, 6]]; output channel c*3 + m = x[c] * filter[c, m]
    x = np.array([1.0, 10]).reshape(1, 1, 1, 2)
    w = np.arange(1.0, 7).reshape(1, 1, 2, 3)
    check(R.depthwise_conv2d(x, w, [1, 1, 1, 1], "VALID"), np.array([1, 2, 3, 40, 50, 60]).reshape(1, 1, 1, 6))


def test_depthwise_spatial_and_stride():
    # channel 0 = ramp 1..25 (5x5), channel 1 = 100; 2x2 ones (multiplier 1), stride 2 SAME:
    # out 3, pad_total = (3-1)*2 + 2 - 5 = 1 -> (0, 1). Windows rows/cols {0,1}, {2,3}, {4}
    x = np.concatenate([ramp(5, 5), np.full((1, 5, 5, 1), 100.0)], axis=-1)
    y = R.depthwise_conv2d(x, np.ones((2, 2, 2, 1)), [1, 2, 2, 1], "SAME")
    ch0 = [[1 + 2 + 6 + 7, 3 + 4 + 8 + 9, 5 + 10], [11 + 12 + 16 + 17, 13 + 14 + 18 + 19, 15 + 20], [21 + 22, 23 + 24, 25]]
    ch1 = [[400, 400, 200], [400, 400, 200], [200, 200, 100]]
    check(y, np.stack([ch0, ch1], axis=-1)[None])


def test_conv1d_stride2_same_and_ncw():
    # [1, 2, 3, 4, 5] * [1, 0, -1], stride 2 SAME: out 3, pad_total = (3-1)*2 + 3 - 5 = 2 -> (1, 1)
    # padded [0, 1, 2, 3, 4, 5, 0]; windows at 0, 2, 4: 0 - 2 = -2, 2 - 4 = -2, 4 - 0 = 4
    x = np.array([1.0, 2, 3, 4, 5]).reshape(1, 5, 1)
    w = np.array([1.0, 0, -1]).reshape(3, 1, 1)
    check(R.conv1d(x, w, 2, "SAME"), np.array([-2, -2, 4]).reshape(1, 3, 1))
    check(np.asarray(R.conv1d(x.reshape(1, 1, 5), w, [1, 1, 2], "SAME", data_format="NCW")),
          np.array([-2, -2, 4]).reshape(1, 1, 3))


def test_conv3d_same_pads_at_the_end():
    # 2x2x2 ones, 2x2x2 ones kernel, SAME: pads (0, 1) per dim, out[d, h, w] = (2-d)(2-h)(2-w)
    y = R.conv3d(np.ones((1, 2, 2, 2, 1)), np.ones((2, 2, 2, 1, 1)), [1, 1, 1, 1, 1], "SAME")
    check(y, np.array([[[8, 4], [4, 2]], [[4, 2], [2, 1]]]).reshape(1, 2, 2, 2, 1))


def test_convolution_picks_the_rank():
    x = np.ones((1, 2, 2, 2, 1))
    check(R.convolution(x, np.ones((2, 2, 2, 1, 1)), padding="SAME"),
          R.conv3d(x, np.ones((2, 2, 2, 1, 1)), [1] * 5, "SAME"))
    check(R.convolution(ramp(5, 5), np.ones((2, 2, 1, 1)), 2), nhwc([[16, 24], [56, 64]]))  # VALID default


# ---------------------------------------------------------------- conv2d_transpose

ONE2 = np.ones((1, 2, 2, 1))
F22 = np.ones((2, 2, 1, 1))


def test_transpose_stride1_same():
    # forward SAME stride 1 on 2x2: pads (0, 1), y[o] = x[o] + x[o+1]; its transpose: out[i] = sum_{o+k=i}
    # i=0: o=0 -> 1; i=1: o=1 (k=0), o=0 (k=1) -> 2
    check(R.conv2d_transpose(ONE2, F22, [1, 2, 2, 1], 1, "SAME"), nhwc([[1, 2], [2, 4]]))


def test_transpose_stride2_same_4x4():
    # forward 4 -> 2, no pad; each input spreads into its own 2x2 block
    check(R.conv2d_transpose(ONE2, F22, [1, 4, 4, 1], 2, "SAME"), np.ones((1, 4, 4, 1)))


def test_transpose_stride1_valid_3x3():
    # out[i] = number of (o, k) with o + k = i, o, k in {0, 1}: 1, 2, 1 per axis
    check(R.conv2d_transpose(ONE2, F22, [1, 3, 3, 1], 1, "VALID"), nhwc([[1, 2, 1], [2, 4, 2], [1, 2, 1]]))


def test_transpose_ambiguous_stride2_shapes():
    # VALID 5 -> (5 - 2 + 2) // 2 = 2, consistent: blocks at rows/cols 0-1 and 2-3, row/col 4 untouched
    y = R.conv2d_transpose(ONE2, F22, [1, 5, 5, 1], 2, "VALID")
    check(y, nhwc([[1, 1, 1, 1, 0]] * 4 + [[0, 0, 0, 0, 0]]))
    # SAME 3 -> ceil(3/2) = 2, pads (0, 1): out[i] = sum over 2o + k = i -> every i in 0..2 once
    check(R.conv2d_transpose(ONE2, F22, [1, 3, 3, 1], 2, "SAME"), np.ones((1, 3, 3, 1)))
    # VALID 6 -> (6 - 2 + 2) // 2 = 3 != 2: inconsistent
    with pytest.raises(IAE, match=r"output_shape \[1,6,6,1\] inconsistent with the forward convolution: "
                                  r"it gives 3x3, input is 2x2"):
        R.conv2d_transpose(ONE2, F22, [1, 6, 6, 1], 2, "VALID")
    with pytest.raises(IAE, match=r"output_shape \[1,5,5,1\] inconsistent .* it gives 5x5, input is 2x2"):
        R.conv2d_transpose(ONE2, F22, [1, 5, 5, 1], 1, "SAME")


def test_transpose_round_trip_tiles_the_filter():
    # conv2d of 4x4 ones with [[1, 0], [-1, -2]] stride 2 VALID: every window 1 + 0 - 1 - 2 = -2
    f = np.array([[1.0, 0], [-1, -2]]).reshape(2, 2, 1, 1)
    y = R.conv2d(np.ones((1, 4, 4, 1)), f, 2, "VALID")
    check(y, np.full((1, 2, 2, 1), -2.0))
    # back: each -2 scatters -2 * filter into its own 2x2 block: [[-2, 0], [2, 4]]
    check(R.conv2d_transpose(y, f, [1, 4, 4, 1], 2, "VALID"), nhwc(np.tile([[-2, 0], [2, 4]], (2, 2))))


def test_transpose_channels_and_layouts():
    # filters [h, w, out_c, in_c]: out[o] = sum_i w[o, i] * x[i], x = [1, 10], w = [[1,2],[3,4],[5,6]]
    x = np.array([1.0, 10]).reshape(1, 1, 1, 2)
    w = np.array([[1.0, 2], [3, 4], [5, 6]]).reshape(1, 1, 3, 2)
    check(R.conv2d_transpose(x, w, [1, 1, 1, 3], 1, "VALID"), np.array([21, 43, 65]).reshape(1, 1, 1, 3))
    check(R.conv2d_transpose(x, w, [1, 1], 1, "VALID"), np.array([21, 43, 65]).reshape(1, 1, 1, 3))
    check(np.asarray(R.conv2d_transpose(x.reshape(1, 2, 1, 1), w, [1, 3, 1, 1], 1, "VALID", data_format="NCHW")),
          np.array([21, 43, 65]).reshape(1, 3, 1, 1))


def test_transpose_dilated_and_explicit():
    # dilation 2: keff 3, forward 4 -> 2; out[i] = #{(o, k): o + 2k = i} = 1 for i in 0..3
    check(R.conv2d_transpose(ONE2, F22, [1, 4, 4, 1], 1, "VALID", dilations=2), np.ones((1, 4, 4, 1)))
    # explicit pads H (1, 0), W (0, 0), stride 1, 2x2 kernel, output 2x3: the forward conv gives
    # H (2 + 1 - 2) + 1 = 2 and W (3 - 2) + 1 = 2, consistent. Forward output row o reads real rows
    # o + k - 1 (k in {0, 1}), so real row r gets #{(o, k): o + k - 1 = r}: r=0 -> (0,1), (1,0) = 2;
    # r=1 -> (1,1) = 1. Columns (no pad): #{o + k = c} = 1, 2, 1. Product: [[2, 4, 2], [1, 2, 1]].
    y = R.conv2d_transpose(ONE2, F22, [1, 2, 3, 1], 1, [[0, 0], [1, 0], [0, 0], [0, 0]])
    check(y, nhwc([[2, 4, 2], [1, 2, 1]]))


def test_transpose_empty_input_gives_zeros():
    # forward of width 1 with a 2-wide kernel, stride 2: (1 - 2 + 2) / 2 = 0 -> the input has width 0
    y = R.conv2d_transpose(np.ones((2, 2, 0, 3)), np.ones((2, 2, 3, 3)), [2, 4, 1, 3], 2, "VALID")
    check(y, np.zeros((2, 4, 1, 3)))


# ---------------------------------------------------------------- pooling

def test_avg_pool_same_leaves_padding_out_of_the_divisor():
    # 1..9 in 3x3, 2x2 stride 2 SAME: pads (0, 1): (1+2+4+5)/4 = 3, (3+6)/2 = 4.5, (7+8)/2 = 7.5, 9/1
    check(R.avg_pool2d(ramp(3, 3), 2, 2, "SAME"), nhwc([[3, 4.5], [7.5, 9]]))


def test_max_pool_same_and_valid():
    # -1..-9: padding never wins even though everything real is negative
    check(R.max_pool2d(-ramp(3, 3), 2, 2, "SAME"), nhwc([[-1, -3], [-7, -9]]))
    # 1..25, 3x3 stride 2 VALID: windows start at 0, 2 -> maxima at (2, 2), (2, 4), (4, 2), (4, 4)
    check(R.max_pool2d(ramp(5, 5), 3, [1, 2, 2, 1], "VALID"), nhwc([[13, 15], [23, 25]]))


def test_max_pool_explicit_padding():
    # -1..-9 padded H (1, 0), W (0, 1), 2x2 stride 1: out 3x3; window rows r-1..r, cols c..c+1
    # row 0 sees only row 0: max(-1,-2)=-1, max(-2,-3)=-2, -3; row 1 sees rows 0-1: -1, -2, -3; row 2: -4, -5, -6
    y = R.max_pool2d(-ramp(3, 3), 2, 1, [[0, 0], [1, 0], [0, 1], [0, 0]])
    check(y, nhwc([[-1, -2, -3], [-1, -2, -3], [-4, -5, -6]]))


def test_max_pool_propagates_nan_and_keeps_minus_inf():
    x = nhwc([[1, np.nan, 3], [2, 5, np.nan], [0, 1, 2]])
    # windows 2x2 stride 1 VALID: [1,nan,2,5] -> nan, [nan,3,5,nan] -> nan, [2,5,0,1] -> 5, [5,nan,1,2] -> nan
    np.testing.assert_array_equal(R.max_pool2d(x, 2, 1, "VALID"), nhwc([[np.nan, np.nan], [5, np.nan]]))
    check(R.max_pool2d(np.full((1, 3, 3, 1), -np.inf), 2, 2, "SAME"), np.full((1, 2, 2, 1), -np.inf))


def test_nd_pools():
    # 1-D: [1, 5, 2, 4, 3], window 2 stride 2 SAME: pads (0, 1) -> max [5, 4, 3], avg [3, 3, 3]
    x = np.array([1.0, 5, 2, 4, 3]).reshape(1, 5, 1)
    check(R.max_pool(x, 2, 2, "SAME"), np.array([5, 4, 3]).reshape(1, 3, 1))
    check(R.avg_pool1d(x, [2], [2], "SAME"), np.array([3, 3, 3]).reshape(1, 3, 1))
    # 3-D: x[d, h, w] = 4d + 2h + w (0..7), 2x2x2 window, SAME stride 2 -> max 7, avg 3.5
    x3 = np.arange(8.0, dtype=np.float32).reshape(1, 2, 2, 2, 1)  # MaxPool3D takes no float64
    check(R.max_pool3d(x3, 2, 2, "SAME"), np.full((1, 1, 1, 1, 1), 7.0))
    check(R.avg_pool(x3, 2, 2, "SAME"), np.full((1, 1, 1, 1, 1), 3.5))
    # NCHW pools move channels back
    x2 = np.stack([ramp(3, 3)[0, ..., 0], 10 * ramp(3, 3)[0, ..., 0]])[None]  # (1, 2, 3, 3)
    y = np.asarray(R.avg_pool2d(x2, 2, 2, "SAME", data_format="NCHW"))
    check(y, np.array([[[3, 4.5], [7.5, 9]], [[30, 45], [75, 90]]])[None])


def test_max_pool_with_argmax_indices():
    # x[b, y, x, c] = ((b*3 + y)*4 + x)*2 + c (0..47), 2x2 stride 2 VALID on H=3, W=4, C=2:
    # every window's max sits at y=1, x=2j+1: (4 + 1)*2 + c = 10 + c and (4 + 3)*2 + c = 14 + c;
    # batch 1 adds 3*4*2 = 24 to the values (and to the index when the batch is included)
    x = np.arange(48.0).reshape(2, 3, 4, 2)
    values, idx = R.max_pool_with_argmax(x, 2, 2, "VALID")
    check(values, np.array([[10, 11, 14, 15], [34, 35, 38, 39]]).reshape(2, 1, 2, 2))
    assert idx.dtype == np.int64
    np.testing.assert_array_equal(idx, np.array([[10, 11, 14, 15], [10, 11, 14, 15]]).reshape(2, 1, 2, 2))
    _, idx = R.max_pool_with_argmax(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID", include_batch_in_index=True)
    np.testing.assert_array_equal(idx, np.array([[10, 11, 14, 15], [34, 35, 38, 39]]).reshape(2, 1, 2, 2))


def test_argmax_ties_padding_and_minus_inf():
    # ties: all ones, 2x2 stride 1 VALID on 3x3 -> the first (top-left) element of each window
    _, idx = R.max_pool_with_argmax(np.ones((1, 3, 3, 1)), 2, 1, "VALID")
    np.testing.assert_array_equal(idx.ravel(), [0, 1, 3, 4])
    # -1..-9 SAME 2x2 stride 2: maxima -1, -3, -7, -9 at flat 0, 2, 6, 8 (padding never chosen)
    values, idx = R.max_pool_with_argmax(-ramp(3, 3), 2, 2, "SAME")
    check(values, nhwc([[-1, -3], [-7, -9]]))
    np.testing.assert_array_equal(idx.ravel(), [0, 2, 6, 8])
    # all -inf, 3x3 stride 2 SAME: pads (1, 1); windows start at -1 and 1: first real elements
    # (0,0)=0, (0,1)=1, (1,0)=3, (1,1)=4 -- never the -inf padding that comes first
    _, idx = R.max_pool_with_argmax(np.full((1, 3, 3, 1), -np.inf), 3, 2, "SAME")
    np.testing.assert_array_equal(idx.ravel(), [0, 1, 3, 4])
    # NaN: the max is NaN and the index the first NaN (np.argmax semantics)
    values, idx = R.max_pool_with_argmax(nhwc([[1, np.nan], [np.nan, 5]]), 2, 2, "VALID")
    assert np.isnan(values).all() and idx.ravel().tolist() == [1]


# ---------------------------------------------------------------- bias_add

def test_bias_add_layouts():
    x = np.zeros((2, 3, 4))
    check(R.bias_add(x, [1.0, 2, 3, 4]), np.broadcast_to([1.0, 2, 3, 4], (2, 3, 4)))
    check(R.bias_add(x, [1.0, 2, 3, 4], data_format="N...C"), np.broadcast_to([1.0, 2, 3, 4], (2, 3, 4)))
    check(R.bias_add(x, [1.0, 2, 3], data_format="NCHW"), np.broadcast_to(np.array([1.0, 2, 3])[:, None], (2, 3, 4)))
    check(R.bias_add(np.zeros((2, 3)), [1.0, 2, 3], data_format="NC"), np.broadcast_to([1.0, 2, 3], (2, 3)))


# ---------------------------------------------------------------- dtypes

@pytest.mark.parametrize("dtype", [np.float16, ml_dtypes.bfloat16, np.float32])
def test_low_precision_inputs_are_computed_in_float64(dtype):
    # 1.5, 2.25, 3 are exact in bfloat16/float16; results are float64 of the exact sums
    x = np.array([1.5, 2.25, 3.0, 0.5]).astype(dtype).reshape(1, 2, 2, 1)
    w = np.ones((2, 2, 1, 1), dtype)
    total = 1.5 + 2.25 + 3.0 + 0.5
    check(R.conv2d(x, w, 1, "VALID"), np.full((1, 1, 1, 1), total))
    check(R.avg_pool2d(x, 2, 2, "VALID"), np.full((1, 1, 1, 1), total / 4))
    check(R.bias_add(x, np.ones(1, dtype)), np.asarray(x, np.float64) + 1)
    check(R.depthwise_conv2d(x, w, [1, 1, 1, 1], "VALID"), np.full((1, 1, 1, 1), total))
    check(R.max_pool2d(x, 2, 2, "VALID"), np.full((1, 1, 1, 1), 3.0))


def test_float64_precision_is_kept():
    # 1 + 2**-40 is not representable in float32; the reference must not round through it
    x = np.array([1 + 2.0 ** -40, 1.0]).reshape(1, 1, 2, 1)
    assert R.conv2d(x, np.ones((1, 2, 1, 1)), 1, "VALID").item() == 2 + 2.0 ** -40
