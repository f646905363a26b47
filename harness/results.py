"""results.jsonl: one JSON object per case x target, the contract reports and other tools read.

Only what is deterministic goes in (no timings, no process ids), so the same cases give the same
file on every run.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

from harness.model import Case, Outcome, Verdict


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


def record(case: Case, target: str, verdict: Verdict, ref: Outcome, tf: Outcome | None,
           tf_version: str | None) -> dict:
    return _clean({
        "id": case.id, "name": case.name, "path": case.path, "line": case.line, "op": case.op,
        "target": target, "status": verdict.status, "kind": verdict.kind,
        "message": verdict.message, "max_abs_err": verdict.max_abs_err,
        "max_rel_err": verdict.max_rel_err,
        "reference": _outcome(ref), "tf": _outcome(tf) if tf else None,
        "details": verdict.details, "tf_version": tf_version, "source": case.source,
        "dtype": case.dtype, "args": case.args, "matrix": case.matrix,
        "tensors": {n: {"shape": list(t.shape), "dtype": t.dtype, "kind": t.kind}
                    for n, t in case.tensors.items()},
        "expect": case.expect, "note": case.note, "text": case.text,
        "snippet": verdict.snippet,
        "known": [{"targets": list(k.targets), "tf": k.tf, "kind": k.kind, "reason": k.reason,
                   "link": k.link} for k in case.known],
    })


def write(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for rec in records:
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
            records.append(rec)
    return records, problems
