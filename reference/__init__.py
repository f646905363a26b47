"""From-scratch numpy reference for TensorFlow's convolution ops: the specification the harness checks.

Never imports TensorFlow. Computes in float64 on exactly the values given; float results are float64,
argmax indices int64. Invalid arguments raise InvalidArgumentError (a ValueError) naming the rule.
"""
from .conv import conv_general
from .errors import InvalidArgumentError
from .nn import (atrous_conv2d, avg_pool, avg_pool1d, avg_pool2d, avg_pool3d, bias_add, conv1d, conv2d,
                 conv2d_transpose, conv3d, convolution, depthwise_conv2d, max_pool, max_pool1d, max_pool2d,
                 max_pool3d, max_pool_with_argmax)
from .padding import window_geometry
from .pool import window_reduce

__all__ = [
    "InvalidArgumentError", "conv_general", "window_reduce", "window_geometry",
    "conv1d", "conv2d", "conv3d", "convolution", "atrous_conv2d", "depthwise_conv2d", "conv2d_transpose",
    "max_pool", "max_pool1d", "max_pool2d", "max_pool3d", "avg_pool", "avg_pool1d", "avg_pool2d", "avg_pool3d",
    "max_pool_with_argmax", "bias_add",
]
