"""What a sweep draws: each op's knobs, from its record (harness.ops), and a seeded generator over
them. Knobs are in harness.sweep.knobs; after an op's own come the share of NaN and infinity inputs
and any knob added since (OpSpec.late), so that adding them left earlier configurations as they were.

Spatial knobs are per axis and named after it: size `h`, kernel `kh`, stride `sh`, dilation `dh`,
explicit pads `loh`/`hih` (axes `w`; `h`, `w`; `d`, `h`, `w` for 1-, 2- and 3-D ops). Ops whose rank
follows their input (tf.nn.convolution, conv_transpose, max_pool, avg_pool, pool) draw a `rank` knob
too and ignore the knobs of axes they do not have.
"""
from __future__ import annotations

import random

from harness.ops import OPS as RECORDS
from harness.sweep.knobs import NON_FINITE_K
from harness.sweep.shrink import Space

SPACES: dict[str, Space] = {name: r.space + (NON_FINITE_K,) + r.late for name, r in RECORDS.items() if r.space}
OPS = tuple(SPACES)


def config_id(op: str, seed: int, index: int) -> str:
    return f"{op}-s{seed}-{index:05d}"


def generate(op: str, seed: int, index: int) -> dict:
    """Configuration `index` of the sweep (op, seed): independent of every other index."""
    rng = random.Random(f"tfconform-sweep/{op}/{seed}/{index}")
    return {k.name: k.draw(rng) for k in SPACES[op]}
