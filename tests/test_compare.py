"""The comparison and the precision model: bounds scale with the magnitude summed, half types
accumulate in float32 (so no bound accepts zeros or a negated result), and non-finite values match
only themselves without widening the bound of finite cells. No TensorFlow."""
import math

import ml_dtypes
import numpy as np
import pytest

from harness.verdict import compare
from harness.run.execute import reference_outcome, tensors_of
from harness.verdict.judge import judge
from harness.model import Case, Outcome, TensorSpec

NAN, INF = float("nan"), float("inf")


def case_of(op, dtype="float32", **tensors_and_args):
    tensors = {k: v for k, v in tensors_and_args.items() if isinstance(v, TensorSpec)}
    args = {k: v for k, v in tensors_and_args.items() if not isinstance(v, TensorSpec)}
    return Case(id=f"t::{op}", path="t", line=1, name=op, op=op, args=args, tensors=tensors, dtype=dtype)


def run_reference(case):
    run = reference_outcome(case, tensors_of(case))
    ref, scale = run.outcome, run.scale
    return ref, scale


def verdict_for(case, got, target="eager/onednn"):
    ref, scale = run_reference(case)
    return judge(case, target, ref, scale, Outcome("value", outputs={"output": got}), "2.21.0")


def test_tolerance_scales_with_magnitude_not_result():
    # 1e8 - 1e8 + 1: the result is 1 but float32 may lose it entirely; the bound follows the
    # magnitude summed (2e8 + 1), so a float32 answer of 0 is within tolerance...
    tol = compare.bound("float32", 3, np.array([2e8 + 1]), np.array([1.0]))
    assert compare.diff(np.array([1.0]), np.array([0.0], np.float32), tol)["mismatched"] == 0
    # ...while for small magnitudes the same absolute error is far outside it.
    tol = compare.bound("float32", 3, np.array([3.0]), np.array([1.0]))
    assert compare.diff(np.array([1.0]), np.array([0.0], np.float32), tol)["mismatched"] == 1
    # One float32 rounding of the result is always within the bound; 1e-3 relative is not.
    x = np.float64(1) / 3
    tol = compare.bound("float32", 9, np.array([x]), np.array([x]))
    assert compare.diff(np.array([x]), np.array([x], np.float32), tol)["mismatched"] == 0
    assert compare.diff(np.array([x]), np.array([x * 1.001], np.float32), tol)["mismatched"] == 1


@pytest.mark.parametrize("dtype,side", [("bfloat16", 16), ("float16", 16), ("float16", 46)])
def test_half_precision_bounds_reject_zeros_and_negation(dtype, side):
    """A bf16 conv summing 256 products per output used to accept 0 and -256 for a true 256, a
    float16 one of 2048 products (46 x 46 = 2116 here) 0: the half type's unit roundoff was used
    for the whole sum. TF accumulates half types in float32: one rounding at the end."""
    case = case_of("conv2d", dtype, input=TensorSpec((1, side, side, 1), "fill", 1, dtype),
                   filters=TensorSpec((side, side, 1, 1), "fill", 1, dtype), strides=1, padding="VALID")
    ref, _ = run_reference(case)
    true = ref.outputs["output"]
    np_dtype = ml_dtypes.bfloat16 if dtype == "bfloat16" else np.float16
    assert verdict_for(case, true.astype(np_dtype)).status == "pass"
    for wrong in (np.zeros_like(true), -true, true * 0.9):
        v = verdict_for(case, wrong.astype(np_dtype))
        assert (v.status, v.kind) == ("fail", "value"), wrong
    # the half type's own accumulation, which loses the small addends of a long sum, is beyond it
    assert compare.accumulation(dtype) == "float32"


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_one_rounding_of_the_half_output_is_allowed(dtype):
    """1/3 summed in float32, then rounded once into the half type: that rounding (far above
    float32's) is within the bound; two and a half of it are not."""
    kind = ml_dtypes.bfloat16 if dtype == "bfloat16" else np.float16
    ref = np.array([1 / 3])
    tol = compare.bound(dtype, 1, ref, ref)
    assert compare.diff(ref, np.array(ref, dtype=kind), tol, dtype)["mismatched"] == 0
    u = compare.UNIT_ROUNDOFF[dtype]
    assert compare.diff(ref, ref * (1 + 2.5 * u), tol, dtype)["mismatched"] == 1


def test_half_precision_accumulation_stagnation_is_caught():
    """1 + 256 x 2^-9 in bfloat16: accumulated in float32 it is 1.5 (exact in bfloat16); summed
    in bfloat16 each addition rounds back to 1. The bound tells them apart."""
    values = np.array([1.0] + [2.0 ** -9] * 256)
    ref = np.array([values.sum()])
    tol = compare.bound("bfloat16", values.size, np.abs(values).sum(keepdims=True), ref)
    assert compare.diff(ref, np.array([1.5], ml_dtypes.bfloat16), tol, "bfloat16")["mismatched"] == 0
    assert compare.diff(ref, np.array([1.0], ml_dtypes.bfloat16), tol, "bfloat16")["mismatched"] == 1


def test_separable_and_chains_allow_their_intermediate_roundings():
    """separable_conv2d stores its depthwise result in the dtype before the pointwise sum: one more
    rounding of the half type, which the bound allows (and no more)."""
    assert compare.bound("float16", 4, np.ones(1), np.ones(1), roundings=1) > \
        compare.bound("float16", 4, np.ones(1), np.ones(1)) + 2.0 ** -11 * 0.99


def test_nan_and_inf_compare_by_identity():
    nan = np.array([NAN, INF, 1.0])
    assert compare.diff(nan, nan.astype(np.float32), None)["mismatched"] == 0
    assert compare.diff(nan, np.array([1.0, INF, 1.0]), None)["mismatched"] == 1
    assert compare.diff(nan, np.array([NAN, -INF, 1.0]), None)["mismatched"] == 1
    # a reference inf "equalled" NaN when the bound was inf; bounds never excuse non-finite cells
    assert compare.diff(np.array([INF]), np.array([NAN]), np.array([INF]))["mismatched"] == 1
    assert compare.diff(np.array([NAN]), np.array([123.0]), np.array([NAN]))["mismatched"] == 1
    assert compare.diff(np.array([1.0]), np.array([INF]), np.array([1e300]))["mismatched"] == 1
    assert compare.diff(np.array([1.0]), np.array([NAN]), np.array([INF]))["mismatched"] == 1


def test_a_finite_result_beyond_the_dtype_may_round_to_infinity():
    big = np.array([4e38, -4e38, 3e38])
    got = np.array([INF, -INF, -INF], np.float32)
    d = compare.diff(big, got, np.zeros(3), "float32")
    assert d["mismatched"] == 1 and d["worst"][0]["index"] == [2]


def test_avg_pool_of_a_nan_window_is_nan_not_anything():
    """An avg_pool2d window holding a NaN "equalled" 123: the NaN made its bound NaN."""
    inp = TensorSpec((1, 2, 4, 1), "values", [1, NAN, 3, 4, 5, 6, 7, 8], "float32")
    case = case_of("avg_pool2d", input=inp, ksize=2, strides=2, padding="VALID")
    ref, _ = run_reference(case)
    assert np.isnan(ref.outputs["output"].ravel()[0])
    good = np.array([[[[NAN], [5.5]]]], np.float32)
    assert verdict_for(case, good).status == "pass"
    assert verdict_for(case, np.array([[[[123.0], [5.5]]]], np.float32)).kind == "value"
    # the finite window's bound is not poisoned by the NaN next door
    assert verdict_for(case, np.array([[[[NAN], [5.6]]]], np.float32)).kind == "value"


def test_non_finite_inputs_do_not_widen_finite_cells():
    """conv2d over [inf, 1, 2, 3] with a 1x2 filter of ones: the first output is inf, the others
    finite, and their bound is that of their own finite window."""
    inp = TensorSpec((1, 1, 4, 1), "values", [INF, 1, 2, 3], "float32")
    case = case_of("conv2d", input=inp, filters=TensorSpec((1, 2, 1, 1), "fill", 1, "float32"),
                   strides=1, padding="VALID")
    ref, scale = run_reference(case)
    assert ref.outputs["output"].ravel().tolist() == [INF, 3, 5]
    magnitude = scale["output"][0].ravel()
    assert np.all(np.isfinite(magnitude)) and magnitude[1:].tolist() == [3, 5]
    assert verdict_for(case, np.array([[[[INF], [3], [5]]]], np.float32)).status == "pass"
    assert verdict_for(case, np.array([[[[INF], [0], [5]]]], np.float32)).kind == "value"
    assert verdict_for(case, np.array([[[[NAN], [3], [5]]]], np.float32)).kind == "value"


def test_gamma_refuses_sums_it_cannot_bound():
    assert compare.gamma(10, 2.0 ** -24) == pytest.approx(10 * 2.0 ** -24, rel=1e-6)
    with pytest.raises(ValueError):
        compare.gamma(2048, 2.0 ** -11)
    assert math.isfinite(compare.gamma(2 ** 20, 2.0 ** -24))


def test_complex_results_are_allowed_their_rounding():
    """complex64 rounds like float32: a sum rounded once into complex64 is within the bound, a
    relative error of 1e-6 is not."""
    ref = np.array([0.34558418 + 0.18905339, 1 / 3 + 0.25j])
    tol = compare.bound("complex64", 1, np.abs(ref), ref)
    assert compare.diff(ref, ref.astype(np.complex64), tol)["mismatched"] == 0
    assert compare.diff(ref, (ref * (1 + 1e-6)).astype(np.complex64), tol)["mismatched"] == 2


def test_complex_outputs_compare_both_parts():
    ref = np.array([1 + 2j, 3 - 1j, complex(1, NAN)])
    assert compare.diff(ref, ref.astype(np.complex64), None)["mismatched"] == 0
    d = compare.diff(ref, np.array([1 + 2j, 3 + 1j, complex(1, NAN)]), None)
    assert d["mismatched"] == 1 and d["max_abs_err"] == pytest.approx(2.0)
    assert d["worst"][0]["tf"] == [3.0, 1.0]
    assert compare.diff(ref, np.array([1 + 2j, 3 - 1j, complex(2, NAN)]), None)["mismatched"] == 1
