"""Sharding: `--shard I/N` splits ids deterministically, every id in exactly one shard, and the
shards' results merged by `tfconform report` are the unsharded run's."""
import argparse
from pathlib import Path

import pytest

from harness.output import results
from harness.cli import main
from harness.cases.shard import parse_shard, selects, shard_of
from harness.sweep import config_id


def test_parse_shard():
    assert parse_shard("2/4") == (2, 4) and parse_shard(" 1 / 1 ") == (1, 1)
    for bad in ("0/4", "5/4", "1/0", "2", "a/b", "-1/3"):
        with pytest.raises(argparse.ArgumentTypeError):
            parse_shard(bad)


@pytest.mark.parametrize("count", [1, 2, 3, 7])
def test_every_id_in_exactly_one_shard(count):
    ids = [f"cases/ops/conv2d.yaml::case_{i}[padding=SAME]" for i in range(500)]
    ids += [config_id("conv2d", 0, i) for i in range(500)]
    shards = [[i for i in ids if selects((s, count), i)] for s in range(1, count + 1)]
    assert sorted(i for shard in shards for i in shard) == sorted(ids)
    assert all(len(s) > len(ids) / count / 2 for s in shards)      # roughly even
    assert all(selects(None, i) for i in ids)
    assert [shard_of(i, count) for i in ids] == [shard_of(i, count) for i in ids]


def test_shard_is_stable_across_versions():
    """CRC-32 of the UTF-8 id: the same on every machine and Python (hash() is not)."""
    assert shard_of("cases/blogs/x.yaml::a", 4) == 4 and shard_of("conv2d-s0-00000", 3) == 2


CASES = """\
cases:
  - id: same
    op: conv2d
    input: {shape: [1, 4, 4, 1], range: 1}
    filters: {shape: [2, 2, 1, 1], fill: 1}
    strides: 1
    padding: SAME
  - id: valid
    op: conv2d
    input: {shape: [1, 4, 4, 1], range: 1}
    filters: {shape: [2, 2, 1, 1], fill: 1}
    strides: 1
    padding: VALID
  - id: stride2
    op: conv2d
    input: {shape: [1, 4, 4, 1], range: 1}
    filters: {shape: [2, 2, 1, 1], fill: 1}
    strides: 2
    padding: SAME
  - id: pool
    op: max_pool2d
    input: {shape: [1, 4, 4, 1], range: 1}
    ksize: 2
    strides: 1
    padding: VALID
  - id: too_big
    op: max_pool2d
    input: {shape: [1, 4, 4, 1], range: 1}
    ksize: 5
    strides: 1
    padding: VALID
"""


def _records(path: Path) -> list[dict]:
    recs, problems = results.read([path] if isinstance(path, Path) else path)
    assert not problems
    return sorted(({k: v for k, v in r.items() if k != "_file"} for r in recs),
                  key=lambda r: (r["id"], r["target"]))


def test_sharded_run_merged_by_report_equals_the_unsharded_run(tmp_path, monkeypatch, capsys, write_cases):
    monkeypatch.chdir(tmp_path)
    write_cases(shard=CASES)
    common = ["--targets", "eager/eigen", "-q"]
    assert main(["run", "cases", "-o", "full", *common]) == 0
    for i in (1, 2):
        assert main(["run", "cases", "-o", f"shard{i}", "--shard", f"{i}/2", *common]) == 0
    full = _records(Path("full/results.jsonl.gz"))
    parts = [_records(Path(f"shard{i}/results.jsonl.gz")) for i in (1, 2)]
    assert len(full) == 5 and all(parts)                  # both shards ran something
    assert {r["id"] for r in parts[0]}.isdisjoint({r["id"] for r in parts[1]})
    assert main(["report", "shard1/results.jsonl.gz", "shard2/results.jsonl.gz", "-o", "merged"]) == 0
    assert _records([Path("shard1/results.jsonl.gz"), Path("shard2/results.jsonl.gz")]) == full
    assert Path("merged/index.html").is_file()
    pages = lambda d: sorted(p.name for p in Path(d, "cases").glob("*.html"))
    assert pages("merged") == pages("full") and len(pages("full")) == 5
    capsys.readouterr()


def test_an_empty_shard_is_not_an_error(tmp_path, monkeypatch, write_cases):
    monkeypatch.chdir(tmp_path)
    write_cases(one=CASES.split("  - id: valid")[0])
    ids = ["cases/one.yaml::same"]
    empty = next(s for s in range(1, 10) if not selects((s, 9), ids[0]))
    assert main(["run", "cases", "-o", "out", "--shard", f"{empty}/9", "--targets", "eager/eigen",
                 "-q", "--no-report"]) == 0
    assert _records(Path("out/results.jsonl.gz")) == []
