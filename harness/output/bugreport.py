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
from harness.run.pool import PERTURB, interpreter, worker_env
from harness.run.snippet import LITERAL_LIMIT, call_expr, generator_expr, literal_expr
from harness.targets import Target, defaults
from harness.verdict import compare
from harness.verdict.judge import TF_USER_ERRORS, applies, expected_dtype, resolve_expect, tolerance

SCRIPT = Path(__file__).parent / "templates" / "repro.py.tmpl"    # string.Template: $$ is $
CPU_FLAGS = ("sse4_1", "avx", "avx2", "fma", "f16c", "avx_vnni", "avx512f", "avx512bw", "avx512vl",
             "avx512dq", "avx512_vnni", "avx512_bf16", "avx512_fp16", "amx_tile", "amx_bf16", "amx_int8")
MODES = {"eager": "eager", "function": "tf.function(autograph=False)",
         "xla": "tf.function(autograph=False, jit_compile=True) (XLA)"}
# Run in the target's interpreter and environment (whose PYTHONPATH holds the harness, as for its worker).
FACTS = r"""
import json, platform
from importlib import metadata
from harness.machine import cpu_flags, cpu_model
def version(*names):
    for name in names:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
print(json.dumps({"python": platform.python_version(), "platform": platform.platform(),
                  "tensorflow": version("tensorflow", "tensorflow-cpu", "tensorflow-intel"),
                  "numpy": version("numpy"), "cpu": cpu_model(), "flags": sorted(cpu_flags() or ())}))
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
    """A tensor's values: literal when small, else the seeded generator as snippet.py writes it,
    else (npy files, integer or bfloat16 tensors, NaN/inf shares) their bytes."""
    array = np.asarray(array)
    if array.size <= LITERAL_LIMIT:
        return literal_expr(array)
    # the seeded generator (tested to make exactly harness.cases.tensors' values), unless it needs
    # snippet's NaN/inf helper, which repro.py does not define
    if spec is not None and spec.kind in ("fill", "range", "random") and spec.dtype in ("float16", "float32", "float64"):
        expr = generator_expr(spec)
        if "nonfinite(" not in expr:
            return expr
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
        lines.append(f"{pad}{targets} = {call_expr(step.op, step.tensors, step.args, step.feed)}")
        if len(steps) > 1 or rf:       # a chain's next layer, or the receptive field, takes it
            lines.append(f"{pad}x = outputs[{step.outputs[0]!r}]")
    if rf:
        first = next(iter(steps[0].tensors.values()))
        lines += [f"{pad}probe = x[tuple(x.shape[a] // 2 if a in {rf['output_axes']!r} else 0 "
                  "for a in range(len(x.shape)))]",
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


def tolerances(case: Case, result: Result, computed) -> dict:
    """Per output, the per-element bound the verdict used (None: exact); computed the same way where
    the verdict compared no values (TensorFlow's shape was wrong, or it raised)."""
    out = {}
    for name, want in computed.outcome.outputs.items():
        if name in result.verdict.tolerances:
            out[name] = result.verdict.tolerances[name]
        else:
            dtype = expected_dtype(case, name, want) or str(want.dtype)
            out[name] = tolerance(case, name, dtype, computed.scale, want)
    return out


def expectation(case: Case, result: Result, computed, outputs: list[str]) -> tuple[str, str]:
    """(EXPECTED, EXPECTED_ERROR) as source: the reference's `outputs` with the verdict's tolerances,
    or the error TensorFlow must raise (its types, `match`, and the reference's rule in TensorFlow's
    wordings, harness.verdict.rules)."""
    from harness.verdict import rules
    ref, exp = computed.outcome, resolve_expect(case, result.target)[0] or {}
    if exp.get("error") or ref.kind == "error":
        types = set(exp["error"].split("|")) if exp.get("error") else TF_USER_ERRORS
        rule = ref.rule if ref.kind == "error" and not exp.get("match") else None
        patterns = list(rules.TF_PATTERNS.get(rule, ())) if rule else []
        if patterns:
            types = types & rules.ERROR_TYPES
        why = (ref.error_message or "").strip().splitlines()[0] if ref.kind == "error" else exp["error"]
        spec = {"types": sorted(types), "match": exp.get("match"), "rule": rule, "why": why, "patterns": patterns}
        return "{}", json.dumps(spec, indent=4)
    lines, bounds = ["{"], tolerances(case, result, computed)
    for name in outputs:
        want, tol, dtype = ref.outputs[name], bounds[name], expected_dtype(case, name, ref.outputs[name])
        tol = 0.0 if tol is None else float(tol) if np.ndim(tol) == 0 else array_expr(np.asarray(tol, np.float64))
        largest = compare.LARGEST.get(dtype or "", float("inf"))
        lines += [f"    {name!r}: {{'shape': {list(want.shape)}, 'dtype': {dtype!r}, 'largest': {largest!r},",
                  f"        'values': {array_expr(np.asarray(want))},", f"        'tolerance': {tol}}},"]
    return "\n".join(lines + ["}"]), "None"


def repro_script(case: Case, result: Result, computed, env: dict, timeout: float) -> str:
    steps, ref = steps_of(case), computed.outcome
    grads = [n for n in steps[0].tensors if f"grad_{n}" in ref.outputs] if computed.upstream is not None else []
    # A chain's receptive field, which TF is not asked for when a layer max-pools (execute.tf_request).
    rf = (rf_axes(case, ref.shapes()) if case.layers and ref.kind == "value"
          and not any(OPS[s.op].max_window(s.args) for s in steps) else None)
    inputs = ["    tensors = {}"]
    for key, spec in case.tensors.items():
        value = array_expr(computed.tensors[key], spec)
        inputs.append(f"    tensors[{key!r}] = tf.constant({value}, dtype=tf.{spec.dtype})")
    upstream = "None" if computed.upstream is None else \
        f"tf.constant({array_expr(computed.upstream)}, dtype=tf.{case.dtype})"
    inputs.append(f"    return tensors, {upstream}")
    outputs = [n for n in ref.outputs if n != "receptive_field" or rf]
    expected, expected_error = expectation(case, result, computed, outputs)
    text = Template(SCRIPT.read_text(encoding="utf-8")).substitute(
        doc=f"Reproduces tfconform case {case.id}\non target {result.target} (TensorFlow {result.tf_version}),"
            f" generated by `tfconform bugreport`.", env=json.dumps(env), mode=repr(Target.of(result.target).mode),
        timeout=int(timeout), inputs="\n".join(inputs), program="\n".join(_program(case, grads, rf)),
        expected=expected, expected_error=expected_error)
    compile(text, "repro.py", "exec")      # a generated script that does not parse is the harness's bug
    return text


# -- environment facts, oneDNN's verbose lines, XLA's HLO ----------------------------------------------
def _run(argv: list[str], env: dict, timeout: float, cwd) -> tuple[int | None, str, str]:
    """(exit status, None on timeout; stdout; stderr) of a subprocess."""
    try:
        done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
        return done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired as exc:
        text = lambda b: (b or b"").decode(errors="replace") if not isinstance(b, str) else b
        return None, text(exc.stdout), text(exc.stderr)


def _verbose(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("onednn_verbose")]


ONEDNN_VERSION = re.compile(r"oneDNN (v\S+(?: \(commit [^)]*\))?)")
# A oneDNN call whose verbose lines give oneDNN's version (the case's own may run no primitive).
PROBE = """
import tensorflow as tf
tf.nn.conv2d(tf.ones([1, 1, 1, 1]), tf.ones([1, 1, 1, 1]), 1, "VALID")
"""


def gather(target: str, repro: Path, timeout: float) -> dict:
    """Facts from the target's interpreter and environment, in subprocesses run side by side: the
    machine and versions; repro.py's verdict (with ONEDNN_VERBOSE=1 on oneDNN targets, whose lines
    TensorFlow 2.21 prints on stdout as `onednn_verbose,v1,...`); the HLO on XLA targets."""
    exe, env, record = interpreter(target), worker_env(target), Target.of(target)
    onednn = record.env.get("TF_ENABLE_ONEDNN_OPTS") == "1"
    jobs = {"facts": ([exe, "-c", FACTS], env),
            "repro": ([exe, str(repro)], {**env, "ONEDNN_VERBOSE": "1"} if onednn else env)}
    if record.mode == "xla":
        jobs["hlo"] = ([exe, str(repro), "--hlo"], env)
    with ThreadPoolExecutor(len(jobs)) as pool:
        runs = {k: pool.submit(_run, argv, e, timeout, repro.parent) for k, (argv, e) in jobs.items()}
        runs = {k: f.result() for k, f in runs.items()}
    try:
        facts = json.loads(next(line for line in runs["facts"][1].splitlines() if line.startswith("{")))
    except (ValueError, StopIteration):
        facts = {}
    status, out, err = runs["repro"]
    facts.update(onednn=onednn, verbose=_verbose(out), verbose_level="1", repro_status=status, repro_stderr=err,
                 repro_output=[line for line in out.splitlines() if not line.startswith("onednn_verbose")])
    if onednn and record.mode != "xla" and not any(",exec," in line for line in facts["verbose"]):
        # Level 1 prints a primitive once it ran: a call that crashes in oneDNN shows nothing. Level
        # `all` also prints the primitives created and the implementations dispatching declined.
        facts.update(verbose=_verbose(_run(jobs["repro"][0], {**env, "ONEDNN_VERBOSE": "all"}, timeout,
                                           repro.parent)[1]), verbose_level="all")
    versions = [m.group(1) for m in map(ONEDNN_VERSION.search, facts["verbose"]) if m]
    if onednn and not versions:     # the call ran no primitive: ask another call
        versions = [m.group(1) for m in map(ONEDNN_VERSION.search, _verbose(
            _run([exe, "-c", PROBE], {**env, "ONEDNN_VERBOSE": "1"}, timeout, repro.parent)[1])) if m]
    facts["onednn_version"] = versions[0] if versions else None
    if "hlo" in runs:
        facts["hlo"] = runs["hlo"][1].strip() if runs["hlo"][0] == 0 else None
    return facts


# -- issue.md -----------------------------------------------------------------------------------------
def _show(array) -> str:
    a = np.asarray(array)
    a = a if a.dtype.kind in "iubc" else a.astype(np.float64)
    if a.size > LITERAL_LIMIT:
        return f"{a.size} elements, shape {list(a.shape)} (all listed in repro.py)"
    return np.array2string(a, separator=", ", threshold=LITERAL_LIMIT + 1, max_line_width=100)


def _outcome(outcome, dtypes: dict | None = None, stderr: str = "", limit: int = 40) -> list[str]:
    """What an implementation did, as markdown lines (`dtypes`: the dtype to show for each output)."""
    if outcome.kind == "value":
        out = []
        for name, array in outcome.outputs.items():
            dtype = (dtypes or {}).get(name) or array.dtype
            out += [f"`{name}`: shape `{list(array.shape)}`, dtype `{dtype}`:", "```", _show(array), "```"]
        return out
    if outcome.kind == "error":
        message = (outcome.error_message or "").strip().splitlines()[:limit]
        return [f"It raises `{outcome.error_type}`:", "```", *message, "```"]
    if outcome.kind == "timeout":
        return [f"It hangs: {outcome.error_message}."]
    # A crash: the fault handler's traceback in repro.py's child, else the tail of the worker's log.
    log = stderr.splitlines() if "Fatal Python error" in stderr else (outcome.log or "").splitlines()
    log = [line for line in log if not line.startswith("Extension modules:")]
    start = max([i for i, line in enumerate(log) if line.startswith("Fatal Python error")] or [0])
    return [f"The process dies of {outcome.signal}."] + (["", "```", *log[start:][-limit:], "```"] if log else [])


def title(case: Case, result: Result, ref) -> str:
    fn = f"tf.{OPS[case.op].tf}" if not case.layers else "a chain of tf.nn ops"
    tf, record = result.tf, Target.of(result.target)
    first = lambda o: list(next(iter(o.outputs.values())).shape) if o.outputs else None   # noqa: E731
    what = {"crash": f"kills the process with {tf.signal}", "timeout": "hangs",
            "value": "returns wrong values", "dtype": "returns the wrong dtype",
            "shape": f"returns shape {first(tf)} instead of {first(ref)}",
            "missing-error": f"accepts an invalid call ({ref.rule or 'the reference rejects it'})",
            "unexpected-error": f"raises {tf.error_type} on a valid call",
            "internal-error": f"fails with {tf.error_type}",
            "error-type": f"rejects an invalid call with {tf.error_type}",
            "error-message": f"rejects an invalid call for another reason ({tf.error_type})",
            }.get(failure(result), f"agrees with the reference ({result.status})")
    settings = ", ".join(f"{k}={v}" for k, v in record.env.items() if k != "CUDA_VISIBLE_DEVICES")
    return f"{fn} {what} ({MODES[record.mode].split(' (')[0]}, {settings}, TensorFlow {result.tf_version})"


def _environment(result: Result, env: dict, facts: dict) -> list[str]:
    target, flags = Target.of(result.target), set(facts.get("flags", []))
    lines = ["## Environment", "",
             f"- TensorFlow {result.tf_version or facts.get('tensorflow')} (numpy {facts.get('numpy')}), "
             f"Python {facts.get('python')}, {facts.get('platform')}",
             f"- CPU: {facts.get('cpu')}; instruction sets: "
             + (", ".join(f for f in CPU_FLAGS if f in flags) or "none of " + ", ".join(CPU_FLAGS)),
             f"- Mode: {MODES[target.mode]}; variant `{target.variant.name}` ({target.variant.about})",
             "- Set before TensorFlow loads: " + ", ".join(f"`{k}={v}`" for k, v in env.items())]
    if facts.get("onednn"):
        lines.append(f"- oneDNN {facts.get('onednn_version') or 'version unknown (no verbose line named it)'}")
    return lines


def _reference(case: Case, result: Result, computed) -> list[str]:
    from reference.errors import RULES
    ref, exp = computed.outcome, resolve_expect(case, result.target)[0] or {}
    lines = ["## What the reference says", ""]
    if ref.kind == "error":
        lines += [f"The call must be rejected: rule `{ref.rule}`: {RULES.get(ref.rule, '')}.", "",
                  "The reference's message:", "```", (ref.error_message or "").strip(), "```"]
    else:
        lines += _outcome(ref, {n: expected_dtype(case, n, a) for n, a in ref.outputs.items()}) + [""]
        for name, tol in tolerances(case, result, computed).items():
            bound = "exactly" if tol is None else (f"to within {float(np.max(tol, initial=0)):.3g} per element "
                                                   "at most (the rounding of the sums TensorFlow computes)")
            lines.append(f"- `{name}` must match {bound}; NaN matches only NaN, an infinity only the same one.")
    if exp.get("error"):
        match = f" matching `{exp['match']}`" if exp.get("match") else ""
        lines += ["", f"The case expects `{exp['error']}`{match}."]
    return lines


def _tensorflow(result: Result, facts: dict) -> list[str]:
    lines = ["## What TensorFlow does", ""] + _outcome(result.tf, stderr=facts.get("repro_stderr", ""))
    for name, d in result.verdict.details.items():
        if isinstance(d, dict) and d.get("worst"):
            lines += ["", f"`{name}`: {d['mismatched']} of {d['total']} elements beyond tolerance:", "",
                      "| index | TensorFlow | reference | abs err | tolerance |", "| --- | --- | --- | --- | --- |"]
            lines += [f"| {w['index']} | {w['tf']} | {w['reference']} | {w['abs_err']:.3g} | {w['tolerance']:.3g} |"
                      for w in d["worst"]]
    if result.tf.nondeterministic:
        lines += ["", "The wrong values change from call to call: uninitialised memory."]
    return lines


def _input(case: Case, computed) -> list[str]:
    lines = ["## Input", "", "```python"]
    lines += [call_expr(s.op, s.tensors, s.args, s.feed) for s in steps_of(case)] + ["```"]
    for name, spec in case.tensors.items():
        made = f" ({spec.kind}: {spec.data})" if spec.kind in ("random", "range", "fill") else ""
        lines += ["", f"`{name}`: shape `{list(spec.shape)}`, {spec.dtype}{made}:", "```",
                  _show(computed.tensors[name]), "```"]
    if computed.upstream is not None:
        lines += ["", f"Gradients with the output gradient `upstream` (shape {list(computed.upstream.shape)}, "
                      "in repro.py)."]
    return lines


def issue_text(case: Case, result: Result, computed, env: dict, facts: dict) -> str:
    verdict, mode = result.verdict, Target.of(result.target).mode
    lines = [f"# {title(case, result, computed.outcome)}", "",
             f"Found by tfconform (TensorFlow's convolution family against a numpy reference): case `{case.id}` "
             f"on target `{result.target}`: {verdict.status}" + (f" ({failure(result)})" if verdict.kind else "")
             + (f": {verdict.message}" if verdict.message else "") + ".", ""]
    lines += _environment(result, env, facts) + [""] + _reference(case, result, computed) + [""]
    lines += _tensorflow(result, facts) + [""] + _input(case, computed)
    known = sorted((k for k in case.known if applies(k, result.target, result.tf_version)),
                   key=lambda k: k.reason != verdict.details.get("known"))
    if known:
        lines += ["", "## Known", "", f"tfconform's `known` entry (`tf: {known[0].tf}`): {known[0].reason}"]
        lines += ["", f"Link: {known[0].link}"] if known[0].link else []
    if facts.get("onednn"):
        level, verbose = facts["verbose_level"], facts["verbose"][:80]
        lines += ["", f"## oneDNN verbose (ONEDNN_VERBOSE={level})", ""]
        if not verbose:
            lines.append(f"ONEDNN_VERBOSE=1{' and =all' * (level == 'all')} printed no line: the call created "
                         "no oneDNN primitive.")
        elif level == "all":
            lines += ["ONEDNN_VERBOSE=1 printed no primitive (it prints one once it has run); these are the "
                      "lines of ONEDNN_VERBOSE=all: the primitives created and dispatched.", ""]
        lines += ["```", *verbose, "```"] if verbose else []
    if mode == "xla":
        lines += ["", "## XLA HLO", "", "```", facts.get("hlo") or "(XLA could not compile the call)", "```"]
    lines += ["", "## Reproduce", "", "Needs only TensorFlow and numpy:", "", "```sh",
              "python repro.py                    # exit status 1 while TensorFlow deviates, 0 once it agrees"]
    lines += ["ONEDNN_VERBOSE=1 python repro.py   # with oneDNN's verbose lines (=all: also those of "
              "primitives created)"] if facts.get("onednn") else []
    lines += ["python repro.py --hlo              # XLA's HLO of the call"] if mode == "xla" else []
    lines += ["```", "", f"On this machine repro.py exited with status {facts.get('repro_status')}:", "```",
              *facts.get("repro_output", [])[-30:], "```", ""]
    return "\n".join(lines)


# -- the command --------------------------------------------------------------------------------------
def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("case", help="a case id (path::name) or a case file holding one case")
    parser.add_argument("--target", help="the target to report (default: the first default target on which "
                                         "the case deviates)")
    parser.add_argument("-o", "--output", required=True, help="folder for repro.py and issue.md")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds a TF call may take (default 60)")


def _fail(message: str) -> int:
    print(f"tfconform bugreport: {message}", file=sys.stderr)
    return 2


def cmd_bugreport(args) -> int:
    """Write DIR/repro.py and DIR/issue.md. Exit status 0 when written, 1 when repro.py does not
    reproduce the harness's verdict on this machine, 2 for bad arguments or no deviation."""
    from harness.run.session import Session
    try:
        case = find_case(args.case)
        targets = [args.target] if args.target else [t for t in defaults() if case.applies_to(t)]
        for t in targets:
            interpreter(t)          # an unknown target, or a version without an environment
    except (LookupError, ValueError) as exc:
        return _fail(str(exc))
    if case.skip or not all(case.applies_to(t) for t in targets):
        return _fail(f"{case.id} does not run on {', '.join(targets) or 'any default target'}")
    session, result = Session(timeout=args.timeout), None
    try:
        for t in targets:
            r = session.run(case, t)
            if r.verdict.kind == "harness-error" and args.target:
                return _fail(f"{case.id} on {t}: the harness failed: {r.verdict.message}")
            if deviates(r) or (args.target and r.verdict.kind != "harness-error"):
                result = r
                break
        computed = session.reference(case)
    finally:
        session.close()
    if result is None:
        return _fail(f"{case.id} agrees with the reference on {', '.join(targets)}: nothing to report")
    wenv = worker_env(result.target)
    env = {**Target.of(result.target).env, "MALLOC_PERTURB_": str(PERTURB),
           "TF_NUM_INTEROP_THREADS": wenv["TF_NUM_INTEROP_THREADS"]}
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    repro = out / "repro.py"
    timeout = max(120.0, args.timeout)
    repro.write_text(repro_script(case, result, computed, env, timeout), encoding="utf-8")
    repro.chmod(0o755)
    facts = gather(result.target, repro.resolve(), timeout + 60)
    (out / "issue.md").write_text(issue_text(case, result, computed, env, facts), encoding="utf-8")
    print(f"{case.id} on {result.target}: {result.status}" + (f" ({failure(result)})" if result.verdict.kind else ""))
    print(f"wrote {repro} and {out / 'issue.md'}")
    if facts.get("repro_status") != (1 if deviates(result) else 0):
        print(f"warning: repro.py exited with {facts.get('repro_status')} here, but the harness's verdict is "
              f"{result.status}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="tfconform bugreport", description=__doc__.splitlines()[0])
    add_arguments(parser)
    sys.exit(cmd_bugreport(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
