"""TensorFlow versions as environments: `tfconform env add 2.20.0` provisions an isolated virtual
environment holding that TensorFlow (uv where it is on PATH, pip otherwise; `tensorflow-cpu` where
it exists for the platform), cached under $TFCONFORM_HOME (default ~/.cache/tfconform/envs). A
target `mode/variant@2.20.0` runs its worker with that environment's Python; the worker needs only
TensorFlow and numpy there (the harness's code comes from this checkout, on PYTHONPATH).
"""
from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path

VERSION = re.compile(r"^\d+\.\d+\.\d+([a-z0-9.+-]*)?$")
# The worker is tested with these TensorFlow minors; others may work and are refused only for lack of a wheel.
SUPPORTED = ("2.16", "2.17", "2.18", "2.19", "2.20", "2.21")


def home() -> Path:
    return Path(os.environ.get("TFCONFORM_HOME") or Path.home() / ".cache" / "tfconform") / "envs"


def folder(version: str) -> Path:
    return home() / f"tf-{version}"


def python(version: str) -> Path:
    """The interpreter of a version's environment; LookupError when it was not added."""
    exe = folder(version) / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if not exe.exists():
        raise LookupError(f"no environment for TensorFlow {version}: run `tfconform env add {version}`")
    return exe


def distribution(version: str) -> str:
    """tensorflow-cpu where it exists (x86-64 Linux and Windows): no CUDA libraries to fetch."""
    machine = platform.machine().lower()
    return "tensorflow-cpu" if machine in ("x86_64", "amd64") and sys.platform != "darwin" else "tensorflow"


def add(version: str, log=print) -> Path:
    """Create (or reuse) the environment of `version`; returns its Python."""
    if not VERSION.match(version):
        raise ValueError(f"not a TensorFlow version: {version!r} (e.g. 2.20.0)")
    if ".".join(version.split(".")[:2]) not in SUPPORTED:
        log(f"note: the worker is tested on TensorFlow {', '.join(SUPPORTED)}; {version} may work")
    target = folder(version)
    if (target / "tfconform.json").exists():
        log(f"TensorFlow {version}: {target} (already there)")
        return python(version)
    if target.exists():
        shutil.rmtree(target)     # a half-made environment of an interrupted add
    target.parent.mkdir(parents=True, exist_ok=True)
    package = f"{distribution(version)}=={version}"
    uv = shutil.which("uv")
    if uv:
        _run([uv, "venv", "--python", sys.executable, str(target)], log)
        exe = python(version)
        _run([uv, "pip", "install", "--python", str(exe), package], log)
    else:
        _run([sys.executable, "-m", "venv", str(target)], log)
        exe = python(version)
        _run([str(exe), "-m", "pip", "install", "-q", "--disable-pip-version-check", package], log)
    probe = subprocess.run([str(exe), "-c", "import os; os.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'; "
                            "import tensorflow as tf; print(tf.__version__)"],
                           capture_output=True, text=True, check=False)
    found = probe.stdout.strip().splitlines()[-1:] or [""]
    if probe.returncode or found[0] != version:
        shutil.rmtree(target, ignore_errors=True)
        raise RuntimeError(f"TensorFlow {version} did not install: {(probe.stderr or probe.stdout).strip()[-500:]}")
    (target / "tfconform.json").write_text(json.dumps({"tf_version": version, "package": package,
                                                       "installer": "uv" if uv else "pip"}) + "\n")
    log(f"TensorFlow {version}: {target}")
    return exe


def _run(argv: list[str], log) -> None:
    log("$ " + " ".join(argv))
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"{argv[0]} failed ({done.returncode}): {(done.stderr or done.stdout).strip()[-800:]}")


def listed() -> list[dict]:
    """The environments there are: version, folder, size."""
    out = []
    for path in sorted(home().glob("tf-*")):
        info = path / "tfconform.json"
        if info.exists():
            size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())
            out.append({**json.loads(info.read_text()), "path": str(path), "bytes": size})
    return out


def remove(version: str) -> bool:
    path = folder(version)
    if not path.exists():
        return False
    shutil.rmtree(path)
    return True


def cmd_env(args) -> int:
    if args.action == "add":
        for version in args.versions:
            try:
                add(version, log=lambda text: print(text, file=sys.stderr))
            except (ValueError, RuntimeError) as exc:
                print(f"tfconform env add {version}: {exc}", file=sys.stderr)
                return 2 if isinstance(exc, ValueError) else 1
        return 0
    if args.action == "remove":
        missing = [v for v in args.versions if not remove(v)]
        for version in missing:
            print(f"no environment for TensorFlow {version}", file=sys.stderr)
        return 1 if missing else 0
    for env in listed():
        print(f"{env['tf_version']:<10} {env['bytes'] / 2 ** 20:8.0f} MiB  {env['path']}  ({env['package']})")
    if not listed():
        print(f"no environments under {home()}")
    return 0
