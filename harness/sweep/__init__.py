"""Differential sweeps: generated configurations of one op through the reference and every target,
deviations grouped into classes, each class shrunk to a minimal case file for cases/found/.

    tfconform sweep --op conv2d [--n 2000] [--seed 0] [--targets ...] [-o DIR] [--shard I/N]

A configuration is a dict of knob values (harness.sweep.shrink.Knob), drawn from a generator seeded by
(op, seed, index), so configuration `conv2d-s0-00042` is the same on every machine and a shard
needs nothing but its own ids. Configurations are valid and invalid alike: sizes from 0, kernels
larger than their input, strides and dilations 1 to 4, SAME, VALID and explicit padding, both
layouts, every dtype the op takes, channel counts that do not fit. Each becomes a harness Case
without `expect`, so the reference is the oracle and the normal verdicts apply.

A deviation is what one or more targets did wrong the same way: the failure kind and its gist
(TensorFlow's error type and message without numbers, the crash signal, how a wrong shape relates
to the input's) together with what the reference said. A class is the op, the deviation, the set of
targets showing it, and the features of the configuration that matter (output size zero, kernel
larger than the input, stride > 1, layout, dtype, ...): after shrinking, the features left are the
ones no simplification could remove.

Modules: knobs (what is drawn), geometry (configurations by op family), space (each op's knobs from
its record, the generator), build (configuration -> case, features), classify (deviations,
classes, names), engine (running, shrinking, verifying), repro (case files), command (the CLI).
"""
import importlib

# The package's names, each from its module, imported when first used: the op records (harness.ops)
# import this package's knobs and geometry, which must not pull in the engine that reads them.
_HOME = {
    "build": "build", "features": "build", "to_case": "build",
    "Deviation": "classify", "Found": "classify", "deviations": "classify", "gist": "classify",
    "merge_classes": "classify", "name_classes": "classify", "target_patterns": "classify",
    "add_arguments": "command", "cmd_sweep": "command", "Sweep": "engine", "verify": "engine",
    "repro_text": "repro", "write_repros": "repro",
    "OPS": "space", "SPACES": "space", "config_id": "space", "generate": "space",
}
__all__ = sorted(_HOME)


def __getattr__(name: str):
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
