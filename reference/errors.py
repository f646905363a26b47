"""The one exception the reference raises for arguments TensorFlow must reject, and the rules it names.

Each raise names a rule: a stable id, so the harness can check that TensorFlow rejected the call for
the same reason (harness/verdict/rules.py holds TF's wordings of each rule) whatever the message says.
"""

RULES: dict[str, str] = {
    # tensors
    "dtype-not-accepted": "a tensor's dtype is not in the op's OpDef attr T (allowed types)",
    "rank": "a tensor has the wrong rank (input, filter, bias, or an N-d op's input of rank not 3, 4 or 5)",
    "bad-data-format": "data_format is not one of the op's formats (NHWC/NCHW and their 1-D and 3-D kin; "
                       "bias_add: N...C or NC...)",
    # per-dimension arguments
    "not-integers": "strides, ksize, dilations, rate or output_shape are not integers",
    "strides-length": "strides has a length the op does not take",
    "dilations-length": "dilations (or rate) has a length the op does not take",
    "ksize-length": "ksize (or pool's window_shape) has a length the op does not take",
    "strides-batch-channel": "strides other than 1 in the batch or channel dimension",
    "dilations-batch-channel": "dilations other than 1 in the batch or channel dimension",
    "ksize-batch-channel": "a pooling window other than 1 in the batch or channel dimension",
    "strides-not-positive": "a stride is < 1",
    "dilations-not-positive": "a dilation (or atrous rate) is < 1",
    "ksize-not-positive": "a pooling window (ksize, window_shape) is < 1",
    "strides-with-dilations": "strides > 1 together with dilations > 1 (tf.nn.convolution, depthwise_conv2d, pool)",
    # padding and window geometry
    "bad-padding": "padding is neither SAME nor VALID (another string, a number, None) and not a list",
    "explicit-padding-unsupported": "explicit padding given to an op that takes only SAME or VALID",
    "explicit-padding-length": "explicit padding is not one [before, after] pair of integers per dimension",
    "explicit-padding-batch-channel": "explicit padding of the batch or channel dimension is not [0, 0]",
    "explicit-padding-negative": "an explicit padding is negative",
    "pool-padding-too-large": "a pooling op's explicit padding is not smaller than its window",
    "negative-output-size": "the (dilated) window is larger than the (padded) input: output size < 0",
    "window-zero": "a filter has a spatial dimension of size 0 (filter must not have zero elements)",
    "dilated-window-overflow": "the dilated window (k - 1) * dilation + 1 exceeds int32 (2**31 - 1): TF computes it, "
                               "or the padding it needs, in int32 and overflows (space_to_batch: negative paddings, "
                               "or its block count overflows)",
    # channels and groups
    "channel-mismatch": "the input's channels do not fit the filter's in_channels (equal, or a multiple "
                        "for grouped convolutions)",
    "filter-depth-zero": "the filter's in_channels (a transpose's out_channels) is 0",
    "groups-zero": "the input has 0 channels: 0 groups",
    "groups-output-channels": "the filter's out_channels are not divisible by the number of groups",
    "pointwise-not-1x1": "separable_conv2d's pointwise_filter is not 1x1 spatially",
    "bias-size": "bias_add's bias length differs from value's channel dimension",
    # transposed convolutions
    "output-shape-length": "a transpose's output_shape has the wrong number of values",
    "output-shape-channels": "output_shape's channels differ from the filter's out_channels",
    "output-shape-batch": "output_shape's batch differs from the input's",
    "output-shape-negative": "output_shape has a negative size",
    "output-shape-mismatch": "output_shape's forward convolution does not give the input's spatial size",
    # pooling
    "window-shape-length": "pool's window_shape is not a list of length 1, 2 or 3",
    "pool-same-dilations": "pool with SAME padding and dilations > 1",
    "pool-strides-window": "pool with a stride larger than its window",
    "pooling-type": "pool's pooling_type is not MAX or AVG",
    "argmax-data-format": "max_pool_with_argmax with a data_format other than NHWC",
    "argmax-output-dtype": "max_pool_with_argmax's output_dtype is not int32 or int64",
    "depth-pool-spatial": "max pooling over depth (a channel window > 1) with a spatial window other than 1x1 "
                          "(MaxPooling supports exactly one of pooling across depth or across width/height)",
    "depth-pool-divides-depth": "max pooling over depth: the depth window does not evenly divide the input depth",
    "depth-pool-stride": "max pooling over depth: the depth window differs from the depth stride",
    "depth-pool-explicit-padding": "max pooling over depth with explicit padding",
    # morphology
    "morphology-data-format": "dilation2d or erosion2d with a data_format other than NHWC",
    # gradients
    "no-gradient": "no gradient is defined for the op",
}


class InvalidArgumentError(ValueError):
    """An argument breaks one of tf.nn's rules: `rule` is its id (a key of RULES), the message says
    what broke it."""

    def __init__(self, rule: str, message: str):
        super().__init__(message)
        self.rule = rule

    def __reduce__(self):  # pickles (multiprocessing, xdist) with its rule
        return type(self), (self.rule, str(self))
