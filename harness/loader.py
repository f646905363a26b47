"""Load case files into Cases: YAML with lines -> JSON Schema -> defaults, matrix -> op semantics.

Every problem of every file is collected as `path:line: what`, never raised: a file is data, and
one typo must not hide the others. Cases with a problem are dropped, the rest are returned.
Listing stays cheap: no TensorFlow, no reference kernels, and no tensor is allocated here (the
memory budget is checked from shapes alone); harness.tensors.make_tensor materialises them later.
"""
from __future__ import annotations

import difflib
import json
import re
import zlib
from functools import lru_cache
from itertools import product
from math import prod
from pathlib import Path, PurePosixPath, PureWindowsPath

import numpy as np
import yaml
from jsonschema import Draft202012Validator
from packaging.specifiers import InvalidSpecifier, SpecifierSet

from . import yamlines
from .model import MODES, VARIANTS, Case, Known, TensorSpec, is_target_pattern
from .ops import OPS, OpSpec
from .tensors import DTYPES, RANDOM_PARAMS, is_integer, itemsize

RESERVED = ("id", "op", "dtype", "expect", "tolerance", "targets", "known", "matrix", "grad",
            "note", "skip")
SOURCES = ("values", "fill", "range", "random", "npy")
SCHEMA = Path(__file__).with_name("case.schema.json")
MAX_MATRIX = 10_000      # entries one case may expand to
MAX_PROBLEMS = 100       # per file: a generated file gone wrong must not flood the terminal
PATTERNS = f"modes {', '.join(MODES)}; variants {', '.join(VARIANTS)}; e.g. eager, */onednn"


def load(paths: list[str], memory_budget: int = 1 << 30) -> tuple[list[Case], list[str]]:
    """Cases of the given files and directories (*.yaml, *.yml, recursively, sorted) in a stable
    order, and every problem found, each `path:line: what`."""
    cases: list[Case] = []
    problems: list[str] = []
    for path in _case_files(paths, problems):
        file = _File(path, memory_budget)
        cases += file.load()
        problems += file.formatted()
    return cases, problems


def _case_files(paths: list[str], problems: list[str]) -> list[str]:
    files, seen = [], set()
    for given in paths:
        p = Path(given)
        if p.is_dir():
            found = sorted((f for f in p.rglob("*") if f.suffix in (".yaml", ".yml") and f.is_file()
                            and not any(part.startswith(".") for part in f.relative_to(p).parts)),
                           key=Path.as_posix)
            if not found:
                problems.append(f"{p.as_posix()}:1: no .yaml case files in this directory")
        elif p.exists():
            found = [p]
        else:
            found = []
            problems.append(f"{p.as_posix()}:1: no such file or directory")
        for f in found:
            if f.resolve() not in seen:       # a file named twice (itself and its directory)
                seen.add(f.resolve())
                files.append(f.as_posix())
    return files


@lru_cache(maxsize=None)
def _validators() -> tuple[Draft202012Validator, Draft202012Validator]:
    schema = json.loads(SCHEMA.read_text())
    tensor = {"$defs": schema["$defs"], "$ref": "#/$defs/tensor"}
    return Draft202012Validator(schema), Draft202012Validator(tensor)


class _File:
    """One case file: its problems (deduplicated, by line) and its cases."""

    def __init__(self, path: str, budget: int):
        self.path, self.budget = path, budget
        self.problems: dict[tuple[int, str], None] = {}
        # Counts repeats too: a matrix entry repeating a problem already reported is still bad.
        self.reported = 0
        here = Path(path).resolve().parent
        self.dir = here
        self.root = next((d for d in (here, *here.parents) if d.name == "cases"), here)

    def report(self, line: int, what: str) -> None:
        self.reported += 1
        self.problems.setdefault((line, what))

    def formatted(self) -> list[str]:
        items = sorted(self.problems)    # by line; jsonschema's own order varies between runs
        out = [f"{self.path}:{line}: {what}" for line, what in items[:MAX_PROBLEMS]]
        if len(items) > MAX_PROBLEMS:
            out.append(f"{self.path}:{items[MAX_PROBLEMS][0]}: "
                       f"... and {len(items) - MAX_PROBLEMS} more problems")
        return out

    def load(self) -> list[Case]:
        try:
            return self._load()
        except Exception as e:  # a loader bug must not cost the other files their cases
            self.report(1, f"could not load this file: {type(e).__name__}: {e}")
            return []

    def _load(self) -> list[Case]:
        try:
            raw = Path(self.path).read_bytes()
        except OSError as e:
            self.report(1, f"cannot read: {e.strerror}")
            return []
        try:
            self.text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            self.report(raw[:e.start].count(b"\n") + 1, "not UTF-8 text")
            return []
        try:
            data, duplicates = yamlines.load(self.text)
        except yaml.YAMLError as e:
            self.report(*_yaml_problem(e, self.text))
            return []
        except RecursionError:
            self.report(1, "invalid YAML: nested too deeply")
            return []
        if not isinstance(data, dict):
            got = "the file is empty" if data is None else f"got {_desc(data)}"
            self.report(1, f"a case file must be a mapping with 'cases' ({got})")
            return []
        for line, what in duplicates:
            self.report(line, what)
        for error in _validators()[0].iter_errors(data):
            for path, what in _describe(error, _split_file_path(data)):
                self.report(yamlines.line_of(data, path, data.line), what)

        cases = data.get("cases") if isinstance(data.get("cases"), list) else yamlines.LList()
        defaults = data.get("defaults") if isinstance(data.get("defaults"), dict) else {}
        # A case spans from its item's line to the next item (or the next top-level key): problems
        # found so far (duplicate keys, schema) drop the case they fall in, or the whole file.
        lines = self.text.splitlines()
        end = min((n for n in data.lines.values() if n > data.lines.get("cases", 0)),
                  default=len(lines) + 1)
        spans = list(zip(cases.lines, cases.lines[1:] + [end]))
        bad = {i for i, (a, b) in enumerate(spans) for line, _ in self.problems if a <= line < b}
        file_ok = all(any(a <= line < b for a, b in spans) for line, _ in self.problems)

        out: list[Case] = []
        first_line: dict[str, int] = {}
        for i, case in enumerate(cases):
            if not isinstance(case, dict):
                continue
            cid = case.get("id")
            if isinstance(cid, str) and cid in first_line:
                self.report(case.lines["id"], f"case {cid!r}: duplicate id "
                                              f"(first at line {first_line[cid]})")
                bad.add(i)
            elif isinstance(cid, str):
                first_line[cid] = case.lines["id"]
            label, text = _label(case, i), _entry_text(lines, *spans[i], case.col)
            built = [self._build(name, label, entry, where, values, cases.lines[i], text,
                                 data.get("source"))
                     for name, entry, where, values in self._expand(i, label, case, defaults)]
            if file_ok and i not in bad:
                out += [c for c in built if c is not None]
        return out

    def _expand(self, i: int, label: str, case: dict, defaults: dict):
        """(name, entry, where, matrix values) per matrix entry; where[key] = (container, index,
        label) locates each key's value: in the case, in defaults, or in the matrix list."""
        where = {k: (defaults, k, "defaults") for k in defaults}
        where.update({k: (case, k, label) for k in case})
        merged = {**defaults, **case}
        matrix = merged.pop("matrix", None)
        name = case.get("id") if isinstance(case.get("id"), str) else f"cases[{i}]"
        # An invalid matrix (already reported by the schema) expands to one entry with the first
        # value of each key, so that the case's other keys are still checked.
        if not (isinstance(matrix, dict) and matrix
                and all(isinstance(v, list) and v for v in matrix.values())):
            for k, v in (matrix.items() if isinstance(matrix, dict) else ()):
                merged[k] = v[0] if isinstance(v, list) and v else v
                where[k] = (matrix, k, label)
            yield name, merged, where, {}
            return
        keys = [k for k in matrix if k not in ("id", "matrix")]
        count = prod(len(matrix[k]) for k in keys)
        if count > MAX_MATRIX:
            self.report(where["matrix"][0].lines["matrix"],
                        f"{label}: matrix expands to {count:,} cases (limit {MAX_MATRIX:,})")
            return
        seen = set()
        for combo in product(*(range(len(matrix[k])) for k in keys)):
            entry, entry_where, values = dict(merged), dict(where), {}
            for k, j in zip(keys, combo):
                entry[k], entry_where[k] = matrix[k][j], (matrix[k], j, label)
                values[k] = yamlines.plain(matrix[k][j])
            entry_name = f"{name}[{','.join(f'{k}={_render(v)}' for k, v in values.items())}]"
            if entry_name in seen:     # e.g. [1, '1']: ids must stay unique
                self.report(where["matrix"][0].lines["matrix"],
                            f"{label}: matrix gives two entries the name {entry_name!r}")
                continue
            seen.add(entry_name)
            yield entry_name, entry, entry_where, values

    def _build(self, name, label, entry, where, values, line, text, source) -> Case | None:
        """Check one expanded entry against its op; the Case, or None after reporting."""
        before = self.reported

        def bad(path, what):   # path[0] is a key of the entry, the rest leads into its value
            container, index, key_label = where[path[0]]
            at = yamlines.line_of(container[index], path[1:], container.lines[index])
            self.report(at, f"{key_label}: {what}")

        op = entry.get("op")
        if op is None:
            self.report(line, f"{label}: missing key 'op' (in the case or in defaults)")
            return None
        if op == "chain":
            bad(("op",), "op 'chain' is not supported yet")
            return None
        if not isinstance(op, str) or op not in OPS:
            if isinstance(op, str):   # other types: the schema said so
                bad(("op",), f"unknown op {op!r} (known: {', '.join(sorted(OPS))})"
                    + _did_you_mean(op, OPS))
            return None
        spec = OPS[op]
        dtype = entry.get("dtype", "float32")
        dtype = dtype if isinstance(dtype, str) and dtype in DTYPES else "float32"

        for key in entry:
            if key not in RESERVED and key not in spec.tensors and key not in spec.args:
                bad((key,), f"unknown argument {key!r} for {op} (tensors: {', '.join(spec.tensors)}"
                            f"; arguments: {', '.join(spec.args)})"
                    + _did_you_mean(key, spec.tensors + spec.args + RESERVED))
        for key in spec.required:
            if key not in entry:
                self.report(line, f"{label}: missing required argument {key!r} for {op}")

        seed_id = entry["id"] if isinstance(entry.get("id"), str) else name
        tensors = {}
        for key in spec.tensors:
            if key in entry:
                container, index, _ = where[key]
                tensors[key] = self._tensor(key, entry[key], dtype, seed_id,
                                            container.lines[index], bad)

        targets = entry.get("targets")
        for j, pattern in enumerate(targets if isinstance(targets, list) else []):
            _check_pattern(pattern, ("targets", j), bad)
        known = [self._known(j, k, bad)
                 for j, k in enumerate(entry.get("known") if isinstance(entry.get("known"), list)
                                       else [])]
        self._expect(entry.get("expect"), spec, bad)

        if self.reported > before or None in tensors.values() or None in known:
            return None
        need = sum(prod(t.shape) * itemsize(t.dtype) for t in tensors.values())
        if need > self.budget:
            self.report(line, f"case {name!r} needs {_size(need)} of tensors, over the "
                              f"{_size(self.budget)} budget (--memory-budget)")
            return None
        skip = entry.get("skip")
        return Case(
            id=f"{self.path}::{name}", path=self.path, line=line, name=name, op=op,
            args={k: yamlines.plain(entry[k]) for k in spec.args if k in entry},
            tensors=tensors, dtype=dtype, expect=yamlines.plain(entry.get("expect")),
            tolerance=yamlines.plain(entry.get("tolerance")),
            targets=tuple(targets) if targets is not None else None, known=tuple(known),
            grad=bool(entry.get("grad", False)), note=entry.get("note"),
            skip="skipped by the case file" if skip is True else (skip or None),
            source=source, text=text, matrix=values)

    def _tensor(self, name, value, dtype, seed_id, line, bad) -> TensorSpec | None:
        """A tensor argument: a nested list, or a mapping with shape and one source of values."""
        if isinstance(value, list):
            shape = _literal_shape(value, dtype, (name,), bad)
            return None if shape is None else TensorSpec(shape, "values", yamlines.plain(value),
                                                         dtype, line)
        if not isinstance(value, dict):
            bad((name,), f"{name} must be a nested list of numbers or a mapping with shape and "
                         f"one of {', '.join(SOURCES)}; got {_desc(value)}")
            return None
        errors = [p for e in _validators()[1].iter_errors(value)
                  for p in _describe(e, lambda path: (None, [name, *path]))]
        for path, what in errors:
            bad((name, *path), what)
        if errors:
            return None
        dtype = value.get("dtype", dtype)
        given = [k for k in SOURCES if k in value]
        if len(given) != 1:
            bad((name,), f"{name} needs exactly one of {', '.join(SOURCES)}"
                         + (f" (got {', '.join(given)})" if given else ""))
            return None
        kind, data = given[0], value[given[0]]
        shape = tuple(int(d) for d in value["shape"]) if "shape" in value else None

        def check(x, *path):   # one scalar that must be representable in dtype
            problem = _scalar_problem(x, dtype)
            if problem:
                bad((name, *path), f"{name}.{'.'.join(path)} {problem}")
            return problem is None

        if kind == "values":
            inferred = _literal_shape(data, dtype, (name, "values"), bad)
            if inferred is None:
                return None
            if shape is not None and prod(inferred) != prod(shape):
                bad((name, "values"), f"{name}.values has {prod(inferred)} elements, "
                                      f"shape {_render(shape)} needs {prod(shape)}")
                return None
            shape, data = shape if shape is not None else inferred, yamlines.plain(data)
        elif kind == "fill":
            if not check(data, "fill"):
                return None
        elif kind == "range":
            data = dict(start=1, step=1) | (dict(data) if isinstance(data, dict) else {"start": data})
            last = data["start"] + data["step"] * max(prod(shape) - 1, 0)
            if not (check(data["start"], "range") and check(last, "range")):
                return None
        elif kind == "random":
            data = self._random(name, data, dtype, seed_id, bad)
        else:
            data, shape = self._npy(name, data, shape, bad)
        if data is None:
            return None
        return TensorSpec(shape, kind, data, dtype, line)

    def _random(self, name, spec, dtype, seed_id, bad) -> dict | None:
        """Complete random parameters; without a seed, one derived from case id and argument
        (crc32: stable across runs, unlike hash())."""
        dist = spec.get("dist", "integers" if is_integer(dtype) else "normal")
        params = RANDOM_PARAMS[dist]
        for key in spec:
            if key not in params and key not in ("dist", "seed"):
                bad((name, "random", key), f"{name}.random.{key} does not apply to dist {dist} "
                                           f"(its parameters: {', '.join(params)})")
                return None
        seed = spec.get("seed", zlib.crc32(f"{seed_id}/{name}".encode()))
        data = {"dist": dist, "seed": int(seed), **params, **{k: spec[k] for k in params if k in spec}}
        if dist != "normal" and not data["low"] < data["high"]:
            bad((name, "random"), f"{name}.random needs low < high")
            return None
        if dist == "integers":
            for key in ("low", "high"):
                if isinstance(data[key], float) and not data[key].is_integer():
                    bad((name, "random", key), f"{name}.random.{key} must be an integer, "
                                               f"got {data[key]!r}")
                    return None
            low, high = data["low"], data["high"] = int(data["low"]), int(data["high"])
            if is_integer(dtype) and (_scalar_problem(low, dtype) or _scalar_problem(high - 1, dtype)):
                info = np.iinfo(DTYPES[dtype])
                bad((name, "random"), f"{name}.random draws from [{low}, {high}), which does not fit "
                                      f"{dtype} ({info.min}..{info.max})")
                return None
        return data

    def _npy(self, name, rel, shape, bad) -> tuple[str | None, tuple | None]:
        """Resolve an .npy path inside the cases/ root and read its header (not its data)."""
        def refuse(what):
            bad((name, "npy"), f"{name}.npy {what}")
            return None, None

        if PurePosixPath(rel).is_absolute() or PureWindowsPath(rel).anchor:
            return refuse(f"must be a path relative to the case file, got {rel!r}")
        try:
            full = (self.dir / rel).resolve()   # '..' and symlinks included
        except (OSError, ValueError) as e:      # e.g. a NUL byte, a symlink loop
            return refuse(f"{rel!r} is not a usable path ({e})")
        if not full.is_relative_to(self.root):
            return refuse(f"{rel!r} resolves outside {self.root.name}/")
        if not full.is_file():
            return refuse(f"{rel!r} does not exist")
        try:
            with open(full, "rb") as f:
                version = np.lib.format.read_magic(f)
                read = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                        else np.lib.format.read_array_header_2_0)
                file_shape, _, file_dtype = read(f)
        except (OSError, ValueError) as e:
            return refuse(f"{rel!r} is not a valid .npy file ({e})")
        if file_dtype.kind not in "biufc":   # object arrays would need pickles
            return refuse(f"{rel!r} holds {file_dtype} data, not numbers (pickles are refused)")
        if shape is not None and tuple(shape) != tuple(file_shape):
            return refuse(f"{rel!r} holds shape {_render(list(file_shape))}, "
                          f"not {_render(list(shape))}")
        return str(full), tuple(file_shape)

    def _known(self, j, known, bad) -> Known | None:
        if not isinstance(known, dict):
            return None
        targets = known.get("targets", ["*"])
        for k, pattern in enumerate(targets if isinstance(targets, list) else []):
            _check_pattern(pattern, ("known", j, "targets", k), bad)
        tf = known.get("tf")
        if isinstance(tf, str):
            try:
                SpecifierSet(tf)
            except InvalidSpecifier:
                bad(("known", j, "tf"), f"known[{j}].tf {tf!r} is not a version specifier "
                                        f"(e.g. '<2.22' or '>=2.16,<2.18')")
                return None
        try:
            return Known(targets=tuple(targets), reason=known["reason"], tf=tf,
                         kind=known.get("kind"), link=known.get("link"))
        except (KeyError, TypeError):     # already reported by the schema
            return None

    def _expect(self, expect, spec: OpSpec, bad, path=("expect",), level="top") -> None:
        """Keys beyond shape/values/error/match: output names of multi-output ops (shape, values)
        or target patterns (top level only)."""
        dotted = _dotted(path)
        if not isinstance(expect, dict):
            if level != "top":   # the top level is the schema's
                bad(path, f"{dotted} must be a mapping, got {_desc(expect)}")
            return
        allowed = ("shape", "values") if level == "output" else ("shape", "values", "error", "match")
        outputs = spec.outputs if len(spec.outputs) > 1 and level != "output" else ()
        for key, value in expect.items():
            if key in allowed:
                continue
            if key in outputs:
                self._expect(value, spec, bad, path + (key,), "output")
            elif level == "top" and is_target_pattern(key):
                self._expect(value, spec, bad, path + (key,), "target")
            else:
                names = [*allowed, *outputs] + (["a target pattern"] if level == "top" else [])
                bad(path + (key,), f"{dotted}: unknown key {key!r} (expected {', '.join(names)})"
                    + _did_you_mean(key, allowed + outputs))
        if "error" in expect and ("shape" in expect or "values" in expect):
            bad(path + ("error",), f"{dotted}: 'error' contradicts 'shape'/'values'")
        if isinstance(expect.get("match"), str):
            try:
                re.compile(expect["match"])
            except re.error as e:
                bad(path + ("match",), f"{dotted}.match is not a valid regular expression: {e}")
        values, shape = expect.get("values"), expect.get("shape")
        if isinstance(values, (list, int, float)):
            inferred = _literal_shape(values, None, path + ("values",), bad)
            if inferred is not None and isinstance(shape, list) and prod(inferred) != prod(shape):
                bad(path + ("values",), f"{dotted}.values has {prod(inferred)} elements, "
                                        f"{dotted}.shape {_render(shape)} needs {prod(shape)}")


class _Ragged(Exception):
    def __init__(self, path, what):
        super().__init__(what)
        self.path, self.what = path, what


def _literal_shape(value, dtype, path, bad) -> tuple | None:
    """Shape of a rectangular nested list of numbers (fitting dtype), or None after reporting."""
    def shape(v, sub):
        if not isinstance(v, list):
            problem = _scalar_problem(v, dtype)
            if problem:
                raise _Ragged(sub, f"{_dotted(sub)} {problem}")
            return ()
        shapes = [shape(x, sub + (i,)) for i, x in enumerate(v)]
        for i, s in enumerate(shapes):
            if s != shapes[0]:
                def desc(s):
                    return "is a number" if s == () else f"has shape {_render(list(s))}"
                raise _Ragged(sub + (i,), f"{_dotted(path)} is ragged: {_dotted(sub + (i,))} "
                                          f"{desc(s)} but {_dotted(sub + (0,))} {desc(shapes[0])}")
        return (len(v),) + (shapes[0] if shapes else ())

    try:
        return shape(value, tuple(path))
    except _Ragged as e:
        bad(e.path, e.what)
        return None


def _scalar_problem(x, dtype: str | None) -> str | None:
    """Why x cannot be one element of a dtype tensor (None if it can)."""
    if not isinstance(x, (int, float)):
        return f"must be a number, got {_desc(x)}"
    if dtype is not None and is_integer(dtype):
        if isinstance(x, bool) or (isinstance(x, float) and not x.is_integer()):
            return f"must be an integer for {dtype}, got {x!r}"
        info = np.iinfo(DTYPES[dtype])
        if not info.min <= x <= info.max:
            return f"{x!r} does not fit {dtype} ({info.min}..{info.max})"
    return None


def _check_pattern(pattern, path, bad) -> None:
    if isinstance(pattern, str) and not is_target_pattern(pattern):   # non-strings: the schema
        bad(path, f"{_dotted(path)}: {pattern!r} is not a target pattern ({PATTERNS})")


# --- words for problems -------------------------------------------------------------------

def _split_file_path(data):
    """jsonschema path -> (label, rest): cases[i] are named by their id."""
    def split(path):
        if len(path) >= 2 and path[0] == "cases" and isinstance(path[1], int):
            case = data["cases"][path[1]]
            return _label(case if isinstance(case, dict) else {}, path[1]), path[2:]
        if path[:1] == ["defaults"]:
            return "defaults", path[1:]
        return None, path
    return split


_TYPES = {"object": "a mapping", "array": "a list", "string": "a string", "number": "a number",
          "integer": "an integer", "boolean": "true or false", "null": "null"}


def _describe(error, split) -> list[tuple[list, str]]:
    """(path for the line, message) pairs for one jsonschema error, in a case author's words."""
    path = list(error.absolute_path)
    label, rest = split(path)
    head = ": ".join(x for x in (label, _dotted(rest)) if x)
    v, value, schema = error.validator, error.instance, error.schema
    if isinstance(schema, dict) and "x-message" in schema:
        return [(path, f"{head} {schema['x-message']} (got {_desc(value)})")]
    if v == "additionalProperties":
        names = list(schema.get("properties", {}))
        where = f"{head}: unknown key" if head else "unknown top-level key"
        return [(path + [k], f"{where} {k!r} (expected {', '.join(names)})"
                 + _did_you_mean(k, names)) for k in value if k not in names]
    if v in ("required", "dependentRequired"):
        key, *needs = re.findall(r"'([^']*)'", error.message)
        what = (f"missing required key {key!r}" if v == "required"
                else f"{needs[0]!r} needs {key!r}")
        return [(path, f"{head}: {what}" if head else what)]
    if v == "type":
        types = [schema["type"]] if isinstance(schema["type"], str) else schema["type"]
        return [(path, f"{head} must be {' or '.join(_TYPES[t] for t in types)}, "
                       f"got {_desc(value)}")]
    if v == "enum":
        return [(path, f"{head}: {value!r} is not one of {', '.join(map(str, schema['enum']))}"
                 + (_did_you_mean(value, schema["enum"]) if isinstance(value, str) else ""))]
    if v in ("minimum", "exclusiveMinimum"):
        sign = ">=" if v == "minimum" else ">"
        return [(path, f"{head} must be {sign} {error.validator_value}, got {value!r}")]
    if v in ("minItems", "minProperties", "minLength") and error.validator_value == 1:
        return [(path, f"{head} must not be empty")]
    return [(path, f"{head}: {error.message}" if head else error.message)]


def _yaml_problem(e: yaml.YAMLError, text: str) -> tuple[int, str]:
    mark = getattr(e, "problem_mark", None)
    if mark is not None:
        line = mark.line + 1
    elif getattr(e, "position", None) is not None:      # ReaderError: bad characters
        line = text.count("\n", 0, e.position) + 1
    else:
        line = 1
    what = getattr(e, "problem", None) or getattr(e, "reason", None) or str(e)
    context, context_mark = getattr(e, "context", None), getattr(e, "context_mark", None)
    if context and context_mark is not None:
        what += f" ({context} at line {context_mark.line + 1})"
    return line, f"invalid YAML: {what}"


def _label(case: dict, i: int) -> str:
    cid = case.get("id")
    return f"case {cid!r}" if isinstance(cid, str) and cid else f"cases[{i}]"


def _dotted(path) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _desc(value) -> str:
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _did_you_mean(word, choices) -> str:
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _render(value) -> str:
    """Compact YAML-ish text for names and messages: [1,2,2,1], SAME, {dist:normal}."""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(map(_render, value)) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{k}:{_render(v)}" for k, v in value.items()) + "}"
    return json.dumps(value)


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024:
            return f"{n} B" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TiB"


def _entry_text(lines: list[str], start: int, end: int, col: int) -> str:
    """A case entry's YAML, dedented: its lines up to the next entry, with the comment lines just
    above it and without trailing blank or comment lines (they belong to the next entry)."""
    while end - 1 > start and (not lines[end - 2].strip() or lines[end - 2].lstrip().startswith("#")):
        end -= 1
    while start > 1 and lines[start - 2].lstrip().startswith("#"):
        start -= 1
    # Strip the item's indentation and its "- "; shallower lines (comments) are just stripped.
    chunk = [ln[col:] if not ln[:col].strip(" -") else ln.strip() for ln in lines[start - 1:end - 1]]
    return "\n".join(chunk) + "\n"
