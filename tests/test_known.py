"""Known deviations pin what TensorFlow does: a failure of the entry's kind with another signature
is `changed`, not xfail; a pass is xpass; an unknown TF version satisfies no pinned range.
Synthetic outcomes, no TensorFlow."""
import numpy as np

from harness.verdict.judge import judge
from harness.model import Known, Outcome
from test_judge import MAG, REF, TF_OK, make_case, value

NAN = float("nan")


def known(**kw):
    return Known(targets=tuple(kw.pop("targets", ("*",))), reason=kw.pop("reason", "a TF bug"),
                 tf=kw.pop("tf", "==2.21.*"), cpu=tuple(kw.pop("cpu", ())), kind=kw.pop("kind"),
                 signature=kw)


def verdict(case, tf, ref=REF, scale=MAG, target="eager/onednn", version="2.21.0", cpu=frozenset({"avx2"})):
    return judge(case, target, ref, scale, tf, version, cpu)


def error(kind, message):
    return Outcome("error", error_type=kind, error_message=message)


def test_kind_and_targets_and_versions_still_select_entries():
    case = make_case(known=[known(targets=("eager",), kind="shape", shape=[1, 4, 4, 2])])
    bad = value(np.zeros((1, 4, 4, 2), np.float32))
    assert verdict(case, bad).status == "xfail"
    # Not on this target, or not this TF version, or not this kind: a plain failure.
    assert verdict(case, bad, target="function/onednn").status == "fail"
    assert verdict(case, bad, version="2.22.0").status == "fail"
    assert verdict(case, value(np.array([[[[9.0]]]], np.float32))).kind == "value"
    # TensorFlow fixed: xpass, which is a failure.
    v = verdict(case, TF_OK)
    assert v.status == "xpass" and "no longer" in v.message
    assert verdict(case, TF_OK, version="2.22.0").status == "pass"


def test_an_unknown_tf_version_never_satisfies_a_pinned_entry():
    case = make_case(known=[known(kind="shape", shape=[1, 4, 4, 2])])
    bad = value(np.zeros((1, 4, 4, 2), np.float32))
    assert verdict(case, bad, version=None).status == "fail"
    assert verdict(case, TF_OK, version=None).status == "pass"
    unpinned = make_case(known=[known(tf=None, kind="shape", shape=[1, 4, 4, 2])])
    assert verdict(unpinned, bad, version=None).status == "xfail"


def test_a_cpu_condition_selects_the_machines_an_entry_holds_on():
    """`cpu: [...]` holds where every flag named is present and every `!flag` absent; an unknown
    CPU (flags None) satisfies no condition, as an unknown version satisfies no range."""
    bad = value(np.zeros((1, 4, 4, 2), np.float32))
    needs = make_case(known=[known(kind="shape", shape=[1, 4, 4, 2], cpu=["avx512_fp16"])])
    lacks = make_case(known=[known(kind="shape", shape=[1, 4, 4, 2], cpu=["!avx512_fp16", "!amx_fp16"])])
    fp16, amx, plain = frozenset({"avx2", "avx512_fp16"}), frozenset({"avx2", "amx_fp16"}), frozenset({"avx2"})
    assert verdict(needs, bad, cpu=fp16).status == "xfail"
    assert verdict(needs, bad, cpu=plain).status == "fail"
    assert verdict(lacks, bad, cpu=plain).status == "xfail"
    assert verdict(lacks, bad, cpu=fp16).status == "fail" and verdict(lacks, bad, cpu=amx).status == "fail"
    assert verdict(needs, bad, cpu=None).status == "fail" and verdict(lacks, bad, cpu=None).status == "fail"
    # Where the condition does not hold, TensorFlow agreeing is a plain pass, not an xpass.
    assert verdict(lacks, TF_OK, cpu=fp16).status == "pass"
    assert verdict(lacks, TF_OK, cpu=plain).status == "xpass"


def test_a_shape_entry_pins_the_shape():
    case = make_case(known=[known(kind="shape", shape=[1, 2, 2, 1])])
    assert verdict(case, value(np.zeros((1, 2, 2, 1), np.float32))).status == "xfail"
    v = verdict(case, value(np.zeros((1, 3, 3, 1), np.float32)))
    assert (v.status, v.kind) == ("fail", "changed")
    assert "known: shape [1, 2, 2, 1]; now: shape [1, 3, 3, 1]" in v.message
    assert v.details["failure"] == "shape"


def test_a_crash_entry_pins_the_signal():
    case = make_case(known=[known(kind="crash", signal="SIGFPE")])
    fpe = Outcome("crash", signal="SIGFPE", error_message="TensorFlow worker died (SIGFPE)")
    segv = Outcome("crash", signal="SIGSEGV", error_message="TensorFlow worker died (SIGSEGV)")
    assert verdict(case, fpe).status == "xfail"
    v = verdict(case, segv)
    assert (v.status, v.kind) == ("fail", "changed")
    assert "known: SIGFPE; now: SIGSEGV" in v.message


def test_an_error_entry_pins_type_and_message():
    """A conv_transpose entry for "dilation rates larger than 1" no longer excuses TensorFlow
    raising "only supports NHWC" (it did when kinds alone matched)."""
    case = make_case(known=[known(kind="unexpected-error", error="InvalidArgumentError",
                                  match="dilation rates larger than 1")])
    dilation = error("InvalidArgumentError", "Current implementation does not yet support dilation "
                                             "rates larger than 1. [Op:Conv2DBackpropInput]")
    nhwc = error("InvalidArgumentError", "Conv2DCustomBackpropInputOp only supports NHWC. [Op:...]")
    assert verdict(case, dilation).status == "xfail"
    assert verdict(case, nhwc).kind == "changed"
    assert verdict(case, error("ValueError", "dilation rates larger than 1")).kind == "changed"
    # a message cleaned of node names and tracebacks matches too
    graph = error("InvalidArgumentError", "Graph execution error:\n\nDetected at node x defined at:\n"
                                          "  File \"w.py\"\n\nCurrent implementation does not yet "
                                          "support dilation\nrates larger than 1.\n\t [[{{node x}}]]")
    assert verdict(case, graph).status == "xfail"


def test_a_value_entry_pins_the_values():
    """kind value used to xfail whatever TF returned: -1e30 or NaN instead of the pinned 5."""
    case = make_case(known=[known(kind="value", values=[5.0])])
    assert verdict(case, value(np.array([[[[5.0]]]], np.float32))).status == "xfail"
    for wrong in (-1e30, NAN, 0.0):
        v = verdict(case, value(np.array([[[[wrong]]]], np.float32)))
        assert (v.status, v.kind) == ("fail", "changed"), wrong
    # within the case's tolerance of the pinned values: still the same deviation
    close = np.nextafter(np.float32(5.0), np.float32(6.0))
    assert verdict(case, value(np.array([[[[close]]]], np.float32))).status == "xfail"


def test_a_value_entry_notices_a_change_in_another_batch():
    """max_pool3d: the entry pins Eigen's NaN handling in batch 0; a different deviation in
    batch 1 (the 3-D SAME geometry) changes TF's output there, and must not xfail."""
    ref = value(np.array([NAN, 1.0]))
    case = make_case(op="max_pool2d", known=[known(kind="value", values=[4.0, 1.0])])
    assert verdict(case, value(np.array([4.0, 1.0], np.float32)), ref=ref, scale=None).status == "xfail"
    v = verdict(case, value(np.array([4.0, 2.0], np.float32)), ref=ref, scale=None)
    assert v.kind == "changed" and "now: values [4.0, 2.0]" in v.message


def test_a_digest_entry_pins_large_outputs_exactly():
    from harness.verdict.signature import digest
    got = np.arange(100, dtype=np.float32).reshape(1, 10, 10, 1)
    ref = value(got.astype(np.float64) + 1)
    scale = {"output": (np.abs(ref.outputs["output"]), 4)}
    case = make_case(known=[known(kind="value", digest=digest({"output": got}))])
    assert verdict(case, value(got), ref=ref, scale=scale).status == "xfail"
    other = got.copy()
    other[0, 0, 0, 0] = 7
    v = verdict(case, value(other), ref=ref, scale=scale)
    assert v.kind == "changed" and v.observed["digest"] == digest({"output": other})


def test_a_nondeterministic_entry_pins_the_cells_tf_gets_wrong():
    ref = value(np.array([1.0, 2.0, 3.0]))
    scale = {"output": (np.array([1.0, 2.0, 3.0]), 2)}
    case = make_case(known=[known(kind="value", nondeterministic=True, at=[[1]])])
    garbage = value(np.array([1.0, -2.4e7, 3.0], np.float32))
    assert verdict(case, garbage, ref=ref, scale=scale).status == "xfail"
    assert verdict(case, value(np.array([1.0, 0.0, 3.0], np.float32)), ref=ref, scale=scale).status == "xfail"
    v = verdict(case, value(np.array([0.0, 0.0, 3.0], np.float32)), ref=ref, scale=scale)
    assert v.kind == "changed"


def test_a_dtype_entry_pins_the_dtype():
    case = make_case(known=[known(kind="dtype", dtype="float64")])
    assert verdict(case, value(np.array([[[[4.0]]]], np.float64))).status == "xfail"
    assert verdict(case, value(np.array([[[[4.0]]]], np.float16))).kind == "changed"


def test_another_kind_is_a_plain_failure_that_names_the_entry():
    case = make_case(known=[known(kind="crash", signal="SIGFPE", reason="oneDNN divides by zero")])
    v = verdict(case, error("InvalidArgumentError", "something"))
    assert (v.status, v.kind) == ("fail", "unexpected-error")
    assert "oneDNN divides by zero" in v.message


def test_an_entry_without_signature_matches_on_kind_and_says_so():
    case = make_case(known=[Known(targets=("*",), reason="old entry", tf="==2.21.*", kind="shape")])
    v = verdict(case, value(np.zeros((1, 3, 3, 1), np.float32)))
    assert v.status == "xfail" and v.details["unsigned"] is True


def test_the_worker_keeps_only_what_tensorflow_did_in_an_error_message():
    """Attributes in hash order, traced-function counters and protobuf's random debug markers vary
    from process to process: the worker's message is the same whichever process raised it."""
    from harness.run.worker import stable_message
    one = ("No OpKernel was registered to support Op 'AvgPool3D' used by {{node AvgPool3D}} with these attrs: "
           '[padding="VALID", strides=[1, 1, 1, 1, 1], T=DT_DOUBLE, data_format="NDHWC", ksize=[1, 2, 1, 1, 1]]'
           "\nRegistered devices: [CPU]\n [Op:__inference_program_84]")
    two = ("No OpKernel was registered to support Op 'AvgPool3D' used by {{node AvgPool3D}} with these attrs: "
           '[ksize=[1, 2, 1, 1, 1], T=DT_DOUBLE, data_format="NDHWC", padding="VALID", strides=[1, 1, 1, 1, 1]]'
           "\nRegistered devices: [CPU]\n [Op:__inference_program_7]")
    assert stable_message(one) == stable_message(two) == (
        "No OpKernel was registered to support Op 'AvgPool3D' used by {{node AvgPool3D}} with these attrs: "
        '[T=DT_DOUBLE, data_format="NDHWC", ksize=[1, 2, 1, 1, 1], padding="VALID", strides=[1, 1, 1, 1, 1]]'
        "\nRegistered devices: [CPU]\n [Op:__inference_program]")
    assert stable_message("shape goo.gle/debugstr    dim { size: 2 }") == "shape dim { size: 2 }"
    assert stable_message("with these attrs: [a=[1, 2") == "with these attrs: [a=[1, 2"     # cut short: as it is


def test_a_traced_function_is_named_alike_however_many_came_before():
    """The worker drops TensorFlow's traced-function counter (__inference_program_84 depends on what
    the process traced before: a resumed or cached run would differ); pinned patterns match both."""
    from harness.verdict.signature import clean_message, message_matches
    raw = ("Detected unsupported operations when trying to compile graph __inference_program_222"
           "[_XlaMustCompile=true,config_proto=1] on XLA_CPU_JIT: MaxPoolWithArgmax")
    from_worker = raw.replace("__inference_program_222", "__inference_program")
    assert clean_message(raw) == clean_message(from_worker) == (
        "Detected unsupported operations when trying to compile graph the function on XLA_CPU_JIT: MaxPoolWithArgmax")
    assert message_matches(r"compile graph the function on XLA_CPU_JIT", from_worker)
