"""The `known` and `expect` parts of a case: known entries with their signatures (checked against
their kind and the case's matrix), which matrix entries an entry applies to, which entries lack a
signature, and expect's keys (outputs, target patterns). Problems go through `bad(path, what)`."""
from __future__ import annotations

import re
from math import prod

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from harness.cases import yamlines
from harness.cases.problems import check_pattern, desc, did_you_mean, dotted_path, literal_shape, render
from harness.model import Case, Known
from harness.targets import is_target_pattern
from harness.ops import CHAIN, OpSpec
from harness.verdict import signature


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


def known_entry(j, known, bad, matrix: dict) -> Known | None:
    """One `known` entry: where it applies and its signature (harness.verdict.signature)."""
    if not isinstance(known, dict):
        return None
    at = ("known", j)
    problems = []

    def bad(path, what, report=bad):     # counts this entry's problems
        problems.append(what)
        report(path, what)
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
    cpu = known.get("cpu")          # its flags' form is the schema's to check
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
    if problems:
        return None
    try:
        return Known(targets=tuple(targets), reason=known["reason"], tf=tf,
                     cpu=tuple(cpu) if isinstance(cpu, list) else (), kind=kind,
                     link=known.get("link"), status=known.get("status"), signature=sig,
                     when=yamlines.plain(when),
                     line=getattr(known, "line", 0))
    except (KeyError, TypeError):     # already reported by the schema
        return None



def check_expect(expect, spec: OpSpec, bad, path=("expect",), level="top") -> None:
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
            check_expect(value, spec, bad, path + (key,), "output")
        elif level == "top" and is_target_pattern(key):
            check_expect(value, spec, bad, path + (key,), "target")
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
