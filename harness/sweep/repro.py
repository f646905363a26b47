"""Repro files: a class's minimal configuration as a ready-to-commit case file for cases/found/,
with a `known` entry per deviation saying what TensorFlow did and what the reference says."""
from __future__ import annotations

import json
import re
from pathlib import Path

from harness.verdict.judge import first_output
from harness.model import Case, Outcome, Result, TensorSpec
from harness.targets import order
from harness.verdict.signature import pinned
from harness.cases.yamlout import flow, known_entry
from harness.sweep.build import to_case
from harness.sweep.classify import (
    Deviation,
    Found,
    crash_line,
    first_line,
    shape_relation,
    target_patterns,
)
from harness.sweep.space import SPACES

DTYPES = sorted({v for space in SPACES.values() for k in space if k.name == "dtype" for v in k.values})
PHRASES = {
    "nchw": "NCHW", "valid": "VALID padding", "same": "SAME padding", "explicit": "explicit padding",
    "kernel>input": "a window larger than the input", "kernel>output": "a window larger than the output",
    "output-zero": "an output size of 0", "empty-input": "an input with a zero dimension",
    "stride>1": "stride > 1", "dilation>1": "dilation > 1", "rate>1": "rate > 1",
    "kernel-0": "a window of size 0", "empty-filters": "filters with a zero dimension",
    "empty-filter": "a filter with a zero dimension", "empty-bias": "an empty bias",
    "channel-mismatch": "filter channels that do not fit the input",
    "grouped": "a grouped convolution", "output_shape-mismatch": "an output_shape the input cannot come from",
    "pad>=window": "explicit padding not smaller than the window", "batch-in-index": "include_batch_in_index",
    "int32-index": "output_dtype int32", "bias-mismatch": "a bias whose size is not the channel count",
    "stride-full": "strides with batch and channel entries", "stride-single": "strides as [s]",
    "ksize-full": "ksize with batch and channel entries", "ksize-single": "ksize as [k]",
    "dilation-full": "dilations with batch and channel entries", "dilation-single": "dilations as [d]",
    **{f"rank{r}": f"a rank-{r} value" for r in range(2, 6)},
    **{f"{r}d": f"{r}-D" for r in (1, 2, 3)}, "ncw": "NCW", "ncdhw": "NCDHW",
    "pointwise-mismatch": "a pointwise filter whose input channels do not fit",
    "nonfinite": "inputs holding NaN and infinities", "depth-pool": "pooling over depth",
    "pointwise-2x1": "a pointwise filter larger than 1x1", "max": "pooling_type MAX", "avg": "pooling_type AVG",
    **{f"format-{f.lower()}": f"data_format {f}" for f in ("NHWC", "NCHW", "N...C", "NC...")},
    **{dtype: dtype for dtype in DTYPES},
}



def phrase(feature: str) -> str:
    if feature.startswith("empty-") and feature not in PHRASES:
        return f"{feature[6:]} with a zero dimension"
    return PHRASES.get(feature, feature)


def _scalar(value) -> str:
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z][A-Za-z0-9_.]*", value) and \
            value.lower() not in ("true", "false", "null", "yes", "no", "on", "off"):
        return value
    return json.dumps(value)


def _tensor_yaml(spec: TensorSpec) -> str:
    shape = json.dumps(list(spec.shape))
    if spec.kind == "fill":
        return f"{{shape: {shape}, fill: {flow(spec.data)}}}"
    if spec.kind == "range":
        return f"{{shape: {shape}, range: {flow(spec.data['start'])}}}"
    data = spec.data
    extra = f", low: {data['low']}, high: {data['high']}" if data["dist"] == "integers" else ""
    extra += "".join(f", {k}: {flow(data[k])}" for k in ("nan", "inf") if data.get(k))
    return f"{{shape: {shape}, random: {{dist: {data['dist']}, seed: {data['seed']}{extra}}}}}"


def case_body(case: Case, indent: str = "    ") -> list[str]:
    """The case's keys as YAML lines (op, dtype, tensors, arguments), in the op's order."""
    from harness.ops import OPS
    lines = [f"op: {case.op}"]
    if case.dtype != "float32":
        lines.append(f"dtype: {case.dtype}")
    lines += [f"{name}: {_tensor_yaml(spec)}" for name, spec in case.tensors.items()]
    lines += [f"{name}: {_scalar(case.args[name])}" for name in OPS[case.op].args if name in case.args]
    return [indent + line for line in lines]


def _did(kind: str, case: Case, outcome: Result, timeout: float) -> str:
    """What TensorFlow did, in words, with this configuration's numbers."""
    verdict, ref, tf = outcome.verdict, outcome.reference, outcome.tf
    if kind == "crash":
        line = crash_line(tf.log)
        return f"kills the TensorFlow process ({tf.signal}{': ' + line if line else ''})"
    if kind == "timeout":
        return f"does not return within {timeout:g} s"
    if tf is not None and tf.kind == "error":
        return f'raises {tf.error_type} "{first_line(tf.error_message)}"'
    if kind == "value":     # counts, not magnitudes: uninitialised memory differs between runs
        bad = [f"{d['mismatched']} of {d['total']} elements of {name}" for name, d in verdict.details.items()
               if isinstance(d, dict) and d.get("mismatched")]
        if tf is not None and tf.nondeterministic:
            return (f"returns values that change from call to call, uninitialised memory "
                    f"({', '.join(bad) or verdict.message})")
        return f"returns wrong values ({', '.join(bad) or verdict.message} beyond tolerance)"
    if tf is None:
        return verdict.message
    got = list(next(iter(tf.outputs.values())).shape)
    relation = shape_relation(case, ref, tf)
    return f"returns shape {got}" + (" (the input's shape)" if relation == "the input's shape" else "")


def _says(kind: str, ref: Outcome) -> str:
    if ref.kind == "error":
        return f'the reference rejects the call ("{first_line(ref.error_message)}")'
    shape = list(next(iter(ref.outputs.values())).shape)
    return f"the reference gives shape {shape}" + (" and other values" if kind == "value" else "")


def reason_for(case: Case, kind: str, patterns: list[str], outcome: Result, timeout: float) -> str:
    """What TensorFlow did on these targets and what the reference says, in words."""
    return f"tf.nn.{case.op} on {', '.join(patterns)} {_did(kind, case, outcome, timeout)}; {_says(kind, outcome.reference)}."


def _reason(dev: Deviation, case: Case, outcome: Result, feats: tuple, timeout: float) -> str:
    who = ", ".join(target_patterns(dev.targets))
    what = ", ".join(phrase(f) for f in feats)
    return (f"tf.nn.{case.op} on {who} {_did(dev.kind, case, outcome, timeout)}; "
            f"{_says(dev.kind, outcome.reference)}" + (f" ({what})." if what else "."))


def repro_text(found: Found, source: str, tf_version: str | None, timeout: float) -> str:
    case = to_case(found.op, found.config, found.slug)
    spec = f'=={".".join((tf_version or "0").split(".")[:2])}.*'
    d = found.deviation
    lines = [
        "# Found by `tfconform sweep`: the smallest configuration of this deviation class.",
        f"# class: {found.op} | {d.kind} | {', '.join(target_patterns(d.targets))} | "
        f"{', '.join(found.features) or '-'}",
        *[f"# also pins: {o.kind} | {', '.join(target_patterns(o.targets))}" for o in found.others
          if (o.kind, o.targets) != (d.kind, d.targets)],
        f"# shrunk from sweep configuration {found.example} ({found.count} deviating "
        f"configuration(s) in that sweep).",
        f"# TensorFlow {tf_version}, what each failing target did:",
    ]
    for target, outcome in found.outcomes.items():
        if outcome.status in ("fail", "xpass"):
            lines.append(f"#   {target}: {outcome.verdict.kind}: {_did(outcome.verdict.kind, case, outcome, timeout)}")
    ref = next(iter(found.outcomes.values())).reference
    agree = [t for t, o in found.outcomes.items() if o.status == "pass"]
    lines.append(f"#   {_says(d.kind, ref)}" + (f"; so do {', '.join(agree)}." if agree else "."))
    lines += [f"source: {json.dumps(source)}", "cases:", f"  - id: {found.slug}"]
    lines += case_body(case)
    lines.append("    known:")
    for other in found.others:
        first = found.outcomes[other.targets[0]]
        reason = _reason(other, case, first, found.features, timeout)
        signatures = pinned({t: found.outcomes[t] for t in other.targets}, first_output(case))
        by_sig: dict[str, list[str]] = {}
        for target, (_, sig) in signatures.items():
            by_sig.setdefault(json.dumps(sig, sort_keys=True), []).append(target)
        for sig, targets in sorted(by_sig.items(), key=lambda item: order(item[1][0])):
            entry = {"targets": target_patterns(targets), "tf": spec, "kind": other.kind,
                     **json.loads(sig), "reason": reason}
            lines += known_entry(entry, "      ")
    return "\n".join(lines) + "\n"



def write_repros(found: list[Found], folder: Path, source: str, tf_version: str | None,
                 timeout: float, overwrite: bool = False) -> None:
    for f in found:
        if f.status == "unstable" or f.twin:
            continue
        f.path = Path(folder) / f.op / f"{f.slug}.yaml"
        if f.path.exists() and not overwrite:
            f.status = "exists"
            continue
        f.path.parent.mkdir(parents=True, exist_ok=True)
        f.path.write_text(repro_text(f, source, tf_version, timeout), encoding="utf-8")
        f.status = "new"


