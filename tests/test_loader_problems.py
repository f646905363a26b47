"""The case loader's problems: every problem of every file at once, as `path:line: what`, and
untrusted input (YAML tags, alias bombs, paths outside cases/) refused as a problem."""
import json
import textwrap

import pytest
import yaml
from loader_helpers import write

from harness.cases import loader
from harness.cases import yamlines
from harness.cases.loader import load
from harness.ops import OPS
from harness.cases.problems import patterns_help
from harness.cases.tensors import DTYPES

BROKEN = """
    source: broken on purpose
    defaults:
      op: max_pool2d
      strides: 1
      padding: SAME
    cases:
      - id: good
        input: {shape: [1, 2, 2, 1], range: 1}
        ksize: 1
      - id: unknown_op
        op: conv4d
      - id: typo
        inoput: [[[[1]]]]
        ksize: 1
      - id: missing
        op: conv2d
        input: {shape: [1, 2, 2, 1], fill: 1}
      - id: typo
        input: {shape: [1, 4, 4, 1], values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]}
        ksize: 1
        ksize: 2
      - id: ragged
        input: [[[[1], [2]], [[3]]]]
        ksize: 1
        targets: [eager, graf]
        known:
          - {targets: [function], tf: "2.22", reason: old}
          - {targets: ["*/mkl"], kind: wrong, reason: x}
      - id: escape
        input: {npy: ../../secret.npy}
        ksize: 1
        expect: {error: ValueError, match: "[unclosed"}
      - id: huge
        input: {shape: [1024, 1024, 1024, 1], fill: 0}
        ksize: 1
      - id: errors_are_data
        input: {shape: [1, 2, 2, 1], fill: 0}
        ksize: 0
        padding: SNAME
        strides: [1, 0, 1, 1]
"""


def test_every_problem_of_a_broken_file_at_its_line(cases_dir):
    write(cases_dir, "bad.yaml", BROKEN)
    (cases_dir.parent / "secret.npy").write_bytes(b"")
    cases, problems = load(["cases/bad.yaml"])
    kinds = ", ".join(json.loads(loader.SCHEMA.read_text())["$defs"]["known"]["properties"]
                      ["kind"]["enum"])
    assert problems == [
        f"cases/bad.yaml:11: case 'unknown_op': unknown op 'conv4d' (known: {', '.join(sorted(OPS))})"
        "; did you mean 'conv3d'?",
        "cases/bad.yaml:12: case 'typo': missing required argument 'input' for max_pool2d",
        "cases/bad.yaml:13: case 'typo': unknown argument 'inoput' for max_pool2d (tensors: input; "
        "arguments: ksize, strides, padding, data_format); did you mean 'input'?",
        "cases/bad.yaml:15: case 'missing': missing required argument 'filters' for conv2d",
        "cases/bad.yaml:18: case 'typo': duplicate id (first at line 12)",
        "cases/bad.yaml:19: case 'typo': input.values has 15 elements, shape [1,4,4,1] needs 16",
        "cases/bad.yaml:21: duplicate key 'ksize' (first at line 20)",
        "cases/bad.yaml:23: case 'ragged': input is ragged: input[0][1] has shape [1,1] "
        "but input[0][0] has shape [2,1]",
        f"cases/bad.yaml:25: case 'ragged': targets[1]: 'graf' is not a target pattern ({patterns_help()})",
        "cases/bad.yaml:27: case 'ragged': known[0].tf '2.22' is not a version specifier "
        "(e.g. '<2.22' or '>=2.16,<2.18')",
        f"cases/bad.yaml:28: case 'ragged': known[1].kind: 'wrong' is not one of {kinds}",
        f"cases/bad.yaml:28: case 'ragged': known[1].targets[0]: '*/mkl' is not a target pattern "
        f"({patterns_help()})",
        "cases/bad.yaml:30: case 'escape': input.npy '../../secret.npy' resolves outside cases/",
        "cases/bad.yaml:32: case 'escape': expect.match is not a valid regular expression: "
        "unterminated character set at position 0",
        "cases/bad.yaml:33: case 'huge' needs 4.0 GiB of tensors, over the 1.0 GiB budget "
        "(--memory-budget)",
    ]
    # The reference decides about padding and strides: error cases are valid case files.
    assert [c.id for c in cases] == ["cases/bad.yaml::good", "cases/bad.yaml::errors_are_data"]
    assert cases[1].args == {"ksize": 0, "strides": [1, 0, 1, 1], "padding": "SNAME"}


def test_problems_of_all_files_at_once(cases_dir):
    write(cases_dir, "a_syntax.yaml", """
        cases:
          - id: a
            op: conv2d
            rate 2
            padding: SAME
    """)
    write(cases_dir, "b_list.yaml", "- id: a\n")
    write(cases_dir, "c_empty.yaml", "# nothing\n")
    write(cases_dir, "d_tag.yaml", "cases:\n  - id: a\n    op: !!python/object/apply:os.system [echo hi]\n")
    (cases_dir / "e_binary.yaml").write_bytes(b"cases:\n  - id: \xff\n")
    write(cases_dir, "f_top.yaml", "source: x\ncase:\n  - id: a\n")
    write(cases_dir, "g_flow.yaml", "cases: [{id: a, op: conv2d}\n")
    cases, problems = load(["cases", "cases/nowhere.yaml"])
    assert cases == []
    assert problems == [
        "cases/nowhere.yaml:1: no such file or directory",   # found while listing the files
        "cases/a_syntax.yaml:5: invalid YAML: could not find expected ':' "
        "(while scanning a simple key at line 4)",
        "cases/b_list.yaml:1: a case file must be a mapping with 'cases' (got a list)",
        "cases/c_empty.yaml:1: a case file must be a mapping with 'cases' (the file is empty)",
        "cases/d_tag.yaml:3: invalid YAML: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object/apply:os.system'",
        "cases/e_binary.yaml:2: not UTF-8 text",
        "cases/f_top.yaml:1: missing required key 'cases'",
        "cases/f_top.yaml:2: unknown top-level key 'case' (expected source, defaults, cases); "
        "did you mean 'cases'?",
        # libyaml says "did not find expected ',' or ']'", PyYAML "expected ',' or ']', but got ..."
        f"cases/g_flow.yaml:2: invalid YAML: {problems[-1].split(': ', 2)[2].split(' (')[0]} "
        "(while parsing a flow sequence at line 1)",
    ]


def test_schema_problems_read_like_the_case_file(cases_dir):
    write(cases_dir, "s.yaml", """
        defaults:
          id: shared
          op: max_pool2d
        cases:
          - op: max_pool2d
          - id: bad id
            input: {shape: [1, 2, 2, 1], fill: 1, random: {seed: 1}}
            ksize: 1
            strides: 1
            padding: SAME
            tolerance: {atol: -1, rtl: 0}
            dtype: float8
            grad: yes please
            expect: {shpae: [1], error: "not a class"}
    """)
    _, problems = load(["cases/s.yaml"])
    dtypes = ", ".join(DTYPES)
    assert problems == [
        "cases/s.yaml:2: defaults: id cannot be set in defaults: ids are per case (got 'shared')",
        "cases/s.yaml:5: cases[0]: missing required argument 'input' for max_pool2d",
        "cases/s.yaml:5: cases[0]: missing required argument 'ksize' for max_pool2d",
        "cases/s.yaml:5: cases[0]: missing required argument 'padding' for max_pool2d",
        "cases/s.yaml:5: cases[0]: missing required argument 'strides' for max_pool2d",
        "cases/s.yaml:5: cases[0]: missing required key 'id'",
        "cases/s.yaml:6: case 'bad id': id must be a string of letters, digits, '_', '.' and '-' "
        "(got 'bad id')",
        "cases/s.yaml:7: case 'bad id': input needs exactly one of values, fill, range, random, npy "
        "(got fill, random)",
        "cases/s.yaml:11: case 'bad id': tolerance.atol must be >= 0, got -1",
        "cases/s.yaml:11: case 'bad id': tolerance: unknown key 'rtl' (expected atol, rtol); "
        "did you mean 'rtol'?",
        f"cases/s.yaml:12: case 'bad id': dtype: 'float8' is not one of {dtypes}; "
        "did you mean 'float64'?",
        "cases/s.yaml:13: case 'bad id': grad must be true or false, got 'yes please'",
        "cases/s.yaml:14: case 'bad id': expect.error must be exception class names separated by "
        "'|', e.g. InvalidArgumentError|ValueError (got 'not a class')",
        "cases/s.yaml:14: case 'bad id': expect: unknown key 'shpae' (expected shape, values, error, "
        "match, a target pattern); did you mean 'shape'?",
    ]


@pytest.mark.parametrize("loader_class", [yamlines.LineLoader, yamlines.FastLineLoader])
def test_yamlines_records_lines_and_duplicate_keys(loader_class):
    assert issubclass(yamlines.LineLoader, yaml.SafeLoader)
    data, problems = yamlines.load(textwrap.dedent("""
        base: &base {k: 1}
        cases:
          - id: a
            tol: 1e-5
            rate: 2
          -
            id: b
            <<: *base
            k: 2
            id: c
    """).lstrip(), loader_class)
    assert problems == [(10, "duplicate key 'id' (first at line 7)")]
    assert yamlines.plain(data) == {"base": {"k": 1}, "cases": [
        {"id": "a", "tol": 1e-5, "rate": 2}, {"id": "c", "k": 2}]}
    cases = data["cases"]
    assert (data.lines["cases"], cases.line, cases.lines) == (2, 3, [3, 7])   # 7: its first key
    assert (cases[0].line, cases[0].lines) == (3, {"id": 3, "tol": 4, "rate": 5})
    assert yamlines.line_of(data, ["cases", 1, "k"], data.line) == 9
    assert yamlines.line_of(data, ["cases", 1, "missing", 0], data.line) == 7


def test_alias_bombs_are_refused(cases_dir):
    bomb = "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n" + "".join(
        f"{k}: &{k} [{', '.join(['*' + p] * 10)}]\n" for p, k in zip("abcdefg", "bcdefgh"))
    write(cases_dir, "bomb.yaml", bomb + "cases: [*h]\n")
    [problem] = load(["cases/bomb.yaml"])[1]
    assert problem.startswith("cases/bomb.yaml:1: invalid YAML: the document expands to")
