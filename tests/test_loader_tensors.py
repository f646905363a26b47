"""The case loader's tensor specs: values flat, nested or inferred, seeded random tensors and
.npy files that must stay inside cases/."""
import zlib

import numpy as np
from loader_helpers import write

from harness.cases.loader import load
from harness.cases.tensors import make_tensor


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
