"""A case's tensor arguments as TensorSpecs: literal lists, fills, ramps, seeded random draws
(NaN and infinity shares included) and .npy files inside cases/, each checked against its dtype
and every problem reported through `bad(path, what)`. Nothing is allocated here."""
from __future__ import annotations

import json
import zlib
from functools import lru_cache
from math import prod
from pathlib import Path, PurePosixPath, PureWindowsPath

import numpy as np
from jsonschema import Draft202012Validator

from harness.cases import yamlines
from harness.cases.problems import desc, describe, literal_shape, render, scalar_problem
from harness.cases.tensors import DTYPES, NON_FINITE, RANDOM_PARAMS, is_integer
from harness.model import TensorSpec

SOURCES = ("values", "fill", "range", "random", "npy")
SCHEMA = Path(__file__).with_name("case.schema.json")


@lru_cache(maxsize=None)
def tensor_validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA.read_text())
    return Draft202012Validator({"$defs": schema["$defs"], "$ref": "#/$defs/tensor"})


def tensor_spec(name, value, dtype, seed_id, line, bad, place: tuple[Path, Path]) -> TensorSpec | None:
    """A tensor argument: a nested list, or a mapping with shape and one source of values.
    place: (the case file's folder, the cases/ root its npy files must stay in)."""
    if isinstance(value, list):
        shape = literal_shape(value, dtype, (name,), bad)
        return None if shape is None else TensorSpec(shape, "values", yamlines.plain(value),
                                                     dtype, line)
    if not isinstance(value, dict):
        bad((name,), f"{name} must be a nested list of numbers or a mapping with shape and "
                     f"one of {', '.join(SOURCES)}; got {desc(value)}")
        return None
    errors = [p for e in tensor_validator().iter_errors(value)
              for p in describe(e, lambda path: (None, [name, *path]))]
    for path, what in errors:
        bad((name, *path), what)
    if errors:
        return None
    dtype = value.get("dtype", dtype)
    given = [k for k in SOURCES if k in value]
    if len(given) != 1:
        bad((name,), f"{name} needs exactly one of {', '.join(SOURCES)}"
                     + (f" (got {', '.join(given)})" if given else ""))
        return None
    kind, data = given[0], value[given[0]]
    shape = tuple(int(d) for d in value["shape"]) if "shape" in value else None

    def check(x, *path):   # one scalar that must be representable in dtype
        problem = scalar_problem(x, dtype)
        if problem:
            bad((name, *path), f"{name}.{'.'.join(path)} {problem}")
        return problem is None

    if kind == "values":
        inferred = literal_shape(data, dtype, (name, "values"), bad)
        if inferred is None:
            return None
        if shape is not None and prod(inferred) != prod(shape):
            bad((name, "values"), f"{name}.values has {prod(inferred)} elements, "
                                  f"shape {render(shape)} needs {prod(shape)}")
            return None
        shape, data = shape if shape is not None else inferred, yamlines.plain(data)
    elif kind == "fill":
        if not check(data, "fill"):
            return None
    elif kind == "range":
        data = dict(start=1, step=1) | (dict(data) if isinstance(data, dict) else {"start": data})
        last = data["start"] + data["step"] * max(prod(shape) - 1, 0)
        if not (check(data["start"], "range") and check(last, "range")):
            return None
    elif kind == "random":
        data = _random(name, data, dtype, seed_id, bad)
    else:
        data, shape = _npy(name, data, shape, bad, place)
    if data is None:
        return None
    return TensorSpec(shape, kind, data, dtype, line)



def _random(name, spec, dtype, seed_id, bad) -> dict | None:
    """Complete random parameters; without a seed, one derived from case id and argument
    (crc32: stable across runs, unlike hash())."""
    dist = spec.get("dist", "integers" if is_integer(dtype) else "normal")
    params = RANDOM_PARAMS[dist]
    for key in spec:
        if key not in params and key not in ("dist", "seed") + NON_FINITE:
            bad((name, "random", key), f"{name}.random.{key} does not apply to dist {dist} "
                                       f"(its parameters: {', '.join((*params, *NON_FINITE))})")
            return None
    special = {k: spec[k] for k in NON_FINITE if k in spec}
    if special and DTYPES[dtype].kind not in "fcV":
        bad((name, "random"), f"{name}.random: {dtype} holds no NaN or infinity")
        return None
    if sum(special.values()) > 1:
        bad((name, "random"), f"{name}.random: the shares nan + inf exceed 1")
        return None
    seed = spec.get("seed", zlib.crc32(f"{seed_id}/{name}".encode()))
    data = {"dist": dist, "seed": int(seed), **params, **{k: spec[k] for k in params if k in spec},
            **special}
    if dist != "normal" and not data["low"] < data["high"]:
        bad((name, "random"), f"{name}.random needs low < high")
        return None
    if dist == "integers":
        for key in ("low", "high"):
            if isinstance(data[key], float) and not data[key].is_integer():
                bad((name, "random", key), f"{name}.random.{key} must be an integer, "
                                           f"got {data[key]!r}")
                return None
        low, high = data["low"], data["high"] = int(data["low"]), int(data["high"])
        if is_integer(dtype) and (scalar_problem(low, dtype) or scalar_problem(high - 1, dtype)):
            info = np.iinfo(DTYPES[dtype])
            bad((name, "random"), f"{name}.random draws from [{low}, {high}), which does not fit "
                                  f"{dtype} ({info.min}..{info.max})")
            return None
    return data



def _npy(name, rel, shape, bad, place) -> tuple[str | None, tuple | None]:
    """Resolve an .npy path inside the cases/ root and read its header (not its data)."""
    folder, root = place
    def refuse(what):
        bad((name, "npy"), f"{name}.npy {what}")
        return None, None

    if PurePosixPath(rel).is_absolute() or PureWindowsPath(rel).anchor:
        return refuse(f"must be a path relative to the case file, got {rel!r}")
    try:
        full = (folder / rel).resolve()   # '..' and symlinks included
    except (OSError, ValueError) as e:      # e.g. a NUL byte, a symlink loop
        return refuse(f"{rel!r} is not a usable path ({e})")
    if not full.is_relative_to(root):
        return refuse(f"{rel!r} resolves outside {root.name}/")
    if not full.is_file():
        return refuse(f"{rel!r} does not exist")
    try:
        with open(full, "rb") as f:
            version = np.lib.format.read_magic(f)
            read = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                    else np.lib.format.read_array_header_2_0)
            file_shape, _, file_dtype = read(f)
    except (OSError, ValueError) as e:
        return refuse(f"{rel!r} is not a valid .npy file ({e})")
    if file_dtype.kind not in "biufc":   # object arrays would need pickles
        return refuse(f"{rel!r} holds {file_dtype} data, not numbers (pickles are refused)")
    if shape is not None and tuple(shape) != tuple(file_shape):
        return refuse(f"{rel!r} holds shape {render(list(file_shape))}, "
                      f"not {render(list(shape))}")
    return str(full), tuple(file_shape)
