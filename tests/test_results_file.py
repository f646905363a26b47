"""results.jsonl on disk (harness.output.results): a case's records written once per case, read
back complete, exactly as `results.record` made them; shards and xdist files merge; a run's reuse
(harness.run.reuse) reads the same records."""
import gzip
import json
from pathlib import Path

import pytest

from harness.output import results
from harness.run import reuse

from test_report import ATROUS, TRANSPOSE, reference_results


def _plain(records):
    return [json.dumps({k: v for k, v in r.items() if k != "_file"}, sort_keys=True) for r in records]


def _case(id_, target, **fields):
    base = {"id": id_, "target": target, "status": "pass", "kind": None, "text": "op: conv2d\n" * 20,
            "args": {"padding": "SAME", "strides": [1, 2]}, "known": [{"reason": "r", "targets": ["*"]}],
            "snippet": "\n".join([f"# Reproduces {id_} on {target}", "import os"] + [f"x{i} = {i}" for i in range(40)]
                                 + [f"run = tf.function(run)  # {target}", ""])}
    return {**base, **fields}


def test_read_gives_back_what_write_wrote_and_the_file_is_smaller(tmp_path):
    path = reference_results([ATROUS, TRANSPOSE], tmp_path / "run",
                             targets=("eager/onednn", "eager/eigen", "function/eigen"), perturb=("rate1_same",))
    records, problems = results.read([path])
    assert not problems and len(records) > 20
    again = tmp_path / "again.jsonl"
    results.write(again, records)
    assert again.read_bytes() == path.read_bytes()                   # deterministic
    back, problems = results.read([again])
    assert not problems and _plain(back) == _plain(records)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    # a case's first line complete, the others what differs (and id, target, status, kind)
    assert all({"id", "target", "status", "kind"} <= line.keys() for line in lines)
    deltas = [line for line in lines if "same_as" in line]
    assert deltas and all("text" not in line and "args" not in line for line in deltas)
    assert any("snippet_edits" in line for line in deltas)
    full = sum(len(json.dumps(r, sort_keys=True, ensure_ascii=False)) + 1 for r in records)
    assert path.stat().st_size < full / 2


def test_a_run_writes_it_compressed_and_readers_take_either(tmp_path):
    """results.jsonl.gz: gzip of the same text, the same bytes every time (no time or name in the
    gzip header); read by content, so a plain file named .gz or a compressed one named .jsonl read
    alike; a file cut short is a problem of that file, not an exception."""
    records = [_case("a", "reference"), _case("a", "eager/eigen"), _case("b", "reference")]
    plain, packed = tmp_path / "results.jsonl", tmp_path / results.NAME
    results.write(plain, records)
    results.write(packed, records)
    assert packed.read_bytes()[:2] == b"\x1f\x8b" and gzip.decompress(packed.read_bytes()) == plain.read_bytes()
    assert len(packed.read_bytes()) < len(plain.read_bytes()) / 3
    first = packed.read_bytes()
    results.write(packed, records)
    assert packed.read_bytes() == first
    (tmp_path / "misnamed.jsonl").write_bytes(first)
    back, problems = results.read([packed, tmp_path / "misnamed.jsonl", plain])
    assert not problems and _plain(back) == _plain(records) * 3
    (tmp_path / "cut.jsonl.gz").write_bytes(first[:len(first) // 2])
    back, problems = results.read([tmp_path / "cut.jsonl.gz"])
    assert back == [] and len(problems) == 1 and problems[0].startswith(f"{tmp_path / 'cut.jsonl.gz'}:0: cannot read")
    (tmp_path / "bad.jsonl.gz").write_bytes(first[:2] + b"\x07" + first[3:])     # not deflate
    assert results.read([tmp_path / "bad.jsonl.gz"])[1] == [f"{tmp_path / 'bad.jsonl.gz'}:0: cannot read: "
                                                            "Unknown compression method"]
    assert results.tagged(packed, "gw1").name == "results.gw1.jsonl.gz"
    assert results.tagged(plain, "gw1").name == "results.gw1.jsonl"
    assert results.meta_path(results.tagged(packed, "gw1")).name == "results.gw1.meta.json"
    assert results.meta_path(plain).name == results.meta_path(packed).name == "results.meta.json"
    assert results.results_files(tmp_path) == sorted([plain, packed])   # not misnamed.jsonl, cut.jsonl.gz


def test_any_records_round_trip(tmp_path):
    """Whatever a record holds: fields missing or added, None for a snippet, booleans against
    numbers, cases interleaved, a TF version repeated."""
    records = [
        _case("a", "reference", snippet=""),
        _case("b", "reference"),
        _case("a", "eager/eigen", status="fail", kind="value", max_abs_err=1.0),
        _case("a", "eager/onednn", max_abs_err=True, extra={"x": [1, 2]}),
        _case("b", "eager/eigen", snippet=None),
        {"id": "a", "target": "xla/eigen", "status": "skip"},                     # most fields gone
        _case("a", "xla/onednn", snippet="something else entirely"),
        _case("a", "xla/onednn", tf_version="2.20.0"),
        _case("c", "reference", args={"padding": 1.0}), _case("c", "eager/eigen", args={"padding": 1}),
    ]
    path = tmp_path / "r.jsonl"
    results.write(path, records + [{"id": "a", "target": "t", "status": "pass", "_col": "private"}])
    back, problems = results.read([path])
    assert not problems
    assert _plain(back) == _plain(records + [{"id": "a", "target": "t", "status": "pass"}])
    assert type(back[-3]["args"]["padding"]) is float and type(back[-2]["args"]["padding"]) is int
    with pytest.raises(ValueError, match="same_as"):       # names the format keeps for itself
        results.write(path, [_case("a", "eager/eigen", same_as="x")])
    # Each record is its own: changing one changes no other.
    back[3]["known"][0]["reason"] = "changed"
    assert back[2]["known"][0]["reason"] == "r"


def test_shards_and_xdist_files_merge(tmp_path):
    """Each file refers only to its own lines, so files read together (CI shards, xdist workers,
    in any order) give each one's records."""
    one = [_case("a", "reference"), _case("a", "eager/eigen")]
    two = [_case("a", "function/eigen", status="fail"), _case("a", "xla/eigen")]
    results.write(tmp_path / "results.gw0.jsonl", one)
    results.write(tmp_path / "results.gw1.jsonl", two)
    back, problems = results.read([tmp_path / "results.gw1.jsonl", tmp_path / "results.gw0.jsonl"])
    assert not problems and _plain(back) == _plain(two + one)
    assert {Path(r["_file"]).name for r in back} == {"results.gw0.jsonl", "results.gw1.jsonl"}


def test_earlier_files_and_broken_lines(tmp_path):
    old = tmp_path / "old.jsonl"       # the earlier format: every line a complete record
    old.write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in [_case("a", "reference"), _case("a", "x")]))
    back, problems = results.read([old])
    assert not problems and _plain(back) == _plain([_case("a", "reference"), _case("a", "x")])
    # A line that refers to a line the file does not have (a line lost, files cut and pasted).
    path = tmp_path / "r.jsonl"
    results.write(path, [_case("a", "reference"), _case("a", "eager/eigen"), _case("a", "xla/eigen")])
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0], lines[2]]) + "\n")
    back, problems = results.read([path])
    assert len(back) == 1 and len(problems) == 1 and ":2: refers to the line of a on eager/eigen" in problems[0]


def test_reuse_reads_results_and_a_journal_cut_short(tmp_path):
    records = [_case("a", "reference", key="k1"), _case("a", "eager/eigen", key="k2"), _case("b", "x")]
    results.write(tmp_path / "results.jsonl", records)
    found, from_journal, _ = reuse.prior_records(tmp_path)
    assert set(found) == {"k1", "k2"} and not from_journal
    assert _plain([found["k2"]]) == _plain([records[1]]) and "_file" not in found["k2"]
    journal = tmp_path / reuse.JOURNAL       # complete records a line, the last one cut short
    journal.write_text(json.dumps(_case("c", "x", key="k3")) + "\n" + json.dumps(_case("d", "x", key="k4"))[:50])
    found, from_journal, _ = reuse.prior_records(tmp_path)
    assert set(found) == {"k1", "k2", "k3"} and from_journal == {"k3"}
