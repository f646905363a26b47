"""Verdict logic on synthetic outcomes (no TensorFlow): expect, error kinds, dtype, the case's own
expect as one `@reference` result, and error agreement. Known signatures: test_known.py;
tolerances and non-finite values: test_compare.py."""
import numpy as np
import pytest

from harness.verdict.judge import judge, resolve_expect
from harness.model import REFERENCE, Case, Outcome, TensorSpec


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
TARGETS = ("eager/onednn", "eager/eigen", "function/onednn", "function/eigen", "xla/onednn", "xla/eigen")


def test_pass_and_value_failure():
    assert judge(make_case(), "eager/onednn", REF, MAG, TF_OK, "2.21.0").status == "pass"
    v = judge(make_case(), "eager/onednn", REF, MAG, value(np.array([[[[4.01]]]], np.float32)), "2.21.0")
    assert (v.status, v.kind) == ("fail", "value")
    assert v.details["output"]["mismatched"] == 1
    assert v.max_abs_err == pytest.approx(0.01, rel=1e-3)
    assert v.observed == {"values": [[[[pytest.approx(4.01, rel=1e-6)]]]]}


def test_shape_failure():
    v = judge(make_case(), "eager/onednn", REF, MAG, value(np.zeros((1, 4, 4, 2), np.float32)), None)
    assert (v.status, v.kind) == ("fail", "shape")
    assert v.observed == {"shape": [1, 4, 4, 2]}


def test_output_dtype_is_compared():
    """A float64 (or float16) result for a float32 case is a failure of its own kind."""
    v = judge(make_case(), "eager/onednn", REF, MAG, value(np.array([[[[4.0]]]], np.float64)), "2.21.0")
    assert (v.status, v.kind, v.observed) == ("fail", "dtype", {"dtype": "float64"})
    v = judge(make_case(), "eager/onednn", REF, MAG, value(np.array([[[[4.0]]]], np.float16)), "2.21.0")
    assert v.kind == "dtype"
    # a bfloat16 case must come back as bfloat16
    import ml_dtypes
    case = make_case(dtype="bfloat16")
    assert judge(case, "xla/eigen", REF, MAG, value(np.array([[[[4.0]]]], ml_dtypes.bfloat16)), None).status == "pass"
    assert judge(case, "xla/eigen", REF, MAG, value(np.array([[[[4.0]]]], np.float32)), None).kind == "dtype"


def test_integer_outputs_keep_the_reference_dtype():
    ref = value(np.array([[[[4]]]], np.int32))
    case = make_case(dtype="int32")
    assert judge(case, "eager/eigen", ref, None, value(np.array([[[[4]]]], np.int32)), None).status == "pass"
    assert judge(case, "eager/eigen", ref, None, value(np.array([[[[4]]]], np.int64)), None).kind == "dtype"


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
    v = judge(case, "eager/eigen", REF, MAG, crash, None)
    assert (v.kind, v.observed) == ("crash", {"signal": "SIGSEGV"})
    assert judge(case, "eager/eigen", REF, MAG, Outcome("timeout", error_message="no answer"), None).kind == "timeout"


def test_harness_errors_are_never_tensorflow_rejecting():
    """A TypeError the harness raised while calling TensorFlow is the harness's failure, even
    where the reference rejects the call too (it used to pass as "both reject")."""
    ref_err = Outcome("error", error_type="InvalidArgumentError", error_message="negative output size")
    ours = Outcome("error", error_type="TypeError", origin="harness",
                   error_message="tf.nn.conv2d takes no argument foo in this TensorFlow")
    for ref in (ref_err, REF):
        v = judge(make_case(), "eager/eigen", ref, MAG, ours, "2.21.0")
        assert (v.status, v.kind) == ("fail", "harness-error")
    expecting = make_case(expect={"error": "TypeError"})
    assert judge(expecting, "eager/eigen", ref_err, None, ours, None).kind == "harness-error"


def test_both_rejecting_must_agree_on_the_reason():
    """Both reject: TensorFlow's message must state the reference's rule. It used to pass whatever
    TensorFlow said, a dtype it lacks a kernel for included."""
    ref = Outcome("error", error_type="InvalidArgumentError", rule="negative-output-size",
                  error_message="negative output size: input 2 < effective kernel 3 along dimension 1")
    same = Outcome("error", error_type="ValueError", error_message=(
        "Negative dimension size caused by subtracting 3 from 2 for '{{node Conv2D}} = Conv2D[T=DT_FLOAT]"
        "(input, filters)' with input shapes: [1,2,2,1], [3,3,1,1]."))
    other = Outcome("error", error_type="InvalidArgumentError",
                    error_message="Value for attr 'T' of double is not in the list of allowed values")
    assert judge(make_case(), "function/eigen", ref, None, same, "2.21.0").status == "pass"
    v = judge(make_case(), "eager/eigen", ref, None, other, "2.21.0")
    assert (v.status, v.kind) == ("fail", "error-message") and "negative-output-size" in v.message
    assert v.observed["error"] == "InvalidArgumentError" and "attr 'T' of double" in v.observed["match"]
    # an expected error without `match` is held to the rule too; with one, the case's match decides
    assert judge(make_case(expect={"error": "InvalidArgumentError"}), "eager/eigen", ref, None, other,
                 None).kind == "error-message"
    assert judge(make_case(expect={"error": "InvalidArgumentError", "match": "attr 'T'"}), "eager/eigen",
                 ref, None, other, None).status == "pass"


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


def test_a_wrong_expect_is_one_reference_result_not_one_per_target():
    """The reference contradicting the case's own expect says nothing about TensorFlow: it is
    the `<case>@reference` result, and every target is judged against the reference alone."""
    case = make_case(expect={"values": [5]})
    v = judge(case, REFERENCE, REF, MAG, None, None)
    assert v.kind == "expect" and "the case says 5" in v.message
    assert [judge(case, t, REF, MAG, TF_OK, "2.21.0").status for t in TARGETS] == ["pass"] * 6
    assert judge(make_case(expect={"shape": [1, 2, 2, 1]}), REFERENCE, REF, MAG, None, None).kind == "expect"
    assert judge(make_case(expect={"shape": [1, 1, 1, 1], "values": [4]}), REFERENCE, REF, MAG, None,
                 None).status == "pass"
    # An untargeted expected error that the reference does not raise: the case is wrong, once.
    erring = make_case(expect={"error": "ValueError", "match": "SNAME"})
    assert judge(erring, REFERENCE, REF, MAG, None, None).kind == "expect"
    raised = Outcome("error", error_type="ValueError", error_message="padding 'SNAME' is invalid")
    assert judge(erring, "function/eigen", REF, MAG, raised, None).status == "pass"


def test_reference_result_exists_only_where_expect_concerns_the_reference():
    assert make_case(expect={"shape": [1, 1, 1, 1]}).applies_to(REFERENCE)
    assert make_case(expect={"error": "ValueError"}).applies_to(REFERENCE)
    assert not make_case().applies_to(REFERENCE)
    # targeted errors are TensorFlow's business: nothing for the reference to check
    assert not make_case(expect={"function": {"error": "ValueError"}}).applies_to(REFERENCE)
    keyed = make_case(expect={"function": {"error": "ValueError"}, "eager": {"shape": [1, 2, 2, 1]}})
    assert keyed.applies_to(REFERENCE)
    assert judge(keyed, REFERENCE, REF, MAG, None, None).kind == "expect"
    assert not make_case(expect={"shape": [1]}, skip="slow").applies_to(REFERENCE)


def test_target_keyed_expect():
    case = make_case(expect={"function": {"error": "ValueError"}, "eager": {"shape": [1, 1, 1, 1]}})
    assert resolve_expect(case, "function/onednn") == ({"error": "ValueError"}, True)
    assert resolve_expect(case, "eager/eigen")[0] == {"shape": [1, 1, 1, 1]}
    tf_err = Outcome("error", error_type="ValueError", error_message="Negative dimension")
    # Keyed: the reference may return a value while graph mode legitimately raises.
    assert judge(case, "function/onednn", REF, MAG, tf_err, None).status == "pass"
    assert judge(case, "eager/onednn", REF, MAG, TF_OK, None).status == "pass"


def test_skip():
    assert judge(make_case(skip="slow"), "eager/eigen", REF, MAG, TF_OK, None).status == "skip"


def test_max_pool_must_match_exactly():
    case = make_case(op="max_pool2d")
    ref = value(np.array([1.0]))
    assert judge(case, "eager/eigen", ref, None, value(np.array([1.0], np.float32)), None).status == "pass"
    off = np.nextafter(np.float32(1.0), np.float32(2.0))
    assert judge(case, "eager/eigen", ref, None, value(np.array([off])), None).kind == "value"


def test_tolerance_override():
    case = make_case(tolerance={"atol": 0.1})
    assert judge(case, "eager/eigen", REF, MAG, value(np.array([[[[4.05]]]], np.float32)), None).status == "pass"
    assert judge(case, "eager/eigen", REF, MAG, value(np.array([[[[4.2]]]], np.float32)), None).kind == "value"
