"""The outcome cache: what TensorFlow answered to a request, kept so that a rerun with nothing
changed asks TensorFlow nothing.

Content-addressed: the key is a SHA-256 of everything that decides TensorFlow's answer: the
request the worker gets (the case's op, arguments and tensors, the mode, the gradient seed),
the target's settings (its environment variables as the worker sees them, its interpreter), the
TensorFlow version, the CPU (model and flags) and the worker's own code. Editing a case changes
its request and so its key; anything else reuses. Timeouts (which depend on the load and the
--timeout) and outcomes whose values changed from call to call (uninitialised memory) are never
kept. One file per outcome (`<key[:2]>/<key>.npz`, arrays and a JSON header, no pickles) under
$TFCONFORM_CACHE (default ~/.cache/tfconform/outcomes); after a run the least recently used files
go until the folder is under its bound ($TFCONFORM_CACHE_SIZE, default 1 GiB).
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np

from harness.machine import cpu_flags, cpu_model
from harness.model import Outcome
from harness.targets import Target

WORKER_CODE = ("run/worker.py", "run/wire.py", "machine.py")     # what the worker process runs
SETTINGS = ("TF_", "ONEDNN_", "DNNL_", "MKL", "OMP_", "KMP_", "XLA_", "CUDA_", "MALLOC_", "PYTHONHASHSEED")
DEFAULT_LIMIT = 1 << 30


def folder() -> Path:
    return Path(os.environ.get("TFCONFORM_CACHE") or Path.home() / ".cache" / "tfconform" / "outcomes")


def limit() -> int:
    from harness.args import parse_size
    text = os.environ.get("TFCONFORM_CACHE_SIZE")
    return parse_size(text) if text else DEFAULT_LIMIT


@lru_cache(maxsize=1)
def worker_digest() -> str:
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for name in WORKER_CODE:
        h.update(name.encode() + b"\0" + (root / name).read_bytes())
    return h.hexdigest()


def interpreter_identity(path: str | None) -> str | None:
    """An interpreter as the same Python in the same environment, however it was named: the
    environment's bin folder and the binary its links end in (a console script says python3 where
    `python -m` says python, for one and the same interpreter)."""
    if path is None:
        return None
    return f"{os.path.realpath(os.path.dirname(path))}/{os.path.basename(os.path.realpath(path))}"


def _raw(array: np.ndarray) -> tuple[dict, np.ndarray]:
    """An array as bytes and what rebuilds it (bfloat16 and other ml_dtypes included)."""
    array = np.ascontiguousarray(array)
    return {"dtype": str(array.dtype), "shape": list(array.shape)}, array.reshape(-1).view(np.uint8)


def hash_arrays(h, arrays: dict[str, np.ndarray]) -> None:
    """Feed named arrays (names, dtypes, shapes, bytes) to a hashlib hash: a content address."""
    for name in sorted(arrays):
        meta, raw = _raw(arrays[name])
        h.update(json.dumps([name, meta]).encode())
        h.update(raw.tobytes())


def _dtype(name: str) -> np.dtype:
    try:
        return np.dtype(name)
    except TypeError:
        import ml_dtypes
        return np.dtype(getattr(ml_dtypes, name))


class OutcomeCache:
    def __init__(self, where: Path | None = None, max_bytes: int | None = None):
        self.folder = Path(where) if where is not None else folder()
        self.max_bytes = limit() if max_bytes is None else max_bytes
        self.hits = self.misses = 0

    def key(self, target: str, tf_version: str | None, interpreter: str, worker_env: dict,
            header: dict, arrays: dict[str, np.ndarray]) -> str:
        flags = cpu_flags()
        h = hashlib.sha256(json.dumps({
            "worker": worker_digest(), "target": Target.of(target).mode, "tf": tf_version,
            "interpreter": interpreter_identity(interpreter), "cpu": [cpu_model(), sorted(flags or ())],
            "env": {k: v for k, v in sorted(worker_env.items()) if k.startswith(SETTINGS)},
            "header": header}, sort_keys=True, default=str).encode())
        hash_arrays(h, arrays)
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.npz"

    def get(self, key: str) -> Outcome | None:
        path = self._path(key)
        try:
            with np.load(path, allow_pickle=False) as data:
                head = json.loads(bytes(data["header"]).decode())
                outputs = {name: np.frombuffer(data[f"out{i}"].tobytes(), dtype=_dtype(m["dtype"]))
                           .reshape(m["shape"]).copy() for i, (name, m) in enumerate(head["outputs"])}
            os.utime(path)                      # recently used: trimmed last
        except (OSError, KeyError, ValueError):  # absent, or unreadable: ask TensorFlow
            self.misses += 1
            return None
        self.hits += 1
        fields = head["fields"]
        return Outcome(head["kind"], outputs=outputs, **fields)

    def put(self, key: str, outcome: Outcome) -> None:
        if outcome.kind not in ("value", "error", "crash") or outcome.nondeterministic:
            return
        fields = {k: getattr(outcome, k) for k in ("error_type", "error_message", "signal", "log", "seconds",
                                                    "origin", "nondeterministic")}
        metas, arrays = [], {}
        for i, (name, array) in enumerate(outcome.outputs.items()):
            meta, raw = _raw(array)
            metas.append([name, meta])
            arrays[f"out{i}"] = raw
        head = json.dumps({"kind": outcome.kind, "fields": fields, "outputs": metas}).encode()
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez(f, header=np.frombuffer(head, np.uint8), **arrays)
            os.replace(tmp, path)               # readers never see half a file
        except OSError as exc:
            print(f"tfconform: outcome cache not written ({exc})", file=sys.stderr)
            Path(tmp).unlink(missing_ok=True)

    def drop(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def files(self) -> list[Path]:
        return list(self.folder.glob("*/*.npz")) if self.folder.is_dir() else []

    def trim(self) -> int:
        """Remove the least recently used files until the folder is within its bound; how many went."""
        entries = []
        for p in self.files():
            try:
                st = p.stat()
                entries.append((st.st_mtime, st.st_size, p))
            except OSError:
                continue
        total, removed = sum(e[1] for e in entries), 0
        for _, size, path in sorted(entries):
            if total <= self.max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size
            removed += 1
        return removed

    def clear(self) -> tuple[int, int]:
        """Empty the cache: (files, bytes) removed."""
        n = size = 0
        for p in self.files():
            try:
                size += p.stat().st_size
                p.unlink()
                n += 1
            except OSError:
                pass
        return n, size
