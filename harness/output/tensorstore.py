"""The tensors a report draws, stored next to results.jsonl so the report never reruns anything.

A result's tensors come in three groups: `inputs` (the case's tensor arguments, by name; the same
for all its targets), `reference` (`ref.<output>`) and `outputs` (`tf.<output>`, and `bad.<output>`,
1 where |TF - reference| is beyond the tolerance the verdict used, whose largest value is in the
meta as `tol_max`), cropped alike so they line up cell by cell.

Small groups (at most INLINE bytes compressed: nearly all) go inline into the result's record, as
`inline_inputs`, `inline_reference`, `inline_outputs`: base64 of zlib-compressed bytes, a JSON
header line (`{"arrays": [[key, dtype, shape], ...], "meta": {...}}`) then the arrays' raw bytes
in that order. A float output `tf.<name>` whose `ref.<name>` has its shape is stored as the
difference of its bits from those of the reference rounded to its dtype (wrapping unsigned
integers, so every bit pattern comes back, NaNs included): mostly zeros and ones, a third of the
bytes compressed; the header lists them under "delta", and they decode only with the record's
reference group (`decode(text, reference)`). The results file writes a field equal to the case's
previous record's once (harness.output.results), so inputs and reference are stored once per case. Larger groups go to
`<results dir>/tensors/<digest>.npz`, content-addressed (the digest is of the arrays), so targets
with the same output share one file, a rerun keeps the unchanged ones and xdist workers writing
into the same folder never conflict. A record points at its files with paths relative to its
results file: `"tensor_files": {"inputs": "tensors/ab.npz", "outputs": ...}`. Files of the earlier
layout (`outputs` holding `ref.`, `tf.` and `tol.<output>`, the per-element tolerance) still load.

Bounded: a tensor of more than LIMIT elements is not stored whole. It is summarised (full shape,
min/max/mean/std, NaN and Inf counts) and cropped to a window of at most SIDE x SIDE cells over
its two grid axes and SLICES slices over the others, centred on the largest |TF - reference|
(inputs: the top-left corner). Every group holds a meta (a file: its `__meta__` JSON string)
describing each array: full shape, crop origin, original dtype, statistics.

Both are written deterministically (fixed zip timestamps) and read without pickles (files with
allow_pickle=False, inline groups as plain numeric dtypes).
Nothing here imports TensorFlow.
"""
from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import threading
import zipfile
import zlib
from pathlib import Path

import numpy as np

from harness.run.cache import hash_arrays

LIMIT = 4096        # elements stored whole
INLINE = 40000      # bytes (compressed) of a group kept in the record rather than in a file
SIDE = 16           # grid rows/cols kept of a larger tensor
SLICES = 16         # 2-D slices kept of a larger tensor
FOLDER = "tensors"
FILTER_NAMES = ("filters", "filter", "kernel")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


# -- how a tensor is drawn: which axes are a grid's rows and columns -----------------------------
def filter_axes(op: str | None, name: str) -> tuple | None:
    """The trailing axes of a filter tensor of the op, as its record names them ([h, w, in, out]
    -> ("in", "out"); a transpose's ("out", "in"); morphology's ("depth",)), else None."""
    from harness.ops import OPS
    base = name.rsplit(":", 1)[-1].removeprefix("grad_")
    record = OPS.get(op or "")
    return record.filters.get(base) if record else (("in", "out") if base in FILTER_NAMES else None)


def layout(name: str, ndim: int, data_format: str | None, trailing: tuple | None = None
           ) -> tuple[int | None, int | None, list[str]]:
    """(row axis, column axis, axis names) for drawing an N-d tensor as 2-D grids, one grid per
    combination of the other axes: NHWC/NCHW data -> an H x W grid per (batch, channel), like the
    posts' figures; filters [h, w, *trailing] (harness.ops records name the trailing axes: in and
    out, or depth) -> an h x w grid per trailing index. With one spatial axis (NWC, [w, in, out]) a
    grid holds a channel per row, so a sequence reads left to right."""
    # chain cases key tensors "<layer>:<argument>"; gradients are named after their argument
    name = name.rsplit(":", 1)[-1].removeprefix("grad_")
    if trailing is None and name in FILTER_NAMES:
        trailing = ("in", "out")
    if ndim == 0:
        return None, None, []
    if ndim == 1:
        return None, 0, ["c" if name == "bias" else "i"]
    if ndim == 2:
        return 0, 1, ["n", "c"] if name in ("value", "input", "output") else ["i", "j"]
    spatial_names = {1: ["w"], 2: ["h", "w"], 3: ["d", "h", "w"]}.get(ndim - 2) or [
        f"s{i}" for i in range(ndim - 2)]
    if trailing and ndim > len(trailing):
        n = ndim - len(trailing)
        names = ({1: ["w"], 2: ["h", "w"], 3: ["d", "h", "w"]}.get(n) or [f"s{i}" for i in range(n)]) + list(trailing)
        spatial, channel = list(range(n)), n
    elif (data_format or "").upper().startswith("NC"):
        names = ["n", "c"] + spatial_names
        spatial, channel = list(range(2, ndim)), 1
    else:
        names = ["n"] + spatial_names + ["c"]
        spatial, channel = list(range(1, ndim - 1)), ndim - 1
    if len(spatial) == 1:
        return channel, spatial[0], names
    return spatial[-2], spatial[-1], names


def crop_box(shape, rows, cols, center) -> list[tuple[int, int]]:
    """(start, length) per axis: SIDE along the grid axes, SLICES slices over the others (the last
    axes, usually channels, get the budget first), each window centred on `center` and clamped."""
    box: list[tuple[int, int] | None] = [None] * len(shape)
    budget = SLICES
    for axis in reversed(range(len(shape))):
        n = shape[axis]
        if axis in (rows, cols):
            length = min(n, SIDE)
        else:
            length = max(1, min(n, budget))
            budget = max(1, budget // length)
        start = min(max(0, int(center[axis]) - length // 2), max(0, n - length))
        box[axis] = (start, length)
    return box


def _slices(box):
    return tuple(slice(s, s + n) for s, n in box)


# -- statistics and comparison ---------------------------------------------------------------------
def stats(array: np.ndarray) -> dict:
    a = _plain(array).astype(np.float64) if array.dtype.kind != "c" else np.abs(array)
    finite = a[np.isfinite(a)]
    out = {"nan": int(np.isnan(a).sum()), "inf": int(np.isinf(a).sum())}
    if finite.size:
        out.update(min=float(finite.min()), max=float(finite.max()), mean=float(finite.mean()),
                   std=float(finite.std()))
    return out


def abs_err(ref: np.ndarray, got: np.ndarray) -> np.ndarray:
    """|got - ref| with harness.verdict.compare's conventions: equal NaNs/Infs are 0, a NaN against a
    number is +Inf (always beyond tolerance)."""
    with np.errstate(invalid="ignore", over="ignore"):
        kinds = (np.asarray(ref).dtype.kind, np.asarray(got).dtype.kind)
        wide = np.complex128 if "c" in kinds else np.float64
        r, g = _plain(ref).astype(wide), _plain(got).astype(wide)
        err = np.abs(g - r)
        same = (np.isnan(r) & np.isnan(g)) | (np.isinf(r) & (r == g))
        err = np.where(same, 0.0, err)
        return np.where(np.isnan(err), np.inf, err)


def _plain(array: np.ndarray) -> np.ndarray:
    """An array numpy can save and load without pickles: bfloat16 and other extension dtypes
    become float32 (exact), booleans uint8."""
    array = np.asarray(array)
    if array.dtype.kind == "b":
        return array.astype(np.uint8)
    if array.dtype.kind not in "iufc":       # ml_dtypes' bfloat16 and float8s are kind "V"
        return array.astype(np.float32)
    return array


# -- files ------------------------------------------------------------------------------------------
def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """An .npz with fixed timestamps, so the same arrays give the same bytes (np.savez stamps the
    current time into every member)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            member = io.BytesIO()
            np.lib.format.write_array(member, np.asarray(arrays[name], order="C"), allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, member.getvalue())
    return buf.getvalue()


def load(path: Path) -> tuple[dict[str, np.ndarray], dict]:
    """(arrays, meta) of one stored file; never unpickles."""
    with np.load(path, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    meta = json.loads(str(arrays.pop("__meta__", np.array("{}")).ravel()[0]))
    return arrays, meta


_BITS = {2: np.uint16, 4: np.uint32, 8: np.uint64}


def _base_bits(key: str, dtype: np.dtype, shape, reference: dict | None):
    """The bits of the reference a TensorFlow output `key` is stored against (rounded to the
    output's dtype), or None when it is stored as it is."""
    stored_as_is = not key.startswith("tf.") or dtype.kind != "f" or dtype.itemsize not in _BITS
    ref = None if stored_as_is else (reference or {}).get("ref." + key[3:])
    if ref is None or tuple(ref.shape) != tuple(shape) or ref.dtype.kind != "f":
        return None
    with np.errstate(all="ignore"):
        return np.ascontiguousarray(ref.astype(dtype)).view(_BITS[dtype.itemsize])


def encode(arrays: dict[str, np.ndarray], meta: dict, reference: dict | None = None) -> str:
    """An inline group: base64 of zlib(JSON header line + raw bytes), deterministic; outputs with a
    `reference` group as differences from it (see the module docstring)."""
    arrays = {k: np.ascontiguousarray(arrays[k]) for k in sorted(arrays)}
    parts, delta = [], []
    for key, a in arrays.items():
        base = _base_bits(key, a.dtype, a.shape, reference)
        if base is not None:
            delta.append(key)
            a = a.view(base.dtype) - base          # unsigned: wraps, and so does the sum in decode
        parts.append(a.tobytes())
    header = json.dumps({"arrays": [[k, a.dtype.str, list(a.shape)] for k, a in arrays.items()],
                         "meta": meta} | ({"delta": delta} if delta else {}), sort_keys=True, separators=(",", ":"))
    return base64.b64encode(zlib.compress(header.encode() + b"\n" + b"".join(parts), 9)).decode("ascii")


def decode(text: str, reference: dict | None = None) -> tuple[dict[str, np.ndarray], dict]:
    """(arrays, meta) of an inline group; plain numeric dtypes only (never objects). `reference`:
    the arrays of the record's reference group, which outputs stored against it need."""
    raw = zlib.decompress(base64.b64decode(text))
    head, _, body = raw.partition(b"\n")
    header = json.loads(head)
    arrays, pos = {}, 0
    for key, dtype, shape in header["arrays"]:
        dt = np.dtype(dtype)
        if dt.kind not in "iufcb":
            raise ValueError(f"not a plain numeric dtype: {dtype}")
        n = dt.itemsize * int(np.prod(shape, dtype=np.int64))
        arrays[key] = np.frombuffer(body[pos:pos + n], dtype=dt).reshape(shape)
        pos += n
    for key in header.get("delta", []):
        base = _base_bits(key, arrays[key].dtype, arrays[key].shape, reference)
        if base is None:
            raise ValueError(f"{key} is stored against the reference: decode it with the reference group")
        arrays[key] = (arrays[key].view(base.dtype) + base).view(arrays[key].dtype)
    return arrays, header["meta"]


def read_group(root: Path, entry, reference: dict | None = None) -> tuple[dict[str, np.ndarray], dict]:
    """(arrays, meta) of what `TensorStore.put` returned for a group: a file's path (relative to
    `root`) or {"inline": text}; `reference` the reference group's arrays, for the outputs."""
    return decode(entry["inline"], reference) if isinstance(entry, dict) else load(Path(root) / entry)


def bound(arrays: dict[str, np.ndarray], rows, cols, center=None) -> tuple[dict, dict]:
    """Crop every array (all of one shape) to the same window if they are larger than LIMIT."""
    first = next(iter(arrays.values()))
    shape = first.shape
    meta, out = {}, {}
    box = None
    if first.size > LIMIT:
        box = crop_box(shape, rows, cols, center if center is not None else [0] * len(shape))
    for key, array in arrays.items():
        plain = _plain(array)
        info = {"shape": list(shape), "dtype": str(array.dtype), "origin": [0] * len(shape)}
        if box is not None:
            info.update(origin=[s for s, _ in box], stats=stats(array))
            plain = plain[_slices(box)]
        out[key], meta[key] = plain, info
    return out, meta


class TensorStore:
    """Writes the tensor files of one results folder; safe to call from several threads."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._lock = threading.Lock()
        self._inputs: dict[str, object] = {}   # case id -> its inputs' path or inline text, once per case
        self._written: set[str] = set()

    def _write(self, arrays: dict, meta: dict, reference: dict | None = None):
        """{"inline": text} for a small group (outputs stored against `reference`), else the path
        of its file (relative to the root)."""
        if sum(np.asarray(a).nbytes for a in arrays.values()) <= INLINE:    # compressed: no larger
            return {"inline": encode(arrays, meta, reference)}
        text = encode(arrays, meta, reference)
        if len(text) * 3 // 4 <= INLINE:
            return {"inline": text}
        # Named after the content, hashed raw: compressing (the costly part) only what is new.
        h = hashlib.sha256(json.dumps(meta, sort_keys=True).encode())
        hash_arrays(h, arrays)
        rel = f"{FOLDER}/{h.hexdigest()[:24]}.npz"
        with self._lock:
            if rel in self._written:
                return rel
            self._written.add(rel)
        path = self.root / rel
        if not path.exists():
            data = npz_bytes({**arrays, "__meta__": np.array(json.dumps(meta, sort_keys=True))})
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
            tmp.write_bytes(data)
            os.replace(tmp, path)         # atomic: a concurrent writer of the same file is harmless
        return rel

    def keep(self, rels) -> None:
        """Count files an earlier run wrote as this run's (a reused record points at them)."""
        with self._lock:
            self._written.update(rels)

    def prune(self) -> None:
        """Remove the files in the folder this store did not write."""
        with self._lock:
            keep = {Path(rel).name for rel in self._written}
        for path in (self.root / FOLDER).glob("*.npz"):
            if path.name not in keep:
                path.unlink(missing_ok=True)

    def clear(self) -> None:
        """Forget a previous run's files (a rerun into the same folder must not accumulate them)."""
        for path in (self.root / FOLDER).glob("*.npz"):
            path.unlink(missing_ok=True)

    def put(self, case, target: str, tensors: dict | None, ref, tf, tolerances=None) -> dict:
        """Store what the pages of this (case, target) need; returns, per group, the path of its
        file or {"inline": text} (harness.output.results.record files them in the record)."""
        files = {}
        fmt = (case.args or {}).get("data_format")
        if tensors:
            with self._lock:
                rel = self._inputs.get(case.id)
            if rel is None:
                arrays, meta = {}, {}
                for name, value in tensors.items():
                    rows, cols, _ = layout(name, np.ndim(value), fmt, filter_axes(case.op, name))
                    a, m = bound({name: value}, rows, cols)
                    arrays.update(a)
                    meta.update(m)
                rel = self._write(arrays, meta)
                with self._lock:
                    self._inputs[case.id] = rel
            files["inputs"] = rel
        ref_out = ref.outputs if ref is not None and ref.kind == "value" else {}
        tf_out = tf.outputs if tf is not None and tf.kind == "value" else {}
        arrays, meta = {}, {}
        for name in list(ref_out) + [n for n in tf_out if n not in ref_out]:
            r, t = ref_out.get(name), tf_out.get(name)
            if r is not None and t is not None and r.shape == t.shape:
                err = abs_err(r, t)
                group = {f"ref.{name}": r, f"tf.{name}": t}
                tol = None
                if tolerances is not None and name in tolerances:   # the bound the verdict used
                    tol = np.broadcast_to(np.asarray(0.0 if tolerances[name] is None else tolerances[name],
                                                     np.float64), r.shape)
                    group[f"bad.{name}"] = (err > tol).astype(np.uint8)
                center = np.unravel_index(int(np.argmax(err)), err.shape) if err.size else None
                rows, cols, _ = layout(name, r.ndim, fmt, filter_axes(case.op, name))
                a, m = bound(group, rows, cols, center)
                if tol is not None:         # the page says the largest tolerance of what it shows
                    box = crop_box(r.shape, rows, cols, center) if r.size > LIMIT else None
                    shown = tol[_slices(box)] if box is not None else tol
                    m[f"bad.{name}"]["tol_max"] = float(shown.max()) if shown.size else 0.0
                arrays.update(a)
                meta.update(m)
                continue
            for key, value in ((f"ref.{name}", r), (f"tf.{name}", t)):
                if value is not None:
                    rows, cols, _ = layout(name, np.ndim(value), fmt, filter_axes(case.op, name))
                    a, m = bound({key: value}, rows, cols)
                    arrays.update(a)
                    meta.update(m)
        refs = {k: v for k, v in arrays.items() if k.startswith("ref.")}
        for group, prefix in (("reference", "ref."), ("outputs", ("tf.", "bad."))):
            part = {k: v for k, v in arrays.items() if k.startswith(prefix)}
            if part:
                files[group] = self._write(part, {k: meta[k] for k in part}, refs if group == "outputs" else None)
        return files


def store_result(store: TensorStore | None, result) -> dict:
    """TensorStore.put for one harness.model.Result (with its inputs); {} when there is nothing to
    draw. Pictures never cost a result: any failure here only leaves the page without grids."""
    case, verdict = result.case, result.verdict
    if store is None or case.skip or verdict.kind == "harness-error":
        return {}
    try:
        return store.put(case, result.target, result.inputs, result.reference, result.tf, verdict.tolerances)
    except Exception:
        return {}
