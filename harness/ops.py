"""The op registry: for each supported tf.nn op, which arguments are tensors, which are plain
values, what it returns, and how to bound its rounding error.

The reference function is `reference.<name>` and the TensorFlow one `tf.nn.<name>`; both are looked
up lazily by name so that listing cases imports neither TensorFlow nor the reference kernels.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from math import prod
from typing import Callable


@dataclass(frozen=True)
class OpSpec:
    name: str
    tensors: tuple[str, ...]             # tensor arguments, in tf.nn's positional order
    args: tuple[str, ...]                # other keyword arguments tf.nn accepts
    required: tuple[str, ...]            # arguments a case must give
    outputs: tuple[str, ...] = ("output",)
    # Products summed into one output element, from the tensor shapes and args (None: exact op).
    terms: Callable[[dict, dict], int] | None = None
    selftest: bool = False               # a deliberate crash/hang for the harness's own tests


def _filter_terms(name: str, out_axis: int = -1) -> Callable[[dict, dict], int]:
    """Products per output element of a convolution: the filter's size over its output channels."""
    def terms(shapes: dict, args: dict) -> int:
        shape = shapes[name]
        return max(1, prod(shape) // max(1, shape[out_axis])) if shape else 1
    return terms


def _window_terms(shapes: dict, args: dict) -> int:
    k = args.get("ksize", 1)
    return max(1, prod(k) if isinstance(k, (list, tuple)) else k ** max(1, len(shapes["input"]) - 2))


_CONV = ("strides", "padding", "data_format", "dilations")
_POOL = ("ksize", "strides", "padding", "data_format")

OPS: dict[str, OpSpec] = {op.name: op for op in (
    OpSpec("conv2d", ("input", "filters"), _CONV, ("input", "filters", "strides", "padding"),
           terms=_filter_terms("filters")),
    OpSpec("atrous_conv2d", ("value", "filters"), ("rate", "padding"),
           ("value", "filters", "rate", "padding"), terms=_filter_terms("filters")),
    # conv2d_transpose filters are [h, w, out_channels, in_channels]: sum over h, w, in_channels.
    OpSpec("conv2d_transpose", ("input", "filters"), ("output_shape",) + _CONV,
           ("input", "filters", "output_shape", "strides"), terms=_filter_terms("filters", -2)),
    OpSpec("depthwise_conv2d", ("input", "filter"), _CONV, ("input", "filter", "strides", "padding"),
           terms=lambda shapes, args: max(1, prod(shapes["filter"][:2]))),
    OpSpec("max_pool2d", ("input",), _POOL, ("input", "ksize", "strides", "padding")),
    OpSpec("max_pool", ("input",), _POOL, ("input", "ksize", "strides", "padding")),
    OpSpec("avg_pool2d", ("input",), _POOL, ("input", "ksize", "strides", "padding"),
           terms=_window_terms),
    OpSpec("avg_pool", ("input",), _POOL, ("input", "ksize", "strides", "padding"),
           terms=_window_terms),
    OpSpec("max_pool_with_argmax", ("input",), _POOL + ("output_dtype", "include_batch_in_index"),
           ("input", "ksize", "strides", "padding"), outputs=("output", "argmax")),
    OpSpec("bias_add", ("value", "bias"), ("data_format",), ("value", "bias"),
           terms=lambda shapes, args: 1),
)}

# Ops that crash, abort, hang or exit the TF worker on purpose, so the harness's tests can show that
# such a case is reported and the run goes on. Only registered when the tests ask for them.
if os.environ.get("TFCONFORM_SELFTEST") == "1":
    for _name in ("_selftest_crash", "_selftest_abort", "_selftest_hang", "_selftest_exit"):
        OPS[_name] = OpSpec(_name, ("input",), (), ("input",), selftest=True)
