"""Signatures: what TensorFlow does when it deviates, stated precisely enough that a `known` entry
pins one behaviour and any other is noticed.

A signature is the `known` keys that belong to a failure kind:
- error kinds: `error` (exception class names, '|'-separated) and `match` (a regular expression
  searched in TensorFlow's message, as written or cleaned of node names and tracebacks);
- `crash`: `signal` ("SIGFPE", or "exit 3");
- `shape` and `missing-error`: `shape`, the shape TensorFlow returned;
- `dtype`: `dtype`, the dtype TensorFlow returned;
- `value`: `values`, TensorFlow's output (nested or flat; compared with the case's tolerance), or
  `digest` (sha256 of a large output, exact), or `nondeterministic: true` with `at`, the cells
  TensorFlow gets wrong, whose values change from call to call (uninitialised memory);
- `timeout`: nothing beyond the kind.
Keys about outputs name the op's first output; a mapping `{output name: ...}` names others.
"""
from __future__ import annotations

import hashlib
import json
import re

import numpy as np

from harness.verdict import compare
from harness.model import Known, Outcome, Verdict

ERROR_KINDS = ("unexpected-error", "error-type", "error-message", "internal-error")
KEYS = {**{kind: ("error", "match") for kind in ERROR_KINDS},
        "crash": ("signal",), "shape": ("shape",), "missing-error": ("shape",), "dtype": ("dtype",),
        "value": ("values", "digest", "nondeterministic", "at"), "timeout": ()}
ALL_KEYS = tuple(dict.fromkeys(k for keys in KEYS.values() for k in keys))
# A signature needs one of these (value: `at` alone is not one; timeout needs nothing).
REQUIRED = {**{kind: ("error",) for kind in ERROR_KINDS}, "crash": ("signal",), "shape": ("shape",),
            "missing-error": ("shape",), "dtype": ("dtype",),
            "value": ("values", "digest", "nondeterministic"), "timeout": ()}
VALUES_LIMIT = 64       # output elements pinned literally; larger outputs are pinned by digest
MATCH_LIMIT = 160       # characters of TensorFlow's message a pinned `match` quotes


def signed(known: Known) -> bool:
    """Whether the entry says what TensorFlow does, not only the kind of failure."""
    if known.kind is None:
        return False
    return not REQUIRED.get(known.kind) or any(k in known.signature for k in REQUIRED[known.kind])


# -- TensorFlow's messages ------------------------------------------------------------------------
def clean_message(message: str | None) -> str:
    """TensorFlow's error message as one line, without its node names, Python traceback ("Graph
    execution error" from tf.function), XLA's window protos and debug links."""
    text = message or ""
    if text.startswith("Graph execution error"):
        text = "\n".join(line for line in text.splitlines()[1:]
                         if line.strip() and not line.startswith(("  File ", "Detected at node")))
    text = re.sub(r"\{\{[^}]*\}\}", "", text)
    text = re.sub(r"goo\.gle/\S+", "", text)
    text = re.sub(r"\[_XlaMustCompile=[^\]]*\]", "", text)
    # (the worker already drops the counter: __inference_program_84 -> __inference_program)
    text = re.sub(r"__inference_\w+?(?:_\d+)?\b", "the function", text)
    while re.search(r"\w+ \{[^{}]*\}", text):             # XLA's protos: dimensions { ... }
        text = re.sub(r"\w+ \{[^{}]*\}", "", text)
    # A node's attributes come in no fixed order: name the op only.
    text = re.sub(r"(Could not find device for node):\s*=\s*(\w+)\[.*", r"\1 \2", text, flags=re.S)
    for cut in ("\t [[", " [[", "tf2xla conversion failed", " [Op:", " for '", " with input shapes",
                "The op is created at", " used by ", " with these attrs"):
        text = text.split(cut)[0]
    return re.sub(r"\s+", " ", text).strip()


def message_matches(pattern: str, message: str | None) -> bool:
    return bool(re.search(pattern, message or "") or re.search(pattern, clean_message(message)))


def match_pattern(message: str | None) -> str:
    """A regular expression quoting the start of TensorFlow's cleaned message (whole words)."""
    text = clean_message(message)
    if len(text) > MATCH_LIMIT:
        text = text[:MATCH_LIMIT].rsplit(" ", 1)[0]
    return re.sub(r"([.^$*+?{}\[\]\\|()])", r"\\\1", text)


# -- outputs ----------------------------------------------------------------------------------------
def _by_output(value, first: str) -> dict:
    """A signature value about outputs as {output: value} (a plain value names the first)."""
    return dict(value) if isinstance(value, dict) else {first: value}


def _plain_output(mapping: dict, first: str):
    return mapping[first] if list(mapping) == [first] else mapping


def digest(arrays: dict[str, np.ndarray]) -> str:
    """sha256 of outputs' dtypes, shapes and bytes (bfloat16 as its float32 values)."""
    h = hashlib.sha256()
    for name in sorted(arrays):
        a = np.asarray(arrays[name])
        a = a.astype(np.float32) if a.dtype.name == "bfloat16" else a
        h.update(json.dumps([name, a.dtype.str, list(a.shape)]).encode())
        h.update(np.ascontiguousarray(a).tobytes())
    return "sha256:" + h.hexdigest()


def _shortest(x, dtype) -> float | int | bool:
    """A float as the shortest decimal that rounds back to it in its own dtype (0.06533386 for a
    float32), so pinned values read well; integers and booleans as they are."""
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    value = float(x)
    if not np.isfinite(value) or len(repr(value)) <= 10:     # -65504.0, not -65500.0
        return value
    with np.errstate(over="ignore"):
        for digits in range(1, 18):
            text = f"{value:.{digits}g}"
            if np.array(float(text)).astype(dtype) == np.array(value).astype(dtype):
                return float(text)
    return value


def to_list(a: np.ndarray):
    """An output as nested lists of Python numbers (complex as [real, imag] pairs)."""
    a = np.asarray(a)
    if a.dtype.kind == "c":
        a = np.stack([a.real, a.imag], axis=-1)
    return np.vectorize(lambda x: _shortest(x, a.dtype), otypes=[object])(a).tolist() if a.size else a.tolist()


def wrong_cells(ref: np.ndarray, got: np.ndarray, tol, dtype: str | None) -> list[list[int]]:
    bad, _, _ = compare.mismatches(ref, got, tol, dtype)
    return [[int(i) for i in idx] for idx in np.argwhere(bad)]


# -- observing --------------------------------------------------------------------------------------
def observe(kind: str, verdict: Verdict, ref: Outcome, tf: Outcome | None, first: str) -> dict:
    """The signature of this failure: what TensorFlow did, in `known` keys."""
    if tf is None:
        return {}
    if kind in ERROR_KINDS and tf.kind == "error":
        return {"error": tf.error_type, "match": match_pattern(tf.error_message)}
    if kind == "crash":
        return {"signal": tf.signal}
    if kind in ("shape", "missing-error", "dtype") and tf.kind == "value":
        names = [n for n, d in verdict.details.items() if isinstance(d, dict) and
                 ("tf_shape" in d or "tf_dtype" in d)] or [first]
        got = {n: tf.outputs.get(n) for n in names}
        if kind == "dtype":
            return {"dtype": _plain_output({n: str(a.dtype) for n, a in got.items() if a is not None}, first)}
        return {"shape": _plain_output({n: list(a.shape) if a is not None else None
                                        for n, a in got.items()}, first)}
    if kind == "value" and tf.kind == "value":
        bad = [n for n, d in verdict.details.items() if isinstance(d, dict) and d.get("mismatched")]
        if tf.nondeterministic:
            at = {n: wrong_cells(ref.outputs[n], tf.outputs[n], verdict.tolerances.get(n),
                                 str(tf.outputs[n].dtype)) for n in bad}
            return {"nondeterministic": True, "at": _plain_output(at, first)}
        outs = {n: tf.outputs[n] for n in bad}
        if sum(a.size for a in outs.values()) > VALUES_LIMIT:
            return {"digest": digest(outs)}
        return {"values": _plain_output({n: to_list(a) for n, a in outs.items()}, first)}
    return {}


# -- matching ---------------------------------------------------------------------------------------
def describe(sig: dict) -> str:
    """A signature in a few words: "InvalidArgumentError /Negative dimension/", "SIGFPE", ..."""
    parts = []
    if "error" in sig:
        parts.append(sig["error"] + (f" /{sig['match']}/" if sig.get("match") else ""))
    for key in ("signal", "dtype"):
        if key in sig:
            parts.append(str(sig[key]))
    if "shape" in sig:
        parts.append(f"shape {json.dumps(sig['shape'])}")
    if sig.get("nondeterministic"):
        parts.append("values that change between calls" + (f" at {json.dumps(sig['at'])}" if "at" in sig else ""))
    if "values" in sig:
        text = json.dumps(sig["values"])
        parts.append(f"values {text if len(text) <= 120 else text[:117] + '...'}")
    if "digest" in sig:
        parts.append(f"values with digest {sig['digest'][:19]}")
    return ", ".join(parts) or "(no signature)"


def difference(known: Known, kind: str, verdict: Verdict, ref: Outcome, tf: Outcome | None,
               first: str) -> str | None:
    """None when the failure is the one `known` pins; else "known: ..., now: ..."."""
    sig = known.signature
    if not sig:
        return None
    now = verdict.observed or observe(kind, verdict, ref, tf, first)
    if not _agrees(sig, kind, verdict, ref, tf, first):
        return f"known: {describe(sig)}; now: {describe(now)}"
    return None


def _agrees(sig: dict, kind: str, verdict: Verdict, ref: Outcome, tf: Outcome | None, first: str) -> bool:
    if tf is None:
        return False
    if kind in ERROR_KINDS:
        return (tf.kind == "error" and ("error" not in sig or tf.error_type in sig["error"].split("|"))
                and ("match" not in sig or message_matches(sig["match"], tf.error_message)))
    if kind == "crash":
        return "signal" not in sig or tf.signal == sig["signal"]
    if tf.kind != "value":
        return False
    if kind in ("shape", "missing-error") and "shape" in sig:
        return all(_shape(tf.outputs.get(n)) == (list(s) if s is not None else None)
                   for n, s in _by_output(sig["shape"], first).items())
    if kind == "dtype" and "dtype" in sig:
        return all(n in tf.outputs and str(tf.outputs[n].dtype) == d
                   for n, d in _by_output(sig["dtype"], first).items())
    if kind == "value":
        return _values_agree(sig, verdict, ref, tf, first)
    return True


def _pinned(values, got: np.ndarray | None) -> np.ndarray | None:
    """Pinned values in the shape and dtype of TensorFlow's output (None if they cannot be)."""
    if got is None:
        return None
    want = np.asarray(values, dtype=np.float64)
    if got.dtype.kind == "c":
        if want.shape[-1:] != (2,):
            return None
        want = want[..., 0] + 1j * want[..., 1]
    if want.size != got.size:
        return None
    with np.errstate(over="ignore", invalid="ignore"):
        return want.reshape(got.shape).astype(got.dtype)


def _shape(a) -> list | None:
    return None if a is None else list(a.shape)


def _values_agree(sig: dict, verdict: Verdict, ref: Outcome, tf: Outcome, first: str) -> bool:
    """Pinned outputs are as pinned; every other output agrees with the reference."""
    bad = {n for n, d in verdict.details.items() if isinstance(d, dict) and d.get("mismatched")}
    if "values" in sig:
        pinned = _by_output(sig["values"], first)
        for name, values in pinned.items():
            got = tf.outputs.get(name)
            want = _pinned(values, got)
            if want is None:
                return False
            tol = verdict.tolerances.get(name)
            if compare.diff(want, got, tol, str(got.dtype))["mismatched"]:
                return False
        return bad <= set(pinned)
    if "digest" in sig:
        return digest({n: tf.outputs[n] for n in sorted(bad)}) == sig["digest"]
    if sig.get("nondeterministic"):
        if "at" not in sig:
            return True
        at = _by_output(sig["at"], first)
        return bad == set(at) and all(
            wrong_cells(ref.outputs[n], tf.outputs[n], verdict.tolerances.get(n), str(tf.outputs[n].dtype))
            == [list(i) for i in cells] for n, cells in at.items())
    return True


# -- pinning -----------------------------------------------------------------------------------------
def failure_kind(verdict: Verdict) -> str | None:
    """The kind of failure TensorFlow showed (a `changed` verdict keeps the original kind)."""
    return verdict.details.get("failure") if verdict.kind == "changed" else verdict.kind


def pinned(results: dict, first: str) -> dict:
    """{key: (kind, signature)} for failing Results {key: result} of one deviation
    (several targets, matrix entries): each as observed, except that wrong values on one key at
    the very cells whose values changed between calls on another are that same uninitialised
    memory (which is often zeros several times running), so nondeterministic too."""
    out, cells = {}, {}
    for key, result in results.items():
        verdict, ref, tf = result.verdict, result.reference, result.tf
        kind = failure_kind(verdict)
        out[key] = (kind, dict(verdict.observed))
        if kind == "value" and tf is not None and tf.kind == "value":
            cells[key] = {n: wrong_cells(ref.outputs[n], tf.outputs[n], verdict.tolerances.get(n),
                                         str(tf.outputs[n].dtype))
                          for n, d in verdict.details.items() if isinstance(d, dict) and d.get("mismatched")}
    uninitialised = [cells[k] for k, (_, sig) in out.items() if sig.get("nondeterministic") and k in cells]
    for key, (kind, sig) in out.items():
        if ("values" in sig or "digest" in sig) and cells.get(key) in uninitialised:
            out[key] = (kind, {"nondeterministic": True, "at": _plain_output(cells[key], first)})
    return out
