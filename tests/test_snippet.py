"""The reproduction snippet (harness/run/snippet.py) without TensorFlow: its tensor expressions make
exactly the harness's values, NaN and infinities included, and it sets the target's whole environment."""
import numpy as np
import pytest

from harness.cases.loader import load
from harness.cases.tensors import make_tensor
from harness.model import TensorSpec
from harness.run.snippet import NONFINITE, generator_expr, literal_expr, snippet

SPECS = [
    TensorSpec((2, 3, 5), "random", {"dist": "normal", "seed": 4, "mean": 0.5, "std": 2.0}, "float32"),
    TensorSpec((3, 7), "random", {"dist": "uniform", "seed": 9, "low": -3.0, "high": 1.0}, "float64"),
    TensorSpec((4, 4), "random", {"dist": "integers", "seed": 1, "low": -4, "high": 5}, "float16"),
    TensorSpec((2, 9, 3), "random", {"dist": "normal", "seed": 7, "mean": 0.0, "std": 1.0,
                                     "nan": 0.2, "inf": 0.3}, "float32"),
    TensorSpec((5, 6), "random", {"dist": "uniform", "seed": 2, "low": 0.0, "high": 1.0, "inf": 0.5}, "float64"),
    TensorSpec((3, 2), "fill", 1.5, "float32"),
    TensorSpec((3, 5), "range", {"start": -2, "step": 0.25}, "float32"),
]


def _evaluate(expr: str) -> np.ndarray:
    scope = {"np": np}
    exec(NONFINITE, scope)       # the helper a snippet defines when it uses it
    return eval(expr, scope)     # our own generated text, not case data


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: f"{s.kind}-{s.data.get('dist', '') if isinstance(s.data, dict) else ''}")
def test_generator_makes_the_harness_values(spec):
    want = make_tensor(spec)
    got = np.asarray(_evaluate(generator_expr(spec))).astype(want.dtype).reshape(want.shape)
    assert got.tobytes() == want.tobytes()


def test_nonfinite_values_are_written_as_numpy_names():
    array = np.array([[1.5, np.nan], [np.inf, -np.inf]])
    expr = literal_expr(array)
    assert "np.nan" in expr and "-np.inf" in expr
    np.testing.assert_array_equal(_evaluate(expr), array)
    assert literal_expr(np.array([3.0, -2.0])) == "np.array([3, -2]).reshape([2])"


def test_snippet_sets_the_whole_environment_of_the_target(tmp_path):
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "c.yaml").write_text(
        "cases:\n  - id: nan_grad\n    op: conv2d\n"
        "    input: {shape: [1, 20, 20, 1], random: {seed: 1, nan: 0.1}}\n"
        "    filters: {shape: [2, 2, 1, 1], fill: 1}\n    strides: 1\n    padding: VALID\n    grad: true\n")
    cases, problems = load([str(tmp_path / "cases")])
    assert not problems
    text = snippet(cases[0], "xla/onednn-sse41", None, upstream=np.zeros((1, 19, 19, 1), np.float32))
    assert "os.environ['ONEDNN_MAX_CPU_ISA'] = 'SSE41'" in text
    assert "os.environ['TF_ENABLE_ONEDNN_OPTS'] = '1'" in text and "os.environ['CUDA_VISIBLE_DEVICES'] = ''" in text
    assert "def nonfinite(" in text and "jit_compile=True" in text
    assert "upstream = tf.constant(np.random.default_rng(" in text   # the harness's seeded upstream
    compile(text, "repro.py", "exec")
    one_thread = snippet(cases[0], "eager/onednn-1t")
    assert "os.environ['TF_ENABLE_ONEDNN_OPTS'] = '1'" in one_thread
    assert "os.environ['TF_NUM_INTRAOP_THREADS'] = '1'" in one_thread


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_literals_are_short_and_give_back_every_bit(dtype):
    """float32/float16 values are written with the fewest digits that, read by Python as float64
    and rounded to the dtype as tf.constant rounds it, give the same bits (float32's 0.18905339,
    not 0.18905338644981384)."""
    rng = np.random.default_rng(3)
    with np.errstate(over="ignore"):
        array = (rng.normal(size=(4, 64)) * 10.0 ** rng.uniform(-9, 9, size=(4, 64))).astype(dtype)
    array.flat[:3] = [np.nan, -np.inf, -0.0]
    expr = literal_expr(array)
    back = np.asarray(_evaluate(expr), dtype=np.float64).astype(dtype).reshape(array.shape)
    assert back.tobytes() == array.tobytes()
    if dtype is np.float32:
        assert "0.18905339," in literal_expr(np.array([0.18905338644981384, 1.5], np.float32))
        assert len(expr) < 0.75 * len(", ".join(repr(float(v)) for v in array.ravel()))
