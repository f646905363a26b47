"""The case loader: file structure, defaults, matrix expansion, ids, chains, the schema and the
promise that listing cases imports neither TensorFlow nor the reference. Problem reporting is in
test_loader_problems.py, tensor specs in test_loader_tensors.py."""
import json
import os
import subprocess
import sys
from pathlib import Path

from jsonschema import Draft202012Validator
from loader_helpers import write

from harness.cases import loader
from harness.cases.loader import load
from harness.model import Known
from harness.cases.tensors import DTYPES

REPO = Path(__file__).resolve().parents[1]


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
    assert b.known == (Known(targets=("function",), reason="a TF bug", tf="<2.22", kind="value", line=b.known[0].line),)
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
            "from harness.cases.loader import load\n"
            "cases, problems = load(['cases'])\n"
            "assert len(cases) == 1 and not problems, problems\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'reference')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=cases_dir.parent, env={**os.environ, "PYTHONPATH": ""})
    assert (done.returncode, done.stdout, done.stderr) == (0, "[]\n", "")
