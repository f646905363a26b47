"""How long `tfconform run` takes again: cold, with nothing changed, and with one case edited.
    python bench/bench_rerun.py [--cases DIR] [--edit FILE OLD NEW]

The command as a user runs it (`python -m harness run cases -o OUT`, the HTML report included), in
a copy of the cases folder and with an outcome cache of its own, so the cold run asks TensorFlow
everything. The edit changes one case the way a user would (by default a seed of one case of
cases/ops/atrous.yaml, so TensorFlow must be asked again for that case alone).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed_run(project: Path, env: dict) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "harness", "run", "cases", "-o", "out", "-q"], cwd=project,
                          env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"tfconform run failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return seconds, proc.stdout.splitlines()[0] if proc.stdout else ""


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cases", default=str(ROOT / "cases"), help="the cases folder to copy (default: cases)")
    p.add_argument("--edit", nargs=3, metavar=("FILE", "OLD", "NEW"),
                   default=["ops/atrous.yaml", "seed: 71}", "seed: 7171}"],
                   help="FILE relative to the cases folder; OLD must occur there once")
    args = p.parse_args()
    name, old, new = args.edit
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        shutil.copytree(args.cases, project / "cases")
        env = dict(os.environ, TFCONFORM_CACHE=str(project / "cache"),
                   PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
        cold, counts = timed_run(project, env)
        warm, _ = timed_run(project, env)
        edited = project / "cases" / name
        text = edited.read_text(encoding="utf-8")
        if text.count(old) != 1:
            raise SystemExit(f"--edit: {old!r} occurs {text.count(old)} times in {name}, not once")
        edited.write_text(text.replace(old, new), encoding="utf-8")
        one, _ = timed_run(project, env)
        size = sum(f.stat().st_size for f in (project / "out").rglob("*") if f.is_file())
        files = sum(1 for f in (project / "out").rglob("*") if f.is_file())
    print(f"{counts}; {os.cpu_count()} CPUs; output folder {size / 1e6:.1f} MB in {files} files")
    print(f"cold (empty outcome cache)    {cold:7.1f} s")
    print(f"rerun, nothing changed        {warm:7.1f} s   (target 10 s: {'met' if warm <= 10 else 'not met'})")
    print(f"rerun, one case edited        {one:7.1f} s   (target 15 s: {'met' if one <= 15 else 'not met'})")


if __name__ == "__main__":
    main()
