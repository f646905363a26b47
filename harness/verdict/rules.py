"""TensorFlow's wordings of the reference's rules: when both reject a call, did TF say the same thing?

Every InvalidArgumentError of reference/ names a rule (reference/errors.py RULES). TF_PATTERNS maps
each rule to the regular expressions matching the messages TensorFlow gives when it rejects a call
for that rule, on each of its paths: the Python wrappers of tf.nn (ValueError, TypeError), op
registration and attr checks, eager kernels (Eigen and oneDNN), graph-mode shape inference at trace
time (ValueError naming the node), graph execution ("Graph execution error" with a traceback) and
XLA. A pattern states the rule in TF's words, general over numbers and node names; it does not match
a symptom of an unrelated check, so an Eigen-only "NHWC only" or a crash still counts as disagreement.

Collected from TensorFlow 2.21.0 on x86-64 (Linux, CPU only) with a throwaway script driving
harness.run.session.Session: 5,218 configurations the reference rejects (seeded draws of every op's sweep
space, kept a few per reference message; hand-written triggers of every raise site in reference/; the
rejected cases under cases/), each run on the six targets (eager, tf.function and XLA, oneDNN on and
off): 26,829 TF errors, grouped by the reference's rule and read. The patterns were written from a
first batch (13k runs) and then checked on a second batch drawn with another seed (15k runs; its XLA
runs stopped two thirds in), which brought no new wording of any rule. The wordings of dilation2d,
erosion2d, extract_patches, max pooling over depth, tf.nn.convolution's explicit padding and dilated
windows beyond int32 were added from hand-written triggers of each rule on the six targets. no-gradient's wording comes from tf.GradientTape over raw ops
without a registered gradient. tests/test_rules.py keeps verbatim samples; messages are searched
(re.search, re.M), unanchored. A message that matches no pattern of the reference's rule is TF
rejecting for another reason: another rule it checks first, or one of its own limitations.
"""
from __future__ import annotations

import re
from functools import lru_cache

_NUM = r"-?\d+"
# A graph-mode shape-inference error names the node and its op: "... for '{{node x}} = Conv2D[...".
_NODE = r"for '\{\{node [^}]*\}\} = "
_OPTYPE_CONV_BACKPROP = r"Conv[23]DBackpropInput(?:V2)?"
# After a kernel's message: eager names the op ("[Op:Conv2DBackpropInput]"), graph execution the node
# (tf.nn names its transposes' nodes "...transpose...").
_BACKPROP = r"\s*(?:\[Op:" + _OPTYPE_CONV_BACKPROP + r"\]|\[\[\{\{node [^}]*transpose[^}]*\}\}\]\])"
_NOT_BACKPROP = f"(?!{_BACKPROP})"
# A transpose's output_shape of the wrong length: its shape function makes it a shape of that rank, which
# then fails a rank check naming the BackpropInput op, whose first input shape is [that many values].
_OUTPUT_SHAPE_LENGTH = _OPTYPE_CONV_BACKPROP + r"\[[^\n]*' with input shapes: \[\1\],"
_NOT_OUTPUT_SHAPE_LENGTH = f"(?!{_OUTPUT_SHAPE_LENGTH})"

# SpaceToBatchND's check of its paddings (eager; graph: its shape function), which tf.nn's dilated ops compute
_NEGATIVE_PADDINGS = (r"Paddings must be non-negative", r"paddings cannot be negative " + _NODE + r"SpaceToBatchND\[")

TF_PATTERNS: dict[str, tuple[str, ...]] = {
    "dtype-not-accepted": (
        r"Value for attr 'T' of \w+ is not in the list of allowed values",              # eager OpDef check
        r"Value passed to parameter '(?:input|filter|value|bias|x|images)' has DataType \w+ not in list of allowed values",
        r"Could not find device for node: \{\{node [^}]*\}\} = \w+\[T=DT_\w+",       # no kernel for T
        r"No OpKernel was registered to support Op '\w+' used by \{\{node [^}]*\}\} with these attrs: \[[^\n]*\bT=DT_",
    ),
    "rank": (
        r"Shape must be (?:at least )?rank \d+ but is rank (\d+) " + _NODE + _NOT_OUTPUT_SHAPE_LENGTH,
        r"Shape \([\d, ]*\) must have rank \d+",
        r"\b(?:convolution )?(?:input|filter|tensor_in|out_backprop) must be \d+(?: or \d+)?-dimensional",
        r"\bout_backprop tensor must have \d+ dimensions",
        r"input_sizes must be (?:\d+ or )?\d+-dimensional",
        r"tensor_in_shape must have \d+ spatial dimensions",
        r"Biases must be 1D",
        r"Input tensor must be at least 2D",
        r"Input must be \d+ or \d+-dimensional",
        r"`input\.shape\.rank` must be",
        r"`num_spatial_dims` must be 1, 2, or 3",
    ),
    "bad-data-format": (
        r"Value for attr 'data_format' of \"[^\"]*\" is not in the list of allowed values",
        r"Attr 'data_format' of '\w+' Op passed string '[^']*' not in:",
        r"`data_format` must be '\w+' or '\w+'\. Received: data_format=",
        r"`data_format` must be of the form `N\.\.\.C` or `NC\.\.\.`",
    ),
    "not-integers": (
        r"Expected int for argument '(?:strides|ksize|dilations)' not",
        r"Value for attr 'T(?:paddings|block_shape)' of float is not in the list of allowed values: int32, int64",
        r"Value passed to parameter '(?:paddings|block_shape)' has DataType float\d* not in list of allowed values: "
        r"int32, int64",
    ),
    "strides-length": (
        r"\bstrides? should be of length",
        r"`len\(strides\)` should be \d+\. Received: strides=\[",
        r"Sliding window strides? field must specify \d+(?: or \d+)? dimensions",
        r"requires the stride attribute to contain \d+ values",
        r"Attr 'strides' of '\w+' Op passed list of length \d+ less than minimum",
        r"Length for attr 'strides' of \d+ must be at least minimum",
        r"Expected list for 'strides' argument",
    ),
    "dilations-length": (
        r"\bdilations should be of length",
        r"`len\(dilation_rate\)` should be \d+",
        r"`dilation_rate\.shape\.rank` must be 1",
        r"Dilation rates field must specify \d+ dimensions",
        r"requires the dilation attribute to contain \d+ values",
        r"Expected list for '(?:dilations|rates)' argument",
        r"Input stride \(atrous rate\) field must specify \d+ dimensions",     # Dilation2D's rates
        r"requires the rates attribute to contain \d+ values",
        r"Length for attr 'rates' of \d+ must be at least minimum",
        r"Attr 'rates' of '\w+' Op passed list of length \d+ less than minimum",
    ),
    "ksize-length": (
        r"\bksize should be of length",
        r"Length for attr 'ksizes' of \d+ must be at least minimum",            # ExtractImagePatches' sizes
        r"Attr 'ksizes' of '\w+' Op passed list of length \d+ less than minimum",
        r"Expected list for 'ksizes' argument",
        r"requires the ksizes attribute to contain \d+ values",
    ),
    "strides-batch-channel": (
        r"does not (?:yet )?support strides in the batch and depth dimensions",
        r"Pooling is not yet supported on the batch dimension",       # MaxPool/AvgPool: ksize or strides
        r"Stride is only supported across spatial dimensions",         # Dilation2D
        r"Only support strides across space",                          # ExtractImagePatches
    ),
    "dilations-batch-channel": (
        r"does not (?:yet )?support dilations in the batch and depth dimensions",
        r"Rate is only supported across spatial dimensions",           # Dilation2D
        r"Only support rates across space",                            # ExtractImagePatches
    ),
    "ksize-batch-channel": (
        r"Pooling is not yet supported on the (?:batch|depth) dimension",
        r"Non-spatial pooling is not yet supported",                   # AvgPool over depth
        r"Only support ksizes across space",                           # ExtractImagePatches
        r"does not yet support kernel sizes > 1 in the batch and depth dimensions",   # XLA's ExtractImagePatches
    ),
    "strides-not-positive": (
        rf"Stride must be > 0, but got {_NUM}",
        r"(?:Row and column|Spatial) strides should be larger than 0",
        r"all values of `strides` must be positive",
        r"\bstrides is out of range",                                  # ExtractImagePatches (OutOfRangeError)
    ),
    "dilations-not-positive": (
        r"Dilated rates should be larger than 0",
        rf"Dilation rate must be >= 1, but got {_NUM}",
        r"Dilation values must be positive",
        r"`dilation_rate` must be positive",
        r"`rate` cannot be less than one",
        r"\brates is out of range",                                    # ExtractImagePatches (OutOfRangeError)
    ),
    "ksize-not-positive": (
        r"Sliding window ksize must be positive",
        rf"ksize must be a positive int32 value, got:\s*{_NUM}",
        rf"Sliding window ksize field for dimension \d+ must be positive but is {_NUM}",
        r"expects window to have positive value for \d+-th window dimension",     # XLA legalization
        r"Sliding window ksize field must have non-negative dimensions",
        r"\bksizes is out of range",                                   # ExtractImagePatches (OutOfRangeError)
        # graph mode: the patch depth sizes[1] * sizes[2] * depth of a negative size
        r"Negative dimension size caused by overflow when multiplying -?\d+ and -\d+ " + _NODE + r"ExtractImagePatches\[",
    ),
    "strides-with-dilations": (
        r"`strides > 1` not supported in conjunction with `dilation_rate > 1`",
    ),
    "bad-padding": (
        r"Value for attr 'padding' of \"[^\"]*\" is not in the list of allowed values",
        r"Attr 'padding' of '\w+' Op passed string '[^']*' not in:",
        r"`padding` must be one of '\w+' or '\w+'\. Received: padding=",
        r"'\w*' is not a valid value for `padding`",
        r"Expected string for argument 'padding' not -?\d",               # a number
        r"explicit_paddings attribute must contain \d+ values, but got: 0\b",   # padding="EXPLICIT", no pairs
    ),
    "explicit-padding-unsupported": (
        r"Expected string for argument 'padding' not \[",
        r"Explicit padding is not supported with an input tensor of rank \d+",
        r"`padding` must be either 'VALID' or 'SAME'",
    ),
    "explicit-padding-length": (
        r"When padding is a list, it must be of size \d+",
        r"When `padding` is a list, each element of `padding` must be a list/tuple of size 2",
    ),
    "explicit-padding-batch-channel": (
        r"Nonzero explicit padding in the batch or depth dimensions is not supported",
    ),
    "explicit-padding-negative": (
        r"All elements of explicit_paddings must be nonnegative",
        _NEGATIVE_PADDINGS[0], _NEGATIVE_PADDINGS[1],            # tf.nn.convolution (dilated): space_to_batch's
    ),
    "pool-padding-too-large": (
        rf"(?:Top|Bottom|Left|Right) padding {_NUM} needs to be smaller than the window size {_NUM}",
    ),
    "negative-output-size": (
        r"Computed output size would be negative",
        r"Negative dimension size caused by subtracting \d+ from -?\d+ " + _NODE,
        r"cropped_shape\[\d+\]=-\d+ must be non-negative",                  # atrous: BatchToSpaceND crops
    ),
    "dilated-window-overflow": (
        # the SAME paddings of a dilated window beyond int32 overflow to negative ones in space_to_batch
        _NEGATIVE_PADDINGS[0], _NEGATIVE_PADDINGS[1],
    ),
    "window-zero": (
        r"filter must not have zero elements",
        r"(?s)Window (?:(?:goo\.gle/debug\w+|dimensions \{).*? )?has a non-positive dimension",  # XLA; <2.21: the proto
        r"input, filter_sizes and out_backprop tensors must all have at least 1 element",
    ),
    "channel-mismatch": (
        r"[Ii]nput depth must be evenly divisible by filter depth: \d+ vs \d+" + _NOT_BACKPROP,
        r"input and filter must have the same depth: \d+ vs \d+" + _NOT_BACKPROP,
        r"Number of channels in filter \(\d+\) must match last dimension of input \(\d+\)",
        r"Depth of input \(\d+\) is not a multiple of input depth of filter \(\d+\)",
        r"filter and out_backprop must have the same out_depth",
        r"out_backprop and filter_sizes must have the same number of channels",
        r"`value` channel count must be compatible with `filters` input channel count",
        r"The number of input channels is not divisible by the corresponding number of output filters",
        # graph mode: the merge of input and filter channels in DepthwiseConv2dNative's or a transpose's
        # shape function (a transpose's output_shape is not involved: no "computed as partial shapes")
        r"Dimensions must be equal, but are \d+ and \d+ " + _NODE
        + rf"(?:DepthwiseConv2dNative|Dilation2D|{_OPTYPE_CONV_BACKPROP})\[[^\n]*\]\([^\n]*\)' with input shapes: [\[\]\d,? ]*\.$",
    ),
    "filter-depth-zero": (
        r"filter depth must be stricly positive",
        r"filter_depth must be non-zero",
        r"filter depth must be strictly greated than zero",
        r"Depth of filter must not be 0",
        r"filter must not have zero elements",       # TF's kernels check for an empty filter, any dimension
    ),
    "groups-zero": (
        r"grouped convolution must have at least one group",
        r"Number of groups must not be 0",
    ),
    "groups-output-channels": (
        r"output depth must be evenly divisible by number of groups",
        r"Depth of output \(\d+\) is not a multiple of the number of groups \(\d+\)",
    ),
    "pointwise-not-1x1": (
        r"^Dimensions \d+ and 1 are not compatible$",       # pointwise_filter.shape[0 or 1] against 1
    ),
    "bias-size": (
        r"Must provide as many biases as the last dimension of the input tensor",
        r"Dimensions must be equal, but are \d+ and \d+ " + _NODE + r"BiasAdd(?:V1)?\[",
    ),
    "output-shape-length": (
        r"requires input_sizes to contain \d+ values or \d+ values",
        r"\binput tensor must have \d+ dimensions",                  # Conv3DBackpropInputV2's input_sizes
        r"Shape must be rank \d+ but is rank (\d+) " + _NODE + _OUTPUT_SHAPE_LENGTH,
        r"`output_shape` must be of length 3, 4 or 5",
        r"`output_shape` must have shape \(\d+,\)",
    ),
    "output-shape-channels": (
        # the BackpropInput kernels call output_shape "input" (and XLA's and Eigen's say whose message it is)
        r"Conv\dD(?:Custom)?BackpropInput(?:V2)?: input depth must be evenly divisible by filter depth",
        r"(?:input depth must be evenly divisible by filter depth|input and filter must have the same depth)"
        r": \d+ vs \d+" + _BACKPROP,
        r"input and filter_sizes must have the same number of channels",
        r"`output_shape` channel count must be compatible with `filters` output channel count",
    ),
    "output-shape-batch": (
        r"input and out_backprop must have the same batch size",
        r"Dimensions must be equal, but are \d+ and \d+ " + _NODE + _OPTYPE_CONV_BACKPROP
        + r"\[.* and with input tensors computed as partial shapes: input\[0\] = ",
    ),
    "output-shape-negative": (
        rf"Dimension {_NUM} must be >= 0",
        rf"Invalid value in tensor used for shape: {_NUM}",
    ),
    "output-shape-mismatch": (
        r"Size of out_backprop doesn't match computed",
    ),
    "window-shape-length": (
        r"`len\(window_shape\)` must be 1, 2, or 3",
    ),
    "pool-same-dilations": (
        r"pooling with 'SAME' padding is not implemented for `dilation_rate` > 1",
    ),
    "pool-strides-window": (
        r"`strides` > `window_shape` not supported",
    ),
    "pooling-type": (
        r"\d-D \w+ pooling is not supported",
    ),
    "argmax-data-format": (
        r"`data_format` values other\s+than 'NHWC' are not supported",
    ),
    "morphology-data-format": (
        r"`data_format` values other\s+than 'NHWC' are not supported",       # the same check as max_pool_with_argmax's
    ),
    "depth-pool-spatial": (
        r"MaxPooling supports exactly one of pooling across depth or pooling across width/height",
    ),
    "depth-pool-divides-depth": (
        r"Depthwise max pooling requires the depth window to evenly divide the input depth",
    ),
    "depth-pool-stride": (
        r"Depthwise max pooling requires the depth window to equal the depth stride",
    ),
    "depth-pool-explicit-padding": (
        r"Depthwise max pooling does not support explicit padding",
    ),
    "argmax-output-dtype": (
        r"Value for attr 'Targmax' of \w+ is not in the list of allowed values",
        r"Value passed to parameter 'Targmax' has DataType \w+ not in list of allowed values",
    ),
    "no-gradient": (
        r"gradient registry has no entry for: \w+",                      # LookupError, eager and traced
    ),
}


@lru_cache(maxsize=None)
def _compiled(rule: str) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p, re.M) for p in TF_PATTERNS[rule])


# The errors TF rejects arguments with, by path (one rule may come as any of them); others (AbortedError,
# InternalError, a Python ZeroDivisionError in tf.nn) are failures whatever they say.
ERROR_TYPES = frozenset({"InvalidArgumentError", "ValueError", "TypeError", "UnimplementedError", "NotFoundError",
                         "LookupError", "OutOfRangeError"})


def agrees(rule: str, tf_error_type: str, tf_message: str) -> bool:
    """Whether TensorFlow's error states the reference's rule (KeyError for a rule not in TF_PATTERNS)."""
    patterns = _compiled(rule)
    return tf_error_type in ERROR_TYPES and any(p.search(tf_message or "") for p in patterns)
