"""Fixtures for the tests that use tfconform as a user does: write a cases/ directory in tmp_path,
then run `python -m harness ...` or `python -m pytest ...` (with the tfconform plugin) there in a
subprocess that imports this checkout's harness."""
import atexit
import os
import shutil
import subprocess
import tempfile
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The harness's own tests ask TensorFlow afresh: outcomes cached by earlier runs (in ~/.cache) must
# not answer for them (a test of crash isolation needs the crash). Each test process, and the
# subprocesses it starts, gets an empty outcome cache of its own.
_CACHE = tempfile.mkdtemp(prefix="tfconform-test-cache-")
os.environ["TFCONFORM_CACHE"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)


@pytest.fixture
def cases_dir(tmp_path, monkeypatch):
    """tmp_path/cases, with the cwd at tmp_path so problems read `cases/<file>:line: ...`."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cases").mkdir()
    return tmp_path / "cases"


@pytest.fixture
def write_cases(tmp_path):
    """write_cases(name=yaml_text, ...) writes tmp_path/cases/<name>.yaml for each and returns
    tmp_path/cases."""
    def write(**files: str) -> Path:
        cases = tmp_path / "cases"
        cases.mkdir(exist_ok=True)
        for name, text in files.items():
            (cases / f"{name}.yaml").write_text(text)
        return cases
    return write


def _run(argv, cwd, env):
    """argv in a subprocess whose PYTHONPATH starts with this checkout; env adds variables."""
    env = dict(os.environ, **(env or {}))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)


@pytest.fixture
def harness_cli(tmp_path):
    """run(*args, cwd=tmp_path, env=None) -> the CompletedProcess (text output captured) of
    `python -m harness ARGS`; env holds variables to add to os.environ."""
    def run(*args: str, cwd=tmp_path, env=None) -> subprocess.CompletedProcess:
        return _run([sys.executable, "-m", "harness", *args], cwd, env)
    return run


@pytest.fixture
def harness_pytest(tmp_path):
    """run(*args, cwd=tmp_path, env=None) -> the CompletedProcess of `python -m pytest ARGS`, with
    the tfconform plugin loaded (by its entry point when installed, else by -p) and no cache."""
    installed = any(ep.value == "harness.plugin" for ep in entry_points(group="pytest11"))
    plugin = [] if installed else ["-p", "harness.plugin"]

    def run(*args: str, cwd=tmp_path, env=None) -> subprocess.CompletedProcess:
        return _run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *plugin, *args], cwd, env)
    return run
