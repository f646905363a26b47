"""Failure messages in the domain's words: parameters, both outcomes, where and how much they differ,
and a standalone script that reproduces the case with tf.nn."""
from __future__ import annotations

from harness.model import Case, Outcome, Verdict
from harness.ops import OPS


def describe(outcome: dict | None) -> str:
    """An outcome as results.jsonl records it, in a line: its outputs' shapes and dtypes, or the error."""
    if not outcome:
        return "not run"
    if "shapes" in outcome and outcome.get("shapes") is not None:
        shapes = outcome["shapes"]
        dtypes = outcome.get("dtypes", {})
        return ", ".join(f"{name} {shape} {dtypes.get(name, '')}".strip()
                         for name, shape in shapes.items()) or "value"
    text = f"{outcome.get('error')}"
    if outcome.get("signal"):
        text += f" ({outcome['signal']})"
    if outcome.get("message"):
        text += f": {outcome['message']}"
    return text


def _num(value) -> str:
    """A value of a failure table: a float, or [real, imag] for complex outputs."""
    return f"{value[0]:.6g}{value[1]:+.6g}j" if isinstance(value, list) else f"{value:.6g}"


def _outcome_line(outcome: Outcome | None) -> str:
    return describe(outcome.summary()) if outcome else "not run"


def explain(case: Case, target: str, verdict: Verdict, ref: Outcome, tf: Outcome | None) -> str:
    lines = [f"{case.id} on {target}: {verdict.status.upper()}"
             + (f" ({verdict.kind})" if verdict.kind else ""),
             f"  {verdict.message}", "",
             f"  op: tf.{OPS[case.op].tf if case.op in OPS else case.op}    dtype: {case.dtype}    "
             f"case: {case.path}:{case.line}"]
    for name, t in case.tensors.items():
        lines.append(f"  {name}: {list(t.shape)} {t.dtype} ({t.kind})")
    for name, value in case.args.items():
        lines.append(f"  {name}: {value!r}")
    if case.source:
        lines.append(f"  source: {case.source}")
    lines += ["", f"  reference:  {_outcome_line(ref)}", f"  TensorFlow: {_outcome_line(tf)}"]
    for output, d in verdict.details.items():
        if not isinstance(d, dict) or not d.get("mismatched"):
            continue
        lines += ["", f"  {output}: {d['mismatched']} of {d['total']} elements differ beyond tolerance"
                      f" ({100 * d['mismatched'] / max(1, d['total']):.1f}%)",
                  f"    max abs err {d['max_abs_err']:.6g}   mean abs err {d['mean_abs_err']:.6g}"
                  f"   max rel err {d['max_rel_err']:.6g}",
                  f"    {'index':<18}{'reference':>14}{'tensorflow':>14}{'|diff|':>12}{'tolerance':>12}"]
        for w in d["worst"]:
            lines.append(f"    {str(w['index']):<18}{_num(w['reference']):>14}{_num(w['tf']):>14}"
                         f"{w['abs_err']:>12.3g}{w['tolerance']:>12.3g}")
    if tf is not None and tf.kind in ("crash", "timeout") and tf.log:
        lines += ["", "  worker log (tail):"] + ["    " + l for l in tf.log.strip().splitlines()[-15:]]
    if "known" in verdict.details:
        lines += ["", f"  known deviation: {verdict.details['known']}"]
    if verdict.snippet:
        lines += ["", "  Reproduce:", ""] + ["    " + l for l in verdict.snippet.splitlines()]
    return "\n".join(lines)
