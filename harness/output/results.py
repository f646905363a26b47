"""results.jsonl: one JSON object per case x target, the contract reports and other tools read.

Only what is deterministic goes in (no timings, no process ids), so the same cases give the same
file on every run.
"""
from __future__ import annotations

import json
import math
import os
from pathlib import Path

from harness.machine import cpu_flags, cpu_model
from harness.model import REFERENCE, Outcome, Result
from harness.ops import OPS
from harness.run.pool import worker_env
from harness.verdict.judge import resolve_expect


def _clean(value):
    """JSON without NaN/Infinity tokens (not JSON): non-finite floats become strings."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def _outcome(outcome: Outcome) -> dict:
    out = outcome.summary()
    if outcome.kind in ("crash", "timeout") and outcome.log:
        out["log"] = outcome.log[-2000:]
    if outcome.kind == "value":
        out["dtypes"] = {k: str(v.dtype) for k, v in outcome.outputs.items()}
    return out


def record(result: Result, tf_version: str | None, tensor_files: dict | None = None) -> dict:
    """A result as results.jsonl holds it. `expected` is the case's expectation for this target
    (resolved once, here, for every reader); tensor_files what harness.output.tensorstore wrote
    for it, relative to the results file."""
    case, verdict, ref, tf = result.case, result.verdict, result.reference, result.tf
    expected = case.expect if result.target == REFERENCE else resolve_expect(case, result.target)[0]
    return _clean({
        "id": case.id, "name": case.name, "path": case.path, "line": case.line, "op": case.op,
        "function": "tf." + (OPS[case.op].tf if case.op in OPS else case.op),
        "target": result.target, "status": verdict.status, "kind": verdict.kind,
        "message": verdict.message, "max_abs_err": verdict.max_abs_err,
        "max_rel_err": verdict.max_rel_err,
        "reference": _outcome(ref), "tf": _outcome(tf) if tf else None,
        "details": verdict.details, "tf_version": tf_version, "source": case.source,
        "dtype": case.dtype, "args": case.args, "matrix": case.matrix,
        "tensors": {n: {"shape": list(t.shape), "dtype": t.dtype, "kind": t.kind}
                    for n, t in case.tensors.items()},
        "expect": case.expect, "expected": expected, "note": case.note, "text": case.text,
        "snippet": verdict.snippet, "observed": verdict.observed,
        "known": [{"targets": list(k.targets), "tf": k.tf, "kind": k.kind, "reason": k.reason,
                   "link": k.link, "status": k.status, **k.signature} | ({"when": k.when} if k.when else {})
                  | ({"cpu": list(k.cpu)} if k.cpu else {})
                  for k in case.known],
        "tensor_files": tensor_files or {},
    })


def write(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for rec in records:
            rec = {k: v for k, v in rec.items() if not k.startswith("_")}
            f.write(json.dumps(rec, sort_keys=True, ensure_ascii=False) + "\n")


def read(paths: list[Path]) -> tuple[list[dict], list[str]]:
    """Records of every file, in file order; problems as `path:line: what`."""
    records, problems = [], []
    for path in paths:
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            problems.append(f"{path}:0: cannot read: {exc.strerror}")
            continue
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(f"{path}:{number}: not JSON: {exc.msg}")
                continue
            if not isinstance(rec, dict) or not {"id", "target", "status"} <= rec.keys():
                problems.append(f"{path}:{number}: not a tfconform result (needs id, target, status)")
                continue
            rec["_file"] = str(path)    # where its tensor_files are relative to; never written back
            records.append(rec)
    return records, problems


def rebase(records: list[dict], root: Path | None, folder: Path) -> list[dict]:
    """Records whose tensor_files (relative to `root`) are rewritten relative to `folder`, for a
    results file written somewhere other than where the tensors are."""
    if root is None or Path(root).resolve() == Path(folder).resolve():
        return records
    out = []
    for rec in records:
        files = {k: os.path.relpath(Path(root) / v, folder).replace(os.sep, "/")
                 for k, v in (rec.get("tensor_files") or {}).items()}
        out.append({**rec, "tensor_files": files})
    return out


def meta_path(results_path: Path) -> Path:
    """The run's sidecar: results.jsonl -> results.meta.json, results.gw0.jsonl -> results.gw0.meta.json."""
    results_path = Path(results_path)
    return results_path.with_name(results_path.stem + ".meta.json")


# Environment variables that change what TensorFlow computes or how (not every TF_* name is TF's).
_SETTINGS = ("TF_ENABLE_", "TF_NUM_", "TF_CPP_", "TF_XLA_", "TF_DETERMINISTIC", "TF_INTRA_", "TF_INTER_",
             "XLA_FLAGS", "OMP_", "ONEDNN_", "DNNL_", "MKL", "KMP_", "MALLOC_")


def run_meta(targets, tf_version: str | None) -> dict:
    """What the report shows about the run: machine-specific, hence a sidecar and not part of the
    deterministic results.jsonl."""
    import platform
    variants = {}
    for target in targets:
        variant = target.partition("/")[2]
        env = worker_env(target)
        variants[variant] = {k: v for k, v in sorted(env.items()) if k.startswith(_SETTINGS)}
    return {"tf_version": tf_version, "python": platform.python_version(),
            "platform": platform.platform(), "cpu": cpu_model(), "cpu_flags": sorted(cpu_flags() or ()), "targets": list(targets),
            "variants": variants}


def write_meta(results_path: Path, meta: dict) -> None:
    path = meta_path(results_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(meta, sort_keys=True, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def read_meta(results_paths) -> list[dict]:
    """Every distinct run description next to these results files (missing or broken: skipped)."""
    seen, out = set(), []
    for path in results_paths:
        try:
            meta = json.loads(meta_path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        key = json.dumps(meta, sort_keys=True)
        if isinstance(meta, dict) and key not in seen:
            seen.add(key)
            out.append(meta)
    return out
