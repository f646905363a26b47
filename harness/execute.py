"""Running one case: its tensors, the reference's outcome, and the request a TF worker runs."""
from __future__ import annotations

import importlib
import time

import numpy as np

from harness.model import Case, Outcome
from harness.ops import OPS
from harness.tensors import make_tensor
from harness.wire import to_wire

def tensors_of(case: Case) -> dict[str, np.ndarray]:
    return {name: make_tensor(spec) for name, spec in case.tensors.items()}


def _reference():
    return importlib.import_module("reference")


def _call_reference(op: str, tensors: dict, args: dict) -> dict[str, np.ndarray]:
    spec = OPS[op]
    if spec.selftest:       # the harness's own crash tests: the reference is the identity
        return {"output": next(iter(tensors.values())).astype(np.float64)}
    result = getattr(_reference(), op)(**tensors, **args)
    results = result if isinstance(result, tuple) else (result,)
    return dict(zip(spec.outputs, (np.asarray(r) for r in results)))


def reference_outcome(case: Case, tensors: dict) -> tuple[Outcome, dict | None]:
    """The reference's outcome and, for ops with rounding error, the magnitude of what each
    output element summed (the same op on |tensors|), which scales the tolerance."""
    start = time.perf_counter()
    ref = _reference()
    try:
        outputs = _call_reference(case.op, tensors, case.args)
    except ref.InvalidArgumentError as exc:
        return Outcome("error", error_type="InvalidArgumentError", error_message=str(exc),
                       seconds=time.perf_counter() - start), None
    magnitude = None
    if OPS[case.op].terms is not None:
        magnitude = _call_reference(case.op, {k: np.abs(v.astype(np.float64))
                                              for k, v in tensors.items()}, case.args)
    return Outcome("value", outputs=outputs, seconds=time.perf_counter() - start), magnitude


def tf_request(case: Case, tensors: dict, mode: str) -> tuple[dict, dict]:
    arrays, dtypes = {}, {}
    for name, value in tensors.items():
        arrays[name], dtypes[name] = to_wire(value)
    header = {"op": case.op, "mode": mode, "args": case.args, "names": list(tensors),
              "dtypes": dtypes, "outputs": list(OPS[case.op].outputs)}
    return header, arrays
