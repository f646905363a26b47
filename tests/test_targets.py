"""Targets as records and TensorFlow versions as environments: patterns, configured variants, the
ranges a matrix writes, and (in CI, with TF 2.20.0 provisioned by .ci/run) a run on another
TensorFlow version."""
import json
import os

import pytest

from harness import envs
from harness.args import parse_targets
from harness.output.results import NAME, read_text
from harness.pin import tf_ranges
from harness.targets import Target, defaults, is_target_pattern, select, target_matches, variants


def test_patterns_select_targets_and_versions():
    assert defaults() == ("eager/onednn", "eager/eigen", "function/onednn", "function/eigen",
                          "xla/onednn", "xla/eigen")
    assert select(["eager"]) == ["eager/onednn", "eager/eigen"]
    assert select(["xla/onednn-avx2"]) == ["xla/onednn-avx2"]
    assert select(["graph/onednn*"])[:2] == ["function/onednn", "function/onednn-avx2"]
    assert select(["*@2.20.0"]) == [f"{t}@2.20.0" for t in defaults()]
    # without a version a pattern matches every version; with one, that version
    assert target_matches("*/onednn", "eager/onednn@2.20.0") and not target_matches("*@2.19.0", "eager/onednn@2.20.0")
    # `*` and a bare mode name the default variants only; a glob or a name reaches the others
    assert not target_matches("*", "eager/onednn-avx2") and target_matches("*/onednn*", "eager/onednn-avx2")
    assert is_target_pattern("xla/onednn-sse41@2.19.0") and not is_target_pattern("xla/onednn-sse42")
    with pytest.raises(Exception, match="unknown target pattern"):
        parse_targets("eager/onednn-sse42")


def test_target_records_carry_their_settings():
    t = Target.of("function/onednn-avx2@2.20.0")
    assert (t.mode, t.variant.name, t.version) == ("function", "onednn-avx2", "2.20.0")
    assert t.env == {"CUDA_VISIBLE_DEVICES": "", "TF_ENABLE_ONEDNN_OPTS": "1", "ONEDNN_MAX_CPU_ISA": "AVX2"}
    assert Target.of("eager/gpu").env == {"TF_ENABLE_ONEDNN_OPTS": "0"}      # a GPU target sees GPUs
    with pytest.raises(ValueError, match="unknown target"):
        Target.of("eager/tpu")


def test_variants_are_configured_in_the_working_folder(tmp_path):
    (tmp_path / "tfconform.toml").write_text('[variants.onednn-avx512]\nenv = {ONEDNN_MAX_CPU_ISA = "AVX512_CORE", '
                                             'TF_ENABLE_ONEDNN_OPTS = "1"}\ndefault = true\n')
    (tmp_path / "pyproject.toml").write_text('[tool.tfconform.variants.eigen-8t]\nenv = {TF_NUM_INTRAOP_THREADS = 8}\n')
    found = variants(str(tmp_path))
    assert found["onednn-avx512"].env["ONEDNN_MAX_CPU_ISA"] == "AVX512_CORE" and found["onednn-avx512"].default
    assert found["eigen-8t"].env == {"TF_NUM_INTRAOP_THREADS": "8"} and not found["eigen-8t"].default
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "tfconform.toml").write_text("[variants]\nx = 3\n")
    with pytest.raises(ValueError, match="needs a table"):
        variants(str(tmp_path / "bad"))


def test_targets_command_lists_variants_and_versions(tmp_path, monkeypatch, capsys):
    from harness.cli import main
    monkeypatch.setenv("TFCONFORM_HOME", str(tmp_path))
    (tmp_path / "envs" / "tf-2.18.1").mkdir(parents=True)
    (tmp_path / "envs" / "tf-2.18.1" / "tfconform.json").write_text(json.dumps(
        {"tf_version": "2.18.1", "package": "tensorflow-cpu==2.18.1", "installer": "pip"}))
    assert main(["targets"]) == 0
    out = capsys.readouterr().out
    assert "* onednn " in out and "  onednn-sse41 " in out and "ONEDNN_MAX_CPU_ISA=SSE41" in out
    assert "TensorFlow versions (tfconform env add): 2.18.1;" in out


def test_ranges_cover_exactly_the_versions_seen():
    span = ["2.19.0", "2.20.0", "2.21.0"]
    assert tf_ranges(set(span), span) == [">=2.19,<2.22"]
    assert tf_ranges({"2.20.0", "2.21.0"}, span) == [">=2.20,<2.22"]
    assert tf_ranges({"2.21.0"}, span) == ["==2.21.*"]
    assert tf_ranges({"2.19.0", "2.21.0"}, span) == ["==2.19.*", "==2.21.*"]


def test_environments_are_refused_or_found(tmp_path, monkeypatch):
    monkeypatch.setenv("TFCONFORM_HOME", str(tmp_path))
    with pytest.raises(LookupError, match="tfconform env add 2.18.0"):
        envs.python("2.18.0")
    with pytest.raises(ValueError, match="not a TensorFlow version"):
        envs.add("latest", log=lambda text: None)
    assert envs.listed() == [] and not envs.remove("2.18.0")


OTHER = "2.20.0"


def test_a_run_on_another_tensorflow_version(harness_cli, tmp_path):
    """CI provisions TF 2.20.0 (.ci/run: tfconform env add 2.20.0); the blog cases run there with
    the known entries' ranges written by `tfconform matrix`: nothing unexpected."""
    try:
        envs.python(OTHER)
    except LookupError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no environment for TensorFlow {OTHER} here (CI has one)")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    proc = harness_cli("run", os.path.join(root, "cases", "blogs"), "--targets", f"eager@{OTHER},xla/eigen@{OTHER}",
                       "-q", "-o", "out", "--no-report")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    records = [json.loads(line) for line in read_text(tmp_path / "out" / NAME).splitlines()]
    versions = {r["tf_version"] for r in records if r["target"] != "reference"}
    assert versions == {OTHER} and {r["target"] for r in records} >= {f"eager/onednn@{OTHER}"}
