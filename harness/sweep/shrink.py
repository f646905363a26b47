"""Shrinking: from a configuration that shows a deviation, the simplest one that still shows it.

A configuration is a dict of knob values; each knob lists its values simplest first (sizes
1, 0, 2, 3, ...: a unit size before an empty one before larger ones; strides and dilations 1 first;
VALID before SAME before explicit padding; float32 first; tensors of ones before ramps before random
values). The rank of a value is its position in that list and the rank of a configuration the sum
over its knobs, so every accepted step makes the configuration strictly simpler and shrinking ends.

Greedy, deterministic: try every single knob at every simpler value (simplest first), then pairs of
knobs of one group (one spatial axis: size, kernel, stride, dilation, pads) changed together, which
keeps relations such as "the kernel is one larger than the input" that no single step preserves.
The first candidate the oracle accepts is taken and the search restarts from it. Nothing here runs
TensorFlow: the oracle is a function, so the tests drive it with a fake one.
"""
from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import combinations, product
from typing import Any


@dataclass(frozen=True)
class Knob:
    name: str
    values: tuple            # the domain, simplest first
    weights: tuple | None = None   # how often the generator draws each value (default: evenly)
    group: str = ""          # knobs of one group are also shrunk in pairs

    def draw(self, rng: random.Random) -> Any:
        return rng.choices(self.values, self.weights)[0]

    def rank(self, value: Any) -> int:
        return self.values.index(value)

    def simpler(self, value: Any) -> tuple:
        return self.values[:self.rank(value)]


Space = tuple[Knob, ...]


def rank(space: Space, config: dict) -> int:
    return sum(k.rank(config[k.name]) for k in space)


def draw(space: Space, rng: random.Random) -> dict:
    return {k.name: k.draw(rng) for k in space}


def candidates(space: Space, config: dict) -> Iterator[dict]:
    """Strictly simpler neighbours of `config`: single-knob steps first (knob order, simplest value
    first), then two knobs of one group changed at once, by increasing total rank."""
    for knob in space:
        for value in knob.simpler(config[knob.name]):
            yield {**config, knob.name: value}
    groups: dict[str, list[Knob]] = {}
    for knob in space:
        if knob.group:
            groups.setdefault(knob.group, []).append(knob)
    for knobs in groups.values():
        for a, b in combinations(knobs, 2):
            here = a.rank(config[a.name]) + b.rank(config[b.name])
            pairs = [(va, vb) for va, vb in product(a.values, b.values)
                     if va != config[a.name] and vb != config[b.name]
                     and a.rank(va) + b.rank(vb) < here]
            pairs.sort(key=lambda p: (a.rank(p[0]) + b.rank(p[1]), a.rank(p[0])))
            for va, vb in pairs:
                yield {**config, a.name: va, b.name: vb}


@dataclass
class ShrinkResult:
    config: dict
    checks: int          # oracle calls
    steps: int           # accepted simplifications
    exhausted: bool      # stopped by the budget rather than by a local minimum


def shrink(space: Space, config: dict, still_fails: Callable[[dict], bool],
           max_checks: int = 2000) -> ShrinkResult:
    """The simplest configuration reachable from `config` by steps `still_fails` accepts. The
    oracle is never asked about `config` itself (it is known to fail) nor twice about one."""
    seen = {_key(config)}
    checks = steps = 0
    current = dict(config)
    while True:
        for candidate in candidates(space, current):
            key = _key(candidate)
            if key in seen:
                continue
            seen.add(key)
            if checks >= max_checks:
                return ShrinkResult(current, checks, steps, True)
            checks += 1
            if still_fails(candidate):
                current, steps = candidate, steps + 1
                break
        else:
            return ShrinkResult(current, checks, steps, False)


def _key(config: dict) -> tuple:
    return tuple(sorted((k, repr(v)) for k, v in config.items()))
