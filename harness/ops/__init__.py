"""The op records: for each supported op, everything the harness knows about it (see spec.py),
one record per op in the module of its family. Adding an op is its reference function, its record
here, and a case file (docs/adding.md).

The reference function is `reference.<name>` and the TensorFlow one `tf.<record.tf>`; both are
looked up by name where they run, so listing cases imports neither TensorFlow nor the reference.
"""
from __future__ import annotations

import importlib
import os
import pkgutil

from harness.ops.spec import FLOATS, OpSpec

CHAIN = OpSpec("chain", (), ("layers",), (), selftest=True)   # `op: chain`: its arguments live in its layers


def _records() -> dict[str, OpSpec]:
    """Every family module's RECORDS, in module then record order."""
    out = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name != "spec":
            for record in importlib.import_module(f"{__name__}.{info.name}").RECORDS:
                if record.name in out:
                    raise ValueError(f"two records for op {record.name!r}")
                out[record.name] = record
    return out


OPS: dict[str, OpSpec] = _records()

# Ops that crash, abort, hang or exit the TF worker on purpose, so the harness's tests can show that
# such a case is reported and the run goes on. Only registered when the tests ask for them.
if os.environ.get("TFCONFORM_SELFTEST") == "1":
    for _name in ("_selftest_crash", "_selftest_abort", "_selftest_hang", "_selftest_exit"):
        OPS[_name] = OpSpec(_name, ("input",), ("unused",), ("input",), selftest=True, grad=False)

__all__ = ["CHAIN", "FLOATS", "OPS", "OpSpec"]
