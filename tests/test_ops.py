"""The op records (harness.ops): every record is complete, agrees with the reference it describes
(arguments, dtypes, rules), and every op has cases, a sweep space and a report layout. No TensorFlow."""
import ast
import re
from pathlib import Path

import numpy as np
import pytest

import reference
from harness.cases.loader import load
from harness.cases.tensors import DTYPES
from harness.ops import OPS
from harness.output.tensorstore import filter_axes, layout
from harness.proof.mutations import MUTATIONS
from harness.run.execute import reference_outcome, tensors_of
from harness.sweep import SPACES, generate, to_case
from reference.errors import RULES

ROOT = Path(__file__).resolve().parent.parent
RECORDS = [r for r in OPS.values() if not r.selftest]


def _common_rules() -> set[str]:
    """Rules raised by the argument checks every op shares (reference/args.py, padding.py)."""
    out = set()
    for name in ("args.py", "padding.py"):
        for node in ast.walk(ast.parse((ROOT / "reference" / name).read_text())):
            if isinstance(node, ast.Constant) and node.value in RULES:
                out.add(node.value)
    return out


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.name)
def test_every_record_is_complete(record):
    assert record.tensors and record.tf and record.outputs
    assert getattr(reference, record.name), record.name             # the reference computes it
    assert set(record.dtypes) <= set(DTYPES) and "float32" in record.dtypes
    assert set(record.rules) <= set(RULES), set(record.rules) - set(RULES)
    assert set(record.mutations) <= {m.name for m in MUTATIONS}, record.mutations
    assert set(record.filters) <= set(record.tensors)
    assert record.space and record.build, "every op is swept"
    assert set(record.required) <= set(record.tensors) | set(record.args)


def test_every_op_has_cases_a_sweep_space_and_every_mutation_an_op():
    cases, problems = load([str(ROOT / "cases")])
    assert not problems
    have = {c.op for c in cases} | {layer.op for c in cases for layer in c.layers}
    assert {r.name for r in RECORDS} <= have, {r.name for r in RECORDS} - have
    assert {r.name for r in RECORDS} == set(SPACES)
    concerned = {m for r in RECORDS for m in r.mutations}
    assert {m.name for m in MUTATIONS} <= concerned, {m.name for m in MUTATIONS} - concerned


def _simplest(record, **override):
    cfg = {k.name: k.values[0] for k in SPACES[record.name]} | override
    return to_case(record.name, cfg, "x")


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.name)
def test_the_report_draws_every_tensor_of_the_op(record):
    case = _simplest(record, **{k.name: 2 for k in SPACES[record.name] if k.name in ("h", "w", "kh", "kw")})
    for name, spec in case.tensors.items():
        rows, cols, axes = layout(name, len(spec.shape), case.args.get("data_format"),
                                  filter_axes(record.name, name))
        assert len(axes) == len(spec.shape) and cols is not None, (name, spec.shape, axes)


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.name)
def test_dtypes_are_what_the_reference_takes(record):
    """For every dtype the harness knows: the reference rejects the op's simplest call as
    dtype-not-accepted exactly when the record does not list the dtype; the sweep draws only
    listed ones."""
    for dtype in DTYPES:
        if dtype == "bool":
            continue
        ref = reference_outcome(case := _simplest(record, dtype=dtype), tensors_of(case)).outcome
        rejected = ref.kind == "error" and ref.rule == "dtype-not-accepted"
        assert rejected == (dtype not in record.dtypes), (dtype, ref.error_message)
    drawn = next(k.values for k in SPACES[record.name] if k.name == "dtype")
    assert set(drawn) <= set(record.dtypes)


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.name)
def test_rules_name_what_the_reference_rejects_by(record):
    """Every rule the reference raises for the op, over 300 sweep configurations and the shipped
    cases, is one of the record's or one of the argument checks all ops share."""
    allowed = set(record.rules) | _common_rules()
    seen = set()
    cases = [to_case(record.name, generate(record.name, 11, i), "x") for i in range(300)]
    shipped, _ = load([str(ROOT / "cases")])
    for case in cases + [c for c in shipped if c.op == record.name and not c.layers]:
        ref = reference_outcome(case, tensors_of(case)).outcome
        if ref.kind == "error":
            seen.add(ref.rule)
    assert seen <= allowed, seen - allowed


def test_adding_an_op_touches_three_files():
    """docs/adding.md says which: the reference function, the record, a case file; every other
    place reads the record (this test's neighbours check they do)."""
    text = (ROOT / "docs" / "adding.md").read_text().split("## A target")[0]
    files = re.findall(r"^\d\. \*\*`([^`]+)`\*\*", text, re.M)
    assert len(files) == 3, files
    offenders = []
    for path in (ROOT / "harness").rglob("*.py"):
        if "ops" in path.relative_to(ROOT).parts:
            continue
        for record in RECORDS:     # an op's name in harness code outside its record: a switch on it
            if re.search(rf"""["']{record.name}["']""", path.read_text()):
                offenders.append(f"{path.relative_to(ROOT)}: {record.name}")
    assert not offenders, offenders


def test_filters_are_drawn_by_their_axes():
    assert layout("filters", 4, None, filter_axes("conv2d_transpose", "filters"))[2] == ["h", "w", "out", "in"]
    assert layout("filters", 3, None, filter_axes("dilation2d", "filters"))[2] == ["h", "w", "depth"]
    assert layout("depthwise_filter", 4, None, filter_axes("separable_conv2d", "depthwise_filter"))[2] == \
        ["h", "w", "in", "multiplier"]
    assert np.ndim(np.zeros((2, 2, 1, 1))) == 4
