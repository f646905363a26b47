"""The pytest plugin in a pytest of its own (pytester): memory stays bounded across a suite."""
import textwrap
from pathlib import Path

pytest_plugins = ["pytester"]
ROOT = Path(__file__).resolve().parent.parent

CASES = textwrap.dedent("""\
    cases:
      - id: first
        op: conv2d
        input: {shape: [1, 5, 4, 2], random: {seed: 1}}
        filters: {shape: [2, 3, 2, 3], random: {seed: 2}}
        strides: 1
        padding: VALID
        matrix:
          padding: [VALID, SAME]
      - id: second
        op: max_pool2d
        input: {shape: [2, 4, 5, 1], range: 1}
        ksize: 2
        strides: 2
        padding: SAME
    """)

WATCH = textwrap.dedent("""\
    import pytest
    SIZES = []

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_teardown(item, nextitem):
        from harness.plugin import _SESSION
        if _SESSION in item.config.stash:
            SIZES.append(len(item.config.stash[_SESSION]._cache))

    def pytest_sessionfinish(session):
        print("cache sizes:", SIZES)
    """)


def test_reference_outcomes_are_dropped_once_a_case_has_run(pytester, monkeypatch):
    """Three cases x two targets: every case's reference is computed once for both targets and
    dropped when the next case starts, so the cache never holds more than one case."""
    pytester.makefile(".yaml", **{"cases/few": CASES})
    pytester.makeconftest(WATCH)
    from importlib.metadata import entry_points
    monkeypatch.setenv("PYTHONPATH", str(ROOT))             # this checkout, installed or not
    installed = any(ep.value == "harness.plugin" for ep in entry_points(group="pytest11"))
    result = pytester.runpytest_subprocess("cases", "-s", "-p", "no:cacheprovider",
                                           *([] if installed else ["-p", "harness.plugin"]),
                                           "--tfconform-targets", "eager/eigen,function/eigen")
    result.assert_outcomes(passed=6)
    result.stdout.fnmatch_lines(["*cache sizes: [[]1, 0, 1, 0, 1, 0[]]"])


WRONG_EXPECT = textwrap.dedent("""\
    cases:
      - id: blog_typo
        op: conv2d
        input: {shape: [1, 3, 3, 1], range: 1}
        filters: {shape: [2, 2, 1, 1], fill: 1}
        strides: 1
        padding: VALID
        expect: {values: [12, 16, 24, 29]}
    """)


def test_a_wrong_expect_is_one_failure_named_reference(pytester, monkeypatch):
    """The case's own expect contradicts the reference (29 for 28): one failure, `@reference`,
    and every target passes (TensorFlow agrees with the reference)."""
    pytester.makefile(".yaml", **{"cases/typo": WRONG_EXPECT})
    from importlib.metadata import entry_points
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    installed = any(ep.value == "harness.plugin" for ep in entry_points(group="pytest11"))
    result = pytester.runpytest_subprocess("cases", "-p", "no:cacheprovider", "-rf", "-q",
                                           *([] if installed else ["-p", "harness.plugin"]),
                                           "--tfconform-targets", "eager/eigen,xla/eigen")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["FAILED cases/typo.yaml::blog_typo@reference*"])
    result.stdout.fnmatch_lines(["*the case says 29*the reference 28*"])
