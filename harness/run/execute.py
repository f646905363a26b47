"""Running one case: its tensors, the reference's outcome, and the request a TF worker runs.

A case is a program of steps: one op, or the layers of an `op: chain`, each layer fed the previous
layer's first output. With `grad: true` the program also asks for vector-Jacobian products with a
seeded upstream gradient; a chain also reports its receptive field.
"""
from __future__ import annotations

import importlib
import math
import time
import zlib
from dataclasses import dataclass

import numpy as np

from harness.model import Case, Outcome, ReferenceRun
from harness.ops import OPS
from harness.cases.tensors import DTYPES, make_tensor
from harness.run.wire import to_wire


@dataclass(frozen=True)
class Step:
    op: str
    args: dict
    tensors: dict          # argument name -> key in the case's tensors
    feed: str | None       # argument filled by the previous step's first output
    outputs: tuple         # result names, in the op's output order


def steps_of(case: Case) -> list[Step]:
    if case.layers:
        return [Step(layer.op, layer.args, {n: f"{i}:{n}" for n in layer.tensors}, layer.feed,
                     (f"layer{i}",) + tuple(f"layer{i}.{o}" for o in OPS[layer.op].outputs[1:]))
                for i, layer in enumerate(case.layers)]
    return [Step(case.op, case.args, {n: n for n in case.tensors}, None, OPS[case.op].outputs)]


def tensors_of(case: Case) -> dict[str, np.ndarray]:
    return {name: make_tensor(spec) for name, spec in case.tensors.items()}


def _reference():
    return importlib.import_module("reference")


def _call(op: str, kwargs: dict, args: dict) -> list[np.ndarray]:
    if OPS[op].selftest:       # the harness's own crash tests: the reference is the identity
        return [next(iter(kwargs.values())).astype(np.float64)]
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):   # IEEE 754: NaN and inf inputs
        result = getattr(_reference(), op)(**kwargs, **args)
    return [np.asarray(r) for r in (result if isinstance(result, tuple) else (result,))]


def _magnitude(a: np.ndarray) -> np.ndarray:
    """|a| in float64 (the modulus for complex values; widened first so |int8 -128| is 128), with
    non-finite elements as 0: an output they reach is non-finite itself and compared by identity,
    so they must not widen the bound of the finite cells."""
    a = np.asarray(a)
    m = np.abs(a).astype(np.float64) if np.iscomplexobj(a) else np.abs(a.astype(np.float64))
    return np.where(np.isfinite(m), m, 0.0)


def _forward(steps: list[Step], tensors: dict, absolute: bool = False):
    """Every step's outputs; with `absolute`, the same program on |tensors|: the magnitude each
    output element summed, which scales its tolerance (and bounds errors carried along a chain)."""
    prepare = _magnitude if absolute else (lambda a: a)
    outputs, shapes, previous = {}, [], None
    for step in steps:
        kwargs = {n: prepare(tensors[k]) for n, k in step.tensors.items()}
        if step.feed:
            kwargs[step.feed] = previous
        shapes.append({n: list(v.shape) for n, v in kwargs.items()})
        results = _call(step.op, kwargs, step.args)
        outputs.update(zip(step.outputs, results))
        previous = results[0]
    return outputs, shapes


def _terms(steps: list[Step], shapes: list[dict]) -> dict[str, tuple[int | None, int]]:
    """(products summed, intermediate roundings) per output element, accumulated along a chain (an
    error made by one layer travels on through the next, whose input is that layer's result rounded
    to the dtype); None where every step so far is exact."""
    total, roundings, out = 0, 0, {}
    for step, shape in zip(steps, shapes):
        spec = OPS[step.op]
        roundings += bool(total)          # the previous layer's inexact result, stored in the dtype
        total += spec.terms(shape, step.args) if spec.terms else 0
        roundings += spec.roundings
        for name in step.outputs:
            out[name] = (total or None, roundings)
    return out


def upstream_of(case: Case, output: np.ndarray) -> np.ndarray:
    """The seeded output gradient of a `grad: true` case, in the output's dtype."""
    rng = np.random.default_rng(zlib.crc32(f"{case.id}/upstream".encode()))
    return rng.normal(size=output.shape).astype(DTYPES[case.dtype])


def _gradients(case: Case, tensors: dict, upstream: np.ndarray, fwd_terms: int, linear: bool):
    """The reference's vector-Jacobian products, their magnitudes and terms, per float tensor.

    The magnitude of a gradient element is the same product with |upstream| (and, for a linear op,
    |tensors|): what TF's sums add up. Max pooling routes by the real input's maxima, so its
    magnitude keeps the real input (the maxima of |x| are elsewhere)."""
    vjp = importlib.import_module("reference.grad").vjp
    floats = {n: v for n, v in tensors.items() if np.asarray(v).dtype.kind == "f"
              or str(np.asarray(v).dtype) == "bfloat16"}
    grads = vjp(case.op, tensors, case.args, {"output": upstream})
    routing = {n: _magnitude(v) for n, v in tensors.items()} if linear else tensors
    mags = vjp(case.op, routing, case.args, {"output": _magnitude(upstream)})
    scale = {}
    for name in floats:
        g = np.asarray(grads[name])
        # The forward products, spread over this tensor's elements: twice the average bounds the
        # products any one element sums (windows overlap unevenly only at borders and strides).
        n = 2 * math.ceil(upstream.size * fwd_terms / max(1, g.size))
        # the backward pass stores the same intermediate results the forward one does
        scale["grad_" + name] = (np.abs(np.asarray(mags[name])), max(1, n), OPS[case.op].roundings)
    return {"grad_" + n: np.asarray(grads[n]) for n in floats}, scale


def _spatial_axes(ndim: int, data_format) -> list[int]:
    return list(range(2, ndim)) if str(data_format or "").startswith("NC") else list(range(1, ndim - 1))


def rf_axes(case: Case, shapes: dict) -> dict:
    first, last = case.layers[0], case.layers[-1]
    first_rank = len(case.tensors[f"0:{OPS[first.op].tensors[0]}"].shape)
    return {"input_axes": _spatial_axes(first_rank, first.args.get("data_format")),
            "output_axes": _spatial_axes(len(shapes[f"layer{len(case.layers) - 1}"]),
                                         last.args.get("data_format"))}


def _receptive_field(case: Case, steps: list[Step], shapes: list[dict], outputs: dict, axes: dict):
    """Extent, per spatial axis, of the input region the centre output element depends on,
    clipped to the input: the support of its gradient through every layer, with max pooling
    counting its whole window (the analytic definition) and filters of ones."""
    vjp = importlib.import_module("reference.grad").vjp
    last = outputs[steps[-1].outputs[0]]
    mask = np.zeros(last.shape)
    mask[tuple(last.shape[a] // 2 if a in axes["output_axes"] else 0 for a in range(last.ndim))] = 1
    for step, shape in zip(reversed(steps), reversed(shapes)):
        op, args = step.op, dict(step.args)
        spec = OPS[op]
        if spec.max_window(args) and spec.spread:      # count max pooling's whole window
            op, args = spec.spread(args)
        source = step.feed or OPS[step.op].tensors[0]
        ones = {n: np.ones(s) for n, s in shape.items()}
        mask = (np.asarray(vjp(op, ones, args, {"output": mask})[source]) != 0).astype(np.float64)
    extents = []
    for axis in axes["input_axes"]:
        hit = np.nonzero(mask.any(axis=tuple(a for a in range(mask.ndim) if a != axis)))[0]
        extents.append(int(hit.max() - hit.min() + 1) if hit.size else 0)
    return np.asarray(extents, dtype=np.int64)


def reference_outcome(case: Case, tensors: dict) -> ReferenceRun:
    """The reference's outputs (plus gradients and receptive field), per output the (magnitude,
    terms, roundings) its tolerance derives from, and the upstream gradient."""
    start = time.perf_counter()
    ref = _reference()
    steps = steps_of(case)
    try:
        outputs, shapes = _forward(steps, tensors)
        terms = _terms(steps, shapes)
        mags = _forward(steps, tensors, absolute=True)[0] if any(t for t, _ in terms.values()) else {}
        scale = {name: (mags.get(name), *terms[name]) for name in outputs}
        upstream = None
        if case.grad:
            upstream = upstream_of(case, outputs["output"])
            fwd = OPS[case.op].terms(shapes[0], case.args) if OPS[case.op].terms else 0
            window = math.prod(np.atleast_1d(case.args.get("ksize", case.args.get("window_shape", 1))))
            grads, grad_scale = _gradients(case, tensors, upstream, fwd or window, linear=bool(fwd))
            outputs.update(grads)
            scale.update(grad_scale)
        if case.layers:
            axes = rf_axes(case, {k: list(v.shape) for k, v in outputs.items()})
            outputs["receptive_field"] = _receptive_field(case, steps, shapes, outputs, axes)
            scale["receptive_field"] = (None, None)
    except ref.InvalidArgumentError as exc:
        return ReferenceRun(tensors, Outcome("error", error_type="InvalidArgumentError", error_message=str(exc),
                                             rule=getattr(exc, "rule", None), seconds=time.perf_counter() - start))
    return ReferenceRun(tensors, Outcome("value", outputs=outputs, seconds=time.perf_counter() - start), scale,
                        upstream)


def _max_pooling(step: Step) -> bool:
    """Max pooling's gradient reaches one element per window: no receptive field to measure."""
    return OPS[step.op].max_window(step.args)


def tf_request(case: Case, tensors: dict, mode: str, ref: Outcome | None = None,
               upstream: np.ndarray | None = None) -> tuple[dict, dict]:
    steps = steps_of(case)
    arrays, dtypes = {}, {}
    for i, step in enumerate(steps):
        for name, key in step.tensors.items():
            arrays[f"{i}:{name}"], dtypes[f"{i}:{name}"] = to_wire(tensors[key])
    header = {"mode": mode, "dtypes": dtypes,
              "steps": [{"op": s.op, "tf": OPS[s.op].tf, "args": s.args, "names": list(s.tensors), "feed": s.feed,
                         "outputs": list(s.outputs)} for s in steps]}
    if upstream is not None:
        arrays["upstream:output"], dtypes["upstream:output"] = to_wire(upstream)
        header["grad"] = [f"0:{n}" for n, k in steps[0].tensors.items()
                          if f"grad_{n}" in (ref.outputs if ref else {})]
    if case.layers and ref is not None and ref.kind == "value" and not any(_max_pooling(s) for s in steps):
        header["receptive_field"] = rf_axes(case, {k: list(v.shape) for k, v in ref.outputs.items()})
    return header, arrays
