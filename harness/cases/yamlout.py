"""Writing case-file YAML: numbers that read back exactly, flow lists, `known` entries. Used by
`tfconform pin` and by the sweep's repro files; everything written is loaded back and checked
before it is kept."""
from __future__ import annotations

import json
import math
import re

import numpy as np
import yaml

KNOWN_ORDER = ("targets", "tf", "cpu", "kind", "when", "error", "match", "signal", "shape", "dtype", "values",
               "digest", "nondeterministic", "at", "reason", "link", "status")


def number(x) -> str:
    """A number as YAML (1.1, as PyYAML reads it) that reads back as the same float64 (Python's
    shortest repr; harness.verdict.signature keeps values as the shortest decimal of their dtype)."""
    if isinstance(x, bool) or isinstance(x, (int, np.integer)):
        return str(int(x))
    x = float(x)
    if math.isnan(x):
        return ".nan"
    if math.isinf(x):
        return ".inf" if x > 0 else "-.inf"
    mantissa, _, exponent = repr(x).partition("e")
    if "." not in mantissa:                       # PyYAML reads 1e+30 as a string
        mantissa += ".0"
    return mantissa + (f"e{int(exponent):+03d}" if exponent else "")


def flow(value) -> str:
    """A value in YAML flow style: lists in brackets, strings quoted when they must be."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return number(value)
    return scalar(str(value))


def scalar(text: str) -> str:
    """A string as a plain YAML scalar where that reads back as the same string, else quoted."""
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_./-]*", text) and yaml.safe_load(text) == text:
        return text
    return json.dumps(text, ensure_ascii=False)


def folded(text: str, indent: str, width: int = 96) -> list[str]:
    """A long string as a folded block scalar (`>-`) whose lines are indented by `indent`."""
    dumped = yaml.safe_dump(text, default_style=">", width=width - len(indent), allow_unicode=True)
    lines = dumped.rstrip("\n").splitlines()
    head, body = lines[0], [line[2:] if line.startswith("  ") else line for line in lines[1:]]
    body = [b for b in body if b != "..."]
    if yaml.safe_load("k: " + head + "\n" + "".join(f"  {b}\n" for b in body))["k"] != text:
        return [json.dumps(text, ensure_ascii=False)]
    return [head] + [indent + b if b else "" for b in body]


def known_entry(entry: dict, indent: str) -> list[str]:
    """One `known` entry as block-mapping lines ("- targets: ..." first), keys in KNOWN_ORDER."""
    lines = []
    keys = [k for k in KNOWN_ORDER if k in entry] + [k for k in entry if k not in KNOWN_ORDER]
    for i, key in enumerate(keys):
        lead = indent + ("- " if i == 0 else "  ")
        value = entry[key]
        if key == "reason" and isinstance(value, str) and len(value) > 60:
            text = folded(value, indent + "    ")
            lines.append(f"{lead}{key}: {text[0]}")
            lines += text[1:]
        else:
            lines.append(f"{lead}{key}: {flow(value)}")
    return lines
