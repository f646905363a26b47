"""results.jsonl: one JSON object per case x target, the contract reports and other tools read.

A run writes it gzip-compressed, as results.jsonl.gz (NAME: a third of the plain file's size,
which was half of a full run's report folder); `write` compresses when the name ends in .gz,
`read` takes either, by content. Only what is deterministic goes in (no timings, no process ids;
no time or name in the gzip header), so the same cases give the same file on every run. Read it
with `read`, which gives every record complete, as `record` made it.

On disk a case's records are written once per case rather than once per target (they repeat the
case's arguments, YAML, known entries, and a snippet that differs between targets in a few lines):
- a case's first line in the file is its record in full;
- each further line of the case holds ALWAYS's fields (which result: id, name, path, line, op,
  target, tf_version; what happened: status, kind, message, max_abs_err, max_rel_err) and those that differ
  from the case's previous line in the file, whose target `same_as` names: every field it does not
  hold is that line's (`unset` lists the fields that line had and this one has not), and
  `snippet_edits` (`[[start, stop, [lines...]], ...]`, line numbers of that line's snippet) gives
  its snippet as edits of that line's, when that is shorter than the snippet (a line replacing
  one may be `[p, middle, s]`: the replaced line's first p characters, middle, its last s);
- a long value (64 characters as JSON or more) that an earlier line's record has under the same
  key is written as that line's number (1-based): `"same_as_line": {"text": 12}`;
- a snippet's literals of the record's tensors (`inline_inputs`, harness.output.tensorstore) are
  written as `«name»`, the names listed in `snippet_literals`.
A line with none of these keys is a complete record, so files of the earlier format (one complete
record a line) read as they did. Each line is one JSON object (keys sorted), so
`zcat results.jsonl.gz | jq 'select(.status == "fail") | .id'` works on the file as it is;
`write` checks that every line it writes reads back as its record.
"""
from __future__ import annotations

import difflib
import gzip
import json
import math
import os
import zlib
from functools import lru_cache
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


def record(result: Result, tf_version: str | None, tensor_files: dict | None = None,
           key: str | None = None) -> dict:
    """A result as results.jsonl holds it. `expected` is the case's expectation for this target
    (resolved once, here, for every reader); tensor_files what harness.output.tensorstore stored
    for it: files (paths relative to the results file) go to `tensor_files`, small groups inline
    (`inline_inputs`, `inline_reference`, `inline_outputs`); `key` what decides the record (harness.run.reuse), so a
    rerun can take it instead of doing it again."""
    case, verdict, ref, tf = result.case, result.verdict, result.reference, result.tf
    expected = case.expect if result.target == REFERENCE else resolve_expect(case, result.target)[0]
    stored = tensor_files or {}
    inline = {f"inline_{k}": v["inline"] for k, v in stored.items() if isinstance(v, dict)}
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
        "tensor_files": {k: v for k, v in stored.items() if isinstance(v, str)},
    } | inline | ({"key": key} if key else {}))


NAME = "results.jsonl.gz"        # what a run writes into its folder
PATTERNS = ("results*.jsonl", "results*.jsonl.gz")    # results files of a folder (shards, xdist workers)
_GZIP = b"\x1f\x8b"


def results_files(folder: Path) -> list[Path]:
    """The results files in a folder, sorted."""
    return sorted(p for pattern in PATTERNS for p in Path(folder).glob(pattern))


def tagged(path: Path, tag: str) -> Path:
    """results.jsonl.gz -> results.<tag>.jsonl.gz, results.jsonl -> results.<tag>.jsonl."""
    path = Path(path)
    ext = ".jsonl.gz" if path.name.endswith(".jsonl.gz") else path.suffix
    return path.with_name(f"{path.name[:len(path.name) - len(ext)]}.{tag}{ext}")


def _save(path: Path, text: str) -> None:
    """gzip-compressed when the name ends in .gz, with no name or time in the header, so the same
    records give the same bytes."""
    data = text.encode("utf-8")
    Path(path).write_bytes(gzip.compress(data, compresslevel=6, mtime=0) if Path(path).suffix == ".gz" else data)


def read_text(path: Path) -> str:
    """A results file's text, compressed or not."""
    data = Path(path).read_bytes()
    return (gzip.decompress(data) if data[:2] == _GZIP else data).decode("utf-8")


# On every line, so that a line read alone (jq, grep) tells which result it is and what happened.
ALWAYS = ("id", "name", "path", "line", "op", "target", "tf_version", "status", "kind", "message",
          "max_abs_err", "max_rel_err")
SAME_AS, UNSET, EDITS = "same_as", "unset", "snippet_edits"   # never fields of a record
LINES, LITERALS = "same_as_line", "snippet_literals"
_FORMAT_KEYS = (SAME_AS, UNSET, EDITS, LINES, LITERALS)
REPEAT = 64         # characters (as JSON) from which a value written before is referred to by its line


def _text(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _line_edit(old: str, new: str):
    """`new` as [p, middle, s]: `old`'s first p characters, middle, `old`'s last s, when shorter."""
    p = len(os.path.commonprefix([old, new]))
    s = len(os.path.commonprefix([old[p:][::-1], new[p:][::-1]]))
    edit = [p, new[p:len(new) - s], s]
    return edit if len(_text(edit)) < len(_text(new)) else new


def _edits(old: str, new: str) -> list:
    """`new` as [start, stop, lines] replacements of `old`'s lines; where as many lines replace as
    many, a line may be [p, middle, s] of the line it replaces (see _line_edit)."""
    a, b = old.split("\n"), new.split("\n")
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "replace" and i2 - i1 == j2 - j1:
            out.append([i1, i2, [_line_edit(a[i1 + k], b[j1 + k]) for k in range(j2 - j1)]])
        elif tag != "equal":
            out.append([i1, i2, b[j1:j2]])
    return out


def _apply(old: str, edits: list) -> str:
    lines, out, pos = old.split("\n"), [], 0
    for start, stop, new in edits:
        out += lines[pos:start]
        for k, line in enumerate(new):
            if isinstance(line, list):
                p, middle, s = line
                was = lines[start + k]
                line = was[:p] + middle + was[len(was) - s:]
            out.append(line)
        pos = stop
    return "\n".join(out + lines[pos:])


def _expand(line: dict, base: dict | None, earlier) -> dict:
    """The record a line holds: `base` the case's previous record, `earlier(n)` line n's record."""
    rec = {**(base or {}), **{k: v for k, v in line.items() if k not in _FORMAT_KEYS}}
    for key in line.get(UNSET) or ():
        rec.pop(key, None)
    if EDITS in line:
        rec["snippet"] = _apply((base or {}).get("snippet") or "", line[EDITS])
    for key, number in (line.get(LINES) or {}).items():
        rec[key] = earlier(number)[key]
    if LITERALS in line:
        literals = _literals(rec)
        for name in line[LITERALS]:
            rec["snippet"] = rec["snippet"].replace(f"«{name}»", literals[name], 1)
    return rec


def _literals(rec: dict) -> dict[str, str]:
    """The snippet's expressions of the record's inline inputs (harness.run.snippet.literal_expr)."""
    inputs = rec.get("inline_inputs")
    return _literals_of(inputs) if isinstance(inputs, str) else {}


@lru_cache(maxsize=64)      # a case's targets share their inputs: worked out once per case
def _literals_of(inputs: str) -> dict[str, str]:
    from harness.output.tensorstore import decode
    from harness.run.snippet import LITERAL_LIMIT, literal_expr
    try:
        arrays, _ = decode(inputs)
    except (KeyError, TypeError, ValueError):
        return {}
    return {name: literal_expr(a) for name, a in arrays.items() if a.size <= LITERAL_LIMIT}


def _template(line: dict, rec: dict) -> dict:
    """`line` with the literals of its record's inputs in its snippet written as «name»: the
    values are in `inline_inputs`, compactly (a literal is most of a snippet)."""
    text = line.get("snippet")
    if not isinstance(text, str) or "«" in text or not isinstance(rec.get("inline_inputs"), str):
        return line
    names = []
    for name, literal in sorted(_literals(rec).items()):
        if "«" not in name and "»" not in name and text.count(literal) == 1 and len(literal) > len(name) + 2:
            text = text.replace(literal, f"«{name}»")
            names.append(name)
    return {**line, "snippet": text, LITERALS: names} if names else line


def _identity(value):
    """What tells two values apart as JSON does (1, 1.0 and true differ), and its length: a string
    as itself (most of a record's bytes, compared without encoding it), anything else as JSON."""
    return ("s", value) if isinstance(value, str) else ("j", _text(value))


def _refer(line: dict, texts: dict, seen: dict) -> dict:
    """`line` with the long values (other than ALWAYS's) that an earlier line's record has under the
    same key written as that line's number (`same_as_line`); `texts` the record's values' _identity."""
    refs = {}
    for key, text in texts.items():
        if key in ALWAYS or key not in line:
            continue
        if len(text[1]) >= REPEAT and (key, text) in seen:
            refs[key] = seen[(key, text)]
    if not refs:
        return line
    return {**{k: v for k, v in line.items() if k not in refs}, LINES: dict(sorted(refs.items()))}


def _delta(rec: dict, base: dict, texts: dict, base_texts: dict) -> dict:
    """The line of `rec` after `base`, the case's previous record in the file (`texts`,
    `base_texts`: their values' _identity)."""
    line = {k: v for k, v in rec.items()
            if k in ALWAYS or k not in base or texts[k] != base_texts[k]}
    line[SAME_AS] = base["target"]
    unset = sorted(k for k in base if k not in rec)
    if unset:
        line[UNSET] = unset
    old, new = base.get("snippet"), line.get("snippet")
    if isinstance(old, str) and old and isinstance(new, str) and new:
        edits = _edits(old, new)
        if len(_text(edits)) < len(_text(new)):
            del line["snippet"]
            line[EDITS] = edits
    return line


def write(path: Path, records: list[dict]) -> None:
    """The records, in their order, a line each: a case's first in full, its others as what differs
    from the case's previous line (see the module docstring)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    last: dict[str, tuple[dict, dict]] = {}    # id -> the case's previous record and its texts
    written: list[dict] = []                    # the records, by line number - 1
    seen: dict[tuple, int] = {}                 # (key, value as JSON) -> the first line that has it
    out: list[str] = []
    for number, rec in enumerate(records, 1):
        rec = {k: v for k, v in rec.items() if not k.startswith("_")}
        if any(k in rec for k in _FORMAT_KEYS):
            raise ValueError(f"a record of {rec.get('id')} has a field named as the file format's own "
                             f"({', '.join(_FORMAT_KEYS)})")
        texts = {k: _identity(v) for k, v in rec.items()}
        base, base_texts = last.get(rec.get("id"), (None, None))
        if base is not None and "target" in base:
            line = _template(_refer(_delta(rec, base, texts, base_texts), texts, seen), rec)
        else:
            line, base = _template(_refer(rec, texts, seen), rec), None
        if line is not rec:     # never written unless it reads back (it always does)
            back = _expand(line, base, lambda n: written[n - 1])
            # (values equal as JSON texts above, so equal as Python values is enough here)
            if back != rec:
                line = rec
        out.append(_text(line) + "\n")
        last[rec.get("id")] = (rec, texts)
        written.append(rec)
        for key, text in texts.items():
            if key not in ALWAYS:
                seen.setdefault((key, text), number)
    _save(path, "".join(out))


def _copy(value):
    """A JSON value's copy (copy.deepcopy's work for the types JSON has, several times faster)."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def read(paths: list[Path]) -> tuple[list[dict], list[str]]:
    """Records of every file, in file order; problems as `path:line: what`."""
    records, problems = [], []
    for path in paths:
        try:
            lines = read_text(path).splitlines()
        except (EOFError, gzip.BadGzipFile, zlib.error, UnicodeDecodeError) as exc:  # (BadGzipFile is an OSError)
            problems.append(f"{path}:0: cannot read: {exc}")
            continue
        except OSError as exc:
            problems.append(f"{path}:0: cannot read: {exc.strerror}")
            continue
        last: dict[str, dict] = {}      # id -> the case's previous record in this file
        by_line: dict[int, dict] = {}
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
            if any(k in rec for k in _FORMAT_KEYS):
                base = last.get(rec["id"]) if SAME_AS in rec else None
                if SAME_AS in rec and (base is None or base.get("target") != rec[SAME_AS]):
                    problems.append(f"{path}:{number}: refers to the line of {rec['id']} on "
                                    f"{rec[SAME_AS]}, which is not the case's previous line")
                    continue
                missing = [f"{k} of line {n}" for k, n in (rec.get(LINES) or {}).items()
                           if not isinstance(n, int) or k not in by_line.get(n, {})]
                if missing:
                    problems.append(f"{path}:{number}: refers to {', '.join(missing)}, which it does not have")
                    continue
                own = rec
                rec = _expand(rec, base, by_line.__getitem__)
                for key in rec.keys() - own.keys():     # values of other lines: a copy of its own
                    rec[key] = _copy(rec[key])
            last[rec["id"]] = by_line[number] = rec
            rec = dict(rec, _file=str(path))  # where its tensor_files are relative to; never written back
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
    """The run's sidecar: results.jsonl.gz (or results.jsonl) -> results.meta.json,
    results.gw0.jsonl.gz -> results.gw0.meta.json."""
    results_path = Path(results_path)
    name = results_path.name.removesuffix(".gz")
    return results_path.with_name(name.removesuffix(Path(name).suffix) + ".meta.json")


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
