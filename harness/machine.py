"""The CPU the harness and its workers run on: its model, and the instruction-set flags that decide
which kernels TensorFlow and oneDNN pick (a `known` entry's `cpu:` condition reads them).
Standard library only: the worker imports it beside any TensorFlow."""
from __future__ import annotations

import platform
from functools import lru_cache
from pathlib import Path


def _cpuinfo() -> dict[str, str]:
    """The first processor's fields of /proc/cpuinfo (Linux); {} elsewhere."""
    fields = {}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if not line.strip():
                break
            key, _, value = line.partition(":")
            fields[key.strip()] = value.strip()
    except OSError:
        pass
    return fields


def cpu_model() -> str:
    return _cpuinfo().get("model name") or platform.processor() or platform.machine()


@lru_cache(maxsize=1)
def cpu_flags() -> frozenset[str] | None:
    """The CPU's feature flags as Linux names them (avx2, avx512f, avx512_fp16, amx_bf16, ...);
    None where they cannot be read, so that no `cpu:` condition holds there."""
    flags = _cpuinfo().get("flags")
    return frozenset(flags.split()) if flags else None


def cpu_holds(condition, flags: frozenset[str] | None) -> bool:
    """A `cpu:` condition: every flag named is present, every `!flag` absent. An unknown CPU
    satisfies no condition, as an unknown TF version satisfies no range."""
    if not condition:
        return True
    if flags is None:
        return False
    return all((f[1:] not in flags) if f.startswith("!") else (f in flags) for f in condition)
