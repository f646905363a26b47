"""The case loader: every problem of every file at once, at the right line; matrix, defaults,
tensors and the promise that listing cases imports neither TensorFlow nor the reference."""
import json
import os
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import numpy as np
import pytest
import yaml
from jsonschema import Draft202012Validator

from harness import loader, yamlines
from harness.loader import load
from harness.problems import PATTERNS
from harness.model import Known
from harness.ops import OPS
from harness.tensors import DTYPES, make_tensor

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def cases_dir(tmp_path, monkeypatch):
    """tmp_path/cases, with the cwd at tmp_path so problems read `cases/<file>:line: ...`."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cases").mkdir()
    return tmp_path / "cases"


def write(directory: Path, name: str, text: str) -> str:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return path.relative_to(directory.parent).as_posix()


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
        f"cases/bad.yaml:25: case 'ragged': targets[1]: 'graf' is not a target pattern ({PATTERNS})",
        "cases/bad.yaml:27: case 'ragged': known[0].tf '2.22' is not a version specifier "
        "(e.g. '<2.22' or '>=2.16,<2.18')",
        f"cases/bad.yaml:28: case 'ragged': known[1].kind: 'wrong' is not one of {kinds}",
        f"cases/bad.yaml:28: case 'ragged': known[1].targets[0]: '*/mkl' is not a target pattern "
        f"({PATTERNS})",
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


def test_matrix_expands_in_key_order(cases_dir):
    write(cases_dir, "m.yaml", """
        defaults:
          op: max_pool2d
          input: {shape: [1, 4, 4, 1], range: 1}
          strides: 1
        cases:
          - id: pool
            matrix:
              ksize: [[1, 2, 2, 1], 3]
              padding: [SAME, VALID]
              dtype: [float32, bfloat16]
    """)
    cases, problems = load(["cases/m.yaml"])
    assert problems == []
    assert [c.name for c in cases] == [
        f"pool[ksize={k},padding={p},dtype={d}]" for k in ("[1,2,2,1]", "3")
        for p in ("SAME", "VALID") for d in ("float32", "bfloat16")]
    last = cases[-1]
    assert last.id == "cases/m.yaml::pool[ksize=3,padding=VALID,dtype=bfloat16]"
    assert last.matrix == {"ksize": 3, "padding": "VALID", "dtype": "bfloat16"}
    assert last.args == {"ksize": 3, "strides": 1, "padding": "VALID"}
    assert last.tensors["input"].dtype == "bfloat16" and last.line == 6
    assert cases[0].args["ksize"] == [1, 2, 2, 1] and type(cases[0].args["ksize"]) is list


def test_bad_matrix(cases_dir):
    write(cases_dir, "m.yaml", """
        cases:
          - id: a
            op: max_pool2d
            input: [[[[1]]]]
            ksize: 1
            strides: 1
            matrix: {padding: SAME, data_format: []}
          - id: b
            op: max_pool2d
            input: [[[[1]]]]
            ksize: 1
            strides: 1
            padding: SAME
            matrix:
              dtype: [float32, float8]
          - id: c
            op: max_pool2d
            input: [[[[1]]]]
            ksize: 1
            strides: 1
            matrix: {padding: [SAME, VALID, SAME]}
    """)
    cases, problems = load(["cases/m.yaml"])
    assert [c.name for c in cases] == ["c[padding=SAME]", "c[padding=VALID]"]
    assert problems[:2] == [
        "cases/m.yaml:7: case 'a': matrix.data_format must not be empty",   # sorted by line, text
        "cases/m.yaml:7: case 'a': matrix.padding must be a list, got 'SAME'",
    ]
    assert problems[2].startswith("cases/m.yaml:15: case 'b': matrix.dtype[1]: 'float8' is not one")
    assert problems[3:] == [
        "cases/m.yaml:21: case 'c': matrix gives two entries the name 'c[padding=SAME]'"]


def test_defaults_merge_shallowly_and_the_case_wins(cases_dir):
    write(cases_dir, "d.yaml", """
        source: a blog
        defaults:
          op: conv2d
          dtype: float64
          input: {shape: [1, 3, 3, 1], fill: 1, dtype: float16}
          filters: {shape: [2, 2, 1, 1], fill: 1}
          strides: 1
          padding: VALID
        cases:
          - id: inherits
          - id: overrides
            input: {shape: [1, 4, 4, 1], range: 1}
            padding: SAME
            targets: [eager, "*/onednn"]
            known: [{targets: [function], tf: "<2.22", reason: a TF bug, kind: value}]
            tolerance: {atol: 1e-5}
            note: why
            skip: not today
    """)
    (a, b), problems = load(["cases/d.yaml"])
    assert problems == []
    assert a.args == {"strides": 1, "padding": "VALID"} and a.source == "a blog"
    assert a.tensors["input"].shape == (1, 3, 3, 1) and a.tensors["input"].dtype == "float16"
    assert a.targets is None and a.known == () and a.skip is None
    # The case's `input` replaces the default one as a whole: no dtype float16 from defaults.
    assert b.tensors["input"].kind == "range" and b.tensors["input"].dtype == "float64"
    assert b.args == {"strides": 1, "padding": "SAME"} and b.dtype == "float64"
    assert b.targets == ("eager", "*/onednn") and b.tolerance == {"atol": 1e-5}
    assert b.known == (Known(targets=("function",), reason="a TF bug", tf="<2.22", kind="value"),)
    assert (b.note, b.skip, b.op) == ("why", "not today", "conv2d")
    assert list(b.tensors) == ["input", "filters"]


def test_case_text_and_plain_expect(cases_dir):
    write(cases_dir, "t.yaml", """
        defaults: {op: max_pool_with_argmax, ksize: 1, strides: 1, padding: SAME}
        cases:
          - id: first
            input: [[[[1]]]]
            expect:
              output: {shape: [1, 1, 1, 1]}
              argmax: {values: [0]}
          # about the second
          - id: second
            input: [[[[2]]]]
            expect:
              function: {error: ValueError, match: "neg.*"}
              eager: {output: {shape: [1, 1, 1, 1]}}

        source: at the end
    """)
    (a, b), problems = load(["cases/t.yaml"])
    assert problems == []
    assert a.text == ("id: first\ninput: [[[[1]]]]\nexpect:\n  output: {shape: [1, 1, 1, 1]}\n"
                      "  argmax: {values: [0]}\n")
    assert b.text.startswith("# about the second\nid: second\n")
    assert b.text.endswith("  eager: {output: {shape: [1, 1, 1, 1]}}\n")
    assert type(b.expect) is dict and type(b.expect["eager"]["output"]["shape"]) is list
    assert b.source == "at the end"


def test_values_flat_or_nested(cases_dir):
    write(cases_dir, "v.yaml", """
        defaults: {op: max_pool2d, ksize: 1, strides: 1, padding: SAME}
        cases:
          - id: flat
            input: {shape: [1, 2, 2, 1], values: [1, 2, 3, 4]}
          - id: nested
            input: {shape: [1, 2, 2, 1], values: [[1, 2], [3, 4]]}
          - id: inferred
            input: [[[[1], [2]], [[3], [4]]]]
          - id: not_numbers
            input: {shape: [1, 1, 1, 2], values: [1, two]}
            expect: {shape: [1, 1, 1, 2], values: [1, 2, 3]}
          - id: int8
            dtype: int8
            input: {shape: [1, 1, 1, 3], values: [1, 300, 2.5]}
    """)
    cases, problems = load(["cases/v.yaml"])
    assert problems == [
        "cases/v.yaml:10: case 'not_numbers': input.values[1] must be a number, got 'two'",
        "cases/v.yaml:11: case 'not_numbers': expect.values has 3 elements, expect.shape [1,1,1,2] "
        "needs 2",
        "cases/v.yaml:14: case 'int8': input.values[1] 300 does not fit int8 (-128..127)",
    ]
    arrays = [make_tensor(c.tensors["input"]) for c in cases]
    for array in arrays:
        np.testing.assert_array_equal(array, np.arange(1, 5, dtype=np.float32).reshape(1, 2, 2, 1))
        assert array.dtype == np.float32


def test_random_seeds_derive_from_case_and_argument(cases_dir):
    write(cases_dir, "r.yaml", """
        cases:
          - id: c
            op: conv2d
            input: {shape: [1, 3, 3, 2], random: {}}
            filters: {shape: [1, 3, 3, 2], random: {dist: uniform, high: 2}}
            strides: 1
            padding: SAME
          - id: seeded
            op: bias_add
            dtype: int8
            value: {shape: [2, 3], random: {seed: 7}}
            bias: {shape: [3], random: {seed: 7, dist: normal, std: 3, mean: -1}}
    """)
    (c, seeded), problems = load(["cases/r.yaml"])
    assert problems == []
    assert c.tensors["input"].data == {"dist": "normal", "seed": zlib.crc32(b"c/input"),
                                       "mean": 0.0, "std": 1.0}
    assert c.tensors["filters"].data == {"dist": "uniform", "seed": zlib.crc32(b"c/filters"),
                                         "low": -1.0, "high": 2}
    again, _ = load(["cases/r.yaml"])
    assert again[0].tensors == c.tensors
    assert not np.array_equal(make_tensor(c.tensors["input"]), make_tensor(c.tensors["filters"]))
    # Integer tensors default to dist integers in [-4, 5).
    assert seeded.tensors["value"].data == {"dist": "integers", "seed": 7, "low": -4, "high": 5}
    assert make_tensor(seeded.tensors["value"]).tolist() == [[4, 1, 2], [4, 1, 2]]


def test_npy_files_stay_inside_cases(cases_dir, tmp_path):
    (cases_dir / "data").mkdir()
    np.save(cases_dir / "data" / "x.npy", np.arange(6.0).reshape(2, 3))
    np.save(cases_dir / "data" / "objects.npy", np.array([{"a": 1}], dtype=object))
    np.save(tmp_path / "outside.npy", np.zeros(3))
    (cases_dir / "data" / "link.npy").symlink_to(tmp_path / "outside.npy")
    write(cases_dir, "sub/n.yaml", f"""
        defaults: {{op: bias_add, bias: [0, 0, 0]}}
        cases:
          - id: ok
            value: {{npy: ../data/x.npy}}
          - id: shaped
            value: {{npy: ../data/x.npy, shape: [3, 2]}}
          - id: absolute
            value: {{npy: {tmp_path / "outside.npy"}}}
          - id: link
            value: {{npy: ../data/link.npy}}
          - id: gone
            value: {{npy: nothing.npy}}
          - id: pickle
            value: {{npy: ../data/objects.npy}}
    """)
    cases, problems = load(["cases"])
    assert problems == [
        "cases/sub/n.yaml:6: case 'shaped': value.npy '../data/x.npy' holds shape [2,3], not [3,2]",
        f"cases/sub/n.yaml:8: case 'absolute': value.npy must be a path relative to the case "
        f"file, got '{tmp_path / 'outside.npy'}'",
        "cases/sub/n.yaml:10: case 'link': value.npy '../data/link.npy' resolves outside cases/",
        "cases/sub/n.yaml:12: case 'gone': value.npy 'nothing.npy' does not exist",
        "cases/sub/n.yaml:14: case 'pickle': value.npy '../data/objects.npy' holds object data, "
        "not numbers (pickles are refused)",
    ]
    [ok] = cases
    np.testing.assert_array_equal(make_tensor(ok.tensors["value"]),
                                  np.arange(6, dtype=np.float32).reshape(2, 3))


def test_directories_are_walked_in_sorted_order(cases_dir):
    case = "cases:\n  - {id: a, op: bias_add, value: [1.0], bias: [2.0]}\n"
    for name in ("b/z.yml", "b/a.yaml", "a.yaml", ".hidden/x.yaml", "notes.txt"):
        write(cases_dir, name, case)
    cases, problems = load(["cases", "cases/a.yaml"])
    assert problems == []
    assert [c.id for c in cases] == ["cases/a.yaml::a", "cases/b/a.yaml::a", "cases/b/z.yml::a"]
    assert load(["cases/.hidden"])[1] == []
    (cases_dir / "empty").mkdir()
    assert load(["cases/empty"]) == ([], ["cases/empty:1: no .yaml case files in this directory"])


CHAIN = """\
cases:
  - id: stack
    op: chain
    layers:
      - op: conv2d
        input: {shape: [1, 9, 9, 1], fill: 1}
        filters: {shape: [3, 3, 1, 2], fill: 1}
        strides: 1
        padding: SAME
      - op: max_pool2d
        ksize: 2
        strides: 2
        padding: VALID
    expect: {shapes: [[1, 9, 9, 2], [1, 4, 4, 2]], receptive_field: [4, 4]}
"""


def test_chain_layers_feed_each_other(cases_dir):
    write(cases_dir, "c.yaml", CHAIN)
    cases, problems = load(["cases/c.yaml"])
    assert problems == []
    (case,) = cases
    assert case.op == "chain" and [layer.op for layer in case.layers] == ["conv2d", "max_pool2d"]
    assert case.layers[1].feed == "input" and case.layers[1].args == {"ksize": 2, "strides": 2,
                                                                        "padding": "VALID"}
    assert list(case.tensors) == ["0:input", "0:filters"]
    assert case.expect["receptive_field"] == [4, 4]


def test_chain_problems_name_the_layer_and_line(cases_dir):
    text = (CHAIN.replace("        ksize: 2\n", "        input: [1]\n        ksize: 2\n")
            .replace("      - op: conv2d", "      - op: conv2dd")
            .replace("    expect:", "    grad: true\n    padding: SAME\n    expect:"))
    write(cases_dir, "c.yaml", text)
    assert load(["cases/c.yaml"]) == ([], [
        "cases/c.yaml:5: case 'stack': layers[0]: unknown op 'conv2dd' (known: "
        + ", ".join(sorted(loader.OPS)) + "); did you mean 'conv2d'?",
        "cases/c.yaml:15: case 'stack': grad: true is not supported for chain",
        "cases/c.yaml:16: case 'stack': unknown key 'padding' for a chain (give arguments in its layers)",
    ])
    write(cases_dir, "d.yaml", CHAIN.replace("        ksize: 2\n", "        input: [1]\n"))
    assert load(["cases/d.yaml"])[1] == [
        "cases/d.yaml:10: case 'stack': layers[1]: missing required argument 'ksize' for max_pool2d",
        "cases/d.yaml:11: case 'stack': layers[1]: input is the previous layer's output; do not give it",
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


def test_schema_is_valid_and_knows_every_dtype():
    schema = json.loads(loader.SCHEMA.read_text())
    Draft202012Validator.check_schema(schema)
    assert schema["$defs"]["dtype"]["enum"] == list(DTYPES)
    assert set(schema["$defs"]["fields"]["properties"]) == set(loader.RESERVED)


def test_listing_imports_neither_tensorflow_nor_the_reference(cases_dir, tmp_path):
    write(cases_dir, "l.yaml", """
        cases:
          - id: a
            op: conv2d
            input: {shape: [1, 4, 4, 2], random: {seed: 1}}
            filters: {shape: [3, 3, 2, 1], range: 1}
            strides: 1
            padding: SAME
            expect: {shape: [1, 4, 4, 1]}
    """)
    poison = tmp_path / "poison"
    for name in ("tensorflow", "reference"):   # importing either ends the process with 17
        (poison / name).mkdir(parents=True)
        (poison / name / "__init__.py").write_text("import os\nos._exit(17)\n")
    code = (f"import sys; sys.path[:0] = [{str(poison)!r}, {str(REPO)!r}]\n"
            "from harness.loader import load\n"
            "cases, problems = load(['cases'])\n"
            "assert len(cases) == 1 and not problems, problems\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'reference')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=cases_dir.parent, env={**os.environ, "PYTHONPATH": ""})
    assert (done.returncode, done.stdout, done.stderr) == (0, "[]\n", "")
