"""The command line contract: exit statuses, path:line problems, filters, results and report,
and a reproduction snippet that really reproduces."""
import subprocess
import sys

import pytest

from harness.args import keyword_filter, parse_size, parse_targets
from harness.cli import main
from harness.output import results

GOOD = """\
source: "cli test <script>alert(1)</script>"
defaults:
  op: conv2d
  input: {shape: [1, 5, 4, 3], random: {seed: 3}}
  filters: {shape: [2, 3, 3, 2], random: {seed: 4}}
  strides: [1, 2, 1, 1]
cases:
  - id: same
    padding: SAME
    expect: {shape: [1, 3, 4, 2]}
  - id: valid
    padding: VALID
    expect: {shape: [1, 2, 2, 2]}
"""

POOL = """\
cases:
  - id: pool
    op: max_pool2d
    input: {shape: [1, 4, 4, 1], range: 1}
    ksize: 2
    strides: 2
    padding: VALID
    expect: {values: [6, 8, 14, 16]}
"""

BROKEN = """\
cases:
  - id: a
    op: conv2d
    input: {shape: [1, 2, 2, 1], values: [1, 2, 3]}
    filters: {shape: [1, 1, 1, 1], fill: 1}
    strides: 1
    padding: SAME
  - id: b
    op: max_pool2d
    inoput: [1]
"""


def test_check_reports_every_problem_with_its_line(write_cases, capsys):
    bad = write_cases(broken=BROKEN) / "broken.yaml"
    assert main(["check", str(bad)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert any(line.startswith(f"{bad}:4: ") and "3 elements" in line for line in err), err
    assert any(line.startswith(f"{bad}:10: ") and "inoput" in line for line in err), err
    assert any(line.startswith(f"{bad}:8: ") and "ksize" in line for line in err), err
    assert not any("Traceback" in line for line in err)


def test_bad_arguments_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["run", "--targets", "graf/onednn"])
    assert exc.value.code == 2
    assert "unknown target pattern graf/onednn" in capsys.readouterr().err


def test_parsers():
    assert parse_size("1GiB") == 1 << 30 and parse_size("512M") == 512 << 20 and parse_size("100") == 100
    assert parse_targets("eager") == ["eager/onednn", "eager/eigen"]
    assert parse_targets("*/eigen,function/onednn") == [
        "eager/eigen", "function/onednn", "function/eigen", "xla/eigen"]
    keep = keyword_filter("conv2d and not transpose or pool")
    assert keep("x.yaml::a conv2d") and not keep("x.yaml::b conv2d_transpose") and keep("max_pool2d")


def test_run_writes_results_and_report_and_merges(tmp_path, write_cases, harness_cli):
    write_cases(good=GOOD, pool=POOL)

    def run(*args):
        return harness_cli("run", "cases", "-q", "--targets", "eager/eigen", *args)

    proc = run("-o", "a", "-k", "not pool")
    assert proc.returncode == 0, proc.stderr
    assert "4 pass" in proc.stdout
    records = results.read([tmp_path / "a" / "results.jsonl.gz"])[0]
    # each case's own expect is checked on the reference once, then TF on every target
    assert [(r["name"], r["target"], r["status"]) for r in records] == [
        ("same", "reference", "pass"), ("same", "eager/eigen", "pass"),
        ("valid", "reference", "pass"), ("valid", "eager/eigen", "pass")]
    assert {"id", "op", "target", "status", "kind", "reference", "tf", "max_abs_err", "message"} <= records[0].keys()
    assert records[1]["tf"]["shape"] == [1, 3, 4, 2] and records[0]["tf"] is None
    # Deterministic: a second run gives the same file, byte for byte.
    proc = run("-o", "b", "-k", "not pool")
    assert (tmp_path / "a" / "results.jsonl.gz").read_bytes() == (tmp_path / "b" / "results.jsonl.gz").read_bytes()
    # The report merges shards and escapes what came from the case file.
    proc = run("-o", "c", "-k", "pool")
    assert proc.returncode == 0, proc.stderr
    assert main(["report", str(tmp_path / "a" / "results.jsonl.gz"), str(tmp_path / "c" / "results.jsonl.gz"),
                 "-o", str(tmp_path / "merged")]) == 0
    index = (tmp_path / "merged" / "index.html").read_text()
    assert index.count('<tr class="pass">') == 6      # 3 cases: expect on the reference, then TF
    pages = list((tmp_path / "merged" / "cases").glob("*.html"))
    assert len(pages) == 3
    from harness.output.report import unpacked_html
    text = "".join(unpacked_html(p.read_text()) for p in pages)
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_report_rejects_non_results(tmp_path, capsys):
    bad = tmp_path / "r.jsonl"
    bad.write_text('{"id": "x"}\nnot json\n')
    assert main(["report", str(bad), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:1: not a tfconform result" in err and f"{bad}:2: not JSON" in err


def test_screenshots_without_chromium_say_so_and_exit_2(tmp_path, capsys, monkeypatch):
    import harness.output.browser
    monkeypatch.setattr(harness.output.browser, "find_chromium", lambda: None)
    results = tmp_path / "r.jsonl"
    results.write_text("")
    assert main(["report", str(results), "-o", str(tmp_path / "out"), "--screenshots"]) == 2
    err = capsys.readouterr().err
    assert "needs headless Chromium" in err and "apt-get install chromium" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_snippet_reproduces_the_case(tmp_path, write_cases):
    from harness.cases.loader import load
    from harness.run.snippet import snippet
    from harness.cases.tensors import make_tensor

    path = write_cases(good=GOOD) / "good.yaml"
    cases, problems = load([str(path)])
    assert not problems
    case = cases[0]
    tensors = {n: make_tensor(s) for n, s in case.tensors.items()}
    script = snippet(case, "function/eigen", None) + "import sys; np.save(sys.argv[1], result.numpy())\n"
    (tmp_path / "repro.py").write_text(script)
    subprocess.run([sys.executable, "repro.py", "out.npy"], cwd=tmp_path, check=True, timeout=300,
                   capture_output=True)
    import numpy as np
    import reference
    got = np.load(tmp_path / "out.npy")
    want = reference.conv2d(**tensors, **case.args)
    assert got.shape == want.shape == (1, 3, 4, 2)
    assert np.allclose(got, want, rtol=1e-5, atol=1e-5)
