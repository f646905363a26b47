"""What the reference rejects, and how it says so: invalid arguments raise InvalidArgumentError
(a ValueError) with a message naming the rule."""
import numpy as np
import pytest

import reference as R

IAE = R.InvalidArgumentError


# ---------------------------------------------------------------- invalid arguments

X = np.ones((1, 4, 4, 3))
W = np.ones((2, 2, 3, 2))


@pytest.mark.parametrize("call,message", [
    (lambda: R.conv2d(X, np.ones((6, 6, 3, 1)), 1, "VALID"),
     "negative output size: input 4 < effective kernel 6 along H with padding VALID"),
    (lambda: R.conv2d(X, np.ones((2, 3, 3, 1)), 1, "VALID", dilations=[1, 3]),
     "negative output size: input 4 < effective kernel 7 along W with padding VALID"),
    (lambda: R.conv2d(X, np.ones((2, 2, 2, 1)), 1, "SAME"), "channel mismatch: input has 3 channels, filters expect 2"),
    (lambda: R.conv2d(np.ones((1, 4, 4, 4)), np.ones((2, 2, 2, 5)), 1, "SAME"), "5 output channels are not divisible by the 2 groups"),
    (lambda: R.conv2d(X, W, 1, "SNAME"), r"unknown padding 'SNAME' \(expected SAME, VALID or explicit pairs\)"),
    (lambda: R.conv2d(X, W, 1, "same"), "unknown padding 'same'"),
    (lambda: R.conv2d(X, W, 1, "EXPLICIT"), "unknown padding 'EXPLICIT'"),
    (lambda: R.conv2d(X, W, 0, "SAME"), "strides must be positive"),
    (lambda: R.conv2d(X, W, [2, 1, 1, 1], "SAME"), "strides must be 1 in the batch and channel dimensions"),
    (lambda: R.conv2d(X, W, [1, 2, 2], "SAME"), "strides must be an int or length 1 or length 2 or length 4"),
    (lambda: R.conv2d(X, W, 1, "SAME", dilations=0), "dilations must be positive"),
    (lambda: R.conv2d(X, W, 1, "SAME", data_format="NWHC"), "data_format must be NHWC or NCHW"),
    (lambda: R.conv2d(X, W, 1, [[1, 0], [0, 0], [0, 0], [0, 0]]), "batch and channel dimensions must be"),
    (lambda: R.conv2d(X, W, 1, [[0, 0], [0, 0], [0, 0], [0, 1]]), "batch and channel dimensions must be"),
    (lambda: R.conv2d(X, W, 1, [[0, 0], [-1, 0], [0, 0], [0, 0]]), "explicit padding must be non-negative"),
    (lambda: R.conv2d(X, W, 1, [[1, 0], [0, 1]]), r"explicit padding needs 4 \[lo, hi\] pairs"),
    (lambda: R.conv2d(np.ones((4, 4, 3)), W, 1, "SAME"), "input must have rank 4 or more"),
    (lambda: R.conv2d(X, np.ones((2, 3, 2)), 1, "SAME"), "filters must have rank 4"),
    (lambda: R.conv2d(X.astype(complex), W, 1, "SAME"), "conv2d: input has dtype complex128, which conv2d does not accept"),
    (lambda: R.atrous_conv2d(X, W, 0, "SAME"), "rate must be positive"),
    (lambda: R.atrous_conv2d(X, W, 2, "same"), "unknown padding 'same'"),
    (lambda: R.depthwise_conv2d(X, np.ones((2, 2, 2, 1)), [1, 1, 1, 1], "SAME"), "channel mismatch: input has 3 channels, filter expects 2"),
    (lambda: R.depthwise_conv2d(X, np.ones((2, 2, 3, 1)), 2, "SAME"), "strides must be length 4"),
    (lambda: R.depthwise_conv2d(X, np.ones((2, 2, 3, 1)), [1, 2, 2, 1], "SAME", dilations=[2, 2]),
     "strides > 1 are not supported with dilations > 1"),
    (lambda: R.convolution(X, W, 2, "SAME", dilations=2), "strides > 1 are not supported with dilations > 1"),
    (lambda: R.convolution(X, W, 1, [[0, 0], [1, 1], [1, 1], [0, 0]]), "explicit padding is not supported by convolution"),
    (lambda: R.conv1d(np.ones((1, 5, 3)), np.ones((2, 3, 1)), 1, [[0, 0], [1, 1], [0, 0]]), "not supported by conv1d"),
    (lambda: R.conv3d(np.ones((1, 4, 4, 4, 3)), np.ones((2, 2, 2, 3, 1)), 1, "SAME"), "strides must be length 5"),
    (lambda: R.conv2d_transpose(X, np.ones((2, 2, 1, 2)), [1, 4, 4, 1], 1, "SAME"), "channel mismatch: input has 3 channels, filters expect 2"),
    (lambda: R.conv2d_transpose(X, np.ones((2, 2, 1, 3)), [1, 4, 4, 2], 1, "SAME"), "output_shape has 2 channels, filters give 1"),
    (lambda: R.conv2d_transpose(X, np.ones((2, 2, 1, 3)), [2, 4, 4, 1], 1, "SAME"), "batch mismatch"),
    (lambda: R.conv2d_transpose(X, np.ones((2, 2, 1, 3)), [4, 4, 1], 1, "SAME"), "output_shape must have 4"),
    (lambda: R.max_pool2d(X, 0, 1, "SAME"), "ksize must be positive"),
    (lambda: R.max_pool2d(X, [1, 2, 2, 2], 1, "VALID"), "ksize must be 1 in the batch and channel dimensions"),
    (lambda: R.max_pool2d(X, 2, 1, [[0, 0], [2, 0], [0, 0], [0, 0]]), r"explicit padding \(2, 0\) must be smaller than the window size 2 along H"),
    (lambda: R.max_pool2d(X, 6, 1, "VALID"), "negative output size: input 4 < effective kernel 6 along H"),
    (lambda: R.avg_pool2d(X, 2, 1, [[0, 0], [1, 0], [0, 0], [0, 0]]), "explicit padding is not supported by avg_pool2d"),
    (lambda: R.max_pool(np.ones((1, 4, 4, 4, 1), np.float32), 2, 1, [[0, 0]] * 5), "explicit padding is not supported by max_pool"),
    (lambda: R.max_pool2d(X, 2, 1, "SAME", data_format="NCHW_VECT_C"), "data_format must be NHWC or NCHW"),
    (lambda: R.max_pool(np.ones((4, 4)), 2, 1, "SAME"), "input must have rank 3, 4 or 5"),
    (lambda: R.max_pool_with_argmax(X, 2, 2, "SAME", data_format="NCHW"), "supports only data_format NHWC"),
    (lambda: R.max_pool_with_argmax(X, 2, 2, "SAME", output_dtype="float32"), "output_dtype must be int32 or int64"),
    (lambda: R.max_pool_with_argmax(X, 2, 2, [[0, 0], [1, 1], [1, 1], [0, 0]]), "not supported by max_pool_with_argmax"),
    (lambda: R.bias_add(X, np.ones(4)), "bias size 4 != channels 3"),
    (lambda: R.bias_add(X, np.ones((1, 3))), "bias must be 1-D"),
    (lambda: R.bias_add(np.ones(3), np.ones(3)), "value must have rank >= 2"),
    (lambda: R.bias_add(X, np.ones(3), data_format="N"), "data_format must be of the form N...C or NC..."),
])
def test_invalid_arguments(call, message):
    with pytest.raises(IAE, match=message):
        call()


def test_invalid_argument_error_is_a_value_error():
    assert issubclass(IAE, ValueError)
