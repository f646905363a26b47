"""The reference on degenerate shapes and NaN, against TF's documented rules and hand-computed values.

- A convolution's filter depth (its in_channels; for a transposed convolution the filter's output
  channels, the depth of the convolution it transposes) must be positive: TF's Conv2D/Conv3D kernels
  ("filter depth must be stricly positive"), their shape functions ("Depth of filter must not be 0")
  and the backprop-input kernels ("filter depth must be strictly greated than zero"). An input with
  0 channels makes 0 groups, which the shape functions reject ("Number of groups must not be 0").
- depthwise_conv2d only asks input channels == filter in_channels (DepthwiseConv2dNative's kernel
  and shape function): 0 == 0 gives an empty output, channels * multiplier = 0.
- Every spatial dimension of a filter must be at least 1 (TF's conv_ops_test: "Filter dimensions
  must be greater than 0" -> "filter must not have zero elements"; XLA: "Window has a non-positive
  dimension"); so must every pooling window (MaxPool, AvgPool: "ksize must be positive").
- NaN: a maximum or average over a window holding a NaN is NaN (IEEE 754 / numpy), the reference's rule.
"""
import itertools

import numpy as np
import pytest

import reference as R

IAE = R.InvalidArgumentError
DEPTH = "filter depth must be positive"
WINDOW = "must have a window of at least 1 in every spatial dimension"


def nhwc(a):
    return np.asarray(a, np.float64)[None, :, :, None]


# ---------------------------------------------------------------- filters of depth 0, inputs of 0 channels

@pytest.mark.parametrize("call,message", [
    (lambda: R.conv1d(np.ones((1, 3, 0)), np.ones((2, 0, 1)), 1, "VALID"), DEPTH + r", got in_channels 0 \(filters shape \(2, 0, 1\)\)"),
    (lambda: R.conv2d(np.ones((1, 3, 3, 0)), np.ones((2, 2, 0, 1)), 1, "VALID"), DEPTH),
    (lambda: R.conv2d(np.ones((1, 3, 3, 0)), np.ones((2, 2, 0, 0)), 1, "SAME"), DEPTH),
    (lambda: R.conv2d(np.ones((1, 3, 3, 2)), np.ones((2, 2, 0, 1)), 1, "VALID"), DEPTH),
    (lambda: R.conv2d(np.ones((1, 0, 3, 3)), np.ones((2, 2, 0, 1)), 1, "VALID", data_format="NCHW"), DEPTH),
    (lambda: R.conv3d(np.ones((1, 3, 3, 3, 0)), np.ones((2, 2, 2, 0, 1)), [1] * 5, "VALID"), DEPTH),
    (lambda: R.conv3d(np.ones((1, 3, 3, 3, 2)), np.ones((2, 2, 2, 0, 1)), [1] * 5, "VALID"), DEPTH),
    (lambda: R.convolution(np.ones((1, 3, 3, 0)), np.ones((2, 2, 0, 1))), DEPTH),
    (lambda: R.convolution(np.ones((1, 3, 3, 0)), np.ones((2, 2, 0, 1)), dilations=2), DEPTH),
    (lambda: R.convolution(np.ones((1, 3, 3, 3, 0)), np.ones((2, 2, 2, 0, 1))), DEPTH),
    (lambda: R.atrous_conv2d(np.ones((1, 3, 3, 0)), np.ones((2, 2, 0, 1)), 1, "VALID"), DEPTH),
    (lambda: R.atrous_conv2d(np.ones((1, 3, 3, 0)), np.ones((2, 2, 0, 1)), 2, "SAME"), DEPTH),
    # the depthwise part gives (1, 2, 2, 0); the 1x1 pointwise convolution then has depth 0
    (lambda: R.separable_conv2d(np.ones((1, 3, 3, 0)), np.ones((2, 2, 0, 1)), np.ones((1, 1, 0, 1)), [1] * 4, "VALID"),
     DEPTH + r", got in_channels 0 \(pointwise_filter shape"),
    # 0 channels / 1 or 2 per group = 0 groups
    (lambda: R.conv2d(np.ones((1, 3, 3, 0)), np.ones((2, 2, 1, 1)), 1, "VALID"), "number of groups must be positive"),
    (lambda: R.conv2d(np.ones((1, 3, 3, 0)), np.ones((2, 2, 2, 4)), 1, "VALID"), "number of groups must be positive"),
    (lambda: R.conv1d(np.ones((1, 3, 0)), np.ones((2, 1, 1)), 1, "VALID"), "number of groups must be positive"),
    (lambda: R.convolution(np.ones((1, 3, 3, 0)), np.ones((2, 2, 1, 1))), "number of groups must be positive"),
    (lambda: R.conv3d(np.ones((1, 3, 3, 3, 0)), np.ones((2, 2, 2, 1, 1)), [1] * 5, "VALID"),
     r"channel mismatch: input has 0 channels, filters expect 1 \(conv3d has no groups\)"),
    (lambda: R.depthwise_conv2d(np.ones((1, 3, 3, 0)), np.ones((2, 2, 1, 1)), [1] * 4, "VALID"),
     "channel mismatch: input has 0 channels, filter expects 1"),
    (lambda: R.depthwise_conv2d(np.ones((1, 3, 3, 2)), np.ones((2, 2, 0, 1)), [1] * 4, "VALID"),
     "channel mismatch: input has 2 channels, filter expects 0"),
    # transposed: filters [*k, output channels, input channels]; output channels 0 = the forward filter's depth
    (lambda: R.conv2d_transpose(np.ones((1, 2, 2, 1)), np.ones((2, 2, 0, 1)), [1, 3, 3, 0], 1, "VALID"),
     DEPTH + r", got output channels 0 \(filters shape \(2, 2, 0, 1\)\)"),
    (lambda: R.conv2d_transpose(np.ones((1, 1, 1, 1)), np.ones((1, 1, 0, 1)), [1, 1, 1, 0], 1, [[0, 0]] * 4), DEPTH),
    (lambda: R.conv2d_transpose(np.ones((1, 1, 1, 1)), np.ones((1, 1, 0, 1)), [1, 1, 2, 0], 1, "VALID"), DEPTH),
    (lambda: R.conv1d_transpose(np.ones((1, 2, 1)), np.ones((2, 0, 1)), [1, 3, 0], 1, "VALID"), DEPTH),
    (lambda: R.conv3d_transpose(np.ones((1, 2, 2, 2, 1)), np.ones((2, 2, 2, 0, 1)), [1, 3, 3, 3, 0], 1, "VALID"), DEPTH),
    (lambda: R.conv_transpose(np.ones((1, 2, 2, 1)), np.ones((2, 2, 0, 1)), [1, 3, 3, 0], 1, "VALID"), DEPTH),
    (lambda: R.atrous_conv2d_transpose(np.ones((1, 2, 2, 1)), np.ones((2, 2, 0, 1)), [1, 4, 4, 0], 2, "VALID"), DEPTH),
    (lambda: R.atrous_conv2d_transpose(np.ones((1, 3, 3, 1)), np.ones((2, 2, 0, 1)), [1, 3, 3, 0], 1, "SAME"), DEPTH),
])
def test_zero_depth_and_zero_groups_rejected(call, message):
    with pytest.raises(IAE, match=message):
        call()


def test_message_no_longer_claims_a_mismatch_for_zero_vs_zero():
    with pytest.raises(IAE) as info:
        R.conv2d(np.ones((1, 3, 3, 0)), np.ones((2, 2, 0, 1)), 1, "VALID")
    assert "mismatch" not in str(info.value) and "multiple" not in str(info.value)


@pytest.mark.parametrize("shape,filter_shape,strides,padding,dilations,data_format,out", [
    # VALID 3x3 with a 2x2 window: 2x2 positions; 0 channels * multiplier 1 = 0 output channels
    ((1, 3, 3, 0), (2, 2, 0, 1), [1, 1, 1, 1], "VALID", None, "NHWC", (1, 2, 2, 0)),
    # SAME stride 2: ceil(3 / 2) = 2 per dimension; multiplier 3 -> 0 * 3 channels
    ((1, 3, 3, 0), (2, 2, 0, 3), [1, 2, 2, 1], "SAME", None, "NHWC", (1, 2, 2, 0)),
    # dilation 2: effective window 3 -> 1x1; batch 2
    ((2, 3, 3, 0), (2, 2, 0, 1), [1, 1, 1, 1], "VALID", [2, 2], "NHWC", (2, 1, 1, 0)),
    # NCHW: (N, C, H, W) = (1, 0, 4, 5), window 2x3 VALID -> 3x3
    ((1, 0, 4, 5), (2, 3, 0, 2), [1, 1, 1, 1], "VALID", None, "NCHW", (1, 0, 3, 3)),
])
def test_depthwise_with_no_channels_is_empty(shape, filter_shape, strides, padding, dilations, data_format, out):
    y = R.depthwise_conv2d(np.ones(shape), np.ones(filter_shape), strides, padding, data_format, dilations)
    assert y.shape == out and y.dtype == np.float64
    grads = R.grad.vjp("depthwise_conv2d", {"input": np.ones(shape), "filter": np.ones(filter_shape)},
                       {"strides": strides, "padding": padding, "data_format": data_format, "dilations": dilations},
                       {"output": np.ones(out)})
    assert grads["input"].shape == shape and grads["filter"].shape == filter_shape


@pytest.mark.parametrize("op,x,w,output_shape,rate_or_strides", [
    # filters [k, k, out 1, in 0]: the input has no channels, nothing flows back: zeros of output_shape
    ("conv2d_transpose", (1, 2, 2, 0), (2, 2, 1, 0), [1, 3, 3, 1], 1),
    ("conv1d_transpose", (1, 2, 0), (2, 1, 0), [1, 3, 1], 1),
    ("conv3d_transpose", (1, 2, 2, 2, 0), (2, 2, 2, 1, 0), [1, 3, 3, 3, 1], 1),
    ("atrous_conv2d_transpose", (1, 2, 2, 0), (2, 2, 1, 0), [1, 4, 4, 1], 2),
])
def test_transpose_of_no_input_channels_is_zeros(op, x, w, output_shape, rate_or_strides):
    y = getattr(R, op)(np.ones(x), np.ones(w), output_shape, rate_or_strides, "VALID")
    np.testing.assert_array_equal(y, np.zeros(output_shape))


# Every small combination of channels c (input), cg (filter in_channels; a transpose's filter
# [k, k, o, cg]) and o (output channels; depthwise: the multiplier) 0..2 through every convolution:
# rejected by the rule TF documents, or the output shape; never another exception (ZeroDivisionError was one).
SIZES = (0, 1, 2)

CALLS = {
    "conv2d": lambda c, cg, o: R.conv2d(np.ones((1, 3, 3, c)), np.ones((2, 2, cg, o)), 1, "VALID"),
    "conv1d": lambda c, cg, o: R.conv1d(np.ones((1, 3, c)), np.ones((2, cg, o)), 1, "SAME"),
    "conv3d": lambda c, cg, o: R.conv3d(np.ones((1, 2, 2, 2, c)), np.ones((1, 2, 1, cg, o)), [1] * 5, "VALID"),
    "convolution": lambda c, cg, o: R.convolution(np.ones((1, 3, 3, c)), np.ones((2, 2, cg, o)), dilations=2),
    "atrous": lambda c, cg, o: R.atrous_conv2d(np.ones((1, 3, 3, c)), np.ones((2, 2, cg, o)), 2, "SAME"),
    "depthwise": lambda c, cg, o: R.depthwise_conv2d(np.ones((1, 3, 3, c)), np.ones((2, 2, cg, o)), [1] * 4, "SAME"),
    "separable": lambda c, cg, o: R.separable_conv2d(np.ones((1, 3, 3, c)), np.ones((2, 2, cg, 1)),
                                                     np.ones((1, 1, cg, o)), [1] * 4, "VALID"),
    "transpose": lambda c, cg, o: R.conv2d_transpose(np.ones((1, 2, 2, c)), np.ones((2, 2, o, cg)), [1, 3, 3, o], 1,
                                                     "VALID"),
}
# Output spatial shape of each call when accepted: VALID 2x2 on 3x3 -> 2x2; SAME keeps 3 (conv1d, atrous,
# depthwise); conv3d's 1x2x1 window on 2x2x2 -> 2x1x2; dilation 2 makes convolution's 2x2 window 3x3 -> 1x1;
# the transpose gives its output_shape.
SPATIAL = {"conv2d": (2, 2), "conv1d": (3,), "conv3d": (2, 1, 2), "convolution": (1, 1), "atrous": (3, 3),
           "depthwise": (3, 3), "separable": (2, 2), "transpose": (3, 3)}


def expected(name, c, cg, o):
    """("rule", id) or ("shape", shape) by TF's documented rules, in the order TF's shape functions check."""
    if name == "depthwise":        # in_channels == input channels; output channels c * multiplier
        return ("rule", "channel-mismatch") if c != cg else ("shape", (1, *SPATIAL[name], c * o))
    if name == "separable":        # the depthwise part as above, then a 1x1 convolution of depth cg
        if c != cg:
            return ("rule", "channel-mismatch")
        return ("rule", "filter-depth-zero") if cg == 0 else ("shape", (1, *SPATIAL[name], o))
    if name == "transpose":        # the forward convolution's filter depth is o; input channels must be cg
        if o == 0:
            return ("rule", "filter-depth-zero")
        return ("rule", "channel-mismatch") if c != cg else ("shape", (1, *SPATIAL[name], o))
    if cg == 0:                    # Conv2D/Conv3D: "Depth of filter must not be 0"
        return ("rule", "filter-depth-zero")
    if name == "conv3d":           # no groups: in_channels must equal the input's
        return ("rule", "channel-mismatch") if c != cg else ("shape", (1, *SPATIAL[name], o))
    if c % cg:                     # groups = c / cg must be whole ...
        return ("rule", "channel-mismatch")
    if c == 0:                     # ... and positive ("Number of groups must not be 0")
        return ("rule", "groups-zero")
    if o % (c // cg):              # and divide the output channels
        return ("rule", "groups-output-channels")
    return ("shape", (1, *SPATIAL[name], o))


CASES = [(f"{name}-{c}-{cg}-{o}", name, (c, cg, o)) for name in CALLS for c, cg, o in itertools.product(SIZES, repeat=3)]


@pytest.mark.parametrize("name,sizes", [(n, s) for _, n, s in CASES], ids=[i for i, _, _ in CASES])
def test_channel_counts(name, sizes):
    want = expected(name, *sizes)
    try:
        got = ("shape", CALLS[name](*sizes).shape)
    except IAE as error:
        got = ("rule", error.rule)
    assert got == want


def test_channel_counts_reach_every_outcome():
    """The table above is not all rejections (or all results): every outcome occurs."""
    outcomes = {want[1] if want[0] == "rule" else "shape" for want in (expected(n, *s) for _, n, s in CASES)}
    assert outcomes == {"shape", "channel-mismatch", "filter-depth-zero", "groups-zero", "groups-output-channels"}


# ---------------------------------------------------------------- windows of size 0

@pytest.mark.parametrize("call", [
    lambda: R.conv2d(np.ones((1, 3, 3, 1)), np.ones((0, 2, 1, 1)), 1, "VALID"),
    lambda: R.conv2d(np.ones((1, 3, 3, 1)), np.ones((2, 0, 1, 1)), 1, "SAME"),
    lambda: R.conv2d(np.ones((1, 3, 3, 1)), np.ones((2, 0, 1, 0)), 1, "SAME"),
    lambda: R.conv2d(np.ones((0, 3, 3, 1)), np.ones((0, 2, 1, 1)), 1, "VALID"),
    lambda: R.conv1d(np.ones((1, 3, 1)), np.ones((0, 1, 1)), 1, "VALID"),
    lambda: R.conv3d(np.ones((1, 3, 3, 3, 1)), np.ones((2, 0, 2, 1, 1)), [1] * 5, "VALID"),
    lambda: R.convolution(np.ones((1, 3, 3, 1)), np.ones((0, 2, 1, 1)), padding="VALID", dilations=2),
    lambda: R.atrous_conv2d(np.ones((1, 3, 3, 1)), np.ones((0, 2, 1, 1)), 1, "VALID"),
    lambda: R.atrous_conv2d(np.ones((1, 3, 3, 1)), np.ones((0, 2, 1, 1)), 2, "VALID"),
    lambda: R.depthwise_conv2d(np.ones((1, 3, 3, 1)), np.ones((0, 2, 1, 1)), [1] * 4, "VALID"),
    lambda: R.separable_conv2d(np.ones((1, 3, 3, 1)), np.ones((0, 2, 1, 1)), np.ones((1, 1, 1, 1)), [1] * 4, "VALID"),
    lambda: R.conv2d_transpose(np.ones((1, 4, 2, 1)), np.ones((0, 2, 1, 1)), [1, 3, 3, 1], 1, "VALID"),
    lambda: R.conv2d_transpose(np.ones((2, 1, 1, 1)), np.ones((0, 1, 1, 1)), [2, 1, 1, 1], [2, 1], "VALID"),
    lambda: R.conv2d_transpose(np.ones((1, 3, 3, 1)), np.ones((0, 2, 1, 1)), [1, 3, 3, 1], 1, "SAME"),
    lambda: R.conv1d_transpose(np.ones((1, 4, 1)), np.ones((0, 1, 1)), [1, 3, 1], 1, "VALID"),
    lambda: R.conv3d_transpose(np.ones((1, 3, 3, 3, 1)), np.ones((0, 1, 1, 1, 1)), [1, 3, 3, 3, 1], 1, "SAME"),
    lambda: R.atrous_conv2d_transpose(np.ones((1, 3, 3, 1)), np.ones((0, 2, 1, 1)), [1, 3, 3, 1], 2, "SAME"),
])
def test_zero_size_kernel_rejected(call):
    with pytest.raises(IAE, match=WINDOW):
        call()


@pytest.mark.parametrize("call,message", [
    (lambda: R.max_pool2d(np.ones((1, 3, 3, 1)), [1, 0], 1, "VALID"), r"ksize must be positive, got \[1, 0\]"),
    (lambda: R.max_pool2d(np.ones((1, 3, 3, 1)), [1, 1, 0, 1], 1, "SAME"), "ksize must be positive"),
    (lambda: R.avg_pool2d(np.ones((1, 3, 3, 1)), [0, 1], 1, "VALID"), "ksize must be positive"),
    (lambda: R.max_pool1d(np.ones((1, 3, 1)), 0, 1, "VALID"), "ksize must be positive"),
    (lambda: R.avg_pool1d(np.ones((1, 3, 1)), 0, 1, "SAME"), "ksize must be positive"),
    (lambda: R.max_pool3d(np.ones((1, 3, 3, 3, 1)), [1, 0, 1], 1, "VALID"), "ksize must be positive"),
    (lambda: R.avg_pool3d(np.ones((1, 3, 3, 3, 1)), [1, 0, 1], 1, "VALID"), "ksize must be positive"),
    (lambda: R.max_pool(np.ones((1, 3, 3, 1)), [0, 1], 1, "VALID"), "ksize must be positive"),
    (lambda: R.avg_pool(np.ones((1, 3, 3, 1)), [1, 0], 1, "VALID"), "ksize must be positive"),
    (lambda: R.max_pool_with_argmax(np.ones((1, 3, 3, 1)), [1, 0], 1, "VALID"), "ksize must be positive"),
    (lambda: R.pool(np.ones((1, 3, 3, 1)), [1, 0], "MAX", padding="VALID"), "window_shape must be positive"),
    (lambda: R.pool(np.ones((1, 3, 3, 1)), [0, 1], "AVG", padding="VALID"), "window_shape must be positive"),
])
def test_zero_size_pooling_window_rejected(call, message):
    with pytest.raises(IAE, match=message):
        call()


# ---------------------------------------------------------------- NaN

def test_max_pool_nan_wherever_it_is_in_the_window():
    x = nhwc([[np.nan, 1, 2], [3, 4, np.nan], [5, 6, 7]])
    # 2x2 VALID: [nan,1,3,4] -> nan (NaN first), [1,2,4,nan] -> nan (NaN last), [3,4,5,6] -> 6, [4,nan,6,7] -> nan
    np.testing.assert_array_equal(R.max_pool2d(x, 2, 1, "VALID"), nhwc([[np.nan, np.nan], [6, np.nan]]))
    # an all-NaN window is NaN, never -inf or the dtype's lowest value
    y = R.max_pool2d(nhwc([[np.nan, np.nan, 2], [np.nan, np.nan, 1]]), 2, 1, "VALID")
    np.testing.assert_array_equal(y, nhwc([[np.nan, np.nan]]))
    # SAME 2x2 stride 2 on 3x3 (pad 1 at the end): the corner window holds 7 and padding only -> 7
    np.testing.assert_array_equal(R.max_pool2d(x, 2, 2, "SAME"), nhwc([[np.nan, np.nan], [6, 7]]))


def test_max_pool_with_argmax_nan_index_is_the_first_nan():
    x = nhwc([[np.nan, 1, 2], [3, 4, np.nan], [5, 6, 7]])  # flat index y * 3 + x
    values, index = R.max_pool_with_argmax(x, 2, 1, "VALID")
    np.testing.assert_array_equal(values, nhwc([[np.nan, np.nan], [6, np.nan]]))
    # windows' first NaN: (0,0) -> 0; (1,2) -> 5; max 6 at (2,1) -> 7; (1,2) -> 5
    assert index.ravel().tolist() == [0, 5, 7, 5]


def test_avg_pool_propagates_nan():
    x = nhwc([[np.nan, 1, 2], [3, 4, np.nan], [5, 6, 7]])
    # 2x2 VALID: only [3,4,5,6] is NaN-free -> 18 / 4 = 4.5
    np.testing.assert_array_equal(R.avg_pool2d(x, 2, 1, "VALID"), nhwc([[np.nan, np.nan], [4.5, np.nan]]))
    # SAME 2x2 stride 2: the corner window is 7 and padding: 7 / 1; [5, 6] -> 5.5
    np.testing.assert_array_equal(R.avg_pool2d(x, 2, 2, "SAME"), nhwc([[np.nan, np.nan], [5.5, 7]]))


# ---------------------------------------------------------------- max pooling over depth

# one pixel row (1 x 2), 6 channels: [-3, 5, 2, 2, -1, -4] and [0, 1, -2, 7, 7, 3]
DEPTH = np.array([[-3, 5, 2, 2, -1, -4], [0, 1, -2, 7, 7, 3]], np.float64).reshape(1, 1, 2, 6)


def test_depth_max_pool_by_hand():
    # ksize = strides = [1, 1, 1, k]: the max of each group of k consecutive channels (SAME = VALID: a 1x1 window)
    k2 = [[[[5, 2, -1], [1, 7, 7]]]]
    k3 = [[[[5, 2], [1, 7]]]]
    for padding in ("VALID", "SAME"):
        np.testing.assert_array_equal(R.max_pool2d(DEPTH, [1, 1, 1, 2], [1, 1, 1, 2], padding), k2)
    np.testing.assert_array_equal(R.max_pool(DEPTH, [1, 1, 1, 3], [1, 1, 1, 3], "VALID"), k3)
    np.testing.assert_array_equal(R.max_pool1d(DEPTH[0], [1, 1, 3], [1, 1, 3], "VALID"), k3[0])
    nchw = R.max_pool2d(DEPTH.transpose(0, 3, 1, 2), [1, 2, 1, 1], [1, 2, 1, 1], "VALID", data_format="NCHW")
    np.testing.assert_array_equal(nchw, np.transpose(k2, (0, 3, 1, 2)))
    i8 = R.max_pool2d(DEPTH.astype(np.int8), [1, 1, 1, 6], [1, 1, 1, 6], "VALID")
    assert i8.dtype == np.int8 and i8.ravel().tolist() == [5, 7]


def test_depth_max_pool_applies_spatial_strides():
    # 3 x 4 x 4 ramp, depth window 2, strides (2, 3): rows 0, 2 and columns 0, 3 (XLA does the same; TF's CPU
    # kernels ignore spatial strides when pooling over depth: a deviation for the harness to pin)
    x = np.arange(48.0).reshape(1, 3, 4, 4)
    y = R.max_pool2d(x, [1, 1, 1, 2], [1, 2, 3, 2], "VALID")
    assert y.shape == (1, 2, 2, 2)
    np.testing.assert_array_equal(y[0, :, :, 0], [[1, 13], [33, 45]])  # channel 1 of pixels (0,0), (0,3), (2,0), (2,3)


def test_depth_max_pool_with_argmax_points_at_the_first_max():
    # flat index (y * W + x) * C + c: pixel 0 groups (-3, 5, 2) (2, -1, -4) -> 1, 3 (2 ties with 2: the first);
    # pixel 1 (0, 1, -2) (7, 7, 3) -> 6 + 1 = 7, 6 + 3 = 9 (the first 7)
    out, arg = R.max_pool_with_argmax(DEPTH, [1, 1, 1, 3], [1, 1, 1, 3], "VALID")
    np.testing.assert_array_equal(out, [[[[5, 2], [1, 7]]]])
    np.testing.assert_array_equal(arg, [[[[1, 3], [7, 9]]]])
    _, arg = R.max_pool_with_argmax(np.concatenate([DEPTH, DEPTH]), [1, 1, 1, 3], [1, 1, 1, 3], "VALID",
                                    include_batch_in_index=True)
    assert arg[1].ravel().tolist() == [12 + 1, 12 + 3, 12 + 7, 12 + 9]


# ---------------------------------------------------------------- tf.nn.convolution's explicit padding, huge rates

def test_convolution_explicit_padding_when_dilated_is_conv2d():
    # TF 2.21 takes a padding list in tf.nn.convolution only for 2-D with dilations > 1 (its space_to_batch
    # path), and computes conv2d with that explicit padding: 5 x 6 input, pads (1, 1) and (2, 0), dilation 2
    rng = np.random.default_rng(5)
    x, w = rng.normal(size=(2, 5, 6, 3)), rng.normal(size=(2, 2, 3, 4))
    pads = [[0, 0], [1, 1], [2, 0], [0, 0]]
    y = R.convolution(x, w, padding=pads, dilations=2)
    assert y.shape == (2, 5, 6, 4)  # H: 5 + 2 - 3 + 1, W: 6 + 2 - 3 + 1
    np.testing.assert_array_equal(y, R.conv2d(x, w, 1, pads, dilations=2))
    with pytest.raises(R.InvalidArgumentError) as info:
        R.convolution(x, w, padding=pads)  # undilated: TF passes the list to Conv2D as a string
    assert info.value.rule == "explicit-padding-unsupported"


def test_a_huge_rate_of_a_1x1_filter_is_a_1x1_convolution():
    # the dilated window of a 1x1 filter is 1 whatever the rate: nothing overflows, nothing is allocated
    # (TF's space_to_batch path overflows its block count: "Encountered overflow when multiplying")
    rng = np.random.default_rng(6)
    x, w = rng.normal(size=(1, 3, 4, 2)), rng.normal(size=(1, 1, 2, 3))
    np.testing.assert_array_equal(R.atrous_conv2d(x, w, 2**31 - 1, "SAME"), R.conv2d(x, w, 1, "VALID"))


def test_a_padded_copy_beyond_two_gib_is_declined_not_allocated():
    """A SAME rate of 2**14 on a 2x2 filter would pad a 3x3 input to 16387 x 16387: the reference
    declines (MemoryError, which the harness reports as its own failure) instead of allocating it."""
    import time
    start = time.perf_counter()
    with pytest.raises(MemoryError, match="over 2 GiB"):
        R.atrous_conv2d(np.ones((1, 3, 3, 1)), np.ones((2, 2, 1, 1)), 2 ** 14, "SAME")
    assert time.perf_counter() - start < 5
    assert R.atrous_conv2d(np.ones((1, 3, 3, 1)), np.ones((2, 2, 1, 1)), 2 ** 6, "SAME").shape == (1, 3, 3, 1)
