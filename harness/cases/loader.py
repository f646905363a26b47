"""Load case files into Cases: YAML with lines -> JSON Schema -> defaults, matrix -> op semantics.

Every problem of every file is collected as `path:line: what`, never raised: a file is data, and
one typo must not hide the others. Cases with a problem are dropped, the rest are returned.
Listing stays cheap: no TensorFlow, no reference kernels, and no tensor is allocated here (the
memory budget is checked from shapes alone); harness.cases.tensors.make_tensor materialises them later.
"""
from __future__ import annotations

import json
from functools import lru_cache
from itertools import product
from math import prod
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator

from harness.cases import yamlines
from harness.cases.entries import applies_to_entry, check_expect, known_entry
from harness.cases.problems import (case_label, check_pattern, desc, describe, did_you_mean,
                                    entry_text, human_size, render, split_file_path, yaml_problem)
from harness.cases.tensors import DTYPES, itemsize
from harness.cases.tensorspecs import tensor_spec
from harness.model import Case, Layer
from harness.ops import CHAIN, OPS

RESERVED = ("id", "op", "dtype", "expect", "tolerance", "targets", "known", "matrix", "grad",
            "note", "skip", "layers")
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
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA.read_text()))


class _File:
    """One case file: its problems (deduplicated, by line) and its cases."""

    def __init__(self, path: str, budget: int):
        self.path, self.budget = path, budget
        self.problems: dict[tuple[int, str], None] = {}
        # Counts repeats too: a matrix entry repeating a problem already reported is still bad.
        self.reported = 0
        here = Path(path).resolve().parent
        # npy files must stay inside the cases/ folder the file is in
        self.place = (here, next((d for d in (here, *here.parents) if d.name == "cases"), here))

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
        for error in _validator().iter_errors(data):
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
                    tensors[key] = tensor_spec(key, entry[key], dtype, seed_id,
                                                container.lines[index], bad, self.place)
            args = {k: yamlines.plain(entry[k]) for k in spec.args if k in entry}

        targets = entry.get("targets")
        for j, pattern in enumerate(targets if isinstance(targets, list) else []):
            check_pattern(pattern, ("targets", j), bad)
        known = [known_entry(j, k, bad, values)
                 for j, k in enumerate(entry.get("known") if isinstance(entry.get("known"), list)
                                       else [])]
        check_expect(entry.get("expect"), spec, bad)

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
            tensors = {k: tensor_spec(k, layer[k], dtype, f"{seed_id}/layer{i}", layer.lines[k],
                                       lbad, self.place)
                       for k in OPS[op].tensors if k in layer and k != feed}
            if None in tensors.values():
                return None
            out.append(Layer(op, {k: yamlines.plain(layer[k]) for k in OPS[op].args if k in layer},
                             tensors, feed))
        return tuple(out)
