"""How a case file's problems are worded: literal shapes, schema and YAML errors, suggestions.

Helpers of harness.cases.loader, kept apart so the loader reads as the rules of the format.
"""
from __future__ import annotations

import difflib
import json
import re

import numpy as np
import yaml

from harness.targets import MODES, is_target_pattern
from harness.targets import variants
from harness.cases.tensors import DTYPES, is_integer

def patterns_help() -> str:
    return (f"modes {', '.join(MODES)} or graph (function and xla); variants {', '.join(variants())} "
            "(or * or a glob); optionally @version; e.g. eager, */onednn, xla@2.20.0")

class Ragged(Exception):
    def __init__(self, path, what):
        super().__init__(what)
        self.path, self.what = path, what


def literal_shape(value, dtype, path, bad) -> tuple | None:
    """Shape of a rectangular nested list of numbers (fitting dtype), or None after reporting."""
    def shape(v, sub):
        if not isinstance(v, list):
            problem = scalar_problem(v, dtype)
            if problem:
                raise Ragged(sub, f"{dotted_path(sub)} {problem}")
            return ()
        shapes = [shape(x, sub + (i,)) for i, x in enumerate(v)]
        for i, s in enumerate(shapes):
            if s != shapes[0]:
                def desc(s):
                    return "is a number" if s == () else f"has shape {render(list(s))}"
                raise Ragged(sub + (i,), f"{dotted_path(path)} is ragged: {dotted_path(sub + (i,))} "
                                          f"{desc(s)} but {dotted_path(sub + (0,))} {desc(shapes[0])}")
        return (len(v),) + (shapes[0] if shapes else ())

    try:
        return shape(value, tuple(path))
    except Ragged as e:
        bad(e.path, e.what)
        return None


def scalar_problem(x, dtype: str | None) -> str | None:
    """Why x cannot be one element of a dtype tensor (None if it can)."""
    if not isinstance(x, (int, float)):
        return f"must be a number, got {desc(x)}"
    if dtype is not None and is_integer(dtype):
        if isinstance(x, bool) or (isinstance(x, float) and not x.is_integer()):
            return f"must be an integer for {dtype}, got {x!r}"
        info = np.iinfo(DTYPES[dtype])
        if not info.min <= x <= info.max:
            return f"{x!r} does not fit {dtype} ({info.min}..{info.max})"
    return None


def check_pattern(pattern, path, bad) -> None:
    if isinstance(pattern, str) and not is_target_pattern(pattern):   # non-strings: the schema
        bad(path, f"{dotted_path(path)}: {pattern!r} is not a target pattern ({patterns_help()})")


# --- words for problems -------------------------------------------------------------------

def split_file_path(data):
    """jsonschema path -> (label, rest): cases[i] are named by their id."""
    def split(path):
        if len(path) >= 2 and path[0] == "cases" and isinstance(path[1], int):
            case = data["cases"][path[1]]
            return case_label(case if isinstance(case, dict) else {}, path[1]), path[2:]
        if path[:1] == ["defaults"]:
            return "defaults", path[1:]
        return None, path
    return split


_TYPES = {"object": "a mapping", "array": "a list", "string": "a string", "number": "a number",
          "integer": "an integer", "boolean": "true or false", "null": "null"}


def describe(error, split) -> list[tuple[list, str]]:
    """(path for the line, message) pairs for one jsonschema error, in a case author's words."""
    path = list(error.absolute_path)
    label, rest = split(path)
    head = ": ".join(x for x in (label, dotted_path(rest)) if x)
    v, value, schema = error.validator, error.instance, error.schema
    if isinstance(schema, dict) and "x-message" in schema:
        return [(path, f"{head} {schema['x-message']} (got {desc(value)})")]
    if v == "additionalProperties":
        names = list(schema.get("properties", {}))
        where = f"{head}: unknown key" if head else "unknown top-level key"
        return [(path + [k], f"{where} {k!r} (expected {', '.join(names)})"
                 + did_you_mean(k, names)) for k in value if k not in names]
    if v in ("required", "dependentRequired"):
        key, *needs = re.findall(r"'([^']*)'", error.message)
        what = (f"missing required key {key!r}" if v == "required"
                else f"{needs[0]!r} needs {key!r}")
        return [(path, f"{head}: {what}" if head else what)]
    if v == "type":
        types = [schema["type"]] if isinstance(schema["type"], str) else schema["type"]
        return [(path, f"{head} must be {' or '.join(_TYPES[t] for t in types)}, "
                       f"got {desc(value)}")]
    if v == "enum":
        return [(path, f"{head}: {value!r} is not one of {', '.join(map(str, schema['enum']))}"
                 + (did_you_mean(value, schema["enum"]) if isinstance(value, str) else ""))]
    if v in ("minimum", "exclusiveMinimum"):
        sign = ">=" if v == "minimum" else ">"
        return [(path, f"{head} must be {sign} {error.validator_value}, got {value!r}")]
    if v in ("minItems", "minProperties", "minLength") and error.validator_value == 1:
        return [(path, f"{head} must not be empty")]
    return [(path, f"{head}: {error.message}" if head else error.message)]


def yaml_problem(e: yaml.YAMLError, text: str) -> tuple[int, str]:
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


def case_label(case: dict, i: int) -> str:
    cid = case.get("id")
    return f"case {cid!r}" if isinstance(cid, str) and cid else f"cases[{i}]"


def dotted_path(path) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def desc(value) -> str:
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def did_you_mean(word, choices) -> str:
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def render(value) -> str:
    """Compact YAML-ish text for names and messages: [1,2,2,1], SAME, {dist:normal}."""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(map(render, value)) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{k}:{render(v)}" for k, v in value.items()) + "}"
    return json.dumps(value)


def human_size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024:
            return f"{n} B" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TiB"


def entry_text(lines: list[str], start: int, end: int, col: int) -> str:
    """A case entry's YAML, dedented: its lines up to the next entry, with the comment lines just
    above it and without trailing blank or comment lines (they belong to the next entry)."""
    while end - 1 > start and (not lines[end - 2].strip() or lines[end - 2].lstrip().startswith("#")):
        end -= 1
    while start > 1 and lines[start - 2].lstrip().startswith("#"):
        start -= 1
    # Strip the item's indentation and its "- "; shallower lines (comments) are just stripped.
    chunk = [ln[col:] if not ln[:col].strip(" -") else ln.strip() for ln in lines[start - 1:end - 1]]
    return "\n".join(chunk) + "\n"
