"""From-scratch numpy reference for TensorFlow's convolution ops: the specification the harness checks.

Never imports TensorFlow. Computes in float64 (int64 for integers) on exactly the values given;
float results are float64, integer results keep the dtype TF gives them (wrapping as TF's integer
kernels do), argmax indices are int64 or int32. Also grayscale morphology (dilation2d, erosion2d) and
tf.image.extract_patches. Invalid arguments raise InvalidArgumentError (a
ValueError) whose `rule` names the broken rule (reference.errors.RULES). reference.grad.vjp gives
every op's gradients.
"""
import importlib
import pkgutil

from . import grad
from .conv import conv_general
from .errors import InvalidArgumentError
from .padding import window_geometry
from .plans import OPS
from .window import window_reduce

for _module in pkgutil.iter_modules(__path__):      # every module's ops register themselves (plans.OPS)
    importlib.import_module(f"{__name__}.{_module.name}")
globals().update(OPS)

__all__ = ["InvalidArgumentError", "conv_general", "window_reduce", "window_geometry", "grad", *sorted(OPS)]
