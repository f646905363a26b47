"""Load case files into Cases: YAML with lines -> JSON Schema -> defaults, matrix -> op semantics.

Every problem of every file is collected as `path:line: what`, never raised: a file is data, and
one typo must not hide the others. Cases with a problem are dropped, the rest are returned.
Listing stays cheap: no TensorFlow, no reference kernels, and no tensor is allocated here (the
memory budget is checked from shapes alone); harness.cases.tensors.make_tensor materialises them later.
"""
from __future__ import annotations

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

from harness.verdict import signature
from harness.cases import yamlines
from harness.model import Case, Known, Layer, TensorSpec, is_target_pattern
from harness.ops import OPS, OpSpec
from harness.cases.problems import (case_label, check_pattern, desc, describe, did_you_mean, dotted_path,
                       entry_text, human_size, literal_shape, render, scalar_problem,
                       split_file_path, yaml_problem)
from harness.cases.tensors import DTYPES, NON_FINITE, RANDOM_PARAMS, is_integer, itemsize

RESERVED = ("id", "op", "dtype", "expect", "tolerance", "targets", "known", "matrix", "grad",
            "note", "skip", "layers")
SOURCES = ("values", "fill", "range", "random", "npy")
CHAIN = OpSpec("chain", (), (), ())     # `op: chain`: its arguments live in its layers
SCHEMA = Path(__file__).with_name("case.schema.json")
MAX_MATRIX = 10_000      # entries one case may expand to
MAX_PROBLEMS = 100       # per file: a generated file gone wrong must not flood the terminal


def load(paths: list[str], memory_budget: int = 1 << 30) -> tuple[list[Case], list[str]]:
    """Cases of the given files and directories (*.yaml, *.yml, recursively, sorted) in a stable
    order, and every problem found, each `path:line: what`."""
    cases: list[Case] = []
    problems: list[str] = []
    for path in case_files(paths, problems):
        file = _File(path, memory_budget)
        cases += file.load()
        problems += file.formatted()
    return cases, problems


def applies_to_entry(when: dict | None, matrix: dict) -> bool:
    """A known entry's `when`: each named matrix key has that value (or one of a list)."""
    return all(matrix.get(k) == v or isinstance(v, list) and matrix.get(k) in v
               for k, v in (when or {}).items())


def unsigned(cases: list[Case]) -> list[str]:
    """`path:line: ...` for every known entry that names no signature (once per entry)."""
    seen = {}
    for case in cases:
        for k in case.known:
            if not signature.signed(k):
                seen.setdefault((case.path, k.line), f"{case.path}:{k.line}: warning: the known entry "
                                f"of {case.name.split('[')[0]!r} has no signature (kind: {k.kind}); "
                                f"`tfconform pin` records what TensorFlow does")
    return [seen[k] for k in sorted(seen)]


def case_files(paths: list[str], problems: list[str]) -> list[str]:
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
            self.report(*yaml_problem(e, self.text))
            return []
        except RecursionError:
            self.report(1, "invalid YAML: nested too deeply")
            return []
        if not isinstance(data, dict):
            got = "the file is empty" if data is None else f"got {desc(data)}"
            self.report(1, f"a case file must be a mapping with 'cases' ({got})")
            return []
        for line, what in duplicates:
            self.report(line, what)
        for error in _validators()[0].iter_errors(data):
            for path, what in describe(error, split_file_path(data)):
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
            label, text = case_label(case, i), entry_text(lines, *spans[i], case.col)
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
            entry_name = f"{name}[{','.join(f'{k}={render(v)}' for k, v in values.items())}]"
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
        if not isinstance(op, str) or (op not in OPS and op != "chain"):
            if isinstance(op, str):   # other types: the schema said so
                bad(("op",), f"unknown op {op!r} (known: {', '.join(sorted(OPS))})"
                    + did_you_mean(op, OPS))
            return None
        dtype = entry.get("dtype", "float32")
        dtype = dtype if isinstance(dtype, str) and dtype in DTYPES else "float32"
        seed_id = entry["id"] if isinstance(entry.get("id"), str) else name
        layers, tensors, args = (), {}, {}
        if op == "chain":
            spec = CHAIN
            layers = self._layers(entry, dtype, seed_id, bad,
                                  from_defaults={k for k, w in where.items() if w[2] == "defaults"})
            tensors = {f"{i}:{n}": t for i, layer in enumerate(layers or ()) for n, t in
                       layer.tensors.items()}
        else:
            spec = OPS[op]
            self._arguments(op, entry, RESERVED, (), bad, lambda what: self.report(line, f"{label}: {what}"))
            for key in spec.tensors:
                if key in entry:
                    container, index, _ = where[key]
                    tensors[key] = self._tensor(key, entry[key], dtype, seed_id,
                                                container.lines[index], bad)
            args = {k: yamlines.plain(entry[k]) for k in spec.args if k in entry}

        targets = entry.get("targets")
        for j, pattern in enumerate(targets if isinstance(targets, list) else []):
            check_pattern(pattern, ("targets", j), bad)
        known = [self._known(j, k, bad, values)
                 for j, k in enumerate(entry.get("known") if isinstance(entry.get("known"), list)
                                       else [])]
        self._expect(entry.get("expect"), spec, bad)

        if entry.get("grad") is True and (op == "chain" or spec.selftest):
            bad(("grad",), f"grad: true is not supported for {op}")
        if self.reported > before or None in tensors.values() or None in known or layers is None:
            return None
        need = sum(prod(t.shape) * itemsize(t.dtype) for t in tensors.values())
        if need > self.budget:
            self.report(line, f"case {name!r} needs {human_size(need)} of tensors, over the "
                              f"{human_size(self.budget)} budget (--memory-budget)")
            return None
        skip = entry.get("skip")
        return Case(
            id=f"{self.path}::{name}", path=self.path, line=line, name=name, op=op,
            args=args, tensors=tensors, layers=layers, dtype=dtype, expect=yamlines.plain(entry.get("expect")),
            tolerance=yamlines.plain(entry.get("tolerance")),
            targets=tuple(targets) if targets is not None else None,
            known=tuple(k for k in known if applies_to_entry(k.when, values)),
            grad=bool(entry.get("grad", False)), note=entry.get("note"),
            skip="skipped by the case file" if skip is True else (skip or None),
            source=source, text=text, matrix=values)

    def _arguments(self, op, entry, reserved, fed, bad, missing) -> None:
        """Every key must be an argument of the op (or reserved); every required one given."""
        spec = OPS[op]
        for key in entry:
            if key not in reserved and key not in spec.tensors and key not in spec.args:
                bad((key,), f"unknown argument {key!r} for {op} (tensors: {', '.join(spec.tensors)}"
                            f"; arguments: {', '.join(spec.args)})"
                    + did_you_mean(key, spec.tensors + spec.args + reserved))
        for key in spec.required:
            if key not in entry and key not in fed:
                missing(f"missing required argument {key!r} for {op}")

    def _layers(self, entry, dtype, seed_id, bad, from_defaults) -> tuple[Layer, ...] | None:
        """The layers of an `op: chain`: each a mapping with its own op; from the second on, the
        op's first tensor argument is the previous layer's output and must not be given. Op
        arguments in `defaults` are for the file's single-op cases: a chain ignores them."""
        layers = entry.get("layers")
        if not isinstance(layers, list) or not layers:
            bad(("op",), "op 'chain' needs `layers`: a list of mappings, each with its own op")
            return None
        for key in entry:
            if key not in RESERVED and key not in from_defaults:
                bad((key,), f"unknown key {key!r} for a chain (give arguments in its layers)")
        out = []
        for i, layer in enumerate(layers):
            def lbad(path, what, i=i):
                bad(("layers", i, *path), f"layers[{i}]: {what}")
            if not isinstance(layer, dict):
                lbad((), f"must be a mapping with an op, got {desc(layer)}")
                return None
            op = layer.get("op")
            if op not in OPS:
                lbad(("op",), f"unknown op {op!r} (known: {', '.join(sorted(OPS))})"
                     + (did_you_mean(op, OPS) if isinstance(op, str) else ""))
                return None
            feed = OPS[op].tensors[0] if i else None
            if feed in layer:
                lbad((feed,), f"{feed} is the previous layer's output; do not give it")
            self._arguments(op, layer, ("op",), (feed,), lbad,
                            lambda what, i=i: bad(("layers", i), f"layers[{i}]: {what}"))
            tensors = {k: self._tensor(k, layer[k], dtype, f"{seed_id}/layer{i}", layer.lines[k],
                                       lbad)
                       for k in OPS[op].tensors if k in layer and k != feed}
            if None in tensors.values():
                return None
            out.append(Layer(op, {k: yamlines.plain(layer[k]) for k in OPS[op].args if k in layer},
                             tensors, feed))
        return tuple(out)

    def _tensor(self, name, value, dtype, seed_id, line, bad) -> TensorSpec | None:
        """A tensor argument: a nested list, or a mapping with shape and one source of values."""
        if isinstance(value, list):
            shape = literal_shape(value, dtype, (name,), bad)
            return None if shape is None else TensorSpec(shape, "values", yamlines.plain(value),
                                                         dtype, line)
        if not isinstance(value, dict):
            bad((name,), f"{name} must be a nested list of numbers or a mapping with shape and "
                         f"one of {', '.join(SOURCES)}; got {desc(value)}")
            return None
        errors = [p for e in _validators()[1].iter_errors(value)
                  for p in describe(e, lambda path: (None, [name, *path]))]
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
            problem = scalar_problem(x, dtype)
            if problem:
                bad((name, *path), f"{name}.{'.'.join(path)} {problem}")
            return problem is None

        if kind == "values":
            inferred = literal_shape(data, dtype, (name, "values"), bad)
            if inferred is None:
                return None
            if shape is not None and prod(inferred) != prod(shape):
                bad((name, "values"), f"{name}.values has {prod(inferred)} elements, "
                                      f"shape {render(shape)} needs {prod(shape)}")
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
            if key not in params and key not in ("dist", "seed") + NON_FINITE:
                bad((name, "random", key), f"{name}.random.{key} does not apply to dist {dist} "
                                           f"(its parameters: {', '.join((*params, *NON_FINITE))})")
                return None
        special = {k: spec[k] for k in NON_FINITE if k in spec}
        if special and DTYPES[dtype].kind not in "fcV":
            bad((name, "random"), f"{name}.random: {dtype} holds no NaN or infinity")
            return None
        if sum(special.values()) > 1:
            bad((name, "random"), f"{name}.random: the shares nan + inf exceed 1")
            return None
        seed = spec.get("seed", zlib.crc32(f"{seed_id}/{name}".encode()))
        data = {"dist": dist, "seed": int(seed), **params, **{k: spec[k] for k in params if k in spec},
                **special}
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
            if is_integer(dtype) and (scalar_problem(low, dtype) or scalar_problem(high - 1, dtype)):
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
            return refuse(f"{rel!r} holds shape {render(list(file_shape))}, "
                          f"not {render(list(shape))}")
        return str(full), tuple(file_shape)

    def _known(self, j, known, bad, matrix: dict) -> Known | None:
        """One `known` entry: where it applies and its signature (harness.verdict.signature)."""
        if not isinstance(known, dict):
            return None
        at = ("known", j)
        before = self.reported
        targets = known.get("targets", ["*"])
        for k, pattern in enumerate(targets if isinstance(targets, list) else []):
            check_pattern(pattern, at + ("targets", k), bad)
        tf = known.get("tf")
        if isinstance(tf, str):
            try:
                SpecifierSet(tf)
            except InvalidSpecifier:
                bad(at + ("tf",), f"known[{j}].tf {tf!r} is not a version specifier "
                                  f"(e.g. '<2.22' or '>=2.16,<2.18')")
        kind = known.get("kind")
        sig = {k: yamlines.plain(known[k]) for k in signature.ALL_KEYS if k in known}
        if sig and kind is None:
            bad(at + (next(iter(sig)),), f"known[{j}]: a signature ({', '.join(sig)}) needs the kind it describes")
        for key in sig if isinstance(kind, str) and kind in signature.KEYS else ():
            if key not in signature.KEYS[kind]:
                fits = ", ".join(signature.KEYS[kind]) or "none"
                bad(at + (key,), f"known[{j}].{key} does not describe a {kind} failure (its keys: {fits})")
        if isinstance(sig.get("match"), str):
            try:
                re.compile(sig["match"])
            except re.error as e:
                bad(at + ("match",), f"known[{j}].match is not a valid regular expression: {e}")
        if "match" in sig and "error" not in sig:
            bad(at + ("match",), f"known[{j}].match needs error (the exception class it belongs to)")
        if "at" in sig and not sig.get("nondeterministic"):
            bad(at + ("at",), f"known[{j}].at (the cells TF gets wrong) goes with nondeterministic: true")
        for key in ("values", "at"):
            for name, value in (sig[key].items() if isinstance(sig.get(key), dict) else [(None, sig.get(key))]):
                where = at + (key,) + ((name,) if name else ())
                if key == "values" and value is not None:
                    literal_shape(value, None, where, bad)
                elif key == "at" and value is not None and not (
                        isinstance(value, list) and all(isinstance(i, list) and all(
                            isinstance(x, int) and x >= 0 for x in i) for i in value)):
                    bad(where, f"known[{j}].at must list cells as [i, j, ...] index lists")
        when = known.get("when")
        for key in when if isinstance(when, dict) else ():
            if key not in matrix:
                bad(at + ("when", key), f"known[{j}].when: {key!r} is not a matrix key of this case"
                    + (f" ({', '.join(matrix)})" if matrix else " (it has no matrix)"))
        if self.reported > before:
            return None
        try:
            return Known(targets=tuple(targets), reason=known["reason"], tf=tf, kind=kind,
                         link=known.get("link"), signature=sig, when=yamlines.plain(when),
                         line=getattr(known, "line", 0))
        except (KeyError, TypeError):     # already reported by the schema
            return None

    def _expect(self, expect, spec: OpSpec, bad, path=("expect",), level="top") -> None:
        """Keys beyond shape/values/error/match: output names of multi-output ops (shape, values)
        or target patterns (top level only)."""
        dotted = dotted_path(path)
        if not isinstance(expect, dict):
            if level != "top":   # the top level is the schema's
                bad(path, f"{dotted} must be a mapping, got {desc(expect)}")
            return
        allowed = ("shape", "values") if level == "output" else ("shape", "values", "error", "match")
        if spec is CHAIN and level != "output":
            allowed = ("shapes", "receptive_field", "error", "match")
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
                    + did_you_mean(key, allowed + outputs))
        if "error" in expect and ({"shape", "values", "shapes", "receptive_field"} & expect.keys()):
            bad(path + ("error",), f"{dotted}: 'error' contradicts 'shape'/'values'")
        if isinstance(expect.get("match"), str):
            try:
                re.compile(expect["match"])
            except re.error as e:
                bad(path + ("match",), f"{dotted}.match is not a valid regular expression: {e}")
        values, shape = expect.get("values"), expect.get("shape")
        if isinstance(values, (list, int, float)):
            inferred = literal_shape(values, None, path + ("values",), bad)
            if inferred is not None and isinstance(shape, list) and prod(inferred) != prod(shape):
                bad(path + ("values",), f"{dotted}.values has {prod(inferred)} elements, "
                                        f"{dotted}.shape {render(shape)} needs {prod(shape)}")
