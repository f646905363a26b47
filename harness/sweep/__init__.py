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

Modules: space (knobs, generator), build (configuration -> case, features), classify (deviations,
classes, names), engine (running, shrinking, verifying), repro (case files), command (the CLI).
"""
from harness.sweep.build import build, features, to_case
from harness.sweep.classify import (
    Deviation,
    Found,
    deviations,
    gist,
    merge_classes,
    name_classes,
    target_patterns,
)
from harness.sweep.command import add_arguments, cmd_sweep
from harness.sweep.engine import Sweep, verify
from harness.sweep.repro import repro_text, write_repros
from harness.sweep.space import OPS, SPACES, config_id, generate

__all__ = ["OPS", "SPACES", "Deviation", "Found", "Sweep", "add_arguments", "build", "cmd_sweep",
           "config_id", "deviations", "features", "generate", "gist", "merge_classes", "name_classes",
           "repro_text", "target_patterns", "to_case", "verify", "write_repros"]
