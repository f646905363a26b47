"""Gradients of the reference ops, derived analytically from the same two primitives.

vjp(op, tensors, args, upstream) gives, for every tensor argument t of the op, d/dt of
sum(upstream[name] * output[name]): the vector-Jacobian product that tf.GradientTape computes with
output_gradients=upstream. All in float64 (TF has no gradients for integer tensors).

- convolution: the input gradient is a transposed convolution of the upstream gradient (input
  dilation = strides, the kernel flipped with its channel axes swapped per group); the filter
  gradient is a convolution of the input with the upstream gradient as the kernel (rhs_dilation =
  strides, stride = dilations), the batch contracted like a channel. Transposed convolutions are
  convolutions with input dilation, so the same two formulas cover them; depthwise and grouped
  convolutions are grouped conv_general calls; separable_conv2d chains its two convolutions.
- max pooling: each window's upstream gradient goes to its argmax, the first maximum in row-major
  window order, as TF's CPU MaxPoolGrad and MaxPoolGradWithArgmax do (XLA does not always, with SAME
  padding: a known deviation in cases/ops/pool.yaml); padding never.
- avg pooling: each window's upstream gradient spreads evenly over its real elements (a transposed
  depthwise convolution with a ones kernel of (upstream / count)).
- bias_add: value gets the upstream gradient, bias its sum over every axis but the channel axis.
- dilation2d: each output's upstream gradient goes to its argmax tap, input and filter alike: the first
  in row-major window order (strict >, as TF's Dilation2DBackpropInput/Filter loops; their comment says
  "last", the code takes the first), padding never. erosion2d through its duality: the same input
  positions, the filter's mirrored tap, negated. (TF: a window whose every value fails `> lowest` (all
  NaN or -inf, or all padding) sends its gradient to the clipped window start and filter tap (0, 0); the
  reference sends it to the first NaN / -inf, and drops it for all padding.)
- extract_patches: each patch element's upstream gradient is added back to the input element it copied.
"""
import math

import numpy as np

from . import conv, morphology, nn, plans
from .conv import conv_general
from .errors import InvalidArgumentError
from .plans import ChainPlan, ConvPlan, PoolPlan
from .window import tap_slices, window_reduce


def conv_input_grad(dy, w, in_spatial, strides, padding, lhs_dilation=None, rhs_dilation=None, groups=1):
    """d/dx of sum(dy * conv_general(x, w, strides, padding, lhs_dilation, rhs_dilation, groups)),
    x of spatial size in_spatial: tap k of output o reads dilated position o*s + k*rd - lo, so
    dx[i] = sum over o*s + k*rd - lo == i*ld of dy[o] w[k]: a convolution of dy dilated by s, kernel
    flipped, padded keff - 1 - lo, stride ld."""
    n = dy.ndim - 2
    ld, rd = lhs_dilation or (1,) * n, rhs_dilation or (1,) * n
    kernel, cg, og = w.shape[:n], w.shape[n], w.shape[n + 1] // groups
    if dy.size == 0 or w.size == 0:
        return np.zeros((dy.shape[0], *in_spatial, groups * cg))
    # wt[k, j, g*Cg + c] = w[K-1-k, c, g*Og + j]: per group, the (Cg -> Og) block transposed
    wt = w[(slice(None, None, -1),) * n].reshape(*kernel, cg, groups, og)
    wt = wt.transpose(*range(n), n + 2, n + 1, n).reshape(*kernel, og, groups * cg)
    pads = []
    for size, l, (lo, _), k, d, s, out in zip(in_spatial, ld, padding, kernel, rd, strides, dy.shape[1:-1]):
        keff, span = (k - 1) * d + 1, (out - 1) * s + 1
        pads.append((keff - 1 - lo, (size - 1) * l + lo + 1 - span))  # hi: exactly `size` outputs
    return conv_general(dy, wt, ld, pads, strides, rd, groups)


def conv_filter_grad(x, dy, kernel, strides, padding, lhs_dilation=None, rhs_dilation=None, groups=1):
    """d/dw of the same sum: dw[k, c, g*Og + j] = sum over b, o of xp[b, o*s + k*rd, g*Cg + c] dy[b, o, g*Og + j],
    a convolution over the input's positions with dy as the kernel (dilation s, stride rd), channels
    Cg as its batch and (group, image) as its contracted channels; summed over chunks of images."""
    n = x.ndim - 2
    ld, rd = lhs_dilation or (1,) * n, rhs_dilation or (1,) * n
    cg = x.shape[-1] // groups
    dw = np.zeros((*kernel, cg, dy.shape[-1]))
    if dy.size == 0 or x.size == 0:
        return dw
    pads = []
    for size, l, (lo, _), k, d, s, out in zip(x.shape[1:-1], ld, padding, kernel, rd, strides, dy.shape[1:-1]):
        span = (out - 1) * s + 1
        pads.append((lo, (k - 1) * d + span - (size - 1) * l - 1 - lo))  # hi: exactly k outputs
    per_image = 8 * math.prod(dy.shape[1:-1]) * groups * math.prod(kernel[1:])  # patch bytes per output row
    step = max(1, conv.CHUNK_BYTES // per_image)
    for b in range(0, x.shape[0], step):
        xb, dyb = x[b:b + step], dy[b:b + step]
        nb, spatial = len(xb), xb.shape[1:-1]
        xt = xb.reshape(nb, *spatial, groups, cg).transpose(n + 2, *range(1, n + 1), n + 1, 0)
        dw += np.moveaxis(conv_general(xt.reshape(cg, *spatial, groups * nb), np.moveaxis(dyb, 0, n),
                                       rd, pads, ld, strides, groups), 0, n)
    return dw


def _conv_vjp(plan, dy):
    dy = plan.layout.to_last(np.asarray(dy, np.float64))
    x, w = plan.x.astype(np.float64), plan.w.astype(np.float64)
    n = x.ndim - 2
    if plan.out_spatial is not None and 0 in x.shape[1:-1]:  # an empty input: the output is zeros
        dx, dw = np.zeros(x.shape), np.zeros(w.shape)
    else:
        dx = conv_input_grad(dy, w, x.shape[1:-1], plan.strides, plan.padding, plan.lhs_dilation, plan.rhs_dilation, plan.groups)
        dw = conv_filter_grad(x, dy, w.shape[:n], plan.strides, plan.padding, plan.lhs_dilation, plan.rhs_dilation, plan.groups)
    return {plan.names[0]: plan.layout.back(dx, plan.layout.shape), plan.names[1]: (plan.filter_back or np.asarray)(dw)}


def _pool_vjp(plan, dy):
    dy = plan.layout.to_last(np.asarray(dy, np.float64))
    x = plan.x
    if plan.kind == "avg":
        channels, ones = x.shape[-1], np.ones(plan.window + (1, 1))
        count = conv_general(np.ones((1, *x.shape[1:-1], 1)), ones, plan.strides, plan.padding, None, plan.dilations)
        dx = conv_input_grad(dy / count, np.ones(plan.window + (1, channels)), x.shape[1:-1], plan.strides,
                             plan.padding, None, plan.dilations, channels)
    else:
        _, index = window_reduce(x, plan.window, plan.strides, plan.padding, "argmax", True, plan.dilations)
        dx = np.bincount(index.ravel(), weights=dy.ravel(), minlength=x.size).reshape(x.shape)
    return {"input": plan.layout.back(dx, plan.layout.shape)}


def _morph_vjp(plan, dy):
    """Scatter dy to the argmax tap's input element and filter tap (erosion: -dilation2d(-v, mirrored f))."""
    dy = np.asarray(dy, np.float64)
    _, tap = plan.argmax()
    x, f = plan.x, plan.f
    dx, df = np.zeros(x.shape), np.zeros(f.shape)
    for t, k in enumerate(np.ndindex(*f.shape[:-1])):
        where = tap_slices(x.shape[1:-1], dy.shape[1:-1], plan.strides,
                           [kk * d - lo for kk, d, (lo, _) in zip(k, plan.dilations, plan.padding)])
        if where is not None and dy.size:
            g = np.where(tap[where[0]] == t, dy[where[0]], 0.0)
            dx[where[1]] += g  # strided input slices of one tap never overlap
            df[k] += g.sum(axis=(0, 1, 2))
    if plan.erosion:
        df = -df[::-1, ::-1]
    return {plan.names[0]: dx, plan.names[1]: df}


def _patch_vjp(plan, dy):
    x = plan.x
    dy = np.asarray(dy).reshape(dy.shape[:3] + plan.sizes + (x.shape[-1],))
    dx = np.zeros(x.shape, np.complex128 if np.iscomplexobj(x) or np.iscomplexobj(dy) else np.float64)
    for k in np.ndindex(*plan.sizes):
        where = tap_slices(x.shape[1:-1], dy.shape[1:3], plan.strides,
                           [kk * r - lo for kk, r, (lo, _) in zip(k, plan.rates, plan.padding)])
        if where is not None and dy.size:
            dx[where[1]] += dy[where[0] + k]
    return {"images": dx}




def vjp(op, tensors, args, upstream):
    """{tensor argument name: gradient} for reference.<op>(**tensors, **args), given upstream
    {output name: gradient of the same shape as that output} ("output"; max_pool_with_argmax's
    "argmax" is an integer output without gradient and is ignored)."""
    dy = upstream["output"]
    if op == "bias_add":
        value, bias = np.asarray(tensors["value"]), np.asarray(tensors["bias"])
        axis = nn.bias_axis(value, bias, args.get("data_format"))
        dy = np.asarray(dy, np.float64)
        return {"value": dy, "bias": dy.sum(axis=tuple(i for i in range(dy.ndim) if i != axis))}
    planned = {name: fn for name, fn in plans.OPS.items() if hasattr(fn, "plan")}    # every registered op
    if op not in planned:
        raise InvalidArgumentError("no-gradient", f"no gradient for {op!r} (known: bias_add, {', '.join(sorted(planned))})")
    plan = planned[op].plan(**tensors, **args)
    if isinstance(plan, ChainPlan):  # separable_conv2d: back through the pointwise, then the depthwise part
        second = plan.second(plan.hidden())     # TF differentiates through the stored tensor
        outer = _conv_vjp(second, dy)
        inner = _conv_vjp(plan.first, outer.pop(second.names[0]))
        return {**inner, **outer}
    if isinstance(plan, ConvPlan):
        return _conv_vjp(plan, dy)
    if isinstance(plan, morphology.MorphPlan):
        return _morph_vjp(plan, dy)
    if isinstance(plan, morphology.PatchPlan):
        return _patch_vjp(plan, dy)
    assert isinstance(plan, PoolPlan)
    return _pool_vjp(plan, dy)
