"""`tfconform run` and `pytest --tfconform-report` (with pytest-xdist) make the same report:
each xdist worker writes its own results and tensors, the controller merges them."""
import os

CONV = """\
source: "report run test"
defaults:
  op: conv2d
  input: {shape: [1, 5, 4, 3], random: {seed: 3}}
  filters: {shape: [2, 3, 3, 2], random: {seed: 4}}
  strides: 1
cases:
  - id: same
    padding: SAME
  - id: valid
    padding: VALID
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


def test_cli_and_pytest_xdist_write_the_same_report(tmp_path, write_cases, harness_cli, harness_pytest):
    write_cases(conv=CONV, pool=POOL)
    cli = harness_cli("run", "cases", "-q", "--targets", "eager/eigen", "-o", "cli")
    assert cli.returncode == 0, cli.stderr
    # A stale worker file from an earlier run must not be merged in.
    (tmp_path / "py").mkdir()
    stale = '{"id": "stale", "target": "eager/eigen", "status": "fail"}\n'
    (tmp_path / "py" / "results.gw7.jsonl").write_text(stale)
    run = harness_pytest("cases", "-q", "-n", "2", "--tfconform-targets", "eager/eigen",
                         "--tfconform-report", "py")
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"tfconform report: py{os.sep}index.html" in run.stdout
    assert not (tmp_path / "py" / "results.gw7.jsonl").exists()
    assert sorted(p.name for p in (tmp_path / "py").glob("results*.jsonl*")) in (
        ["results.gw0.jsonl.gz", "results.gw1.jsonl.gz"], ["results.gw0.jsonl.gz"], ["results.gw1.jsonl.gz"])
    for name in ["index.html"] + [f"cases/{p.name}" for p in (tmp_path / "cli" / "cases").glob("*.html")]:
        assert (tmp_path / "cli" / name).read_text() == (tmp_path / "py" / name).read_text(), name
    assert len(list((tmp_path / "py" / "cases").glob("*.html"))) == 3
    # (small tensors go inline into the records: a folder of small cases may have no tensor file)
    assert sorted(p.name for p in (tmp_path / "cli").glob("tensors/*")) == sorted(
        p.name for p in (tmp_path / "py").glob("tensors/*"))
