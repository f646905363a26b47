"""The pytest plugin: every case file under a `cases/` folder is a pytest.File whose items are the
case x target pairs, named `<case>@<mode/variant>`. Modelled on pytest's "non-python tests" example.

TensorFlow runs in worker processes shared by all items of this pytest process (under
pytest-xdist, each xdist worker has its own), so a crash fails one item, not the session.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.model import REFERENCE

_SESSION = pytest.StashKey["object"]()
_RECORDER = pytest.StashKey["object"]()
_REPORT = pytest.StashKey[Path]()


def pytest_addoption(parser):
    group = parser.getgroup("tfconform", "tfconform conformance cases")
    group.addoption("--tfconform-targets", default=None,
                    help="comma-separated target patterns (default: every mode with the default variants)")
    group.addoption("--tfconform-timeout", type=float, default=60.0,
                    help="seconds one TensorFlow call may take")
    group.addoption("--tfconform-memory-budget", default="1GiB",
                    help="refuse cases whose tensors need more")
    group.addoption("--tfconform-no-cache", action="store_true",
                    help="ask TensorFlow everything again, neither reading nor writing the outcome cache")
    group.addoption("--tfconform-results", default=None, metavar="PATH",
                    help="also write the results file there, gzip-compressed if PATH ends in .gz "
                         "(xdist workers add their id)")
    group.addoption("--tfconform-report", default=None, metavar="DIR",
                    help="write results, tensors and the HTML report to DIR (merged across xdist workers)")


def pytest_configure(config):
    report = config.getoption("tfconform_report", None)
    if report and not hasattr(config, "workerinput"):
        # The controller (or a run without xdist) starts from a clean folder, before any worker
        # writes into it: a stale results.gw3.jsonl.gz of an earlier `-n 4` must not be merged.
        from harness.output.recorder import clear
        clear(Path(report))
    config.addinivalue_line("markers", "tfconform: a conformance case (case x target)")


def _session(config):
    if _SESSION not in config.stash:
        from harness.run.session import Session
        from harness.run.cache import OutcomeCache
        cache = None if config.getoption("tfconform_no_cache") else OutcomeCache()
        config.stash[_SESSION] = Session(timeout=config.getoption("tfconform_timeout"), cache=cache)
    return config.stash[_SESSION]


def pytest_collection_modifyitems(session, config, items):
    """No TensorFlow to run the collected cases on: say so once, before any case runs."""
    from harness.run.session import missing_tensorflow
    problem = missing_tensorflow(sorted({i.target for i in items if isinstance(i, CaseItem)} - {REFERENCE}))
    if problem:
        raise pytest.UsageError(problem)


def pytest_collect_file(parent, file_path: Path):
    if file_path.suffix in (".yaml", ".yml") and "cases" in file_path.parts:
        return CaseFile.from_parent(parent, path=file_path)
    return None


class CaseFileError(Exception):
    pass


class CaseFile(pytest.File):
    def collect(self):
        from harness.args import parse_size, parse_targets
        from harness.cases.loader import load

        try:
            rel = self.path.relative_to(self.config.rootpath)
        except ValueError:
            rel = self.path
        budget = parse_size(self.config.getoption("tfconform_memory_budget"))
        cases, problems = load([rel.as_posix()], memory_budget=budget)
        if problems:
            raise CaseFileError("\n".join(problems))
        from harness.targets import defaults
        targets = parse_targets(self.config.getoption("tfconform_targets") or ",".join(defaults()))
        for case in cases:
            for target in [REFERENCE, *targets]:     # the case's own expect first, once
                if case.applies_to(target):
                    yield CaseItem.from_parent(self, name=f"{case.name}@{target}", case=case,
                                               target=target)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CaseFileError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


class CaseFailure(Exception):
    pass


class CaseItem(pytest.Item):
    def __init__(self, *, case, target, **kwargs):
        super().__init__(**kwargs)
        self.case, self.target = case, target
        self.add_marker(pytest.mark.tfconform)
        self.explained = ""

    def runtest(self):
        session = _session(self.config)
        result = session.run(self.case, self.target)
        recorder = _recorder(self.config)
        if recorder is not None:
            recorder.add(result)
        result.inputs = None
        verdict = result.verdict
        if verdict.status == "skip":
            pytest.skip(verdict.message)
        if verdict.status == "xfail":
            pytest.xfail(verdict.message)
        if verdict.status in ("fail", "xpass"):
            from harness.output.explain import explain
            raise CaseFailure(explain(self.case, self.target, verdict, result.reference, result.tf))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CaseFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, self.case.line - 1, f"{self.case.id} @ {self.target}"


def _store_root(config) -> Path | None:
    """Where tensor files go: the report folder, else next to --tfconform-results, else nowhere."""
    report = config.getoption("tfconform_report", None)
    if report:
        return Path(report)
    path = config.getoption("tfconform_results", None)
    return Path(path).parent if path else None


def _recorder(config):
    """This process's Recorder, when results are asked for."""
    if _RECORDER not in config.stash:
        root = _store_root(config)
        if root is None:
            return None
        from harness.output.recorder import Recorder
        config.stash[_RECORDER] = Recorder(root)
    return config.stash[_RECORDER]


def _worker_path(path: Path) -> Path:
    from harness.output import results
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return results.tagged(path, worker) if worker else path


def pytest_runtest_teardown(item, nextitem):
    """A case's reference outcome is computed once for all its targets; once the next item is
    another case (xdist hands out items in collection order, targets of a case together), it is
    dropped, so memory holds one case at a time, not the whole suite's tensors."""
    if isinstance(item, CaseItem) and getattr(nextitem, "case", None) is not item.case \
            and _SESSION in item.config.stash:
        item.config.stash[_SESSION].forget(item.case)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session):
    """Each process writes its own results (an xdist worker does so before it reports itself
    finished); then the controller, after xdist has stopped the workers (trylast), merges them
    into one report."""
    config = session.config
    recorder = config.stash.get(_RECORDER, None)
    report = config.getoption("tfconform_report", None)
    path = config.getoption("tfconform_results", None)
    if recorder is not None and recorder.records:
        from harness.output import results
        for out in ([Path(report) / results.NAME] if report else []) + ([Path(path)] if path else []):
            recorder.write(_worker_path(out))
    if report and not hasattr(config, "workerinput"):
        from harness.output.recorder import render_folder
        index = render_folder(Path(report))
        if index is not None:
            config.stash[_REPORT] = index


def pytest_terminal_summary(terminalreporter, config):
    index = config.stash.get(_REPORT, None)
    if index is not None:
        terminalreporter.write_line(f"tfconform report: {index}")


def pytest_unconfigure(config):
    session = config.stash.get(_SESSION, None)
    if session is not None:
        session.close()
        if session.cache is not None:
            session.cache.trim()
