"""A checked tf.nn call as a call of one primitive on channels-last operands, and the way back.

Each op in nn.py, transpose.py and pooling.py builds a plan (checking its arguments) and runs it;
grad.py takes the same plan to derive the op's gradients from the same primitives.
"""
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .conv import conv_general
from .window import window_reduce


# Every tf.nn-named op of the reference, by name: reference/__init__.py exports them all, so adding
# an op is writing its function (decorated) in a module of reference/.
OPS: dict = {}


def exported(fn):
    """A reference op computed directly (no plan)."""
    OPS[fn.__name__] = fn
    return fn


def planned(build):
    """The op from its plan builder: op(...) builds and runs the plan, op.plan(...) only builds it."""
    @functools.wraps(build)
    def op(*args, **kwargs):
        return build(*args, **kwargs).run()
    op.plan = build
    OPS[build.__name__] = op
    return op


@dataclass
class Layout:
    """Between the op's layout (NCHW or NHWC, maybe extra leading batch dimensions) and (N, *spatial, C)."""
    shape: tuple            # the op's input shape
    channels_first: bool
    n: int                  # spatial dimensions

    def to_last(self, a):
        a = np.asarray(a)
        lead = len(self.shape) - self.n - 1
        a = a.reshape((math.prod(a.shape[:lead]),) + a.shape[lead:])  # merge leading batch dimensions
        return np.moveaxis(a, 1, -1) if self.channels_first else a

    def back(self, a, shape=None):
        a = np.moveaxis(a, -1, 1) if self.channels_first else a
        return a.reshape(shape or self.shape[:len(self.shape) - self.n - 1] + a.shape[1:])


@dataclass
class ConvPlan:
    names: tuple              # the op's tensor arguments: (input, filter)
    layout: Layout
    x: np.ndarray             # (N, *spatial, C): the op's input, channels last
    w: np.ndarray             # (*kernel, Cg, O), as conv_general takes it
    strides: tuple
    padding: list             # (lo, hi) per spatial dimension
    lhs_dilation: tuple | None
    rhs_dilation: tuple
    groups: int
    dtype: np.dtype           # the op's output dtype
    filter_back: Callable | None = None  # conv_general's filter layout -> the op's (None: the same)
    out_spatial: tuple | None = None     # a transpose's output size: zeros when its input is empty

    def run(self):
        if self.out_spatial is not None and 0 in self.x.shape[1:-1]:  # nothing flows back
            y = np.zeros((self.x.shape[0], *self.out_spatial, self.w.shape[-1]))
        else:
            y = conv_general(self.x, self.w, self.strides, self.padding, self.lhs_dilation, self.rhs_dilation, self.groups)
        return self.layout.back(y).astype(self.dtype, copy=False)


@dataclass
class PoolPlan:
    layout: Layout
    x: np.ndarray             # (N, *spatial, C)
    window: tuple
    strides: tuple
    padding: list
    kind: str                 # max, avg or argmax
    dilations: tuple | None = None
    include_batch_in_index: bool = False
    index_dtype: str = "int64"
    names: tuple = ("input",)

    def run(self):
        y = window_reduce(self.x, self.window, self.strides, self.padding, self.kind, self.include_batch_in_index,
                          self.dilations)
        if self.kind == "argmax":  # NHWC only (pooling over depth: a layout of one more axis)
            return self.layout.back(y[0]), self.layout.back(y[1]).astype(self.index_dtype)
        return self.layout.back(y)


@dataclass
class ChainPlan:
    """separable_conv2d: a depthwise convolution, then a pointwise one built on its output. tf.nn
    composes two ops, so the depthwise result is a tensor of the input's dtype: `store` rounds it
    once to that dtype (float16, bfloat16, float32) before the pointwise sum."""
    first: ConvPlan
    second: Callable          # the first's output -> the second ConvPlan
    names: tuple
    store: np.dtype | None = None

    def hidden(self):
        h = self.first.run()
        return h if self.store is None else h.astype(self.store).astype(h.dtype)

    def run(self):
        return self.second(self.hidden()).run()
