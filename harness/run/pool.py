"""Judge-side handles on TensorFlow worker processes, kept alive between cases: one per variant
(and TensorFlow version), serving that variant's targets of every mode (harness.targets.process).

A worker that dies mid-call yields a `crash` outcome for the request it was running (with its
signal and the tail of its stderr), one that does not answer in time is killed and yields
`timeout`; either way the next call, of whichever mode, starts a fresh worker, so every other case
still runs.
"""
from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from harness.model import Outcome
from harness.targets import Target
from harness.run.wire import PREFIX, decode, frame, payload_size

STARTUP_SECONDS = 120.0     # importing TensorFlow on a loaded 2-core machine is slow
PROJECT_ROOT = str(Path(__file__).resolve().parents[2])


class WorkerDied(Exception):
    pass


def _signal_name(returncode: int | None) -> str:
    if returncode is None:
        return "unknown"
    if returncode < 0:
        try:
            return signal.Signals(-returncode).name
        except ValueError:
            return f"signal {-returncode}"
    return f"exit {returncode}"


# glibc fills memory malloc hands out with the complement of MALLOC_PERTURB_'s byte: a kernel that
# leaves output cells unwritten returns this pattern, the same every call, instead of whatever the
# process held (often zeros, now and then garbage). Workers start with PERTURB and set each
# request's pattern (harness.run.worker); a result with wrong values is asked again with the other
# pattern: cells that change are uninitialised memory.
PERTURB, CHECK_PERTURB = 0x55, 0xAA


def worker_env(target: str, environ=None) -> dict:
    """The environment a target's worker starts with (read by TensorFlow when it loads): the
    target's variant's settings over this process's environment (or `environ`)."""
    env = {**(os.environ if environ is None else environ), **Target.of(target).env}
    env["MALLOC_PERTURB_"] = str(PERTURB)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env["PYTHONPATH"] = PROJECT_ROOT + os.pathsep + env.get("PYTHONPATH", "")
    # Two cores are shared by several workers: keep each from oversubscribing them.
    env.setdefault("TF_NUM_INTEROP_THREADS", "1")
    return env


def interpreter(target: str) -> str:
    """The Python a target's worker runs: this one, or that of the target's TensorFlow version
    (harness.envs; LookupError when it has no environment)."""
    version = Target.of(target).version
    if version is None:
        return sys.executable
    from harness import envs
    return str(envs.python(version))


class Worker:
    """One TensorFlow process for the targets of one variant and version; `target` is any of them
    (each request names its mode)."""

    def __init__(self, target: str, timeout: float = 60.0):
        self.target = target
        self.record = Target.of(target)
        self.timeout = timeout
        self.proc: subprocess.Popen | None = None
        self.tf_version: str | None = None
        self.cpu_flags: frozenset[str] | None = None    # as the worker read them
        self.lock = threading.Lock()
        self._log = None

    # -- process management -------------------------------------------------------------
    def env(self) -> dict:
        return worker_env(self.target)

    def python(self) -> str:
        return interpreter(self.target)

    def start(self) -> None:
        self._log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [self.python(), "-m", "harness.run.worker"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=self._log, env=self.env(), cwd=PROJECT_ROOT)
        header, _ = self._receive(STARTUP_SECONDS)
        self.tf_version = header.get("tf_version")
        flags = header.get("cpu_flags")
        self.cpu_flags = frozenset(flags) if flags is not None else None

    def warm(self) -> None:
        """Start the process now if it is not running (Session.prestart: TensorFlow imports while
        the run loads its cases); a failure is left for the first call to meet and report."""
        with self.lock:
            if self.proc is None:
                try:
                    self.start()
                except Exception:
                    self.proc = None

    def close(self) -> None:
        # Killed rather than told to stop: between calls a worker holds nothing worth a clean exit,
        # and unloading TensorFlow takes a second or two a run would otherwise wait for.
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def _kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
        if self.proc:
            self.proc.wait()

    def log_tail(self, limit: int = 4000) -> str:
        if self._log is None:
            return ""
        self._log.seek(0, os.SEEK_END)
        size = self._log.tell()
        self._log.seek(max(0, size - limit))
        return self._log.read().decode(errors="replace")

    # -- messaging ------------------------------------------------------------------------
    def _read(self, n: int, deadline: float) -> bytes:
        fd = self.proc.stdout.fileno()
        chunks, left = [], n
        while left:
            wait = deadline - time.monotonic()
            if wait <= 0:
                raise TimeoutError
            ready, _, _ = select.select([fd], [], [], wait)
            if not ready:
                raise TimeoutError
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                self.proc.wait()
                raise WorkerDied(_signal_name(self.proc.returncode))
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def _receive(self, seconds: float):
        deadline = time.monotonic() + seconds
        return decode(self._read(payload_size(self._read(PREFIX, deadline)), deadline))

    def call(self, header: dict, arrays: dict[str, np.ndarray]) -> Outcome:
        """Run one request; never raises for anything the worker does."""
        with self.lock:
            start = time.perf_counter()
            try:
                if self.proc is None or self.proc.poll() is not None:
                    self.start()
                try:
                    self.proc.stdin.write(frame(header, arrays))
                    self.proc.stdin.flush()
                except BrokenPipeError:
                    pass        # it died; reading reports how
                reply, outputs = self._receive(self.timeout)
            except TimeoutError:
                log = self.log_tail()
                self._kill()
                self.proc = None
                return Outcome("timeout", error_message=f"no answer within {self.timeout:g} s",
                               log=log, seconds=time.perf_counter() - start)
            except WorkerDied as died:
                log = self.log_tail()
                self.proc = None
                return Outcome("crash", signal=str(died), log=log,
                               error_message=f"TensorFlow worker died ({died})",
                               seconds=time.perf_counter() - start)
            if reply["kind"] == "error":
                return Outcome("error", error_type=reply["error_type"], error_message=reply["message"],
                               origin=reply.get("origin"), seconds=reply.get("seconds", 0.0))
            dtypes = reply.get("dtypes", {})
            outputs = {k: _from_wire(v, dtypes.get(k)) for k, v in outputs.items()}
            return Outcome("value", outputs=outputs, seconds=reply.get("seconds", 0.0))


def _from_wire(array: np.ndarray, dtype: str | None) -> np.ndarray:
    if dtype == "bfloat16":
        import ml_dtypes
        return array.astype(ml_dtypes.bfloat16)
    return array
