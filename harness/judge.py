"""Verdicts: what the reference, TensorFlow and the case's `expect` and `known` say together.

One target at a time. The reference is the oracle; `expect` is checked against the reference
(a disagreement means the case, or the blog it copies, is wrong: kind `expect`) and, for expected
errors, against TensorFlow directly; `known` turns a matching failure into xfail and a pass into
xpass, so a fixed TensorFlow bug is noticed.
"""
from __future__ import annotations

import re

import numpy as np

from harness import compare
from harness.model import Case, Known, Outcome, Verdict, is_target_pattern, target_matches
from harness.ops import OPS

# Errors TensorFlow raises to tell the user the call is invalid; anything else (InternalError,
# AbortedError, UnknownError, ...) is TensorFlow failing, not refusing.
TF_USER_ERRORS = {"InvalidArgumentError", "ValueError", "TypeError", "UnimplementedError",
                  "OutOfRangeError", "FailedPreconditionError", "NotFoundError"}


def resolve_expect(case: Case, target: str) -> tuple[dict | None, bool]:
    """The expectation for this target, and whether it was keyed by target."""
    expect = case.expect
    if not expect:
        return None, False
    if all(not is_target_pattern(k) for k in expect):
        return expect, False
    for pattern, value in expect.items():
        if is_target_pattern(pattern) and target_matches(pattern, target):
            return value, True
    return None, True


def _per_output(op: str, exp: dict) -> dict[str, dict]:
    """{output name: {shape, values}}; top-level shape/values describe the first output."""
    outputs = OPS[op].outputs
    found = {name: exp[name] for name in outputs if isinstance(exp.get(name), dict)}
    plain = {k: exp[k] for k in ("shape", "values") if k in exp}
    if plain:
        found.setdefault(outputs[0], {}).update(plain)
    return found


def _shape(outcome: Outcome) -> str:
    if outcome.kind == "value":
        shapes = [list(v.shape) for v in outcome.outputs.values()]
        return str(shapes[0] if len(shapes) == 1 else shapes)
    if outcome.kind == "error":
        return f"{outcome.error_type}: {_first_line(outcome.error_message)}"
    return f"{outcome.kind} ({outcome.signal or outcome.error_message})"


def _first_line(text: str | None, limit: int = 300) -> str:
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= limit else line[:limit] + "..."


def _check_reference(case: Case, ref: Outcome, scale, exp: dict) -> str | None:
    """Why the reference contradicts the case's own expectation, if it does."""
    wanted = _per_output(case.op, exp) if not case.layers else {}
    if not wanted and not ({"shapes", "receptive_field"} & exp.keys()):
        return None
    if ref.kind != "value":
        return f"the case expects a result but the reference raises {_shape(ref)}"
    if "shapes" in exp:
        walk = [list(ref.outputs[f"layer{i}"].shape) for i in range(len(case.layers))]
        if walk != [list(s) for s in exp["shapes"]]:
            return f"the case expects the shape walk {exp['shapes']}, the reference gives {walk}"
    if "receptive_field" in exp:
        got = [int(v) for v in ref.outputs["receptive_field"]]
        if got != list(exp["receptive_field"]):
            return (f"the case expects a receptive field of {exp['receptive_field']}, the reference "
                    f"gives {got}")
    for name, w in wanted.items():
        got = ref.outputs[name]
        if "shape" in w and list(got.shape) != list(w["shape"]):
            return f"{name}: the case expects shape {w['shape']}, the reference gives {list(got.shape)}"
        if "values" in w:
            want = np.asarray(w["values"], dtype=np.float64)
            if want.size != got.size:
                return f"{name}: the case lists {want.size} values, the reference gives {got.size}"
            tol = _tolerance(case, name, str(got.dtype) if got.dtype.kind != "f" else case.dtype,
                             scale)
            d = compare.diff(got, want.reshape(got.shape), tol)
            if d["mismatched"]:
                w0 = d["worst"][0]
                return (f"{name}: {d['mismatched']} of {d['total']} expected values differ from the "
                        f"reference, e.g. at {w0['index']} the case says {w0['tf']}, "
                        f"the reference {w0['reference']}")
    return None


def _tolerance(case: Case, output: str, dtype: str, scale: dict):
    """Per-element bound for one output: from its (magnitude, terms) in `scale`; exact where no
    rounding happens (max pooling, argmax, integers, receptive fields)."""
    magnitude, terms = (scale or {}).get(output, (None, None))
    if case.tolerance:
        return compare.bound(dtype, 0, magnitude, case.tolerance)
    if terms is None or dtype not in compare.UNIT_ROUNDOFF:
        return None
    return compare.bound(dtype, terms, magnitude, None)


def _judge(case: Case, target: str, ref: Outcome, scale, tf: Outcome) -> Verdict:
    exp, keyed = resolve_expect(case, target)
    if tf.kind in ("crash", "timeout"):
        return Verdict("fail", tf.kind, tf.error_message or tf.kind)
    if exp and exp.get("error"):
        if ref.kind == "value" and not keyed:
            return Verdict("fail", "expect", f"the case expects {exp['error']} but the reference "
                                             f"returns shape {_shape(ref)}")
        if tf.kind == "value":
            return Verdict("fail", "missing-error",
                           f"expected {exp['error']}, TensorFlow returned shape {_shape(tf)}")
        if tf.error_type not in exp["error"].split("|"):
            kind = "error-type" if tf.error_type in TF_USER_ERRORS else "internal-error"
            return Verdict("fail", kind, f"expected {exp['error']}, TensorFlow raised {_shape(tf)}")
        if exp.get("match") and not re.search(exp["match"], tf.error_message or ""):
            return Verdict("fail", "error-message", f"TensorFlow's message does not match "
                           f"{exp['match']!r}: {_first_line(tf.error_message)}")
        return Verdict("pass", message=f"raised {_shape(tf)} as expected")
    if exp:
        problem = _check_reference(case, ref, scale, exp)
        if problem:
            return Verdict("fail", "expect", problem)
    if ref.kind == "error":
        if tf.kind == "error":
            if tf.error_type not in TF_USER_ERRORS:
                return Verdict("fail", "internal-error", f"reference rejects ({_first_line(ref.error_message)}); "
                               f"TensorFlow raised {_shape(tf)}")
            return Verdict("pass", message=f"both reject: {_first_line(ref.error_message)}")
        return Verdict("fail", "missing-error", f"the reference rejects the case "
                       f"({_first_line(ref.error_message)}) but TensorFlow returned shape {_shape(tf)}")
    if tf.kind == "error":
        kind = "unexpected-error" if tf.error_type in TF_USER_ERRORS else "internal-error"
        return Verdict("fail", kind, f"TensorFlow raised {_shape(tf)}; the reference returns "
                                     f"shape {_shape(ref)}")
    return _compare_outputs(case, ref, scale, tf)


# Outputs TF is not always asked for (a chain with max pooling has no measurable receptive field).
OPTIONAL = {"receptive_field"}


def _compare_outputs(case: Case, ref: Outcome, scale, tf: Outcome) -> Verdict:
    details, worst_abs, worst_rel = {}, 0.0, 0.0
    for name, want in ref.outputs.items():
        got = tf.outputs.get(name)
        if got is None and name in OPTIONAL:
            continue
        if got is None or list(got.shape) != list(want.shape):
            return Verdict("fail", "shape", f"{name}: TensorFlow's shape "
                           f"{None if got is None else list(got.shape)} != reference {list(want.shape)}",
                           details={name: {"tf_shape": None if got is None else list(got.shape),
                                           "reference_shape": list(want.shape)}})
        d = compare.diff(want, got, _tolerance(case, name, str(got.dtype), scale))
        details[name] = d
        worst_abs, worst_rel = max(worst_abs, d["max_abs_err"]), max(worst_rel, d["max_rel_err"])
    bad = {n: d for n, d in details.items() if d["mismatched"]}
    if bad:
        name, d = next(iter(bad.items()))
        return Verdict("fail", "value", f"{name}: {d['mismatched']} of {d['total']} elements "
                       f"differ beyond tolerance (max abs err {d['max_abs_err']:.3g}, "
                       f"max rel err {d['max_rel_err']:.3g})", worst_abs, worst_rel, details)
    return Verdict("pass", None, "", worst_abs, worst_rel, details)


def _applies(known: Known, target: str, tf_version: str | None) -> bool:
    if not any(target_matches(p, target) for p in known.targets):
        return False
    if known.tf and tf_version:
        from packaging.specifiers import SpecifierSet
        return SpecifierSet(known.tf).contains(tf_version, prereleases=True)
    return True


def judge(case: Case, target: str, ref: Outcome, scale, tf: Outcome,
          tf_version: str | None) -> Verdict:
    """`scale` maps each reference output to (magnitude, terms), as execute.reference_outcome
    gives it; an output absent from it must match exactly."""
    if case.skip:
        return Verdict("skip", message=str(case.skip))
    verdict = _judge(case, target, ref, scale, tf)
    known = [k for k in case.known if _applies(k, target, tf_version)]
    if verdict.status == "fail" and verdict.kind != "expect":
        for k in known:
            if k.kind in (None, verdict.kind):
                verdict.status = "xfail"
                verdict.details["known"] = k.reason
                verdict.message = f"known deviation: {k.reason} | {verdict.message}"
                return verdict
    if verdict.status == "pass" and known:
        verdict.status, verdict.kind = "xpass", None
        verdict.message = (f"known deviation no longer happens on TF {tf_version}: {known[0].reason}"
                           f" (remove or narrow the `known` entry)")
    return verdict
