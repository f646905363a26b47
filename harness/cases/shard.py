"""Shards: a deterministic split of case (or sweep configuration) ids over N machines.

`--shard I/N` (1-based) keeps the ids whose CRC-32 is I-1 modulo N: every id lands in exactly one
shard, whatever the order or number of ids, on every machine, so a CI matrix can spread a run and
`tfconform report` merge the shards' results files.
"""
from __future__ import annotations

import argparse
import re
import zlib


def parse_shard(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not m or not 1 <= int(m.group(1)) <= int(m.group(2)):
        raise argparse.ArgumentTypeError(f"not a shard: {text!r} (I/N with 1 <= I <= N, e.g. 2/4)")
    return int(m.group(1)), int(m.group(2))


def shard_of(key: str, count: int) -> int:
    """The 1-based shard of `key` among `count`."""
    return zlib.crc32(key.encode("utf-8")) % count + 1


def selects(shard: tuple[int, int] | None, key: str) -> bool:
    return shard is None or shard_of(key, shard[1]) == shard[0]
