"""Targets: the ways of running TensorFlow, as records.

A target is `mode/variant[@version]`: the mode says how the op runs (eagerly, in tf.function, in
tf.function with jit_compile=True: XLA), the variant which settings TensorFlow loads with (its
environment: oneDNN on or off, oneDNN's instruction set capped, one thread, a GPU), the version
which installed TensorFlow runs it (an environment of `tfconform env add VERSION`; none: the
TensorFlow beside the harness). Variants are built in (VARIANTS below) or configured by the user
in `[tool.tfconform.variants.NAME]` of ./pyproject.toml or in ./tfconform.toml
(`[variants.NAME]`): `env = {...}`, `default = false`, `device = "CPU"`, `about = "..."`.

Patterns select targets: a mode (`eager`, `function`, `xla`), `graph` (function and xla) or `*`;
then optionally `/variant` (a name, `*`, or a glob such as `onednn*`); then optionally
`@version` (or `@*`). A pattern without a variant, or with `*`, names the default variants; one
without a version matches every version (known entries say which versions with `tf:`).
"""
from __future__ import annotations

import fnmatch
import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

MODES = ("eager", "function", "xla")
MODE_ALIASES = {"*": MODES, "graph": ("function", "xla")}
CPU_ONLY = {"CUDA_VISIBLE_DEVICES": ""}          # CPU targets hide GPUs from TensorFlow


@dataclass(frozen=True)
class Variant:
    name: str
    env: dict                       # set before TensorFlow loads
    default: bool = True            # among the targets run when none are asked for
    device: str = "CPU"
    about: str = ""


_ONE_THREAD = {"TF_NUM_INTRAOP_THREADS": "1", "OMP_NUM_THREADS": "1"}
BUILTIN = (
    Variant("onednn", {"TF_ENABLE_ONEDNN_OPTS": "1"}, about="oneDNN kernels, TF's default on x86"),
    Variant("eigen", {"TF_ENABLE_ONEDNN_OPTS": "0"}, about="TF's own Eigen kernels"),
    Variant("onednn-avx2", {"TF_ENABLE_ONEDNN_OPTS": "1", "ONEDNN_MAX_CPU_ISA": "AVX2"}, False,
            about="oneDNN with its instruction set capped at AVX2: other kernels than AVX-512's"),
    Variant("onednn-sse41", {"TF_ENABLE_ONEDNN_OPTS": "1", "ONEDNN_MAX_CPU_ISA": "SSE41"}, False,
            about="oneDNN with its instruction set capped at SSE4.1"),
    Variant("onednn-1t", {"TF_ENABLE_ONEDNN_OPTS": "1", **_ONE_THREAD}, False, about="oneDNN on one thread"),
    Variant("eigen-1t", {"TF_ENABLE_ONEDNN_OPTS": "0", **_ONE_THREAD}, False, about="Eigen on one thread"),
    Variant("gpu", {"TF_ENABLE_ONEDNN_OPTS": "0"}, False, "GPU",
            about="TensorFlow's GPU kernels (defined for machines that have one; untested here)"),
)


def _configured(folder: Path) -> list[Variant]:
    """Variants of ./pyproject.toml ([tool.tfconform.variants.NAME]) and ./tfconform.toml."""
    out = []
    for path, keys in ((folder / "pyproject.toml", ("tool", "tfconform", "variants")),
                       (folder / "tfconform.toml", ("variants",))):
        if not path.is_file():
            continue
        table = tomllib.loads(path.read_text(encoding="utf-8"))
        for key in keys:
            table = table.get(key, {}) if isinstance(table, dict) else {}
        for name, spec in table.items():
            if not isinstance(spec, dict) or not isinstance(spec.get("env", {}), dict) or "/" in name or "@" in name:
                raise ValueError(f"{path}: variant {name!r} needs a table with env = {{NAME = \"value\"}}")
            out.append(Variant(name, {str(k): str(v) for k, v in spec.get("env", {}).items()},
                               bool(spec.get("default", False)), str(spec.get("device", "CPU")),
                               str(spec.get("about", f"configured in {path.name}"))))
    return out


@lru_cache(maxsize=None)
def variants(folder: str | None = None) -> dict[str, Variant]:
    """Built-in and configured variants (the folder's configuration; default: the working folder)."""
    out = {v.name: v for v in BUILTIN}
    for v in _configured(Path(folder or os.getcwd())):
        out[v.name] = v
    return out


def defaults() -> tuple[str, ...]:
    """The targets run when none are asked for: every mode with every default variant."""
    return tuple(f"{m}/{v.name}" for m in MODES for v in variants().values() if v.default)


ALL_TARGETS = tuple(f"{m}/{v.name}" for m in MODES for v in BUILTIN if v.default)


@dataclass(frozen=True)
class Target:
    name: str
    mode: str
    variant: Variant
    version: str | None = None
    env: dict = field(default_factory=dict)

    @staticmethod
    def of(name: str) -> Target:
        """The record of a target name ("xla/onednn-avx2@2.20.0"); ValueError for an unknown one."""
        body, _, version = name.partition("@")
        mode, _, variant = body.partition("/")
        known = variants()
        if mode not in MODES or variant not in known:
            raise ValueError(f"unknown target {name!r}: modes {', '.join(MODES)}; variants {', '.join(known)}")
        v = known[variant]
        return Target(name, mode, v, version or None, {**(CPU_ONLY if v.device == "CPU" else {}), **v.env})


def process(target: str) -> str:
    """The TensorFlow process a target runs in, named by its variant and version ("onednn",
    "eigen@2.20.0"): what a worker loads with is the same for every mode, so the modes share one
    (the mode travels with each request), and a run imports TensorFlow once per variant."""
    body, at, version = target.partition("@")
    return body.partition("/")[2] + at + version


def base(target: str) -> str:
    """The target without its version."""
    return target.partition("@")[0]


def order(target: str) -> tuple:
    """Sort key: mode, then variant as listed, then version."""
    body, _, version = target.partition("@")
    mode, _, variant = body.partition("/")
    names = list(variants())
    return (MODES.index(mode) if mode in MODES else len(MODES),
            names.index(variant) if variant in names else len(names), variant, version)


def _split(pattern: str) -> tuple[str, str | None, str | None]:
    body, at, version = pattern.partition("@")
    mode, slash, variant = body.partition("/")
    return mode, (variant if slash else None), (version if at else None)


def target_matches(pattern: str, target: str) -> bool:
    """`eager` and `eager/*` match the eager targets of the default variants, `*/onednn` the
    oneDNN ones of every mode, `graph` function and xla, `*/onednn*` every oneDNN variant;
    `@2.20.0` one TensorFlow version, none any."""
    mode, variant, version = _split(pattern)
    t_body, _, t_version = target.partition("@")
    t_mode, _, t_variant = t_body.partition("/")
    if t_mode not in MODE_ALIASES.get(mode, (mode,)):
        return False
    if version is not None and version not in ("*", t_version):
        return False
    if variant in (None, "", "*"):
        v = variants().get(t_variant)
        return v is not None and v.default
    return fnmatch.fnmatchcase(t_variant, variant)


def is_target_pattern(text) -> bool:
    if not isinstance(text, str):
        return False
    mode, variant, version = _split(text)
    if mode not in MODES and mode not in MODE_ALIASES:
        return False
    if version is not None and not version:
        return False
    return variant in (None, "*") or any(fnmatch.fnmatchcase(v, variant) for v in variants())


def select(patterns: list[str]) -> list[str]:
    """The targets these patterns name (with their versions), in order."""
    out = []
    for pattern in patterns:
        _, _, version = _split(pattern)
        suffix = f"@{version}" if version and version != "*" else ""
        for mode in MODES:
            for name in variants():
                target = f"{mode}/{name}{suffix}"
                if target_matches(pattern, target) and target not in out:
                    out.append(target)
    return sorted(out, key=order)
