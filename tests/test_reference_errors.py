"""What the reference rejects, and how it says so: invalid arguments raise InvalidArgumentError
(a ValueError) naming the broken rule (`rule`, a key of reference.errors.RULES) and saying what broke it."""
import ast
import pickle
from pathlib import Path

import numpy as np
import pytest

import reference as R
from reference.errors import RULES

IAE = R.InvalidArgumentError


# ---------------------------------------------------------------- invalid arguments

X = np.ones((1, 4, 4, 3))
W = np.ones((2, 2, 3, 2))


INVALID = [
    (lambda: R.conv2d(X, np.ones((6, 6, 3, 1)), 1, "VALID"), "negative-output-size",
     "negative output size: input 4 < effective kernel 6 along H with padding VALID"),
    (lambda: R.conv2d(X, np.ones((2, 3, 3, 1)), 1, "VALID", dilations=[1, 3]), "negative-output-size",
     "negative output size: input 4 < effective kernel 7 along W with padding VALID"),
    (lambda: R.conv2d(X, np.ones((2, 2, 2, 1)), 1, "SAME"), "channel-mismatch", "channel mismatch: input has 3 channels, filters expect 2"),
    (lambda: R.conv2d(np.ones((1, 4, 4, 4)), np.ones((2, 2, 2, 5)), 1, "SAME"), "groups-output-channels", "5 output channels are not divisible by the 2 groups"),
    (lambda: R.conv2d(X, W, 1, "SNAME"), "bad-padding", r"unknown padding 'SNAME' \(expected SAME, VALID or explicit pairs\)"),
    (lambda: R.conv2d(X, W, 1, "same"), "bad-padding", "unknown padding 'same'"),
    (lambda: R.conv2d(X, W, 1, "EXPLICIT"), "bad-padding", "unknown padding 'EXPLICIT'"),
    (lambda: R.conv2d(X, W, 0, "SAME"), "strides-not-positive", "strides must be positive"),
    (lambda: R.conv2d(X, W, [2, 1, 1, 1], "SAME"), "strides-batch-channel", "strides must be 1 in the batch and channel dimensions"),
    (lambda: R.conv2d(X, W, [1, 2, 2], "SAME"), "strides-length", "strides must be an int or length 1 or length 2 or length 4"),
    (lambda: R.conv2d(X, W, 1, "SAME", dilations=0), "dilations-not-positive", "dilations must be positive"),
    (lambda: R.conv2d(X, W, 1, "SAME", data_format="NWHC"), "bad-data-format", "data_format must be NHWC or NCHW"),
    (lambda: R.conv2d(X, W, 1, [[1, 0], [0, 0], [0, 0], [0, 0]]), "explicit-padding-batch-channel", "batch and channel dimensions must be"),
    (lambda: R.conv2d(X, W, 1, [[0, 0], [0, 0], [0, 0], [0, 1]]), "explicit-padding-batch-channel", "batch and channel dimensions must be"),
    (lambda: R.conv2d(X, W, 1, [[0, 0], [-1, 0], [0, 0], [0, 0]]), "explicit-padding-negative", "explicit padding must be non-negative"),
    (lambda: R.conv2d(X, W, 1, [[1, 0], [0, 1]]), "explicit-padding-length", r"explicit padding needs 4 \[lo, hi\] pairs"),
    (lambda: R.conv2d(np.ones((4, 4, 3)), W, 1, "SAME"), "rank", "input must have rank 4 or more"),
    (lambda: R.conv2d(X, np.ones((2, 3, 2)), 1, "SAME"), "rank", "filters must have rank 4"),
    (lambda: R.conv2d(X.astype(complex), W, 1, "SAME"), "dtype-not-accepted", "conv2d: input has dtype complex128, which conv2d does not accept"),
    (lambda: R.atrous_conv2d(X, W, 0, "SAME"), "dilations-not-positive", "rate must be positive"),
    (lambda: R.atrous_conv2d(X, W, 2, "same"), "bad-padding", "unknown padding 'same'"),
    (lambda: R.depthwise_conv2d(X, np.ones((2, 2, 2, 1)), [1, 1, 1, 1], "SAME"), "channel-mismatch", "channel mismatch: input has 3 channels, filter expects 2"),
    (lambda: R.depthwise_conv2d(X, np.ones((2, 2, 3, 1)), 2, "SAME"), "strides-length", "strides must be length 4"),
    (lambda: R.depthwise_conv2d(X, np.ones((2, 2, 3, 1)), [1, 2, 2, 1], "SAME", dilations=[2, 2]), "strides-with-dilations",
     "strides > 1 are not supported with dilations > 1"),
    (lambda: R.convolution(X, W, 2, "SAME", dilations=2), "strides-with-dilations", "strides > 1 are not supported with dilations > 1"),
    (lambda: R.convolution(X, W, 1, [[0, 0], [1, 1], [1, 1], [0, 0]]), "explicit-padding-unsupported", "explicit padding is not supported by convolution"),
    (lambda: R.conv1d(np.ones((1, 5, 3)), np.ones((2, 3, 1)), 1, [[0, 0], [1, 1], [0, 0]]), "explicit-padding-unsupported", "not supported by conv1d"),
    (lambda: R.conv3d(np.ones((1, 4, 4, 4, 3)), np.ones((2, 2, 2, 3, 1)), 1, "SAME"), "strides-length", "strides must be length 5"),
    (lambda: R.conv2d_transpose(X, np.ones((2, 2, 1, 2)), [1, 4, 4, 1], 1, "SAME"), "channel-mismatch", "channel mismatch: input has 3 channels, filters expect 2"),
    (lambda: R.conv2d_transpose(X, np.ones((2, 2, 1, 3)), [1, 4, 4, 2], 1, "SAME"), "output-shape-channels", "output_shape has 2 channels, filters give 1"),
    (lambda: R.conv2d_transpose(X, np.ones((2, 2, 1, 3)), [2, 4, 4, 1], 1, "SAME"), "output-shape-batch", "batch mismatch"),
    (lambda: R.conv2d_transpose(X, np.ones((2, 2, 1, 3)), [4, 4, 1], 1, "SAME"), "output-shape-length", "output_shape must have 4"),
    (lambda: R.max_pool2d(X, 0, 1, "SAME"), "ksize-not-positive", "ksize must be positive"),
    (lambda: R.max_pool2d(X, [2, 2, 2, 1], 1, "VALID"), "ksize-batch-channel", "ksize must be 1 in the batch and channel dimensions"),
    # a channel window with a spatial one: TF pools over either, not both
    (lambda: R.max_pool2d(X, [1, 2, 2, 3], [1, 1, 1, 3], "VALID"), "depth-pool-spatial", "and over width/height"),
    (lambda: R.max_pool2d(X, 2, 1, [[0, 0], [2, 0], [0, 0], [0, 0]]), "pool-padding-too-large", r"explicit padding \(2, 0\) must be smaller than the window size 2 along H"),
    (lambda: R.max_pool2d(X, 6, 1, "VALID"), "negative-output-size", "negative output size: input 4 < effective kernel 6 along H"),
    (lambda: R.avg_pool2d(X, 2, 1, [[0, 0], [1, 0], [0, 0], [0, 0]]), "explicit-padding-unsupported", "explicit padding is not supported by avg_pool2d"),
    (lambda: R.max_pool(np.ones((1, 4, 4, 4, 1), np.float32), 2, 1, [[0, 0]] * 5), "explicit-padding-unsupported", "explicit padding is not supported by max_pool"),
    (lambda: R.max_pool2d(X, 2, 1, "SAME", data_format="NCHW_VECT_C"), "bad-data-format", "data_format must be NHWC or NCHW"),
    (lambda: R.max_pool(np.ones((4, 4)), 2, 1, "SAME"), "rank", "input must have rank 3, 4 or 5"),
    (lambda: R.max_pool_with_argmax(X, 2, 2, "SAME", data_format="NCHW"), "argmax-data-format", "supports only data_format NHWC"),
    (lambda: R.max_pool_with_argmax(X, 2, 2, "SAME", output_dtype="float32"), "argmax-output-dtype", "output_dtype must be int32 or int64"),
    (lambda: R.max_pool_with_argmax(X, 2, 2, [[0, 0], [1, 1], [1, 1], [0, 0]]), "explicit-padding-unsupported", "not supported by max_pool_with_argmax"),
    (lambda: R.bias_add(X, np.ones(4)), "bias-size", "bias size 4 != channels 3"),
    (lambda: R.bias_add(X, np.ones((1, 3))), "rank", "bias must be 1-D"),
    (lambda: R.bias_add(np.ones(3), np.ones(3)), "rank", "value must have rank >= 2"),
    (lambda: R.bias_add(X, np.ones(3), data_format="N"), "bad-data-format", "data_format must be of the form N...C or NC..."),
]


@pytest.mark.parametrize("call,rule,message", INVALID)
def test_invalid_arguments(call, rule, message):
    with pytest.raises(IAE, match=message) as info:
        call()
    assert info.value.rule == rule


# grayscale morphology, extract_patches, max pooling over depth, dilated windows beyond int32
F3 = np.ones((2, 2, 3))
BIG = 2**31 - 1  # the dilated window (2 - 1) * BIG + 1 = 2**31 exceeds int32; nothing may be allocated for it
INVALID += [
    (lambda: R.dilation2d(X, F3, [1, 1, 1, 1], "SAME", data_format="NCHW"), "morphology-data-format",
     "dilation2d supports only data_format NHWC, got 'NCHW'"),
    (lambda: R.erosion2d(X, F3, [1, 1, 1, 1], "SAME", data_format="NCHW"), "morphology-data-format", "erosion2d supports only"),
    (lambda: R.dilation2d(X, F3, 1, "SAME"), "strides-length", r"strides must be length 4, got 1 \(an int; this argument needs a list\)"),
    (lambda: R.dilation2d(X, F3, [1, 1, 1, 1, 1], "SAME"), "strides-length", "strides must be length 4"),
    (lambda: R.dilation2d(X, F3, [1, 1, 1, 2], "SAME"), "strides-batch-channel", "strides must be 1 in the batch and channel"),
    (lambda: R.erosion2d(X, F3, [1, 1, 1, 1], "SAME", dilations=[2, 1, 1, 1]), "dilations-batch-channel", "dilations must be 1"),
    (lambda: R.dilation2d(X, F3, [1, 1, 1, 1], "SAME", dilations=[1, 0, 1, 1]), "dilations-not-positive", "dilations must be positive"),
    (lambda: R.dilation2d(X, F3, [1, 0, 1, 1], "SAME"), "strides-not-positive", "strides must be positive"),
    (lambda: R.dilation2d(X, np.ones((2, 2, 2)), [1, 1, 1, 1], "SAME"), "channel-mismatch", "input has 3 channels, filters 2"),
    (lambda: R.dilation2d(X, np.ones((2, 2, 3, 1)), [1, 1, 1, 1], "SAME"), "rank", "filters must have rank 3"),
    (lambda: R.dilation2d(X, F3, [1, 1, 1, 1], [[0, 0], [1, 1], [1, 1], [0, 0]]), "explicit-padding-unsupported",
     "explicit padding is not supported by dilation2d"),
    (lambda: R.dilation2d(X, np.ones((0, 2, 3)), [1, 1, 1, 1], "VALID"), "window-zero", "filters must have a window"),
    (lambda: R.dilation2d(X.astype(np.complex64), F3.astype(np.complex64), [1, 1, 1, 1], "SAME"), "dtype-not-accepted",
     "dilation2d: input has dtype complex64"),
    (lambda: R.erosion2d(X.astype(np.uint8), F3.astype(np.uint8), [1, 1, 1, 1], "SAME"), "dtype-not-accepted",
     "erosion2d: value has dtype uint8"),
    (lambda: R.extract_patches(X, [1, 2, 2, 2], [1, 1, 1, 1], [1, 1, 1, 1], "VALID"), "ksize-batch-channel", "ksize must be 1"),
    (lambda: R.extract_patches(X, [1, 2, 2], [1, 1, 1, 1], [1, 1, 1, 1], "VALID"), "ksize-length", "ksize must be length 4"),
    (lambda: R.extract_patches(X, [1, 2, 0, 1], [1, 1, 1, 1], [1, 1, 1, 1], "VALID"), "ksize-not-positive", "ksize must be positive"),
    (lambda: R.extract_patches(X, [1, 2, 2, 1], [1, 0, 1, 1], [1, 1, 1, 1], "VALID"), "strides-not-positive", "strides must be"),
    (lambda: R.extract_patches(X, [1, 2, 2, 1], [1, 1, 1, 1], [2, 1, 1, 1], "VALID"), "dilations-batch-channel", "must be 1"),
    (lambda: R.extract_patches(X, [1, 2, 2, 1], [1, 1, 1, 1], 1, "VALID"), "dilations-length", "dilations must be length 4"),
    (lambda: R.extract_patches(X > 0, [1, 2, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1], "VALID"), "dtype-not-accepted", "dtype bool"),
    (lambda: R.extract_patches(X, [1, 3, 3, 1], [1, 1, 1, 1], [1, 3, 1, 1], "VALID"), "negative-output-size",
     "input 4 < effective kernel 7 along H"),
    (lambda: R.max_pool2d(np.ones((1, 3, 4, 6)), [1, 2, 1, 2], [1, 1, 1, 2], "VALID"), "depth-pool-spatial",
     r"pooling over depth \(window 2\) and over width/height \(window \(2, 1\)\)"),
    (lambda: R.max_pool2d(np.ones((1, 3, 4, 6)), [1, 1, 1, 4], [1, 1, 1, 4], "VALID"), "depth-pool-divides-depth",
     "the depth window 4 does not evenly divide the input depth 6"),
    (lambda: R.max_pool(np.ones((1, 4, 6)), [1, 1, 3], [1, 1, 1], "SAME"), "depth-pool-stride",
     "the depth window 3 differs from the depth stride 1"),
    (lambda: R.max_pool2d(np.ones((1, 3, 4, 6)), [1, 1, 1, 2], 1, "VALID"), "depth-pool-stride", "differs from the depth stride 1"),
    (lambda: R.max_pool2d(np.ones((1, 3, 4, 6)), [1, 1, 1, 2], [1, 1, 1, 2], [[0, 0]] * 4), "depth-pool-explicit-padding",
     "pooling over depth takes no explicit padding"),
    (lambda: R.max_pool2d(np.ones((1, 3, 4, 6)), [1, 1, 1, 2], [1, 1, 1, 2], [[0, 0], [1, 0], [0, 0], [0, 0]]),
     "pool-padding-too-large", r"explicit padding \(1, 0\) must be smaller than the window size 1"),  # TF checks this first
    (lambda: R.max_pool2d(np.ones((1, 3, 4, 6)), [1, 1, 1, 0], [1, 1, 1, 1], "VALID"), "ksize-not-positive", "ksize must be positive"),
    (lambda: R.avg_pool2d(np.ones((1, 3, 4, 6)), [1, 1, 1, 2], [1, 1, 1, 2], "VALID"), "ksize-batch-channel", "ksize must be 1"),
    (lambda: R.max_pool3d(np.ones((1, 2, 3, 4, 6)), [1, 1, 1, 1, 2], [1, 1, 1, 1, 2], "VALID"), "ksize-batch-channel", "must be 1"),
    (lambda: R.convolution(X, W, 1, [[0, 0], [-1, 1], [1, 1], [0, 0]], dilations=2), "explicit-padding-negative",
     "explicit padding must be non-negative"),  # TF: space_to_batch's "Paddings must be non-negative"
    (lambda: R.convolution(np.ones((1, 5, 3)), np.ones((2, 3, 1)), 1, [[0, 0], [1, 1], [0, 0]], dilations=2),
     "explicit-padding-unsupported", "not supported by convolution"),
    (lambda: R.atrous_conv2d(X, W, BIG, "SAME"), "dilated-window-overflow",
     "the dilated window 2147483648 along H exceeds int32"),
    (lambda: R.atrous_conv2d(X, W, BIG, "VALID"), "negative-output-size", "effective kernel 2147483648 along H"),
    (lambda: R.convolution(X, W, 1, "SAME", dilations=[1, BIG]), "dilated-window-overflow", "window 2147483648 along W"),
    (lambda: R.conv2d(X, W, 1, "SAME", dilations=BIG), "dilated-window-overflow", "exceeds int32"),
    (lambda: R.depthwise_conv2d(X, np.ones((2, 2, 3, 1)), [1] * 4, "SAME", dilations=[BIG, 1]), "dilated-window-overflow", "int32"),
    (lambda: R.atrous_conv2d_transpose(np.ones((1, 4, 4, 3)), np.ones((2, 2, 2, 3)), [1, 4, 4, 2], BIG, "SAME"),
     "dilated-window-overflow", "exceeds int32"),
    (lambda: R.dilation2d(X, F3, [1, 1, 1, 1], "SAME", dilations=[1, BIG, 1, 1]), "dilated-window-overflow", "exceeds int32"),
    (lambda: R.extract_patches(X, [1, 2, 2, 1], [1, 1, 1, 1], [1, 1, BIG, 1], "SAME"), "dilated-window-overflow", "along W"),
]


# The rules the table above does not reach, one call each.
MORE = [
    (lambda: R.conv2d(X, W, "a", "SAME"), "not-integers", "strides must be integers"),
    (lambda: R.conv2d_transpose(X, np.ones((2, 2, 2, 3)), [1, "a", 4, 2], 1), "not-integers", "output_shape must be integers"),
    (lambda: R.conv2d(X, W, 1, "SAME", dilations=[1, 1, 1]), "dilations-length", "dilations must be an int or length"),
    (lambda: R.atrous_conv2d(X, W, [2, 2, 2], "SAME"), "dilations-length", "rate must be an int or length 1 or length 2"),
    (lambda: R.conv2d(X, W, 1, "SAME", dilations=[2, 1, 1, 1]), "dilations-batch-channel", "dilations must be 1 in the batch"),
    (lambda: R.max_pool2d(X, [2, 2, 2], 1, "SAME"), "ksize-length", "ksize must be an int or length"),
    (lambda: R.pool(X, [2, 0], "MAX"), "ksize-not-positive", "window_shape must be positive"),
    (lambda: R.conv2d(X, np.ones((0, 2, 3, 2)), 1, "SAME"), "window-zero", "filters must have a window of at least 1"),
    (lambda: R.conv2d(X, np.ones((2, 2, 0, 2)), 1, "SAME"), "filter-depth-zero", "filter depth must be positive"),
    (lambda: R.conv2d(np.ones((1, 4, 4, 0)), np.ones((2, 2, 1, 2)), 1, "SAME"), "groups-zero", "number of groups must be positive"),
    (lambda: R.separable_conv2d(X, W, np.ones((2, 1, 6, 2)), [1] * 4, "SAME"), "pointwise-not-1x1", "pointwise_filter must be 1x1"),
    (lambda: R.conv2d_transpose(X, np.ones((2, 2, 2, 3)), [1, -4, 4, 2], 1), "output-shape-negative", "output_shape must be non-negative"),
    (lambda: R.conv2d_transpose(X, np.ones((2, 2, 2, 3)), [1, 5, 4, 2], 1), "output-shape-mismatch",
     r"output_shape \[1,5,4,2\] inconsistent with the forward convolution: it gives 5x4, input is 4x4"),
    (lambda: R.conv_transpose(X, np.ones((2, 2, 2, 3)), [4, 2], 1), "output-shape-length", "output_shape must have 3, 4 or 5 values"),
    (lambda: R.atrous_conv2d_transpose(X, np.ones((2, 2, 2, 3)), [4, 4], 2, "SAME"), "output-shape-length",
     "output_shape must have 4 values"),
    (lambda: R.pool(X, [2, 2, 2, 2], "MAX"), "window-shape-length", "window_shape must be a list of length 1, 2 or 3"),
    (lambda: R.pool(X, [2, 2], "MAX", padding="SAME", dilations=[2, 2]), "pool-same-dilations", "SAME padding is not implemented"),
    (lambda: R.pool(X, [2, 2], "AVG", strides=[3, 1]), "pool-strides-window", r"strides \(3, 1\) > window_shape \(2, 2\)"),
    (lambda: R.pool(X, [2, 2], "MIN"), "pooling-type", "pooling_type must be MAX or AVG, got 'MIN'"),
    (lambda: R.pool(X, [2, 2], "MAX", strides=[2, 1], dilations=[1, 2]), "strides-with-dilations", "strides > 1 are not supported"),
    (lambda: R.grad.vjp("relu", {}, {}, {"output": np.zeros(1)}), "no-gradient", "no gradient for 'relu'"),
    # the primitive, called directly, names the rules its callers check first
    (lambda: R.conv_general(X, np.ones((2, 2, 2)), [1, 1], [(0, 0)] * 2), "rank", "do not fit 1 groups"),
    (lambda: R.conv_general(X, W, [1, 1], [(0, 0)] * 2, groups=3), "channel-mismatch", "do not fit 3 groups"),
    (lambda: R.conv_general(X, np.ones((2, 2, 1, 2)), [1, 1], [(0, 0)] * 2, groups=3), "groups-output-channels",
     "do not fit 3 groups"),
]


@pytest.mark.parametrize("call,rule,message", MORE)
def test_more_rules(call, rule, message):
    with pytest.raises(IAE, match=message) as info:
        call()
    assert info.value.rule == rule


def test_every_rule_has_a_trigger():
    assert {rule for _, rule, _ in INVALID + MORE} == set(RULES)


def test_invalid_argument_error_is_a_value_error_with_a_rule():
    assert issubclass(IAE, ValueError)
    error = IAE("rank", "input must have rank 4, got shape (4, 4)")
    assert error.rule == "rank" and str(error) == "input must have rank 4, got shape (4, 4)"
    again = pickle.loads(pickle.dumps(error))  # xdist and worker pools pickle it
    assert (type(again), again.rule, str(again)) == (IAE, "rank", str(error))


def _raised_rules():
    """(rule ids named by the raise sites of reference/, number of sites). A site names its rule as a
    literal, or as an entry of a module-level dict literal (args.py's tables per argument name)."""
    rules, sites = set(), 0
    for path in sorted(Path(R.__file__).parent.glob("*.py")):
        tree = ast.parse(path.read_text())
        tables = {target.id: node.value for node in tree.body if isinstance(node, ast.Assign)
                  and isinstance(node.value, ast.Dict) for target in node.targets if isinstance(target, ast.Name)}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "InvalidArgumentError"):
                continue
            sites += 1
            where = f"{path.name}:{node.lineno}"
            assert len(node.args) == 2 and not node.keywords, f"{where}: InvalidArgumentError(rule, message)"
            rule = node.args[0]
            if isinstance(rule, ast.Constant) and isinstance(rule.value, str):
                rules.add(rule.value)
            elif isinstance(rule, ast.Subscript) and getattr(rule.value, "id", None) in tables:
                values = tables[rule.value.id].values
                assert all(isinstance(v, ast.Constant) for v in values), f"{where}: a table of literal rule ids"
                rules |= {v.value for v in values}
            else:
                pytest.fail(f"{where}: the rule must be a literal or an entry of a module-level table")
    return rules, sites


def test_every_raise_names_a_known_rule_and_every_rule_is_raised():
    rules, sites = _raised_rules()
    assert sites >= 50                        # the scan sees the raise sites (51 when written)
    assert rules - set(RULES) == set(), "raised but not described in RULES"
    assert set(RULES) - rules == set(), "described in RULES but never raised"
    assert all(description.strip() for description in RULES.values())
