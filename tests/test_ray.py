"""The Ray engine (harness.run.ray_engine) on a local Ray instance: the same results.jsonl as the
local engine, a lost actor replaced without a trace in the results, Ray optional.

Skipped only where Ray is not installed and CI is unset: CI installs it (the `test` extra)."""
import json
import os
import signal
import subprocess
import sys
import time
from importlib.util import find_spec
from pathlib import Path

import pytest

from harness.output.results import NAME, read_text

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(find_spec("ray") is None and not os.environ.get("CI"),
                                reason="Ray is not installed (pip install 'tfconform[ray]')")
RUN = ("run", "cases/blogs", "--no-cache", "--no-report", "-q")


@pytest.fixture(scope="module")
def local_blogs(tmp_path_factory):
    """The results file's text of cases/blogs with the local engine (the standard to meet)."""
    out = tmp_path_factory.mktemp("local")
    done = _cli(*RUN, "-o", str(out))
    assert done.returncode in (0, 1), done.stderr[-2000:]
    return read_text(out / NAME)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "harness", *args], cwd=ROOT, env=_env(),
                          capture_output=True, text=True, timeout=600, check=False)


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def _harness_errors(text: str) -> list:
    return [r["id"] for r in map(json.loads, text.splitlines()) if r.get("kind") == "harness-error"]


def test_ray_engine_gives_the_local_engines_results(local_blogs, tmp_path):
    done = _cli(*RUN, "--engine", "ray", "-o", str(tmp_path))
    assert done.returncode in (0, 1), done.stderr[-2000:]
    ray_blogs = read_text(tmp_path / NAME)
    assert len(ray_blogs.splitlines()) > 500 and not _harness_errors(ray_blogs)
    assert ray_blogs == local_blogs


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue            # gone meanwhile
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def _title(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode(errors="replace")
    except OSError:
        return ""


def test_an_actor_killed_mid_call_is_replaced_and_loses_no_result(local_blogs, tmp_path):
    """SIGKILL of an actor's process while it runs a request: the request goes to a new actor;
    the results are the local engine's, with no harness error."""
    from harness.targets import defaults, process
    actors_up = len({process(t) for t in defaults()})       # one per default variant
    run = subprocess.Popen([sys.executable, "-m", "harness", *RUN, "--engine", "ray", "-o", str(tmp_path)],
                           cwd=ROOT, env=_env(), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    killed, hosts = None, set()
    deadline = time.monotonic() + 300
    while run.poll() is None and time.monotonic() < deadline:
        actors = {p: _title(p) for p in _descendants(run.pid) if _title(p).startswith("ray::Host")}
        hosts |= set(actors)
        busy = [p for p, title in actors.items() if title == "ray::Host.call"]
        if killed is None and len(hosts) >= actors_up and busy:     # every variant's actor is up
            os.kill(busy[0], signal.SIGKILL)
            killed = busy[0]
        time.sleep(0.05)
    out, err = run.communicate(timeout=300)
    assert killed is not None, "no busy actor seen to kill"
    assert run.returncode in (0, 1), err[-2000:]
    assert len(hosts) > actors_up, hosts            # the killed actor's replacement
    text = read_text(tmp_path / NAME)
    assert not _harness_errors(text)
    assert text == local_blogs


def test_engine_arguments_are_checked(monkeypatch, capsys):
    from harness.run import ray_engine
    with pytest.raises(SystemExit) as exc:
        ray_engine.make_engine("local", "auto")
    assert exc.value.code == 2 and "--engine ray" in capsys.readouterr().err
    monkeypatch.setattr(ray_engine, "find_spec", lambda name: None)     # as without Ray installed
    with pytest.raises(SystemExit) as exc:
        ray_engine.make_engine("ray", None)
    assert exc.value.code == 2 and "pip install 'tfconform[ray]'" in capsys.readouterr().err
    assert ray_engine.make_engine(None, None) is None


def test_an_interrupted_ray_run_resumes_from_its_journal(local_blogs, tmp_path):
    """The journal of an interrupted run (harness.run.reuse) is taken with either engine: its
    results are not run again (one is marked to see it kept), the rest are the local engine's."""
    from harness.output.results import read
    from harness.run.reuse import JOURNAL
    (tmp_path / "local.jsonl").write_text(local_blogs)
    records = [{k: v for k, v in r.items() if k != "_file"} for r in read([tmp_path / "local.jsonl"])[0]]
    journal = [dict(records[0], message="from the journal")] + records[1:100]
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / JOURNAL).write_text("".join(json.dumps(r) + "\n" for r in journal))
    done = _cli(*RUN, "--engine", "ray", "-o", str(tmp_path / "out"))
    assert done.returncode in (0, 1), done.stderr[-2000:]
    assert "resuming an interrupted run: 100 of its 100 results taken" in done.stderr
    after = [{k: v for k, v in r.items() if k != "_file"} for r in read([tmp_path / "out" / NAME])[0]]
    assert after[0]["message"] == "from the journal" and after[1:] == records[1:]


def test_an_actor_lost_every_time_is_a_harness_error_naming_its_variant():
    """Ray losing a request's actor ATTEMPTS times in a row raises (the session makes that a
    harness-error result, never a verdict on TensorFlow), naming the variant whose actor it was."""
    from harness.run import ray_engine

    class Lost(Exception):
        pass

    class FakeRay:
        def get(self, ref):
            raise Lost("node died")

        def kill(self, actor):
            pass

    class FakeActor:
        class call:
            @staticmethod
            def remote(header, arrays):
                return None

    class FakeEngine:
        ray, lost = FakeRay(), Lost
        spawned = 0

        def spawn(self, target, timeout):
            FakeEngine.spawned += 1
            return FakeActor()

    worker = ray_engine.RayWorker(FakeEngine(), "function/eigen", 10)
    with pytest.raises(RuntimeError, match=r"Ray lost the actor of eigen 5 times in a row; last: Lost: node died"):
        worker.call({}, {})
    assert FakeEngine.spawned == ray_engine.ATTEMPTS


def test_a_session_on_ray_prestarts_without_error(monkeypatch):
    """A rerun starts the workers it will ask while its cases load (Session.prestart); an engine's
    workers take that too (a Ray actor has no process of its own to start ahead)."""
    import threading
    from harness.run import ray_engine
    from harness.run.session import Session
    errors = []
    monkeypatch.setattr(threading, "excepthook", errors.append)

    class Engine:
        def worker(self, target, timeout):
            return ray_engine.RayWorker(self, target, timeout)

    session = Session(engine=Engine())
    before = set(threading.enumerate())
    session.prestart(["eager/eigen", "xla/eigen", "eager/onednn"])
    for thread in set(threading.enumerate()) - before:
        thread.join(10)
    assert not errors and len(session._all) == 2        # one worker per variant
