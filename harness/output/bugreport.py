"""`tfconform bugreport CASE [--target T] -o DIR`: a bug report TensorFlow or oneDNN developers can act on.

Runs the case on the target (default: the first default target on which it deviates) and writes
DIR/repro.py, a standalone script (TensorFlow and numpy only) that makes the call as the harness's
worker did and exits 1 while TensorFlow deviates from the reference, 0 once it agrees; and
DIR/issue.md: environment, what the reference says and why, what TensorFlow did, the input, the
case's known entry, oneDNN's verbose lines or XLA's HLO, and how to run repro.py.
"""
from __future__ import annotations

import argparse
import base64
import json
import re
import subprocess
import sys
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from string import Template

import numpy as np

from harness.model import Case, Result
from harness.ops import OPS
from harness.run.execute import rf_axes, steps_of
from harness.run.pool import PERTURB, PROJECT_ROOT, worker_env
from harness.run.snippet import LITERAL_LIMIT, _call, _generator, _literal
from harness.targets import Target, defaults
from harness.verdict import compare
from harness.verdict.judge import TF_USER_ERRORS, applies, expected_dtype, resolve_expect, tolerance

CPU_FLAGS = ("sse4_1", "avx", "avx2", "fma", "f16c", "avx_vnni", "avx512f", "avx512bw", "avx512vl",
             "avx512dq", "avx512_vnni", "avx512_bf16", "avx512_fp16", "amx_tile", "amx_bf16", "amx_int8")
MODES = {"eager": "eager", "function": "tf.function(autograph=False)",
         "xla": "tf.function(autograph=False, jit_compile=True) (XLA)"}
FACTS = r"""
import json, platform
from importlib import metadata
def version(*names):
    for name in names:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
cpu = {}
try:
    for line in open("/proc/cpuinfo"):
        key, _, value = line.partition(":")
        cpu.setdefault(key.strip(), value.strip())
except OSError:
    pass
print(json.dumps({"python": platform.python_version(), "platform": platform.platform(),
                  "tensorflow": version("tensorflow", "tensorflow-cpu", "tensorflow-intel"),
                  "numpy": version("numpy"), "cpu": cpu.get("model name") or platform.processor(),
                  "flags": cpu.get("flags", "").split()}))
"""


# -- the case and the target --------------------------------------------------------------------------
def find_case(spec: str) -> Case:
    """A case by id (`path::name`) or by a file holding one case; LookupError says why not."""
    from harness.cases.loader import load
    path, _, name = spec.partition("::")
    cases, problems = load([path])
    if problems:
        raise LookupError("\n".join(problems))
    found = [c for c in cases if c.name == name or c.id == spec] if name else cases
    if len(found) != 1:
        ids = "\n  ".join(c.id for c in cases[:20])
        raise LookupError(f"{spec}: {'no such case' if not found else 'holds several cases'}; name one of:\n  {ids}")
    return found[0]


def deviates(result: Result) -> bool:
    return result.status in ("fail", "xfail") and result.verdict.kind != "harness-error"


def failure(result: Result) -> str | None:
    """The failure kind, also under a known entry that `changed`."""
    return result.verdict.details.get("failure") or result.verdict.kind


# -- repro.py -----------------------------------------------------------------------------------------
def packed(array: np.ndarray) -> str:
    """An array too large to list, as an expression of its compressed bytes."""
    array = np.ascontiguousarray(array.astype(np.float32) if str(array.dtype) == "bfloat16" else array)
    text = base64.b64encode(zlib.compress(array.tobytes(), 9)).decode()
    return f"packed({text!r}, {array.dtype.str!r}, {list(array.shape)})"


def array_expr(array: np.ndarray, spec=None) -> str:
    """A tensor's values: literal when small, else the seeded generator as snippet.py writes it when
    that gives exactly these values, else their bytes."""
    array = np.asarray(array)
    if array.size <= LITERAL_LIMIT:
        return _literal(array)
    if spec is not None and spec.kind != "npy" and spec.dtype in ("float16", "float32", "float64"):
        from harness.cases.tensors import DTYPES
        try:
            expr = _generator(spec)
            made = np.asarray(eval(expr, {"np": np})).astype(DTYPES[spec.dtype]).reshape(array.shape)
            if made.tobytes() == array.tobytes():
                return expr
        except (ValueError, TypeError, OSError):
            pass
    return packed(array)


def _program(case: Case, grads: list[str], rf: dict | None) -> list[str]:
    """The body of `program(tensors, upstream)`, as the worker runs it (harness.run.worker)."""
    steps, tape = steps_of(case), bool(grads or rf)
    pad = "        " if tape else "    "
    lines = ["    outputs = {}"]
    if tape:
        lines.append("    with tf.GradientTape(persistent=True) as tape:")
        watched = [steps[0].tensors[g] for g in grads] + ([next(iter(steps[0].tensors.values()))] if rf else [])
        lines += [f"{pad}tape.watch(tensors[{k!r}])" for k in dict.fromkeys(watched)]
    for step in steps:
        targets = ", ".join(f"outputs[{o!r}]" for o in step.outputs)
        lines += [f"{pad}{targets} = {_call(step.op, step.tensors, step.args, step.feed)}",
                  f"{pad}x = outputs[{step.outputs[0]!r}]"]
    if rf:
        first = next(iter(steps[0].tensors.values()))
        lines += [f"{pad}centre = tuple(x.shape[a] // 2 if a in {rf['output_axes']!r} else 0 for a in range(len(x.shape)))",
                  f"{pad}probe = x[centre]",
                  f"    seen = tf.not_equal(tape.gradient(probe, tensors[{first!r}]), 0)",
                  "    extents = []",
                  f"    for axis in {rf['input_axes']!r}:",
                  "        hit = tf.where(tf.reduce_any(seen, axis=[a for a in range(len(seen.shape)) if a != axis]))",
                  "        extents.append(tf.reduce_max(hit) - tf.reduce_min(hit) + 1)",
                  "    outputs['receptive_field'] = tf.stack(extents)"]
    if grads:
        keys = ", ".join(f"tensors[{steps[0].tensors[g]!r}]" for g in grads)
        lines += [f"    grads = tape.gradient(outputs['output'], [{keys}], output_gradients=upstream)",
                  f"    for name, g in zip({['grad_' + g for g in grads]!r}, grads):",
                  "        if g is not None:",
                  "            outputs[name] = g"]
    return lines + ["    return outputs"]


def expectation(case: Case, result: Result, computed) -> tuple[str, str]:
    """(EXPECTED, EXPECTED_ERROR) as source: the reference's outputs with the verdict's per-element
    tolerances, or the error TensorFlow must raise (its types, `match`, and the reference's rule
    in TensorFlow's wordings, harness.verdict.rules)."""
    from harness.verdict import rules
    ref, exp = computed.outcome, resolve_expect(case, result.target)[0] or {}
    if exp.get("error") or ref.kind == "error":
        types = sorted(exp["error"].split("|")) if exp.get("error") else sorted(TF_USER_ERRORS)
        rule = ref.rule if ref.kind == "error" and not exp.get("match") else None
        patterns = list(rules.TF_PATTERNS.get(rule, ())) if rule else []
        if patterns and not exp.get("error"):
            types = sorted(set(types) & rules.ERROR_TYPES)
        why = (ref.error_message or "").strip().splitlines()[0] if ref.kind == "error" else exp["error"]
        spec = {"types": types, "match": exp.get("match"), "rule": rule, "why": why, "patterns": patterns}
        return "{}", json.dumps(spec, indent=4)
    lines = ["{"]
    for name, want in ref.outputs.items():
        dtype = expected_dtype(case, name, want)
        tol = result.verdict.tolerances.get(name)
        if name not in result.verdict.tolerances:
            tol = tolerance(case, name, dtype or str(want.dtype), computed.scale, want)
        tol = 0.0 if tol is None else (float(tol) if np.ndim(tol) == 0 else array_expr(np.asarray(tol, np.float64)))
        largest = compare.LARGEST.get(dtype or "", float("inf"))
        lines += [f"    {name!r}: {{'shape': {list(want.shape)}, 'dtype': {dtype!r}, 'largest': {largest!r},",
                  f"        'values': {array_expr(np.asarray(want))},", f"        'tolerance': {tol}}},"]
    return "\n".join(lines + ["}"]), "None"


def repro_script(case: Case, result: Result, computed, env: dict, timeout: float) -> str:
    target = Target.of(result.target)
    steps = steps_of(case)
    grads = [n for n in steps[0].tensors if f"grad_{n}" in computed.outcome.outputs] if computed.upstream is not None else []
    rf = (rf_axes(case, computed.outcome.shapes()) if case.layers and computed.outcome.kind == "value"
          and not any(OPS[s.op].max_window(s.args) for s in steps) else None)
    inputs = ["    tensors = {}"]
    for key, spec in case.tensors.items():
        inputs.append(f"    tensors[{key!r}] = tf.constant({array_expr(computed.tensors[key], spec)}, dtype=tf.{spec.dtype})")
    upstream = "None" if computed.upstream is None else \
        f"tf.constant({array_expr(computed.upstream)}, dtype=tf.{case.dtype})"
    inputs.append(f"    return tensors, {upstream}")
    expected, expected_error = expectation(case, result, computed)
    text = Template(SCRIPT).substitute(
        doc=f"Reproduces tfconform case {case.id}\non target {result.target} (TensorFlow {result.tf_version}),"
            f" generated by `tfconform bugreport`.", env=json.dumps(env), mode=repr(target.mode),
        timeout=int(timeout), inputs="\n".join(inputs), program="\n".join(_program(case, grads, rf)),
        expected=expected, expected_error=expected_error)
    compile(text, "repro.py", "exec")      # a generated script that does not parse is the harness's bug
    return text


SCRIPT = '''#!/usr/bin/env python3
"""$doc

Needs only TensorFlow and numpy. Runs the call in a child process (a crash must not kill this
script) and compares what TensorFlow did with what the reference (numpy, float64) says.
Exit status: 1 while TensorFlow deviates, 0 once it agrees, 2 if the call could not be run.
`python repro.py --hlo` prints XLA's HLO of the call (XLA targets).
"""
import base64
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import zlib

# The target's settings, read by TensorFlow when it loads (the child process inherits them).
# MALLOC_PERTURB_ makes memory a kernel leaves unwritten hold a fixed pattern, as in tfconform.
os.environ.update($env)

import numpy as np
from numpy import inf, nan

MODE = $mode  # eager, function: tf.function(autograph=False), xla: tf.function(jit_compile=True)
TIMEOUT = $timeout  # seconds the call may take


def packed(text, dtype, shape):
    """Values too many to list: their bytes, zlib-compressed, base64-encoded."""
    return np.frombuffer(zlib.decompress(base64.b64decode(text)), dtype=dtype).reshape(shape)


def inputs(tf):
    """The case's tensors (and the output gradient of a gradient case), as tfconform fed them."""
$inputs


def program(tensors, upstream):
    import tensorflow as tf
$program


def call(tf):
    fn = program
    if MODE == "function":
        fn = tf.function(program, autograph=False)
    elif MODE == "xla":
        fn = tf.function(program, autograph=False, jit_compile=True)
    return fn, inputs(tf)


# The reference's outputs: shape, dtype, values and the per-element tolerance tfconform allowed
# (the rounding error of the sums TensorFlow computes); NaN matches only NaN, an infinity only itself.
EXPECTED = $expected
# Or the error TensorFlow must raise: its types, and the reference's reason in TensorFlow's wordings.
EXPECTED_ERROR = $expected_error


def child(path):
    """Run the call once; save its outputs, or the error it raised, for the parent to judge."""
    import tensorflow as tf
    try:
        fn, args = call(tf)
        out = {name: value.numpy() for name, value in fn(*args).items()}
    except Exception as exc:
        np.savez(path, __error__=np.array(json.dumps([type(exc).__name__, str(exc)])))
        return
    arrays = {k: v if v.dtype.kind in "iubfc" else v.astype(np.float64) for k, v in out.items()}
    meta = {k: str(v.dtype) for k, v in out.items()}
    np.savez(path, __dtypes__=np.array(json.dumps(meta)), **{"out_" + k: v for k, v in arrays.items()})


def beyond(want, got):
    """Cells of `got` that depart from the reference beyond the tolerance."""
    ref = np.asarray(want["values"])
    kind = np.complex128 if np.iscomplexobj(ref) or np.iscomplexobj(got) else np.float64
    ref, got = ref.astype(kind), np.asarray(got).astype(kind)
    tol = np.broadcast_to(np.asarray(want["tolerance"], np.float64), ref.shape)
    tol = np.where(np.isfinite(tol) & (tol > 0), tol, 0.0)
    same = lambda a, b: (np.isnan(a) & np.isnan(b)) | (a == b)
    with np.errstate(invalid="ignore", over="ignore"):
        close = np.isfinite(got) & (np.abs(got - ref) <= tol)
        overflow = (np.isinf(got.real) & ~np.isnan(got.imag) & (np.sign(got.real) == np.sign(ref.real))
                    & (np.abs(ref.real) + tol >= want["largest"]))
        return ~np.where(np.isfinite(ref), close | overflow, same(ref.real, got.real) & same(ref.imag, got.imag))


def deviations(outcome):
    """What TensorFlow did that the reference does not allow (empty: it agrees)."""
    error = json.loads(str(outcome["__error__"])) if "__error__" in outcome else None
    if EXPECTED_ERROR:
        want = EXPECTED_ERROR
        if error is None:
            shapes = {k[4:]: list(outcome[k].shape) for k in outcome if k.startswith("out_")}
            return [f"TensorFlow returned {shapes}; it must reject the call ({want['why']})"]
        if error[0] not in want["types"]:
            return [f"TensorFlow raised {error[0]}: {error[1][:500]}; expected {' or '.join(want['types'])}"]
        if want["match"] and not re.search(want["match"], error[1]):
            return [f"TensorFlow's message does not match {want['match']!r}: {error[1][:500]}"]
        if want["patterns"] and not any(re.search(p, error[1], re.M) for p in want["patterns"]):
            return [f"TensorFlow rejects the call for another reason than the reference ({want['why']}): "
                    f"{error[0]}: {error[1][:500]}"]
        return []
    if error is not None:
        return [f"TensorFlow raised {error[0]}: {error[1][:500]}; the reference returns "
                + ", ".join(f"{k} of shape {w['shape']}" for k, w in EXPECTED.items())]
    dtypes, problems = json.loads(str(outcome["__dtypes__"])), []
    for name, want in EXPECTED.items():
        if "out_" + name not in outcome:
            problems.append(f"{name}: TensorFlow returned none; the reference's has shape {want['shape']}")
            continue
        got = outcome["out_" + name]
        if list(got.shape) != want["shape"]:
            problems.append(f"{name}: TensorFlow returned shape {list(got.shape)}, the reference {want['shape']}")
        elif want["dtype"] and dtypes[name] != want["dtype"]:
            problems.append(f"{name}: TensorFlow returned dtype {dtypes[name]}, expected {want['dtype']}")
        else:
            bad = beyond(want, got)
            if bad.any():
                problems.append(f"{name}: {int(bad.sum())} of {bad.size} elements beyond tolerance:")
                tol = np.broadcast_to(np.asarray(want["tolerance"], np.float64), bad.shape)
                for index in list(zip(*np.nonzero(bad)))[:5]:
                    problems.append(f"  at {[int(i) for i in index]}: TensorFlow {got[index]!r}, reference "
                                    f"{np.asarray(want['values'])[index]!r} (tolerance {tol[index]:.3g})")
    return problems


def main():
    if sys.argv[1:2] == ["--child"]:
        return child(sys.argv[2])
    if sys.argv[1:2] == ["--hlo"]:
        import tensorflow as tf
        fn, args = call(tf)
        return print(tf.function(program, autograph=False, jit_compile=True)
                     .experimental_get_compiler_ir(*args)(stage="hlo"))
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "outcome.npz")
        try:
            done = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", path], timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            print(f"DEVIATES: TensorFlow gave no answer within {TIMEOUT} s")
            sys.exit(1)
        if done.returncode < 0:
            print(f"DEVIATES: TensorFlow's process died of {signal.Signals(-done.returncode).name}; "
                  f"the reference says: {EXPECTED_ERROR['why'] if EXPECTED_ERROR else {k: w['shape'] for k, w in EXPECTED.items()}}")
            sys.exit(1)
        if done.returncode or not os.path.exists(path):
            print(f"could not run the call (exit status {done.returncode})")
            sys.exit(2)
        with np.load(path) as data:
            problems = deviations({k: data[k] for k in data.files})
    print("DEVIATES: " + "\\n".join(problems) if problems else "TensorFlow agrees with the reference.")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
'''
