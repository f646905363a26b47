"""Verdicts: what the reference, TensorFlow and the case's `expect` and `known` say together.

The reference is the oracle. A case's own `expect` is checked against the reference once (the
`<case>@reference` result: a disagreement means the case, or the blog it copies, is wrong) and,
for expected errors, against TensorFlow on each target. `known` turns a failure into xfail only
when TensorFlow fails exactly as the entry's signature says; the same kind of failure with another
signature is `changed`, and a pass is xpass, so a fixed or altered TensorFlow bug is noticed.
"""
from __future__ import annotations

import re

import numpy as np

from harness.verdict import compare
from harness.verdict import signature
from harness.machine import cpu_flags, cpu_holds
from harness.model import REFERENCE, Case, Known, Outcome, Verdict
from harness.targets import is_target_pattern, target_matches
from harness.ops import OPS

# Errors TensorFlow raises to tell the user the call is invalid; anything else (InternalError,
# AbortedError, UnknownError, ...) is TensorFlow failing, not refusing.
TF_USER_ERRORS = {"InvalidArgumentError", "ValueError", "TypeError", "UnimplementedError",
                  "OutOfRangeError", "FailedPreconditionError", "NotFoundError"}
# Outputs TF is not always asked for (a chain with max pooling has no measurable receptive field).
OPTIONAL = {"receptive_field"}


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


def first_output(case: Case) -> str:
    return "layer0" if case.layers else OPS[case.op].outputs[0]


def expected_dtype(case: Case, name: str, want) -> str | None:
    """The dtype TensorFlow must return: a gradient has its tensor's, an integer result the
    reference's own (TF's integer kernels), a float or complex one the dtype of the input."""
    if name in OPTIONAL:
        return None
    if name.startswith("grad_") and name[5:] in case.tensors:
        return case.tensors[name[5:]].dtype
    if want.dtype.kind in "iub":
        return str(want.dtype)
    return next(iter(case.tensors.values())).dtype if case.tensors else case.dtype


def tolerance(case: Case, output: str, dtype: str, scale: dict | None, reference=None):
    """Per-element bound for one output from its (magnitude, terms[, roundings]) in `scale`;
    None (exact) where no rounding happens (max pooling, argmax, integers, receptive fields)."""
    magnitude, terms, *rest = (scale or {}).get(output, (None, None))
    if case.tolerance:
        return compare.override(case.tolerance, magnitude)
    if terms is None or magnitude is None or dtype not in compare.UNIT_ROUNDOFF:
        return None
    return compare.bound(dtype, terms, magnitude, reference, roundings=rest[0] if rest else 0)


# -- the case's own expectation, against the reference ----------------------------------------------
def check_reference(case: Case, ref: Outcome, scale) -> Verdict:
    """The `<case>@reference` result: does the reference give what the case expects?"""
    for exp in case.reference_expects():
        problem = _reference_problem(case, ref, scale, exp)
        if problem:
            return Verdict("fail", "expect", problem)
    return Verdict("pass", message="the reference gives what the case expects")


def _reference_problem(case: Case, ref: Outcome, scale, exp: dict) -> str | None:
    if exp.get("error"):
        if ref.kind == "value":
            return f"the case expects {exp['error']} but the reference returns shape {_shape(ref)}"
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
    for name, w in (_per_output(case.op, exp) if not case.layers else {}).items():
        got = ref.outputs[name]
        if "shape" in w and list(got.shape) != list(w["shape"]):
            return f"{name}: the case expects shape {w['shape']}, the reference gives {list(got.shape)}"
        if "values" in w:
            want = np.asarray(w["values"], dtype=np.complex128 if got.dtype.kind == "c" else np.float64)
            if want.size != got.size:
                return f"{name}: the case lists {want.size} values, the reference gives {got.size}"
            dtype = expected_dtype(case, name, got) or case.dtype
            d = compare.diff(got, want.reshape(got.shape), tolerance(case, name, dtype, scale, got), dtype)
            if d["mismatched"]:
                w0 = d["worst"][0]
                return (f"{name}: {d['mismatched']} of {d['total']} expected values differ from the "
                        f"reference, e.g. at {w0['index']} the case says {w0['tf']}, "
                        f"the reference {w0['reference']}")
    return None


# -- TensorFlow against the reference and the expectation ---------------------------------------------
def _rule_disagreement(ref: Outcome, tf: Outcome) -> Verdict | None:
    """Both reject: TensorFlow's message must give the reference's reason (its rule)."""
    if not ref.rule:
        return None
    from harness.verdict import rules
    if rules.agrees(ref.rule, tf.error_type, tf.error_message):
        return None
    return Verdict("fail", "error-message",
                   f"the reference rejects by rule {ref.rule} ({_first_line(ref.error_message)}); "
                   f"TensorFlow's {tf.error_type} gives another reason: "
                   f"{_first_line(signature.clean_message(tf.error_message))}")


def _judge(case: Case, target: str, ref: Outcome, scale, tf: Outcome) -> Verdict:
    if tf.kind in ("crash", "timeout"):
        return Verdict("fail", tf.kind, tf.error_message or tf.kind)
    if tf.kind == "error" and tf.origin == "harness":
        return Verdict("fail", "harness-error", f"the harness failed calling TensorFlow: "
                                                f"{tf.error_type}: {_first_line(tf.error_message)}")
    exp, _ = resolve_expect(case, target)
    if exp and exp.get("error"):
        if tf.kind == "value":
            return Verdict("fail", "missing-error",
                           f"expected {exp['error']}, TensorFlow returned shape {_shape(tf)}")
        if tf.error_type not in exp["error"].split("|"):
            kind = "error-type" if tf.error_type in TF_USER_ERRORS else "internal-error"
            return Verdict("fail", kind, f"expected {exp['error']}, TensorFlow raised {_shape(tf)}")
        if exp.get("match") and not re.search(exp["match"], tf.error_message or ""):
            return Verdict("fail", "error-message", f"TensorFlow's message does not match "
                           f"{exp['match']!r}: {_first_line(tf.error_message)}")
        if not exp.get("match") and ref.kind == "error":
            disagreement = _rule_disagreement(ref, tf)
            if disagreement:
                return disagreement
        return Verdict("pass", message=f"raised {_shape(tf)} as expected")
    if ref.kind == "error":
        if tf.kind == "error":
            if tf.error_type not in TF_USER_ERRORS:
                return Verdict("fail", "internal-error", f"reference rejects ({_first_line(ref.error_message)}); "
                               f"TensorFlow raised {_shape(tf)}")
            return _rule_disagreement(ref, tf) or Verdict(
                "pass", message=f"both reject: {_first_line(ref.error_message)}")
        return Verdict("fail", "missing-error", f"the reference rejects the case "
                       f"({_first_line(ref.error_message)}) but TensorFlow returned shape {_shape(tf)}")
    if tf.kind == "error":
        kind = "unexpected-error" if tf.error_type in TF_USER_ERRORS else "internal-error"
        return Verdict("fail", kind, f"TensorFlow raised {_shape(tf)}; the reference returns "
                                     f"shape {_shape(ref)}")
    return _compare_outputs(case, ref, scale, tf)


def _compare_outputs(case: Case, ref: Outcome, scale, tf: Outcome) -> Verdict:
    details, tolerances, worst_abs, worst_rel = {}, {}, 0.0, 0.0
    for name, want in ref.outputs.items():
        got = tf.outputs.get(name)
        if got is None and name in OPTIONAL:
            continue
        if got is None or list(got.shape) != list(want.shape):
            return Verdict("fail", "shape", f"{name}: TensorFlow's shape "
                           f"{None if got is None else list(got.shape)} != reference {list(want.shape)}",
                           details={name: {"tf_shape": None if got is None else list(got.shape),
                                           "reference_shape": list(want.shape)}})
        dtype = expected_dtype(case, name, want)
        if dtype is not None and str(got.dtype) != dtype:
            return Verdict("fail", "dtype", f"{name}: TensorFlow returned {got.dtype}, expected {dtype}",
                           details={name: {"tf_dtype": str(got.dtype), "expected_dtype": dtype}})
        tol = tolerance(case, name, str(got.dtype), scale, want)
        tolerances[name] = tol
        d = compare.diff(want, got, tol, str(got.dtype))
        details[name] = d
        worst_abs, worst_rel = max(worst_abs, d["max_abs_err"]), max(worst_rel, d["max_rel_err"])
    bad = {n: d for n, d in details.items() if d["mismatched"]}
    if bad:
        name, d = next(iter(bad.items()))
        return Verdict("fail", "value", f"{name}: {d['mismatched']} of {d['total']} elements "
                       f"differ beyond tolerance (max abs err {d['max_abs_err']:.3g}, "
                       f"max rel err {d['max_rel_err']:.3g})", worst_abs, worst_rel, details,
                       tolerances=tolerances)
    return Verdict("pass", None, "", worst_abs, worst_rel, details, tolerances=tolerances)


# -- known deviations ---------------------------------------------------------------------------------
LOCAL = "local"      # `cpu` of applies and judge: this machine's CPU flags (harness.machine)


def applies(known: Known, target: str, tf_version: str | None, cpu=LOCAL) -> bool:
    """On this target, TF version and CPU (its flags, None when unknown). An unknown version never
    satisfies a pinned range, an unknown CPU never a `cpu:` condition."""
    if not any(target_matches(p, target) for p in known.targets):
        return False
    if known.cpu and not cpu_holds(known.cpu, cpu_flags() if cpu == LOCAL else cpu):
        return False
    if known.tf:
        if not tf_version:
            return False
        from packaging.specifiers import SpecifierSet
        return SpecifierSet(known.tf).contains(tf_version, prereleases=True)
    return True


def _apply_known(case: Case, target: str, verdict: Verdict, ref: Outcome, tf: Outcome | None,
                 tf_version: str | None, cpu) -> Verdict:
    known = [k for k in case.known if applies(k, target, tf_version, cpu)]
    first = first_output(case)
    if verdict.status == "fail" and verdict.kind != "harness-error":
        same_kind = [k for k in known if k.kind in (None, verdict.kind)]
        changes = []
        for k in same_kind:
            change = signature.difference(k, verdict.kind, verdict, ref, tf, first)
            if change is None:
                verdict.status = "xfail"
                verdict.details["known"] = k.reason
                if not signature.signed(k):
                    verdict.details["unsigned"] = True
                verdict.message = f"known deviation: {k.reason} | {verdict.message}"
                return verdict
            changes.append((k, change))
        if changes:
            k, change = changes[0]
            verdict.details.update(known=k.reason, failure=verdict.kind, change=change)
            verdict.kind = "changed"
            verdict.message = f"a known deviation changed: {change} | {verdict.message}"
        elif known:
            verdict.message += (f" (a known deviation of kind {known[0].kind} applies here, not this "
                                f"failure: {known[0].reason})")
    if verdict.status == "pass" and known:
        verdict.status, verdict.kind = "xpass", None
        link = f"; check {known[0].link}" + (f" ({known[0].status})" if known[0].status else "") \
            if known[0].link else ""
        verdict.message = (f"known deviation no longer happens on TF {tf_version}: {known[0].reason}"
                           f" (remove or narrow the `known` entry{link})")
    return verdict


def judge(case: Case, target: str, ref: Outcome, scale, tf: Outcome | None,
          tf_version: str | None, cpu=LOCAL) -> Verdict:
    """`scale` maps each reference output to (magnitude, terms[, roundings]), as
    execute.reference_outcome gives it; an output absent from it must match exactly."""
    if case.skip:
        return Verdict("skip", message=str(case.skip))
    if target == REFERENCE:
        return check_reference(case, ref, scale)
    verdict = _judge(case, target, ref, scale, tf)
    if verdict.status == "fail" and verdict.kind in signature.KEYS:
        verdict.observed = signature.observe(verdict.kind, verdict, ref, tf, first_output(case))
    return _apply_known(case, target, verdict, ref, tf, tf_version, cpu)
