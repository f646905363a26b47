"""The op registry: for each supported tf.nn op, which arguments are tensors, which are plain
values, what it returns, and how to bound its rounding error.

The reference function is `reference.<name>` and the TensorFlow one `tf.nn.<name>`; both are looked
up lazily by name so that listing cases imports neither TensorFlow nor the reference kernels.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from math import prod


@dataclass(frozen=True)
class OpSpec:
    name: str
    tensors: tuple[str, ...]             # tensor arguments, in tf.nn's positional order
    args: tuple[str, ...]                # other keyword arguments tf.nn accepts (all but `name`)
    required: tuple[str, ...]            # arguments a case must give
    outputs: tuple[str, ...] = ("output",)
    # Products summed into one output element, from the tensor shapes and args (None, or 0 for
    # one case: exact op).
    terms: Callable[[dict, dict], int] | None = None
    selftest: bool = False               # a deliberate crash/hang for the harness's own tests
    # TF registers a gradient (float dtypes only; tf.GradientTape gives none for integers), which
    # reference.grad.vjp computes for every tensor argument. Only the first output carries one
    # (max_pool_with_argmax's argmax is an integer output).
    grad: bool = True
    # Intermediate results the kernel stores in the output dtype (rounded once more each).
    roundings: int = 0


def _filter_terms(name: str, out_axis: int = -1) -> Callable[[dict, dict], int]:
    """Products per output element of a convolution: the filter's size over its output channels
    (for a grouped convolution the filter holds in_channels / groups: still right)."""
    def terms(shapes: dict, args: dict) -> int:
        shape = shapes[name]
        return max(1, prod(shape) // max(1, shape[out_axis])) if shape else 1
    return terms


def _window_terms(shapes: dict, args: dict) -> int:
    k = args.get("ksize", 1)
    return max(1, prod(k) if isinstance(k, (list, tuple)) else k ** max(1, len(shapes["input"]) - 2))


def _pool_terms(shapes: dict, args: dict) -> int:
    """tf.nn.pool: AVG sums the window; MAX is exact (0)."""
    return 0 if args.get("pooling_type") == "MAX" else max(1, prod(args.get("window_shape") or [1]))


def _separable_terms(shapes: dict, args: dict) -> int:
    """Depthwise taps (kh * kw) summed, then in_channels * multiplier pointwise products summed:
    the errors add up to first order, so kh * kw + C * m bounds them as gamma_(terms) times the
    magnitude sum |x| |dw| |pw|; the depthwise result stored in the dtype between the two stages
    is the op's one intermediate rounding (OpSpec.roundings)."""
    dw, pw = shapes["depthwise_filter"], shapes["pointwise_filter"]
    return prod(dw[:2]) + pw[2] if dw and pw else 1


CHAIN = OpSpec("chain", (), (), ())     # `op: chain`: its arguments live in its layers

_CONV = ("strides", "padding", "data_format", "dilations")
_CONV1D = ("stride", "padding", "data_format", "dilations")
_TRANSPOSE = ("output_shape",) + _CONV
_POOL = ("ksize", "strides", "padding", "data_format")
_POOL_REQUIRED = ("input", "ksize", "strides", "padding")

OPS: dict[str, OpSpec] = {op.name: op for op in (
    OpSpec("conv1d", ("input", "filters"), _CONV1D, ("input", "filters", "stride", "padding"),
           terms=_filter_terms("filters")),
    OpSpec("conv2d", ("input", "filters"), _CONV, ("input", "filters", "strides", "padding"),
           terms=_filter_terms("filters")),
    OpSpec("conv3d", ("input", "filters"), _CONV, ("input", "filters", "strides", "padding"),
           terms=_filter_terms("filters")),
    OpSpec("convolution", ("input", "filters"), _CONV, ("input", "filters"),
           terms=_filter_terms("filters")),
    OpSpec("atrous_conv2d", ("value", "filters"), ("rate", "padding"),
           ("value", "filters", "rate", "padding"), terms=_filter_terms("filters")),
    OpSpec("depthwise_conv2d", ("input", "filter"), _CONV, ("input", "filter", "strides", "padding"),
           terms=lambda shapes, args: max(1, prod(shapes["filter"][:2]))),
    OpSpec("separable_conv2d", ("input", "depthwise_filter", "pointwise_filter"), _CONV,
           ("input", "depthwise_filter", "pointwise_filter", "strides", "padding"), terms=_separable_terms,
           roundings=1),
    # Transposed convolutions' filters are [*k, out_channels, in_channels]: sum over *k, in_channels.
    OpSpec("conv1d_transpose", ("input", "filters"), _TRANSPOSE, ("input", "filters", "output_shape", "strides"),
           terms=_filter_terms("filters", -2)),
    OpSpec("conv2d_transpose", ("input", "filters"), _TRANSPOSE, ("input", "filters", "output_shape", "strides"),
           terms=_filter_terms("filters", -2)),
    OpSpec("conv3d_transpose", ("input", "filters"), _TRANSPOSE, ("input", "filters", "output_shape", "strides"),
           terms=_filter_terms("filters", -2)),
    OpSpec("conv_transpose", ("input", "filters"), _TRANSPOSE, ("input", "filters", "output_shape", "strides"),
           terms=_filter_terms("filters", -2)),
    OpSpec("atrous_conv2d_transpose", ("value", "filters"), ("output_shape", "rate", "padding"),
           ("value", "filters", "output_shape", "rate", "padding"), terms=_filter_terms("filters", -2)),
    OpSpec("max_pool", ("input",), _POOL, _POOL_REQUIRED),
    OpSpec("max_pool1d", ("input",), _POOL, _POOL_REQUIRED),
    OpSpec("max_pool2d", ("input",), _POOL, _POOL_REQUIRED),
    OpSpec("max_pool3d", ("input",), _POOL, _POOL_REQUIRED),
    OpSpec("avg_pool", ("input",), _POOL, _POOL_REQUIRED, terms=_window_terms),
    OpSpec("avg_pool1d", ("input",), _POOL, _POOL_REQUIRED, terms=_window_terms),
    OpSpec("avg_pool2d", ("input",), _POOL, _POOL_REQUIRED, terms=_window_terms),
    OpSpec("avg_pool3d", ("input",), _POOL, _POOL_REQUIRED, terms=_window_terms),
    OpSpec("pool", ("input",), ("window_shape", "pooling_type", "strides", "padding", "data_format", "dilations"),
           ("input", "window_shape", "pooling_type"), terms=_pool_terms),
    OpSpec("max_pool_with_argmax", ("input",), _POOL + ("output_dtype", "include_batch_in_index"),
           _POOL_REQUIRED, outputs=("output", "argmax")),
    OpSpec("bias_add", ("value", "bias"), ("data_format",), ("value", "bias"),
           terms=lambda shapes, args: 1),
)}

# Ops that crash, abort, hang or exit the TF worker on purpose, so the harness's tests can show that
# such a case is reported and the run goes on. Only registered when the tests ask for them.
if os.environ.get("TFCONFORM_SELFTEST") == "1":
    for _name in ("_selftest_crash", "_selftest_abort", "_selftest_hang", "_selftest_exit"):
        OPS[_name] = OpSpec(_name, ("input",), (), ("input",), selftest=True, grad=False)
