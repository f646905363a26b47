"""Argument types shared by the commands (tfconform, its sweep, the pytest plugin): sizes, target
patterns, -k expressions. Parsing only: nothing here runs anything."""
from __future__ import annotations

import argparse
import re

from harness.cases.problems import patterns_help
from harness.targets import is_target_pattern, select


def parse_size(text: str) -> int:
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*", text, re.IGNORECASE)
    if not m:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 512MiB, 2GiB)")
    return int(float(m.group(1)) * 1024 ** " KMGT".index(m.group(2).upper() or " "))


def parse_targets(text: str) -> list[str]:
    """Comma-separated target patterns -> the targets they name (harness.targets)."""
    patterns = [p.strip() for p in text.split(",") if p.strip()]
    bad = [p for p in patterns if not is_target_pattern(p)]
    selected = select(patterns) if patterns and not bad else []
    if bad or not selected:
        raise argparse.ArgumentTypeError(
            f"unknown target pattern {', '.join(bad) or repr(text)}; {patterns_help()}")
    return selected


def keyword_filter(expr: str | None):
    """-k: words matched case-insensitively against the case id and op; `and`, `or`, `not`."""
    if not expr:
        return lambda text: True
    groups = [[w.strip() for w in g.split(" and ")] for g in re.split(r"\s+or\s+", expr.strip())]

    def term(word: str, text: str) -> bool:
        if word.startswith("not "):
            return not term(word[4:].strip(), text)
        return word.lower() in text.lower()
    return lambda text: any(all(term(w, text) for w in g) for g in groups)
