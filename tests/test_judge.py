"""Verdict logic: expect, known (xfail/xpass), error kinds and the tolerance model, on synthetic
outcomes (no TensorFlow needed)."""
import numpy as np
import pytest

from harness import compare
from harness.judge import judge, resolve_expect
from harness.model import Case, Known, Outcome, TensorSpec


def make_case(op="conv2d", expect=None, known=(), dtype="float32", tolerance=None, skip=None):
    tensors = {"input": TensorSpec((1, 2, 2, 1), "fill", 1, dtype),
               "filters": TensorSpec((2, 2, 1, 1), "fill", 1, dtype)}
    if op == "max_pool2d":
        tensors = {"input": tensors["input"]}
    return Case(id="cases/x.yaml::c", path="cases/x.yaml", line=3, name="c", op=op,
                args={"strides": 1, "padding": "VALID"}, tensors=tensors, dtype=dtype,
                expect=expect, known=tuple(known), tolerance=tolerance, skip=skip)


def value(*arrays, names=("output",)):
    return Outcome("value", outputs=dict(zip(names, (np.asarray(a) for a in arrays))))


REF = value(np.array([[[[4.0]]]]))
MAG = {"output": (np.array([[[[4.0]]]]), 4)}   # (magnitude, terms) per output
TF_OK = value(np.array([[[[4.0]]]], dtype=np.float32))


def test_pass_and_value_failure():
    assert judge(make_case(), "eager/onednn", REF, MAG, TF_OK, "2.21.0").status == "pass"
    v = judge(make_case(), "eager/onednn", REF, MAG, value(np.array([[[[4.01]]]], np.float32)), "2.21.0")
    assert (v.status, v.kind) == ("fail", "value")
    assert v.details["output"]["mismatched"] == 1
    assert v.max_abs_err == pytest.approx(0.01, rel=1e-3)


def test_shape_failure():
    v = judge(make_case(), "eager/onednn", REF, MAG, value(np.zeros((1, 4, 4, 2), np.float32)), None)
    assert (v.status, v.kind) == ("fail", "shape")


def test_error_kinds():
    ref_err = Outcome("error", error_type="InvalidArgumentError", error_message="negative output size")
    tf_err = Outcome("error", error_type="InvalidArgumentError", error_message="Negative dimension")
    tf_internal = Outcome("error", error_type="InternalError", error_message="oops")
    case = make_case()
    assert judge(case, "eager/eigen", ref_err, None, tf_err, None).status == "pass"
    assert judge(case, "eager/eigen", ref_err, None, TF_OK, None).kind == "missing-error"
    assert judge(case, "eager/eigen", REF, MAG, tf_err, None).kind == "unexpected-error"
    assert judge(case, "eager/eigen", REF, MAG, tf_internal, None).kind == "internal-error"
    assert judge(case, "eager/eigen", ref_err, None, tf_internal, None).kind == "internal-error"
    crash = Outcome("crash", signal="SIGSEGV", error_message="TensorFlow worker died (SIGSEGV)")
    assert judge(case, "eager/eigen", REF, MAG, crash, None).kind == "crash"
    assert judge(case, "eager/eigen", REF, MAG, Outcome("timeout", error_message="no answer"), None).kind == "timeout"


def test_expected_error_class_and_message():
    ref_err = Outcome("error", error_type="InvalidArgumentError", error_message="padding")
    case = make_case(expect={"error": "InvalidArgumentError|ValueError", "match": "SNAME"})
    good = Outcome("error", error_type="ValueError", error_message="padding 'SNAME' is invalid")
    assert judge(case, "function/eigen", ref_err, None, good, None).status == "pass"
    wrong_msg = Outcome("error", error_type="ValueError", error_message="something else")
    assert judge(case, "function/eigen", ref_err, None, wrong_msg, None).kind == "error-message"
    wrong_type = Outcome("error", error_type="TypeError", error_message="SNAME")
    assert judge(case, "function/eigen", ref_err, None, wrong_type, None).kind == "error-type"
    assert judge(case, "function/eigen", ref_err, None, TF_OK, None).kind == "missing-error"
    # The reference returning a value contradicts an untargeted expected error: the case is wrong.
    assert judge(case, "function/eigen", REF, MAG, good, None).kind == "expect"


def test_expect_checks_the_reference():
    assert judge(make_case(expect={"shape": [1, 1, 1, 1], "values": [4]}), "eager/eigen",
                 REF, MAG, TF_OK, None).status == "pass"
    v = judge(make_case(expect={"values": [5]}), "eager/eigen", REF, MAG, TF_OK, None)
    assert v.kind == "expect" and "the case says 5" in v.message
    assert judge(make_case(expect={"shape": [1, 2, 2, 1]}), "eager/eigen", REF, MAG, TF_OK, None).kind == "expect"


def test_target_keyed_expect():
    case = make_case(expect={"function": {"error": "ValueError"}, "eager": {"shape": [1, 1, 1, 1]}})
    assert resolve_expect(case, "function/onednn") == ({"error": "ValueError"}, True)
    assert resolve_expect(case, "eager/eigen")[0] == {"shape": [1, 1, 1, 1]}
    tf_err = Outcome("error", error_type="ValueError", error_message="Negative dimension")
    # Keyed: the reference may return a value while graph mode legitimately raises.
    assert judge(case, "function/onednn", REF, MAG, tf_err, None).status == "pass"
    assert judge(case, "eager/onednn", REF, MAG, TF_OK, None).status == "pass"


def test_known_gives_xfail_then_xpass():
    known = [Known(targets=("eager",), reason="wrong shape in eager", tf="<2.22", kind="shape")]
    case = make_case(known=known)
    bad = value(np.zeros((1, 4, 4, 2), np.float32))
    assert judge(case, "eager/onednn", REF, MAG, bad, "2.21.0").status == "xfail"
    # Not on this target, or not this TF version, or not this kind: a plain failure.
    assert judge(case, "function/onednn", REF, MAG, bad, "2.21.0").status == "fail"
    assert judge(case, "eager/onednn", REF, MAG, bad, "2.22.0").status == "fail"
    wrong_value = value(np.array([[[[9.0]]]], np.float32))
    assert judge(case, "eager/onednn", REF, MAG, wrong_value, "2.21.0").status == "fail"
    # TensorFlow fixed: xpass, which is a failure.
    v = judge(case, "eager/onednn", REF, MAG, TF_OK, "2.21.0")
    assert v.status == "xpass" and "no longer" in v.message
    assert judge(case, "eager/onednn", REF, MAG, TF_OK, "2.22.0").status == "pass"


def test_skip():
    assert judge(make_case(skip="slow"), "eager/eigen", REF, MAG, TF_OK, None).status == "skip"


def test_max_pool_must_match_exactly():
    case = make_case(op="max_pool2d")
    ref = value(np.array([1.0]))
    assert judge(case, "eager/eigen", ref, None, value(np.array([1.0], np.float32)), None).status == "pass"
    off = np.nextafter(np.float32(1.0), np.float32(2.0))
    assert judge(case, "eager/eigen", ref, None, value(np.array([off])), None).kind == "value"


def test_tolerance_scales_with_magnitude_not_result():
    # 1e8 - 1e8 + 1: the result is 1 but float32 may lose it entirely; the bound follows the
    # magnitude summed (2e8 + 1), so a float32 answer of 0 is within tolerance...
    tol = compare.bound("float32", 3, np.array([2e8 + 1]), None)
    assert compare.diff(np.array([1.0]), np.array([0.0], np.float32), tol)["mismatched"] == 0
    # ...while for small magnitudes the same absolute error is far outside it.
    tol = compare.bound("float32", 3, np.array([3.0]), None)
    assert compare.diff(np.array([1.0]), np.array([0.0], np.float32), tol)["mismatched"] == 1
    # One float32 rounding of the result is always within the bound; 1e-3 relative is not.
    x = np.float64(1) / 3
    tol = compare.bound("float32", 9, np.array([x]), None)
    assert compare.diff(np.array([x]), np.array([x], np.float32), tol)["mismatched"] == 0
    assert compare.diff(np.array([x]), np.array([x * 1.001], np.float32), tol)["mismatched"] == 1


def test_nan_and_inf_compare_by_position():
    nan = np.array([np.nan, np.inf, 1.0])
    assert compare.diff(nan, nan.astype(np.float32), None)["mismatched"] == 0
    assert compare.diff(nan, np.array([1.0, np.inf, 1.0]), None)["mismatched"] == 1
    assert compare.diff(nan, np.array([np.nan, -np.inf, 1.0]), None)["mismatched"] == 1


def test_tolerance_override():
    case = make_case(tolerance={"atol": 0.1})
    assert judge(case, "eager/eigen", REF, MAG, value(np.array([[[[4.05]]]], np.float32)), None).status == "pass"


def test_complex_results_are_allowed_their_rounding():
    """complex64 rounds like float32: a sum rounded once into complex64 is within the bound, a
    relative error of 1e-6 is not (the bound is no longer exact-match for complex outputs)."""
    ref = np.array([0.34558418 + 0.18905339, 1 / 3 + 0.25j])
    tol = compare.bound("complex64", 1, np.abs(ref), None)
    assert compare.diff(ref, ref.astype(np.complex64), tol)["mismatched"] == 0
    assert compare.diff(ref, (ref * (1 + 1e-6)).astype(np.complex64), tol)["mismatched"] == 2


def test_complex_outputs_compare_both_parts():
    ref = np.array([1 + 2j, 3 - 1j])
    assert compare.diff(ref, ref.astype(np.complex64), None)["mismatched"] == 0
    d = compare.diff(ref, np.array([1 + 2j, 3 + 1j]), None)
    assert d["mismatched"] == 1 and d["max_abs_err"] == pytest.approx(2.0)
    assert d["worst"][0]["tf"] == [3.0, 1.0]
