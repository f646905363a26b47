"""Sweeps: deterministic generation, configurations that are cases, classification, the shrinker
(with fake oracles, no TensorFlow) and repro files that load with a `known` entry."""
import json
import random

import numpy as np
import pytest

from harness import sweep
from harness.cases.loader import load
from harness.model import Outcome, Result, Verdict
from harness.targets import ALL_TARGETS
from harness.sweep.shrink import Knob, candidates, rank, shrink


# ---- generation ---------------------------------------------------------------------------
@pytest.mark.parametrize("op", sweep.OPS)
def test_generation_is_deterministic_and_independent_of_order(op):
    first = [sweep.generate(op, 7, i) for i in range(40)]
    again = [sweep.generate(op, 7, i) for i in reversed(range(40))][::-1]
    assert first == again
    assert first != [sweep.generate(op, 8, i) for i in range(40)]
    assert len({json.dumps(c, sort_keys=True) for c in first}) > 30     # they do vary


@pytest.mark.parametrize("op", sweep.OPS)
def test_every_configuration_is_a_case_of_its_op(op):
    """Tensor and argument names are the op's, required arguments are there (tf.nn.convolution,
    transposes and pool have optional ones), and data_format names the input's rank."""
    from harness.ops import OPS
    from harness.sweep.knobs import FORMATS
    for i in range(60):
        cfg = sweep.generate(op, 0, i)
        case = sweep.to_case(op, cfg, sweep.config_id(op, 0, i))
        assert case.op == op and set(case.tensors) == set(OPS[op].tensors)
        assert set(OPS[op].required) <= set(case.args) | set(case.tensors) <= set(OPS[op].args) | set(case.tensors)
        fmt = case.args.get("data_format")
        if fmt and op != "bias_add":
            rank = len(case.tensors[OPS[op].tensors[0]].shape) - 2
            assert fmt == FORMATS[rank][cfg["layout"] == "NCHW"], (op, cfg)
            assert fmt == FORMATS[rank][1] or "data_format" in OPS[op].required, (op, cfg)
        assert case.id == f"sweep/{op}::{op}-s0-{i:05d}"


def test_a_share_of_configurations_holds_nan_and_infinities(tmp_path):
    """About one configuration in ten feeds NaN and infinities (10% each) to a float op; its class
    says so, and its repro file writes them and loads back the same tensors."""
    cfgs = [sweep.generate("avg_pool2d", 0, i) for i in range(300)]
    special = [c for c in cfgs if "nonfinite" in sweep.features("avg_pool2d", c)]
    assert 0.05 < len(special) / len(cfgs) < 0.15
    case = sweep.to_case("avg_pool2d", special[0], "x")
    data = case.tensors["input"].data
    assert case.tensors["input"].kind == "random" and data["nan"] == data["inf"] == 0.1
    ints = {k.name: k.values[0] for k in sweep.SPACES["max_pool2d"]} | {"dtype": "int32", "special": "nonfinite"}
    assert "nonfinite" not in sweep.features("max_pool2d", ints)     # integers hold no NaN
    from harness.sweep.repro import case_body
    text = "cases:\n  - id: x\n" + "\n".join(case_body(case)) + "\n"
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "x.yaml").write_text(text)
    (loaded,), problems = load([(tmp_path / "cases" / "x.yaml").as_posix()])
    assert problems == [] and loaded.tensors["input"].data == data


def test_generation_covers_the_edges():
    """Sizes from 0, kernels larger than the input, strides and dilations up to 4, every padding
    form, both layouts, several dtypes."""
    cfgs = [sweep.generate("conv2d", 0, i) for i in range(400)]
    feats = {f for c in cfgs for f in sweep.features("conv2d", c)}
    assert {"empty-input", "kernel>input", "stride>1", "dilation>1", "explicit", "same", "valid",
            "nchw", "float16", "bfloat16", "float64", "grouped", "channel-mismatch"} <= feats
    assert {c["sh"] for c in cfgs} == {1, 2, 3, 4} and {c["dh"] for c in cfgs} == {1, 2, 3, 4}
    assert 0 in {c["h"] for c in cfgs} and 0 in {c["n"] for c in cfgs}


TRANSPOSES = ("conv1d_transpose", "conv2d_transpose", "conv3d_transpose", "conv_transpose",
              "atrous_conv2d_transpose")


@pytest.mark.parametrize("op", TRANSPOSES)
def test_transpose_output_shape_fits_unless_asked_not_to(op):
    """The output_shape's forward convolution gives the input's size exactly when the class
    features do not say `output_shape-mismatch`; most configurations fit, in either layout."""
    from harness.ops import OPS
    from harness.sweep.geometry import Geometry
    from reference.padding import window_geometry
    fitting, layouts = 0, set()
    for i in range(300):
        cfg = sweep.generate(op, 0, i)
        g = Geometry.of(OPS[op].rank, cfg)
        if cfg["padding"] == "EXPLICIT" or 0 in g.kernel:
            continue
        args = sweep.to_case(op, cfg, "x").args
        spatial = args["output_shape"][2:] if g.first else args["output_shape"][1:-1]
        keff = [(k - 1) * d + 1 for k, d in zip(g.kernel, g.dilations)]
        fits = "output_shape-mismatch" not in sweep.features(op, cfg)
        fitting += fits
        layouts.add(g.first)
        try:
            out = window_geometry(spatial, keff, g.strides, cfg["padding"])[0]
        except ValueError:
            out = None
        assert (out == g.sizes) == fits, cfg
    assert fitting > 150 and layouts == ({False} if op.startswith("atrous") else {False, True})


FAMILY_EDGES = {   # what 400 configurations of each kind of op must reach
    "conv": {"empty-input", "kernel>input", "stride>1", "dilation>1", "same", "valid", "channel-mismatch"},
    "transpose": {"empty-input", "kernel>output", "stride>1", "same", "valid", "output_shape-mismatch",
                  "channel-mismatch"},
    "pool": {"empty-input", "kernel>input", "stride>1", "same", "valid"},
    "patches": {"empty-input", "kernel>input", "stride>1", "dilation>1", "same", "valid"},
}


@pytest.mark.parametrize("op", sweep.OPS)
def test_every_op_reaches_its_edges(op):
    feats = {f for i in range(400) for f in sweep.features(op, sweep.generate(op, 0, i))}
    family = ("transpose" if "transpose" in op else "pool" if "pool" in op else
              "bias" if op == "bias_add" else "patches" if op == "extract_patches" else "conv")
    want = set(FAMILY_EDGES.get(family, {"empty-input", "bias-mismatch", "rank2", "rank5"}))
    if op.startswith("atrous"):
        want = {f.replace("dilation", "rate") for f in want} - {"stride>1"}
    if op == "pool":
        want |= {"max", "avg", "dilation>1"}
    if op in ("convolution", "conv_transpose", "max_pool", "avg_pool", "pool"):
        want |= {"1d", "3d"}
    if any(k.name == "layout" for k in sweep.SPACES[op]):         # channels first, named by rank
        from harness.ops import OPS
        ranks = {1, 2, 3} if any(k.name == "rank" for k in sweep.SPACES[op]) else {OPS[op].rank}
        want |= {{1: "ncw", 2: "nchw", 3: "ncdhw"}[r] for r in ranks}
    if any(k.name == "padding" and "EXPLICIT" in k.values for k in sweep.SPACES[op]):
        want.add("explicit")
    assert want <= feats, want - feats


def test_every_feature_has_a_phrase_for_repro_reasons():
    from harness.sweep.repro import PHRASES, phrase
    feats = {f for op in sweep.OPS for i in range(300) for f in sweep.features(op, sweep.generate(op, 0, i))}
    assert {f for f in feats if not f.startswith("empty-")} | {"output-zero"} <= set(PHRASES)
    assert phrase("empty-pointwise_filter") == "pointwise_filter with a zero dimension"


def test_knobs_an_op_ignores_build_the_same_case():
    """A rank-1 configuration does not use the h and d axes: changing them is no new experiment,
    so the shrinker's oracle asks TensorFlow once (build.case_key)."""
    from harness.sweep.build import case_key
    cfg = {**sweep.generate("convolution", 0, 3), "rank": 1}
    same = sweep.to_case("convolution", {**cfg, "h": cfg["h"] % 8 + 1, "kd": 0}, "b")
    assert case_key(sweep.to_case("convolution", cfg, "a")) == case_key(same)
    assert case_key(sweep.to_case("convolution", {**cfg, "w": cfg["w"] % 8 + 1}, "c")) != case_key(same)


def test_the_shrink_oracle_asks_each_experiment_once():
    class Session:
        calls = 0

        def run_all(self, cases, targets):
            Session.calls += 1
            err = Outcome("error", error_type="ValueError", error_message="Negative dimension size")
            ref = Outcome("value", outputs={"output": np.zeros((1, 0, 1))})
            return [Result(c, t, Verdict("fail", "unexpected-error"), ref, err) for c in cases for t in targets]
    s = sweep.Sweep("conv1d", session=Session(), targets=["function/eigen"])
    dev = sweep.Deviation("unexpected-error", "ValueError: Negative dimension size", "value", ("function/eigen",))
    still = s.oracle(dev, {"tf": 10}, start=None)
    cfg = {k.name: k.values[0] for k in sweep.SPACES["conv1d"]} | {"kw": 2}
    assert still(cfg) and still({**cfg, "dilation_form": "full"}) and Session.calls == 1   # dilation 1: unused
    assert not still({**cfg, "kw": 1, "filter_c": "mismatch"})        # the reference rejects it: no TF call
    assert Session.calls == 1


# ---- classification -----------------------------------------------------------------------
def test_gist_drops_what_varies():
    eager = ("{{function_node __wrapped__Conv2D_device_/job:localhost/replica:0/task:0/device:CPU:0}} "
             "Computed output size would be negative: -1 [input_size: 2, effective_filter_size: 4, "
             "stride: 1] [Op:Conv2D] name: ")
    assert sweep.gist(eager) == "Computed output size would be negative: N [..]"
    graph = ("Graph execution error:\n\nDetected at node Conv2D defined at (most recent call last):\n"
             "  File \"x.py\", line 1, in <module>\n\nfilter must not have zero elements\n\t [[{{node Conv2D}}]]")
    assert sweep.gist(graph) == "filter must not have zero elements"
    xla = "Window goo.gle/debugstr    \ndimensions {\n  stride: 2\n}\n has a non-positive dimension.\n\t [[x]]"
    assert sweep.gist(xla) == "Window has a non-positive dimension"
    # A node's attributes come in any order: the op is named, the attributes are not compared.
    attrs = ['data_format="NCDHW"', 'strides=[1, 1, 1, 4, 2]', 'padding="SAME"', "T=DT_HALF"]
    kernel = ("No OpKernel was registered to support Op 'MaxPool3D' used by {{node MaxPool3D}} with these "
              "attrs: [%s]\nRegistered devices: [CPU]\n\t [[MaxPool3D]] [Op:__inference_program_46623]")
    gists = {sweep.gist(kernel % ", ".join(attrs[i:] + attrs[:i])) for i in range(4)}
    assert gists == {"No OpKernel was registered to support Op 'MaxPoolND'"}     # digits are N
    device = ("Could not find device for node: {{node MaxPool3D}} = MaxPool3D[T=DT_HALF, ksize=[1, 1, 1, 1, 1], "
              'padding="SAME"]\nAll kernels registered for op MaxPool3D:\n  device=\'CPU\'; T in [DT_FLOAT]')
    assert sweep.gist(device) == "Could not find device for node MaxPoolND"
    assert sweep.gist("a [b=[1, 2], c=[3]] and [d]") == "a [..] and [..]"


def _result(status, kind=None, tf=None, ref=None):
    ref = ref or Outcome("value", outputs={"output": np.zeros((1, 0, 1, 1))})
    return Result(None, "", Verdict(status, kind), ref, tf or Outcome("value", outputs={"output": np.zeros((1, 1, 1, 1))}))


def test_deviations_group_targets_that_fail_alike():
    case = sweep.to_case("conv2d", {**sweep.generate("conv2d", 0, 0), "h": 1, "n": 1, "c": 1, "w": 1,
                                    "layout": "NHWC"}, "x")
    error = Outcome("error", error_type="ValueError", error_message="Negative dimension size caused by "
                    "subtracting 2 from 1 for '{{node Conv2D}} = Conv2D[...]' with input shapes: [1,1,1,1]")
    results = {"eager/onednn": _result("fail", "shape"), "eager/eigen": _result("pass"),
               "function/onednn": _result("fail", "unexpected-error", error),
               "function/eigen": _result("fail", "unexpected-error", error),
               "xla/onednn": _result("fail", "unexpected-error", error),
               "xla/eigen": _result("fail", "unexpected-error", error)}
    devs = sweep.deviations(case, results)
    assert [(d.kind, d.targets) for d in devs] == [
        ("shape", ("eager/onednn",)),
        ("unexpected-error", ("function/onednn", "function/eigen", "xla/onednn", "xla/eigen"))]
    assert devs[0].behaviour == "returns the input's shape"
    assert devs[1].behaviour == "ValueError: Negative dimension size caused by subtracting N from N"
    assert devs[1].reference == "value"


@pytest.mark.parametrize("targets, patterns", [
    (ALL_TARGETS, ["*"]),
    (("function/onednn", "function/eigen", "xla/onednn", "xla/eigen"), ["graph"]),
    (("eager/onednn", "function/onednn", "xla/onednn"), ["*/onednn"]),
    (("eager/onednn", "function/onednn"), ["eager/onednn", "function/onednn"]),
    (("eager/onednn", "eager/eigen", "xla/eigen"), ["eager", "xla/eigen"]),
])
def test_target_patterns_cover_exactly(targets, patterns):
    assert sweep.target_patterns(targets) == patterns


# ---- shrinking (fake oracles) -------------------------------------------------------------
SIZES = (1, 2, 3, 4, 5, 6, 7, 8, 0)
SPACE = (Knob("n", (1, 2, 3, 0)), Knob("h", SIZES, group="h"), Knob("kh", (1, 2, 3, 4, 5, 6, 0), group="h"),
         Knob("s", (1, 2, 3, 4), group="h"), Knob("padding", ("VALID", "SAME", "EXPLICIT")),
         Knob("values", ("ones", "ramp", "random")))


def test_shrink_reaches_the_minimum_of_a_single_knob_predicate():
    start = {"n": 3, "h": 7, "kh": 5, "s": 4, "padding": "EXPLICIT", "values": "random"}
    result = shrink(SPACE, start, lambda c: c["s"] >= 2)
    assert result.config == {"n": 1, "h": 1, "kh": 1, "s": 2, "padding": "VALID", "values": "ones"}
    assert not result.exhausted


def test_shrink_keeps_a_relation_no_single_step_preserves():
    """A VALID window exactly one larger than the input (output size 0): h and kh must move
    together; the minimum is a 1-row input and a 2-row window."""
    start = {"n": 2, "h": 5, "kh": 6, "s": 3, "padding": "VALID", "values": "ramp"}
    still = lambda c: c["padding"] == "VALID" and c["kh"] == c["h"] + 1 and c["h"] > 0
    result = shrink(SPACE, start, still)
    assert result.config == {"n": 1, "h": 1, "kh": 2, "s": 1, "padding": "VALID", "values": "ones"}


def test_shrink_keeps_an_empty_input_only_when_it_matters():
    start = {"n": 0, "h": 4, "kh": 2, "s": 1, "padding": "SAME", "values": "random"}
    assert shrink(SPACE, start, lambda c: c["n"] == 0).config == \
        {"n": 0, "h": 1, "kh": 1, "s": 1, "padding": "VALID", "values": "ones"}
    assert shrink(SPACE, start, lambda c: c["padding"] == "SAME").config["n"] == 1


def test_shrink_respects_its_budget_and_never_asks_twice():
    asked = []

    def oracle(c):
        asked.append(json.dumps(c, sort_keys=True))
        return random.Random(asked[-1]).random() < 0.3
    start = {"n": 3, "h": 8, "kh": 6, "s": 4, "padding": "EXPLICIT", "values": "random"}
    result = shrink(SPACE, start, oracle, max_checks=25)
    assert result.checks == len(asked) <= 25 and len(set(asked)) == len(asked)
    assert json.dumps(start, sort_keys=True) not in asked
    assert rank(SPACE, result.config) <= rank(SPACE, start)


def test_every_candidate_is_strictly_simpler():
    cfg = {"n": 2, "h": 5, "kh": 0, "s": 3, "padding": "SAME", "values": "ramp"}
    assert all(rank(SPACE, c) < rank(SPACE, cfg) for c in candidates(SPACE, cfg))


def test_sweep_spaces_shrink_to_unit_values():
    """The simplest configuration of every op: unit sizes, unit strides, VALID, ones, float32."""
    for op, space in sweep.SPACES.items():
        simplest = {k.name: k.values[0] for k in space}
        case = sweep.to_case(op, simplest, "x")
        assert case.dtype == "float32"
        assert all(t.kind == "fill" and t.data == 1 and set(t.shape) <= {1} for t in case.tensors.values()), op
        from harness.ops import OPS
        assert case.args.get("padding", "VALID") == "VALID", op
        assert case.args.get("dilations") in (None, [1, 1, 1, 1]) and (
            "dilations" not in case.args or "dilations" in OPS[op].required), op
        assert all(v in (1, [1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1, 1])
                   for k, v in case.args.items() if k in ("strides", "stride", "ksize", "rate", "sizes", "rates")), op


# ---- repro files --------------------------------------------------------------------------
def test_repro_file_loads_with_its_known_entries(tmp_path):
    cfg = {k.name: k.values[0] for k in sweep.SPACES["conv2d"]} | {"kh": 2}
    case = sweep.to_case("conv2d", cfg, "x")
    ref = Outcome("value", outputs={"output": np.zeros((1, 0, 1, 1))})
    shape = Result(case, "eager/onednn", Verdict(
        "fail", "shape", "output: TensorFlow's shape [1, 1, 1, 1] != reference [1, 0, 1, 1]",
        observed={"shape": [1, 1, 1, 1]}), ref, Outcome("value", outputs={"output": np.zeros((1, 1, 1, 1))}))
    error = Verdict("fail", "unexpected-error",
                    observed={"error": "ValueError", "match": "Negative dimension size caused by subtracting 2 from 1"})
    raised = Outcome("error", error_type="ValueError", error_message="Negative dimension size caused by "
                     "subtracting 2 from 1 for '{{node Conv2D}}'")
    outcomes = {"eager/onednn": shape, "eager/eigen": Result(case, "eager/eigen", Verdict("pass"), ref, ref),
                **{t: Result(case, t, error, ref, raised) for t in ALL_TARGETS[2:]}}
    devs = sweep.deviations(case, outcomes)
    found = sweep.Found("conv2d", devs[0], sweep.features("conv2d", cfg, ref), cfg, "conv2d-s0-00001", 3,
                        others=devs, outcomes=outcomes)
    sweep.name_classes([found])
    assert found.slug == "shape-input-shaped-eager-onednn-valid-kernel-gt-input-output-zero"
    path = tmp_path / "cases" / "found" / "conv2d" / f"{found.slug}.yaml"
    sweep.write_repros([found], tmp_path / "cases" / "found", "tfconform sweep --op conv2d --seed 0 (TF 2.21.0)",
                       "2.21.0", 20.0)
    assert found.path == path and found.status == "new"
    assert "# also pins: unexpected-error | graph\n" in path.read_text()
    cases, problems = load([path.as_posix()])
    assert problems == [] and len(cases) == 1
    loaded = cases[0]
    assert loaded.source == "tfconform sweep --op conv2d --seed 0 (TF 2.21.0)"
    assert loaded.tensors["filters"].shape == (2, 1, 1, 1) and loaded.args == {"strides": 1, "padding": "VALID"}
    assert [(k.targets, k.kind, k.tf) for k in loaded.known] == [
        (("eager/onednn",), "shape", "==2.21.*"), (("graph",), "unexpected-error", "==2.21.*")]
    assert [k.signature for k in loaded.known] == [
        {"shape": [1, 1, 1, 1]}, {"error": "ValueError", "match": "Negative dimension size caused by subtracting 2 from 1"}]
    assert "returns shape [1, 1, 1, 1] (the input's shape)" in loaded.known[0].reason
    assert "the reference gives shape [1, 0, 1, 1]" in loaded.known[0].reason
    # the same class again: the committed file is kept
    sweep.write_repros([found], tmp_path / "cases" / "found", "other", "2.21.0", 20.0)
    assert found.status == "exists" and "other" not in path.read_text()


def test_classes_merge_into_the_one_with_fewer_features():
    dev = sweep.Deviation("missing-error", "returns a result", "channel mismatch", ("eager/onednn",))
    other = sweep.Deviation("missing-error", "returns a result", "channel mismatch", ("eager/onednn", "eager/eigen"))
    a = sweep.Found("conv2d", dev, ("valid", "channel-mismatch", "empty-input"), {}, "a", 5)
    b = sweep.Found("conv2d", dev, ("same", "kernel>input", "channel-mismatch", "empty-filters"), {}, "b", 2)
    c = sweep.Found("conv2d", other, ("valid", "channel-mismatch", "empty-input"), {}, "c", 1)
    d = sweep.Found("conv2d", dev, ("valid", "stride>1", "channel-mismatch"), {}, "d", 1)
    merged = sweep.merge_classes([a, b, c, d])
    assert merged == [a, c, d] and a.count == 7           # empty input ~ empty filters, SAME ~ VALID


def test_sweep_command_end_to_end(tmp_path, capsys):
    """A real (small) sweep on one target: the NCHW class of max_pool2d on Eigen, shrunk to a
    1x1x1x1 input, written, loadable, and xfail when rerun."""
    from harness.cli import main
    from harness.run.session import Session
    found_dir, out = tmp_path / "cases" / "found", tmp_path / "out"
    code = main(["sweep", "--op", "max_pool2d", "--n", "24", "--targets", "eager/eigen", "-o", str(out),
                 "--found", str(found_dir), "-q", "--max-shrink-calls", "60"])
    printed = capsys.readouterr().out
    assert code == 1 and "sweep max_pool2d: 24 configurations (seed 0) on 1 target(s)" in printed
    classes = json.loads((out / "classes.json").read_text())
    nchw = next(c for c in classes if "nchw" in c["features"])
    assert nchw["status"] == "new" and nchw["targets"] == ["eager/eigen"] and nchw["count"] >= 1
    cases, problems = load([nchw["file"]])
    assert not problems and len(cases) == 1
    case = cases[0]
    assert case.tensors["input"].shape == (1, 1, 1, 1) and case.tensors["input"].kind == "fill"
    assert case.args == {"ksize": 1, "strides": 1, "padding": "VALID", "data_format": "NCHW"}
    assert case.known[0].targets == ("eager/eigen",) and case.known[0].kind == "unexpected-error"
    assert case.source.startswith("tfconform sweep --op max_pool2d --n 24 --seed 0 (TF ")
    assert "only supports NHWC" in case.known[0].reason
    assert case.known[0].signature["error"] == "InvalidArgumentError"
    assert "only supports NHWC" in case.known[0].signature["match"]
    session = Session(timeout=20)
    try:
        assert [r.status for r in session.run_all(cases, ["eager/eigen"])] == ["xfail"]
    finally:
        session.close()
    records = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert records and all(r["status"] == "fail" and r["target"] == "eager/eigen" for r in records)


def test_op_lists_and_all_parse_and_unknown_ops_are_refused(capsys):
    from harness.cli import make_parser
    parse = make_parser().parse_args
    assert parse(["sweep", "--op", "conv1d, conv3d"]).op == ["conv1d", "conv3d"]
    assert parse(["sweep", "--op", "all"]).op == list(sweep.OPS)
    with pytest.raises(SystemExit) as exit_:
        parse(["sweep", "--op", "conv2d,conv4d"])
    assert exit_.value.code == 2 and "unknown op conv4d" in capsys.readouterr().err


def test_a_structure_that_always_crashes_a_target_is_quarantined():
    s = sweep.Sweep("max_pool2d", session=object(), targets=ALL_TARGETS)
    cfg = {k.name: k.values[0] for k in sweep.SPACES["max_pool2d"]} | {"kh": 2}
    sig = s._signature(cfg)
    assert sig == ("kernel>input",)
    case = sweep.to_case("max_pool2d", cfg, "x")
    s.crashes[("eager/onednn", sig)] = [2, 2]
    assert s._quarantine(case, sig).targets is None                  # not yet
    s.crashes[("eager/onednn", sig)] = [3, 4]
    assert s._quarantine(case, sig).targets is None                  # not every time
    s.crashes[("eager/onednn", sig)] = [3, 3]
    quarantined = s._quarantine(case, sig)
    assert quarantined.targets == ALL_TARGETS[1:] and s.skipped == 1
    assert not quarantined.applies_to("eager/onednn") and quarantined.applies_to("eager/eigen")
