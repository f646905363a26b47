"""From-scratch numpy reference for TensorFlow's convolution ops: the specification the harness checks.

Never imports TensorFlow. Computes in float64 (int64 for integers) on exactly the values given;
float results are float64, integer results keep the dtype TF gives them (wrapping as TF's integer
kernels do), argmax indices are int64 or int32. Also grayscale morphology (dilation2d, erosion2d) and
tf.image.extract_patches. Invalid arguments raise InvalidArgumentError (a
ValueError) whose `rule` names the broken rule (reference.errors.RULES). reference.grad.vjp gives
every op's gradients.
"""
from . import grad
from .conv import conv_general
from .errors import InvalidArgumentError
from .morphology import dilation2d, erosion2d, extract_patches
from .nn import atrous_conv2d, bias_add, conv1d, conv2d, conv3d, convolution, depthwise_conv2d, separable_conv2d
from .padding import window_geometry
from .pooling import (avg_pool, avg_pool1d, avg_pool2d, avg_pool3d, max_pool, max_pool1d, max_pool2d, max_pool3d,
                      max_pool_with_argmax, pool)
from .transpose import atrous_conv2d_transpose, conv1d_transpose, conv2d_transpose, conv3d_transpose, conv_transpose
from .window import window_reduce

__all__ = [
    "InvalidArgumentError", "conv_general", "window_reduce", "window_geometry", "grad",
    "conv1d", "conv2d", "conv3d", "convolution", "atrous_conv2d", "depthwise_conv2d", "separable_conv2d",
    "conv1d_transpose", "conv2d_transpose", "conv3d_transpose", "conv_transpose", "atrous_conv2d_transpose",
    "max_pool", "max_pool1d", "max_pool2d", "max_pool3d", "avg_pool", "avg_pool1d", "avg_pool2d", "avg_pool3d",
    "pool", "max_pool_with_argmax", "bias_add", "dilation2d", "erosion2d", "extract_patches",
]
