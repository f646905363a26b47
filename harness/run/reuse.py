"""What a rerun takes from the results it already has, so that nothing unchanged is done twice.

Every result of `tfconform run` carries a key: a SHA-256 of everything that decides its record
(the case as loaded, with the bytes of its .npy files; the target, its TensorFlow settings and
interpreter; the TensorFlow version; the CPU; the code of the harness and the reference, and the
versions of the libraries they compute with). A run looks in its output folder first:
- `results.jsonl.partial`, the journal a run writes as results come and removes when it ends:
  every record there whose key still holds is taken as it is (an interrupted run resumes; no
  case is run twice, whatever its outcome);
- `results.jsonl.gz` of the last complete run (or an older run's plain `results.jsonl`): records
  whose key holds are taken, except those that must be asked again every run (timeouts, values
  that changed between calls, the harness's own errors). `--no-cache` takes nothing from it.
Nothing here imports TensorFlow.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import NamedTuple

from harness.machine import cpu_flags, cpu_model
from harness.model import REFERENCE, Case
from harness.run.cache import SETTINGS, interpreter_identity

JOURNAL = "results.jsonl.partial"
KEY_CHARS = 32             # 128 bits of the SHA-256: unique enough, a third of a record's id
_LIBRARIES = ("numpy", "ml_dtypes", "PyYAML")


# Code that never shapes a record: commands, reports, sweeps, proofs, engines. Everything else of
# the harness and the reference counts (when in doubt, a file counts: a needless rerun costs time,
# a stale verdict costs trust).
_NOT_RECORDS = ("harness/cli.py", "harness/pin.py", "harness/plugin.py", "harness/envs.py",
                "harness/__main__.py", "harness/sweep/", "harness/proof/", "harness/output/report.py",
                "harness/output/browser.py", "harness/output/bugreport.py", "harness/output/progress.py",
                "harness/output/templates/", "harness/run/ray_engine.py")


@lru_cache(maxsize=1)
def code_digest() -> str:
    """The sources that make a record (loading, the reference, running, judging, recording) and
    the libraries they compute with: any change there may change a verdict, so it changes every key."""
    root = Path(__file__).resolve().parents[2]
    h = hashlib.sha256()
    for package in ("harness", "reference"):
        for path in sorted((root / package).rglob("*")):
            rel = path.relative_to(root).as_posix()
            if (path.suffix in (".py", ".json", ".yaml") and "__pycache__" not in path.parts
                    and not rel.startswith(_NOT_RECORDS)):
                h.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
    for name in _LIBRARIES:
        try:
            h.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=none".encode())
    return h.hexdigest()


@lru_cache(maxsize=256)
def _file_digest(path: str) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return "unreadable"       # the run reports it; the key just never matches a real file


def case_fingerprint(case: Case) -> str:
    """The case as the loader made it (every field, so a default changed in the loader counts too),
    with the content of the .npy files its tensors read."""
    npy = sorted({spec.data for spec in _specs(case) if spec.kind == "npy"})
    text = json.dumps([case, {p: _file_digest(p) for p in npy}], sort_keys=True, default=_fields)
    return hashlib.sha256(text.encode()).hexdigest()


def _fields(value):
    """json.dumps' fallback: a dataclass (Case, TensorSpec, Known, Layer) as its fields and type."""
    if dataclasses.is_dataclass(value):
        return {"__type__": type(value).__name__, **vars(value)}
    return repr(value)


def _specs(case: Case):
    yield from case.tensors.values()
    for layer in case.layers:
        yield from layer.tensors.values()


def target_digest(target: str, tf_version: str | None, interpreter: str | None, env: dict) -> str:
    """What decides a target's side of every key: `env` is its worker's environment (only
    TensorFlow's and its libraries' settings count), `interpreter` the Python it runs."""
    flags = cpu_flags()
    settings = {k: v for k, v in sorted(env.items()) if k.startswith(SETTINGS)}
    return json.dumps({"target": target, "tf": None if target == REFERENCE else tf_version,
                       "interpreter": interpreter_identity(interpreter), "env": settings,
                       "cpu": [cpu_model(), sorted(flags or ())]}, sort_keys=True)


def result_key(fingerprint: str, target_part: str) -> str:
    """The key of one (case, target): its case_fingerprint and its target_digest."""
    return hashlib.sha256(f"{code_digest()}\0{fingerprint}\0{target_part}".encode()).hexdigest()[:KEY_CHARS]


def again_every_run(record: dict) -> bool:
    """Outcomes no run may reuse from an earlier one: they depend on the load, on memory that was
    never written, or on a fault of the harness itself."""
    tf = record.get("tf") or {}
    return (tf.get("kind") == "timeout" or bool(tf.get("nondeterministic"))
            or record.get("kind") == "harness-error" or record.get("status") == "skip")


def _read(path: Path) -> list[dict]:
    """The records of a results file or journal (harness.output.results.read: a results file holds
    a case's records as what differs from the case's previous one); a line cut short by an
    interruption, like any other problem, is skipped."""
    from harness.output import results
    if not path.is_file():
        return []
    records, _problems = results.read([path])
    return [{k: v for k, v in rec.items() if k != "_file"} for rec in records if rec.get("key")]


class Prior(NamedTuple):
    found: dict          # key -> record a run may take
    journaled: set       # the keys of those that come from an interrupted run's journal
    again: set           # targets with results of the last complete run that run every time


def prior_records(folder: Path, complete: bool = True) -> Prior:
    """What a run into `folder` may take. `complete`: also take from the last complete run's
    results.jsonl (else only from the journal of an interrupted run)."""
    folder = Path(folder)
    found: dict[str, dict] = {}
    again: set[str] = set()
    if complete:
        from harness.output.results import NAME
        last = folder / NAME
        for rec in _read(last if last.is_file() else folder / "results.jsonl"):   # (or an older run's)
            if not again_every_run(rec):
                found[rec["key"]] = rec
            elif rec.get("target") != REFERENCE:
                again.add(rec["target"])
    journal = _read(folder / JOURNAL)
    for rec in journal:
        found[rec["key"]] = rec
    return Prior(found, {r["key"] for r in journal}, again)


def tensors_present(record: dict, folder: Path) -> bool:
    """Whether the tensor files a record points at are still there (a results file is relative to
    its folder), so that a reused record's pages still draw its tensors."""
    return all((Path(folder) / rel).is_file() for rel in (record.get("tensor_files") or {}).values())
