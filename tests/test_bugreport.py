"""`tfconform bugreport` (harness/output/bugreport.py) on real found cases with real TensorFlow: each
written repro.py, run on its own, exits 1 while TensorFlow deviates and 0 where it agrees, and
issue.md holds what a TensorFlow or oneDNN developer needs."""
import argparse
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from harness.output import bugreport

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV) if VENV.exists() else sys.executable
FOUND = "cases/found"
CRASH = f"{FOUND}/max_pool2d/crash-sigfpe-eager-onednn-valid-kernel-gt-input-output-zero.yaml"
VALUE = f"{FOUND}/conv3d/value-eager-eigen-function-eigen-same-stride-gt-1-stride-full.yaml"
SHAPE = f"{FOUND}/conv2d/shape-input-shaped-eager-onednn-valid-kernel-gt-input-output-zero.yaml"
XLA = f"{FOUND}/extract_patches/value-xla-nonfinite-valid.yaml"
# name -> (case, target; None: the first default target on which it deviates)
REPORTS = {"crash": (CRASH, None), "value": (VALUE, "eager/eigen"), "shape": (SHAPE, "eager/onednn"),
           "agrees": (VALUE, "eager/onednn"), "xla": (XLA, "xla/eigen")}


def args_of(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    bugreport.add_arguments(parser)
    return parser.parse_args(list(argv))


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return ""


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """name -> (cmd_bugreport's status, its folder, repro.py's CompletedProcess): every report
    written side by side, then every repro.py run on its own, in a subprocess."""
    base = tmp_path_factory.mktemp("bugreports")

    def write(name):
        case, target = REPORTS[name]
        argv = [str(ROOT / case), "-o", str(base / name)] + (["--target", target] if target else [])
        return bugreport.cmd_bugreport(args_of(*argv))

    def repro(name):
        return subprocess.run([PYTHON, str(base / name / "repro.py")], cwd=base / name, capture_output=True,
                              text=True, timeout=300, check=False)

    with ThreadPoolExecutor(len(REPORTS)) as pool:
        status = dict(zip(REPORTS, pool.map(write, REPORTS)))
        runs = dict(zip(REPORTS, pool.map(repro, REPORTS)))
    return {name: (status[name], base / name, runs[name]) for name in REPORTS}


@pytest.mark.parametrize("name", ["crash", "value", "shape", "xla"])
def test_repro_exits_1_while_tensorflow_deviates(reports, name):
    status, folder, run = reports[name]
    assert status == 0
    assert run.returncode == 1, run.stdout + run.stderr
    assert "DEVIATES" in run.stdout
    text = (folder / "repro.py").read_text()
    assert "import harness" not in text and "from harness" not in text


def test_repro_says_what_tensorflow_did(reports):
    assert "SIGFPE" in reports["crash"][2].stdout
    assert "beyond tolerance" in reports["value"][2].stdout
    assert "shape [1, 1, 1, 1], the reference [1, 1, 0, 1]" in reports["shape"][2].stdout
    assert "nan" in reports["xla"][2].stdout


def test_repro_exits_0_where_tensorflow_agrees(reports):
    status, _, run = reports["agrees"]
    assert status == 0
    assert run.returncode == 0, run.stdout + run.stderr
    assert "agrees" in run.stdout


def test_default_target_is_the_first_deviating(reports):
    issue = (reports["crash"][1] / "issue.md").read_text()
    assert "`eager/onednn`" in issue and "SIGFPE" in issue.splitlines()[0]
    assert '"TF_ENABLE_ONEDNN_OPTS": "1"' in (reports["crash"][1] / "repro.py").read_text()


def test_issue_holds_the_environment(reports):
    for name in REPORTS:
        issue = (reports[name][1] / "issue.md").read_text()
        assert issue.startswith("# tf.")
        assert "TensorFlow 2.21" in issue and cpu_model() in issue
        assert "python repro.py" in issue and "## What the reference says" in issue


def test_issue_onednn_verbose_and_hlo(reports):
    onednn = (reports["agrees"][1] / "issue.md").read_text()
    assert "oneDNN v" in onednn
    assert any(line.startswith("onednn_verbose,") and ",exec," in line and "convolution" in line
               for line in onednn.splitlines())
    # the crash runs no primitive to the end: its report shows the ones oneDNN created
    assert "onednn_verbose," in (reports["crash"][1] / "issue.md").read_text()
    xla = (reports["xla"][1] / "issue.md").read_text()
    assert "HloModule" in xla and "## XLA HLO" in xla and "onednn_verbose" not in xla
    assert "-inf" in xla and "known" in xla.lower()


def test_bad_case_or_target_is_exit_2(capsys):
    assert bugreport.cmd_bugreport(args_of(f"{ROOT / VALUE}::no-such-case", "-o", "unused")) == 2
    assert "no such case" in capsys.readouterr().err
    assert bugreport.cmd_bugreport(args_of(str(ROOT / VALUE), "--target", "eager/nothing", "-o", "unused")) == 2
    assert "unknown target" in capsys.readouterr().err


def test_no_deviation_is_exit_2(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(bugreport, "defaults", lambda: ("eager/onednn",))
    assert bugreport.cmd_bugreport(args_of(str(ROOT / VALUE), "-o", str(tmp_path / "out"))) == 2
    assert "nothing to report" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
