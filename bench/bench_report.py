"""Renders a report of 10,000 synthetic results with tensors and prints the time and sizes.

    python bench/bench_report.py [--results 10000] [--keep DIR]
    python bench/bench_report.py --folder DIR      # the sizes of a run's folder, as it is

`--folder`: what a run's output folder (`tfconform run ... -o DIR`) holds, part by part (case
pages, tensor files, results files, index and the rest) and in all, with the number of files,
against the targets of a full run's report: at most 20 MB in at most 1,200 files.

2,500 cases x 4 targets, written as two shards (so the merge is part of what is timed), with
stored tensors like a real run's: small NHWC inputs and filters, outputs that mostly agree,
a few per cent value failures, known deviations, errors, crashes, and some tensors large enough
to be summarised. Only `tfconform report` (read, merge, render) is timed, not the synthesis.
Targets on the 2-core reference machine: under 10 s, index.html under 5 MB.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness.output import results                              # noqa: E402
from harness.cli import main                                     # noqa: E402
from harness.model import Case, Known, Outcome, Result, TensorSpec, Verdict  # noqa: E402
from harness.output.tensorstore import TensorStore                      # noqa: E402

TARGETS = ("eager/onednn", "eager/eigen", "function/onednn", "function/eigen")
OPS = ("conv2d", "depthwise_conv2d", "conv2d_transpose", "max_pool2d", "avg_pool2d", "atrous_conv2d")
TIME_LIMIT, SIZE_LIMIT = 10.0, 5 * 1024 * 1024
FOLDER_BYTES, FOLDER_FILES = 20_000_000, 1200       # a full run's folder, results files included


def folder_sizes(folder: Path) -> dict[str, tuple[int, int]]:
    """part -> (files, bytes) of a run's folder, and "total"."""
    parts: dict[str, list[int]] = {}
    for path in sorted(Path(folder).rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(folder)
        part = ("cases/*.html" if rel.parts[0] == "cases" else "tensors/*" if rel.parts[0] == "tensors"
                else "results files" if rel.name.startswith("results") else rel.name)
        entry = parts.setdefault(part, [0, 0])
        entry[0] += 1
        entry[1] += path.stat().st_size
    out = {k: (v[0], v[1]) for k, v in sorted(parts.items(), key=lambda kv: -kv[1][1])}
    out["total"] = (sum(v[0] for v in out.values()), sum(v[1] for v in out.values()))
    return out


def print_folder(folder: Path, full_run: bool = True) -> bool:
    """Prints the folder's sizes; `full_run`: and whether they meet a full run's targets."""
    sizes = folder_sizes(folder)
    for part, (files, size) in sizes.items():
        print(f"{part:>20}: {files:5d} files {size / 1e6:8.2f} MB")
    files, size = sizes["total"]
    ok = files <= FOLDER_FILES and size <= FOLDER_BYTES
    print(f"folder {folder}: {size / 1e6:.2f} MB in {files} files" + (
        f" (target for a full run: at most {FOLDER_BYTES / 1e6:g} MB in {FOLDER_FILES} files): "
        f"{'OK' if ok else 'TARGET MISSED'}" if full_run else ""))
    return ok


def synth_case(i: int, rng) -> tuple[Case, dict, dict]:
    op = OPS[i % len(OPS)]
    big = i % 40 == 0                         # 2.5 % large enough to be summarised
    h = 48 if big else int(rng.integers(3, 9))
    c_in, c_out = (8, 16) if big else (int(rng.integers(1, 4)), int(rng.integers(1, 5)))
    x = rng.integers(-4, 5, (1, h, h, c_in)).astype(np.float32)
    w = rng.integers(-2, 3, (3, 3, c_in, c_out)).astype(np.float32)
    out = rng.normal(0, 10, (1, h, h, c_out))
    path = f"cases/ops/{op}_sweep_{i // 100:02d}.yaml"
    name = f"case_{i:05d}[padding={'SAME' if i % 2 else 'VALID'},strides={1 + i % 3}]"
    known = (Known(("eager/onednn",), "oneDNN rounds differently in this synthetic deviation",
                   tf="==2.21.*", kind="value"),) if i % 50 == 7 else ()
    case = Case(id=f"{path}::{name}", path=path, line=1 + 7 * (i % 100), name=name, op=op,
                args={"strides": 1 + i % 3, "padding": "SAME" if i % 2 else "VALID"},
                tensors={"input": TensorSpec(x.shape, "random", {"seed": i}, "float32"),
                         "filters": TensorSpec(w.shape, "random", {"seed": i + 1}, "float32")},
                source=f"synthetic sweep {i // 100}", known=known,
                text=f"id: case_{i:05d}\nop: {op}\ninput: {{shape: {list(x.shape)}, random: {{seed: {i}}}}}\n")
    return case, {"input": x, "filters": w}, {"output": out}


def synth_result(case: Case, i: int, t: int, ref: dict, rng) -> tuple[Verdict, Outcome, Outcome]:
    target = TARGETS[t]
    r = Outcome("value", outputs=ref)
    tol = 1e-5 * (1 + np.abs(ref["output"]).max())
    if i % 97 == 3 and target.startswith("function"):
        return (Verdict("fail", "unexpected-error", "TensorFlow raised ValueError: Negative dimension size"),
                r, Outcome("error", error_type="ValueError", error_message="Negative dimension size caused by "
                           "subtracting 3 from 2 for '{{node Conv2D}}' with input shapes: [1,2,2,1], [3,3,1,1]."))
    if i % 211 == 5 and target == "eager/onednn":
        return Verdict("fail", "crash", "TensorFlow worker died (SIGABRT)"), r, Outcome(
            "crash", signal="SIGABRT", error_message="TensorFlow worker died (SIGABRT)", log="F0000 check failed\n" * 20)
    got = ref["output"].astype(np.float32)
    bad = (i % 33 == 1 and t % 2 == 0) or (case.known and target == "eager/onednn")
    if bad:
        got = got.copy()
        flat = got.reshape(-1)
        flat[rng.integers(0, flat.size, 3)] += 0.5
    err = np.abs(got - ref["output"])
    details = {"output": {"total": int(err.size), "mismatched": int((err > tol).sum()), "max_tolerance": float(tol),
                          "max_abs_err": float(err.max()), "max_rel_err": float(err.max() / 10),
                          "mean_abs_err": float(err.mean()), "worst": []}}
    if bad:
        status = "xfail" if case.known and target == "eager/onednn" else "fail"
        v = Verdict(status, "value", f"output: {details['output']['mismatched']} of {err.size} elements differ "
                    f"beyond tolerance (max abs err {err.max():.3g})", float(err.max()), 0.05, details)
    else:
        v = Verdict("pass", None, "", float(err.max()), 0.0, details)
    v.snippet = f"# Reproduces {case.id} on {target}\nimport tensorflow as tf\n" + "x = 1\n" * 30
    return v, r, Outcome("value", outputs={"output": got})


def synthesise(folder: Path, n_results: int) -> list[Path]:
    rng = np.random.default_rng(0)
    store = TensorStore(folder)
    shards: list[list[dict]] = [[], []]
    for i in range(n_results // len(TARGETS)):
        case, tensors, ref = synth_case(i, rng)
        for t, target in enumerate(TARGETS):
            verdict, r, tf = synth_result(case, i, t, ref, rng)
            files = store.put(case, target, tensors, r, tf)
            shards[t % 2].append(results.record(Result(case, target, verdict, r, tf), "2.21.0", files))
    paths = []
    for k, records in enumerate(shards):
        path = folder / f"results.shard{k}.jsonl.gz"
        results.write(path, records)
        results.write_meta(path, results.run_meta(TARGETS[k::2], "2.21.0"))
        paths.append(path)
    return paths


def main_(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--results", type=int, default=10_000)
    p.add_argument("--keep", help="render into this folder and keep it (default: a temporary one)")
    p.add_argument("--folder", help="print the sizes of this run's folder (nothing is rendered)")
    args = p.parse_args(argv)
    if args.folder:
        return 0 if print_folder(Path(args.folder)) else 1
    work = Path(tempfile.mkdtemp(prefix="tfconform-bench-"))
    out = Path(args.keep) if args.keep else work / "report"
    try:
        start = time.perf_counter()
        shards = synthesise(work / "runs", args.results)
        synth = time.perf_counter() - start
        tensors = sum(f.stat().st_size for f in (work / "runs" / "tensors").glob("*.npz"))
        results_bytes = sum(f.stat().st_size for f in results.results_files(work / "runs"))
        start = time.perf_counter()
        assert main(["report", *map(str, shards), "-o", str(out)]) == 0
        seconds = time.perf_counter() - start
        index = (out / "index.html").stat().st_size
        pages = list((out / "cases").glob("*.html"))
        total = sum(f.stat().st_size for f in pages)
        print(f"synthesised {args.results} results in {synth:.1f} s; results files {results_bytes / 1e6:.1f} MB "
              f"(small tensors inline); tensor files: "
              f"{len(list((work / 'runs' / 'tensors').glob('*.npz')))}, {tensors / 1e6:.1f} MB")
        print(f"render: {seconds:.2f} s (target < {TIME_LIMIT:g} s)")
        print(f"index.html: {index / 1e6:.2f} MB (target < {SIZE_LIMIT / 1e6:.2f} MB); "
              f"{len(pages)} case pages, {total / 1e6:.1f} MB")
        ok = seconds < TIME_LIMIT and index < SIZE_LIMIT
        print("OK" if ok else "TARGET MISSED")
        print("the report folder (the synthetic runs' results files and tensors are elsewhere):")
        print_folder(out, full_run=False)
        return 0 if ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main_())
