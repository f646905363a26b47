"""The report in a real browser: headless Chromium opens the pages, which must load without
console errors or network requests; the filter must narrow the list; a case page must draw its
grids. Screenshots of the index and of a case page are saved (the paths are printed; set
TFCONFORM_SCREENSHOTS=DIR to keep them there) for a person to look at.

Chromium is Debian's `chromium` package (.ci/run installs it). Without it the tests skip, except
in CI (CI=true), where they fail: a report nobody checked in a browser is not tested.
"""
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.output import results
from harness.output.browser import Browser, find_chromium
from harness.output.report import page_name, render

ROOT = Path(__file__).resolve().parent.parent
ATROUS = "cases/blogs/atrous_conv2d_tf12.yaml"
TRANSPOSE = "cases/blogs/conv2d_transpose_padding.yaml"


@pytest.fixture(scope="module")
def browser():
    if not find_chromium():
        message = "headless Chromium not found: apt-get install chromium (or set TFCONFORM_CHROMIUM)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    with Browser() as b:
        yield b


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """A real run of two blog posts' cases (TensorFlow in workers), merged with a shard made
    from the reference in which one value is wrong, so a failure shows too."""
    from test_report import reference_results
    folder = tmp_path_factory.mktemp("browser")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "harness", "run", ATROUS, TRANSPOSE, "-q",
                           "--targets", "eager", "-o", str(folder / "run")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode in (0, 1), proc.stderr
    shard = reference_results([TRANSPOSE], folder / "shard", targets=("function/eigen",),
                              perturb=("transpose_valid_stride2_ambiguous_5x5",))
    paths = [folder / "run" / results.NAME, shard]
    records, problems = results.read(paths)
    assert not problems
    return render(records, folder / "report", meta=results.read_meta(paths))


def _wait(browser, expression, want, seconds=5.0):
    deadline = time.monotonic() + seconds
    while True:
        got = browser.evaluate(expression)
        if got == want or time.monotonic() > deadline:
            return got
        time.sleep(0.05)


def _keep(path: Path) -> Path:
    keep = os.environ.get("TFCONFORM_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        path = Path(shutil.copy(path, Path(keep) / path.name))
    print(f"screenshot: {path}")
    return path


ROWS = "document.querySelectorAll('#results-body tr').length"


def test_index_loads_filters_and_sorts(browser, report, tmp_path):
    browser.errors.clear()
    browser.open(report)
    total = len(results.read([report.parent / ".." / "run" / results.NAME])[0]) + 14
    assert browser.evaluate(ROWS) == total
    assert browser.errors == [] and browser.requests == []
    _keep(browser.screenshot(tmp_path / "index.png"))
    assert browser.evaluate("document.querySelector('#results-body tr').className") == "fail"

    # Typing in the filter box narrows the list (to one case: its expect on the reference, 2 targets).
    browser.evaluate("const q = document.getElementById('f-text'); q.value = 'rate2_same';"
                 "q.dispatchEvent(new Event('input'))")
    assert _wait(browser, ROWS, 3) == 3
    assert "rate2_same" in browser.evaluate("document.querySelector('#results-body a').textContent")
    assert "3 of" in browser.evaluate("document.getElementById('f-count').textContent")
    # The status filter, the URL that remembers it, and a grid cell's link.
    browser.evaluate("document.getElementById('f-text').value = '';"
                 "const s = document.getElementById('f-status'); s.value = 'xfail';"
                 "s.dispatchEvent(new Event('change'))")
    xfails = browser.evaluate("[...document.querySelectorAll('#results-body tr')].map(r => r.className)")
    assert xfails and set(xfails) == {"xfail"} and "status=xfail" in browser.evaluate("location.hash")
    browser.evaluate("document.querySelector('table.matrix td a[href*=\"target=eager/eigen\"]').click()")
    rows = _wait(browser, "[...new Set([...document.querySelectorAll('#results-body tr td:nth-child(3)')]"
                          ".map(t => t.textContent))].join()", "eager/eigen")
    assert rows == "eager/eigen"
    # Sorting by a column reorders the rows, and again reverses them.
    browser.evaluate("document.getElementById('f-clear').click()")
    browser.evaluate("document.querySelector('th[data-key=case]').click()")
    first = browser.evaluate("document.querySelector('#results-body a').textContent")
    browser.evaluate("document.querySelector('th[data-key=case]').click()")
    assert browser.evaluate("document.querySelector('#results-body a').textContent") != first
    assert browser.errors == []


def test_case_pages_draw_the_posts_grids(browser, report, tmp_path):
    browser.errors.clear()
    browser.open(report.parent / page_name(f"{ATROUS}::rate2_same"))
    assert browser.errors == [] and browser.requests == []
    assert browser.evaluate("document.querySelectorAll('table.grid td').length") > 100
    # The reference output's first channel, row by row, as the post printed it.
    rows = browser.evaluate("[...document.querySelectorAll('.figure.output .panel')[0]"
                        ".querySelector('table.grid').rows].slice(1)"
                        ".map(r => [...r.cells].slice(1).map(c => c.textContent).join(' '))")
    assert rows == ["16 24 16 24"] * 4
    colours = browser.evaluate("[...document.querySelectorAll('.figure.output table.grid td')]"
                           ".map(c => c.style.background).filter(Boolean).length")
    assert colours > 0

    page = report.parent / page_name(f"{TRANSPOSE}::transpose_valid_stride2_ambiguous_5x5")
    browser.open(page)
    assert browser.errors == []
    assert browser.evaluate("document.querySelectorAll('table.grid td.bad').length") == 1
    _keep(browser.screenshot(tmp_path / "case.png"))


def test_cli_report_screenshots(report, browser, capsys):
    from harness.cli import main
    folder = report.parent.parent
    out = folder / "cli"
    assert main(["report", str(folder / "run" / results.NAME), str(folder / "shard" / "results.jsonl"),
                 "-o", str(out), "--screenshots"]) == 0
    printed = capsys.readouterr().out
    shots = [out / "screenshots" / "index.png", out / "screenshots" / "case.png"]
    for shot in shots:
        assert f"screenshot: {shot}" in printed
        assert shot.stat().st_size > 10_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
