"""Safe YAML loading that remembers where everything was written.

Case-file problems are reported as `path:line: what`, so every mapping, key and sequence item
keeps its 1-based line. PyYAML silently keeps the last of two equal keys; here a duplicate key is
a problem instead (the author meant one of them). Only SafeLoader's tags exist: no Python objects,
no eval, no pickles.
"""
from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, SequenceNode

# Aliases let a short document expand into a huge one ("billion laughs"); everything downstream
# copies the expanded data, so bound it before constructing anything.
MAX_NODES = 5_000_000


class LDict(dict):
    """A mapping with `.line` (where it starts), `.col` and `.lines[key]` (where each key is)."""
    line = 0
    col = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines: dict[Any, int] = {}


class LList(list):
    """A sequence with `.line` and `.lines[i]` (where each item starts)."""
    line = 0

    def __init__(self, *args):
        super().__init__(*args)
        self.lines: list[int] = []


class _Lines(yaml.constructor.SafeConstructor):
    """SafeConstructor building LDict/LList; duplicate keys land in `.problems` as (line, what)."""

    def __init__(self, stream):
        super().__init__(stream)
        self.problems: list[tuple[int, str]] = []

    def get_single_data(self):
        node = self.get_single_node()
        if node is None:
            return None
        size = _expanded_size(node, {}, set())
        if size > MAX_NODES:
            raise ConstructorError(None, None, f"the document expands to {size:,} values through "
                                   f"aliases (limit {MAX_NODES:,})", node.start_mark)
        return self.construct_document(node)

    def construct_yaml_map(self, node):
        data = LDict()
        data.line, data.col = node.start_mark.line + 1, node.start_mark.column
        yield data                       # yield first, so that aliases can refer to it
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:   # explicit keys only: '<<' merges may be overridden
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                key, line = self.construct_object(key_node), key_node.start_mark.line + 1
                if key in seen:
                    self.problems.append((line, f"duplicate key {key!r} (first at line {seen[key]})"))
                seen.setdefault(key, line)
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node)
            try:
                hash(key)
            except TypeError:
                raise ConstructorError("while constructing a mapping", node.start_mark,
                                       "found an unhashable key", key_node.start_mark) from None
            data[key] = self.construct_object(value_node)
            data.lines[key] = key_node.start_mark.line + 1

    def construct_yaml_seq(self, node):
        data = LList()
        data.line = node.start_mark.line + 1
        data.lines = [item.start_mark.line + 1 for item in node.value]
        yield data
        data.extend(self.construct_sequence(node))


_Lines.add_constructor("tag:yaml.org,2002:map", _Lines.construct_yaml_map)
_Lines.add_constructor("tag:yaml.org,2002:seq", _Lines.construct_yaml_seq)


class LineLoader(_Lines, yaml.SafeLoader):
    """The pure-Python loader."""


# The same with libyaml's parser when PyYAML has it: parsing is most of the time of listing cases,
# and libyaml parses about ten times faster. Construction (and so all of the above) is shared.
FastLineLoader = type("FastLineLoader", (_Lines, yaml.CSafeLoader), {}) \
    if getattr(yaml, "__with_libyaml__", False) else LineLoader

for _loader in {LineLoader, FastLineLoader}:
    # YAML 1.1 (PyYAML) reads `1e-5` as a string; tolerances are written that way, so read it as
    # YAML 1.2 does: a float.
    _loader.add_implicit_resolver("tag:yaml.org,2002:float",
                                  re.compile(r"^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$"),
                                  list("-+0123456789"))


def _expanded_size(node, memo: dict, active: set) -> int:
    """Number of nodes after expanding aliases (memoised per node); refuses recursive aliases."""
    key = id(node)
    if key in memo:
        return memo[key]
    if key in active:
        raise ConstructorError(None, None, "an alias refers to a node that contains it",
                               node.start_mark)
    active.add(key)
    if isinstance(node, SequenceNode):
        children = node.value
    elif isinstance(node, MappingNode):
        children = [n for pair in node.value for n in pair]
    else:
        children = []
    memo[key] = 1 + sum(_expanded_size(child, memo, active) for child in children)
    active.discard(key)
    return memo[key]


def load(text: str, loader_class=FastLineLoader) -> tuple[Any, list[tuple[int, str]]]:
    """(data, duplicate-key problems). Raises yaml.YAMLError (with marks) for invalid YAML."""
    loader = loader_class(text)
    try:
        return loader.get_single_data(), loader.problems
    finally:
        loader.dispose()


def line_of(node: Any, path, line: int) -> int:
    """Line of node[path[0]][path[1]]...; the deepest recorded one where the path leaves the data
    (`line` is the line of `node` itself)."""
    for key in path:
        try:
            line, node = node.lines[key], node[key]
        except (AttributeError, LookupError, TypeError):
            break
    return line


def plain(value: Any) -> Any:
    """The same data as plain dicts and lists, for everything outside the loader."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value
